/**
 * High availability on the demo's Production pool, from the pool's context menu to a live host failure:
 * the Configure HA wizard (heartbeat SR checked live, priorities with "failures tolerated" recomputed as
 * they change, summary, Finish as one task), the HA tab, a member failing and its protected VMs coming
 * back on the other hosts in order with XenCenter's alerts, the master failing and the connection
 * following the new one, the failed hosts restarting and rejoining, and HA disabled again.
 * The simulated clock is moved with the control endpoint so the HA timeouts pass in seconds.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, rowName, saveScreenshot, test } from './fixtures';

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });

async function row(page: Page, name: string): Promise<Locator> {
  await page.getByRole('searchbox').first().fill(name);
  const item = tree(page).getByRole('treeitem', { name: rowName(name) }).first();
  await expect(item).toBeVisible();
  return item;
}

/** The pool's row once it is the pool (while the app still connects, the row is the connection's, with its own menu). */
async function poolRow(page: Page, name: string): Promise<Locator> {
  await expect(tree(page).getByRole('treeitem', { name: `${name}, connected` }).first()).toBeVisible({ timeout: 30_000 });
  return row(page, name);
}

const wizard = (page: Page) => page.getByRole('dialog', { name: /^Configure HA on Production/ });
const plan = (page: Page) => wizard(page).getByRole('table', { name: 'Restart priorities' });
const priority = (page: Page, vm: string) => wizard(page).getByRole('combobox', { name: `Restart priority of ${vm}` });
const haTab = (page: Page) => page.getByRole('tabpanel');
const protectedVm = (page: Page, vm: string) => page.getByRole('table', { name: 'VMs HA restarts' }).getByRole('row', { name: new RegExp(`^${vm} `) });
const heartbeat = (page: Page, host: string) => page.getByRole('table', { name: 'Heartbeating status' }).getByRole('row', { name: new RegExp(`^${host}`) });
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });
const advance = (app: { sim: { control(f: 'advance-clock', b: { ms: number }): Promise<void> } }, ms: number) => app.sim.control('advance-clock', { ms });

test('configures HA on Production with the NFS SR, watching the failures tolerated follow the priorities', async ({ app, appPage: page }) => {
  test.setTimeout(120_000);
  const pool = await poolRow(page, 'Production');
  await pool.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Configure HA…' }).click();

  // Heartbeat SR: each shared SR checked live; the ISO library cannot hold the statefile.
  await expect(wizard(page)).toBeVisible();
  const srs = wizard(page).getByRole('group', { name: 'Heartbeat SR' });
  await expect(srs.getByRole('radio', { name: /NFS VM storage/ })).toBeEnabled();
  await expect(srs.getByText('This kind of storage cannot hold the heartbeat statefile.')).toBeVisible();
  await expect(srs.getByRole('radio', { name: /ISO library/ })).toBeDisabled();
  await srs.getByRole('radio', { name: /NFS VM storage/ }).check();
  await saveScreenshot(page, 'ha--wizard-heartbeat-sr');
  await wizard(page).getByRole('button', { name: 'Next >' }).click();

  // HA plan: the demo's priorities, the maximum computed by the pool.
  await expect(plan(page)).toBeVisible();
  for (const vm of ['db-primary', 'web-01', 'web-02', 'lb-01', 'mail']) await expect(priority(page, vm)).toHaveValue('restart');
  const tolerated = wizard(page).getByRole('textbox', { name: 'Failures tolerated:' });
  await expect(wizard(page).getByText('(max = 1)')).toBeVisible();
  await expect(tolerated).toHaveValue('1');
  await expect(wizard(page).getByRole('status').filter({ hasText: 'HA is guaranteed' })).toBeVisible();
  await expect(plan(page).getByRole('row', { name: /db-primary/ }).getByRole('cell', { name: 'Yes' })).toBeVisible();

  // Without db-primary protected the pool can take two failures; the figure follows until typed.
  await priority(page, 'db-primary').selectOption({ label: 'Restart if possible' });
  await expect(wizard(page).getByText('(max = 2)')).toBeVisible();
  await expect(tolerated).toHaveValue('2');
  await saveScreenshot(page, 'ha--wizard-plan-max-2');
  // Asking for 2 and protecting db-primary again overcommits the pool: said, and Next refuses.
  await tolerated.fill('');
  await tolerated.fill('2');
  await priority(page, 'db-primary').selectOption({ label: 'Restart' });
  await expect(wizard(page).getByText('(max = 1)')).toBeVisible();
  await expect(wizard(page).getByRole('status').filter({ hasText: 'overcommitted' })).toBeVisible();
  await saveScreenshot(page, 'ha--wizard-plan-overcommitted');
  await wizard(page).getByRole('button', { name: 'Next >' }).click();
  await expect(wizard(page).getByRole('alert').filter({ hasText: 'at most 1 server failure' })).toBeVisible();
  await tolerated.fill('1');
  await priority(page, 'db-replica').selectOption({ label: 'Restart if possible' });
  await expect(wizard(page).getByRole('status').filter({ hasText: 'HA is guaranteed. The maximum number of server failures that HA can protect against is 1.' })).toBeVisible();
  await saveScreenshot(page, 'ha--wizard-plan');
  await wizard(page).getByRole('button', { name: 'Next >' }).click();

  // Summary, then Finish: one task with progress in the panel.
  const summary = wizard(page).getByRole('form', { name: 'Summary' });
  await expect(summary).toContainText('NFS VM storage');
  await expect(summary).toContainText('Failures tolerated1');
  await expect(summary).toContainText('Restart5 VMs');
  await expect(summary).toContainText('Restart if possible1 VM');
  await saveScreenshot(page, 'ha--wizard-summary');
  await wizard(page).getByRole('button', { name: 'Finish' }).click();
  await expect(wizard(page)).toBeHidden();

  // One task in the panel, with progress, done once the pool has armed every host (a simulated second each).
  const task = taskPanel(page).getByRole('row', { name: /^Enable HA/ });
  await expect(task.getByRole('progressbar')).toBeVisible();
  // The setters before it are quick calls, not tasks of their own: the panel holds the one enable task.
  await expect(taskPanel(page).getByRole('row')).toHaveCount(2);
  await advance(app, 12_000);
  await expect(task).toContainText('Done');
  await saveScreenshot(page, 'ha--enable-task-done');
});


