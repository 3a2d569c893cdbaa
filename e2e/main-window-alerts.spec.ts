/**
 * Alerts in the main window, on the demo scenario: the XAPI messages of both pools with priority, object
 * and pool; filtering by priority, pool and text; dismissing one (message.destroy) removes it for good;
 * the Logs tab says the same in the same words, naming the object; ordinary work (start, shut down,
 * migrate) leaves the alert count as it was, as in XenCenter, while a real alarm (a host failing) raises it.
 * Changes the demo pools: the clock-skew alert of xcp-prod-03 is dismissed; sandbox-01 is shut down and
 * started, xcp-prod-03 goes in and out of maintenance mode (its VMs move to the other Production hosts), and
 * xcp-lab-02 fails.
 */
import type { Page } from '@playwright/test';
import { expect, rowName, saveScreenshot, test } from './fixtures';

// The window as on a small laptop screen (1024×700): every action, reason and dialog must still be reachable there.
test.use({ viewport: { width: 1024, height: 700 } });

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const search = (page: Page) => page.getByRole('searchbox', { name: 'Search resources' });
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });
const alertsTab = (page: Page) => page.getByRole('tablist', { name: 'Tasks and alerts' }).getByRole('tab', { name: /^Alerts/ });
const alertCount = async (page: Page) => Number(/\((\d+)\)/.exec((await alertsTab(page).textContent()) ?? '')?.[1] ?? 0);

async function select(page: Page, name: string) {
  await search(page).fill(name);
  const row = tree(page).getByRole('treeitem', { name: rowName(name) }).first();
  await row.click();
  return row;
}

async function run(page: Page, object: string, menuItem: string, task: RegExp) {
  const row = await select(page, object);
  await row.click({ button: 'right' });
  const entry = page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: menuItem, exact: true });
  await expect(entry).not.toHaveAttribute('aria-disabled', 'true');
  await entry.click();
  await expect(taskPanel(page).getByRole('row', { name: task }).first()).toBeVisible({ timeout: 45_000 });
}

async function openAlerts(page: Page) {
  const tab = page.getByRole('tablist', { name: 'Tasks and alerts' }).getByRole('tab', { name: /^Alerts/ });
  await tab.click();
  const table = page.getByRole('table', { name: 'Alerts' });
  await expect(table).toBeVisible();
  return table;
}

test('lists the alerts of every pool and filters them by priority, pool and text', async ({ appPage: page }) => {
  const table = await openAlerts(page);
  // Alarms read as the measured value against the trigger level, on the object by name.
  await expect(table.getByRole('row', { name: /CPU usage is 93% \(alarm at 90%\), db-primary/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Storage use is 85% \(alarm at 80%\), Lab iSCSI/ })).toBeVisible();
  await saveScreenshot(page, 'main-window-alerts--all');

  const filters = page.getByRole('search', { name: 'Filter alerts' });
  await filters.getByLabel('Pool').selectOption({ label: 'Lab' });
  await expect(table.getByRole('row', { name: /Lab iSCSI/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /db-primary/ })).toHaveCount(0);
  await filters.getByLabel('Pool').selectOption({ label: 'All pools' });

  await filters.getByLabel('Priority').selectOption({ label: 'Major and above' });
  await expect(table.getByRole('row', { name: /^Major: / }).first()).toBeVisible();
  await expect(table.getByRole('row', { name: /^(Warning|Minor|Information): / })).toHaveCount(0);
  await filters.getByLabel('Priority').selectOption({ label: 'All' });

  await filters.getByRole('searchbox', { name: 'Search alerts' }).fill('NTP');
  await expect(table.getByRole('row', { name: /Host clock skew detected, xcp-prod-03/ })).toBeVisible();
  await expect(filters.getByRole('status')).toHaveText(/^1 of \d+ alerts$/);
  await saveScreenshot(page, 'main-window-alerts--filtered');
});

test('dismisses an alert: it is deleted from the pool and leaves the list', async ({ appPage: page }) => {
  const table = await openAlerts(page);
  const tab = page.getByRole('tab', { name: /^Alerts/ });
  const before = Number(/\((\d+)\)/.exec((await tab.textContent()) ?? '')?.[1]);
  const alert = table.getByRole('row', { name: /Host clock skew detected, xcp-prod-03/ });
  await expect(alert).toBeVisible();
  await alert.getByRole('button', { name: /^Dismiss/ }).click();
  await expect(alert).toHaveCount(0);
  await expect(tab).toHaveText(`Alerts (${before - 1})`);
  await saveScreenshot(page, 'main-window-alerts--dismissed');

  // Gone from the pool itself, not only from this window: a fresh window does not list it.
  await page.reload();
  const again = await openAlerts(page);
  await expect(again.getByRole('row', { name: /CPU usage is 93%/ })).toBeVisible();
  await expect(again.getByRole('row', { name: /Host clock skew detected/ })).toHaveCount(0);
});