async function openHaTab(page: Page): Promise<void> {
  await (await poolRow(page, 'Production')).click();
  await page.getByRole('searchbox').first().fill('');
  await page.getByRole('tab', { name: 'HA', exact: true }).click();
}

test('shows HA on in the HA tab once the enable task has run: capacity, heartbeats and the protected VMs', async ({ app, appPage: page }) => {
  await openHaTab(page);
  await expect(haTab(page).getByText('HA is currently enabled for pool ‘Production’')).toBeVisible();
  const config = page.getByRole('region', { name: 'Configuration' });
  await expect(config).toContainText('Heartbeat SRNFS VM storage');
  await expect(config).toContainText('Configured failure capacity1');
  await expect(config).toContainText('Current failure capacity1');
  // The hosts report their heartbeats on the monitor's next pass.
  await advance(app, 21_000);
  for (const host of ['xcp-prod-01', 'xcp-prod-02', 'xcp-prod-03']) await expect(heartbeat(page, host)).toContainText('HealthyHealthy');
  await expect(protectedVm(page, 'db-primary')).toContainText('Restart0');
  await expect(protectedVm(page, 'db-replica')).toContainText('Restart if possible');
  await saveScreenshot(page, 'ha--tab-enabled');
});

async function demoControl(page: Page, item: 'Fail host…' | 'Restart host…', host: string): Promise<void> {
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Demo controls' }).click();
  await page.getByRole('menuitem', { name: item }).click();
  const verb = item === 'Fail host…' ? 'Fail' : 'Restart';
  const dialog = page.getByRole('dialog', { name: `${verb} a host of Production (demo)` });
  await dialog.getByRole('radio', { name: new RegExp(`^${host}`) }).check();
  await saveScreenshot(page, `ha--demo-${verb.toLowerCase()}-host`);
  await dialog.getByRole('button', { name: `${verb} ${host}` }).click();
  await expect(dialog).toBeHidden();
}

async function openAlerts(page: Page): Promise<Locator> {
  await page.getByRole('tablist', { name: 'Tasks and alerts' }).getByRole('tab', { name: /^Alerts/ }).click();
  return page.getByRole('table', { name: 'Alerts' });
}

const startedAt = async (page: Page, vm: string) => Date.parse((await protectedVm(page, vm).locator('time').getAttribute('datetime')) ?? '');