test('the Logs tab says what the Alerts panel says, in the same words, naming the object', async ({ appPage: page }) => {
  const table = await openAlerts(page);
  const alert = table.getByRole('row', { name: /CPU usage is 93% \(alarm at 90%\), db-primary/ });
  await expect(alert).toBeVisible();
  await select(page, 'db-primary');
  await page.locator('.app-detail').getByRole('tab', { name: 'Logs' }).click();
  const log = page.locator('.app-detail').getByRole('table', { name: 'Log' });
  const entry = log.getByRole('row', { name: 'CPU usage is 93% (alarm at 90%), db-primary' });
  await expect(entry).toBeVisible();
  await expect(entry.getByRole('cell', { name: 'db-primary', exact: true })).toBeVisible();
  await expect(entry.getByRole('cell', { name: 'Warning', exact: true })).toBeVisible();
  await expect(log).not.toContainText('<value>');
  await saveScreenshot(page, 'main-window-alerts--logs-tab');
});

test('ordinary actions leave the alert count as it was; a real alarm raises it', async ({ appPage: page, app }) => {
  test.setTimeout(180_000); // a start, an evacuation and its way back, a shutdown, in simulated time
  await openAlerts(page);
  const before = await alertCount(page);
  expect(before).toBeGreaterThan(0);

  await page.getByRole('tablist', { name: 'Tasks and alerts' }).getByRole('tab', { name: /^Tasks/ }).click();
  await run(page, 'sandbox-01', 'Shut down', /^Shut down sandbox-01: Done$/);
  await run(page, 'sandbox-01', 'Start', /^Start sandbox-01: Done$/);
  // Maintenance mode live-migrates the host's VMs (VM_MIGRATED messages), and back. A Production host: in Lab,
  // moving k8s-lab-1 restarts xscontainer's monitoring of it, which withdraws its "cannot monitor" alert until the
  // new host has failed for two minutes too (as the real service does).
  const host = await select(page, 'xcp-prod-03');
  await host.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Enter maintenance mode…' }).click();
  await page.getByRole('dialog', { name: 'Put xcp-prod-03 in maintenance mode?' }).getByRole('button', { name: 'Enter maintenance mode' }).click();
  await expect(taskPanel(page).getByRole('row', { name: 'Move VMs off host xcp-prod-03: Done' })).toBeVisible({ timeout: 45_000 });
  await (await select(page, 'xcp-prod-03')).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Exit maintenance mode' }).click();
  await expect(tree(page).getByRole('treeitem', { name: 'xcp-prod-03, connected' })).toBeVisible();
  // The lifecycle events are there, in the VMs' logs, but not among the alerts.
  await select(page, 'sandbox-01');
  await page.locator('.app-detail').getByRole('tab', { name: 'Logs' }).click();
  await expect(page.locator('.app-detail').getByRole('row', { name: /^VM started, sandbox-01$/ }).first()).toBeVisible();
  await expect(page.locator('.app-detail').getByRole('row', { name: /^VM shut down, sandbox-01$/ }).first()).toBeVisible();
  await select(page, 'lb-01');
  await page.locator('.app-detail').getByRole('tab', { name: 'Logs' }).click();
  await expect(page.locator('.app-detail').getByRole('row', { name: /^VM migrated, lb-01$/ }).first()).toBeVisible();
  expect(await alertCount(page)).toBe(before);
  await saveScreenshot(page, 'main-window-alerts--count-unchanged');

  // A host failing is an alarm.
  await app.sim.control('kill-host', { host: 'xcp-lab-02' });
  await expect.poll(() => alertCount(page), { timeout: 30_000 }).toBe(before + 1);
  const table = await openAlerts(page);
  await expect(table.getByRole('row', { name: /^Major: Host offline, xcp-lab-02$/ })).toBeVisible();
  await search(page).fill('');
  await saveScreenshot(page, 'main-window-alerts--alarm-raises-count');
});