test('fails the pool master from Demo controls: the connection follows the new master, HA restarts its VMs in order, and the host rejoins', async ({ app, appPage: page }) => {
  test.setTimeout(150_000);
  await openHaTab(page);
  await expect(heartbeat(page, 'xcp-prod-01')).toContainText('(master)');
  await demoControl(page, 'Fail host…', 'xcp-prod-01');

  // The master's address stops answering at once; HA is on, so the window says it is looking for the next one.
  const strip = page.getByRole('status').filter({ hasText: 'Production:' });
  await expect(strip).toContainText('lost the pool master xcp-prod-01');
  await expect(haTab(page).getByRole('status').filter({ hasText: 'this is the last state XenDeck saw' })).toBeVisible();
  await saveScreenshot(page, 'ha--master-lost');

  // After the heartbeat timeout a member is elected and handles the failure; the client finds it by itself.
  await advance(app, 80_000);
  await expect(strip).toContainText('the pool master moved from xcp-prod-01 to xcp-prod-02', { timeout: 30_000 });
  await expect(tree(page).getByRole('treeitem', { name: 'xcp-prod-01, unreachable' })).toBeVisible();
  await expect(heartbeat(page, 'xcp-prod-01')).toContainText('(failed)');
  await expect(heartbeat(page, 'xcp-prod-02')).toContainText('(master)');

  // Its protected VMs come back on the two other hosts, group by group in start order; the others stay halted.
  await advance(app, 30_000);
  for (const vm of ['db-primary', 'web-01']) await expect(protectedVm(page, vm)).toContainText(/Running on xcp-prod-0[23]/);
  expect(await startedAt(page, 'db-primary')).toBeLessThan(await startedAt(page, 'web-01'));
  for (const vm of ['lb-01', 'mail']) await expect(protectedVm(page, vm)).toContainText('Running on xcp-prod-03');
  await expect(tree(page).getByRole('treeitem', { name: 'vpn-gw, shut down' })).toHaveAttribute('aria-level', '2');
  // Two hosts cannot cover another failure of five protected VMs: the current capacity is shown in red.
  const config = page.getByRole('region', { name: 'Configuration' });
  await expect(config).toContainText('Current failure capacity0 - the pool is overcommitted');
  await page.getByRole('table', { name: 'VMs HA restarts' }).scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'ha--tab-after-master-failure');

  const alerts = await openAlerts(page);
  await expect(alerts.getByRole('row', { name: /Server failed/ })).toContainText("Server 'xcp-prod-01' has failed.");
  await expect(alerts.getByRole('row', { name: /Pool master changed/ })).toContainText("Server 'xcp-prod-02' is now the master of pool 'Production'.");
  await expect(alerts.getByRole('row', { name: /Drop in HA failover tolerance/ }).first()).toContainText("The failover tolerance for pool 'Production' has dropped to 0");
  await saveScreenshot(page, 'ha--alerts-after-failure');

  // Restarted, the fenced host rejoins as a member and counts again.
  await demoControl(page, 'Restart host…', 'xcp-prod-01');
  await advance(app, 20_000);
  await expect(alerts.getByRole('row', { name: /Server recovered/ })).toContainText("Server 'xcp-prod-01' was fenced, and has now successfully restarted and rejoined the pool.");
  await expect(tree(page).getByRole('treeitem', { name: 'xcp-prod-01, unreachable' })).toHaveCount(0);
  await expect(tree(page).getByRole('treeitem', { name: rowName('xcp-prod-01') })).toBeVisible();
  await advance(app, 21_000);
  await expect(heartbeat(page, 'xcp-prod-01')).toContainText('HealthyHealthy');
  await expect(heartbeat(page, 'xcp-prod-01')).not.toContainText('(master)');
  await expect(config).toContainText('Current failure capacity1');
  await saveScreenshot(page, 'ha--tab-host-rejoined');
});

test('edits the restart priorities while HA is on, then disables HA after saying what is lost', async ({ app, appPage: page }) => {
  await openHaTab(page);
  await haTab(page).getByRole('button', { name: 'Edit restart priorities…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit HA restart priorities of Production' });
  await expect(dialog.getByRole('combobox', { name: 'Restart priority of db-replica' })).toHaveValue('best-effort');
  await dialog.getByRole('combobox', { name: 'Restart priority of db-replica' }).selectOption({ label: 'Do not restart' });
  await expect(dialog.getByRole('status').filter({ hasText: 'HA is guaranteed' })).toBeVisible();
  await saveScreenshot(page, 'ha--edit-priorities');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeHidden();
  await advance(app, 5_000);
  await expect(taskPanel(page).getByRole('row', { name: /^Save HA restart priorities/ })).toContainText('Done');
  await expect(protectedVm(page, 'db-replica')).toHaveCount(0);

  await haTab(page).getByRole('button', { name: 'Disable HA…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Disable HA on Production?' });
  await expect(confirm).toContainText('No VM is restarted when a server fails (5 VMs are set to Restart now).');
  await saveScreenshot(page, 'ha--disable-confirmation');
  await confirm.getByRole('button', { name: 'Disable HA' }).click();
  await advance(app, 10_000);
  await expect(haTab(page).getByText('HA is not currently enabled for pool ‘Production’.', { exact: false })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Heartbeating status' })).toHaveCount(0);
});
