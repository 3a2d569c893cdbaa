/**
 * Migration within the Production pool, in the real app: web-01 dragged onto another host live-migrates
 * with its console staying up; the drop targets refuse with their reasons while hovering (its own host,
 * not enough memory, another CPU vendor) and the keyboard moves it back (Ctrl+X, arrows, Ctrl+V); the
 * Migrate VM wizard shows the memory pre-check failure of a host on its Destination page before anything
 * starts; "Migrate to Server ▸" disables hosts with XenCenter's reasons and moves two VMs, one task each;
 * Move virtual disk moves a running VM's disk live and a halted VM's disk offline. In Lab, rocky9-eval runs
 * with a CD from xcp-lab-02's local ISO SR: "Migrate to Server ▸" offers xcp-lab-01 disabled with "Please
 * eject your CD", and a drop there is refused for that CD.
 *
 * Changes the pool: db-primary ends on xcp-prod-03, web-02 and lb-01 on xcp-prod-01, web-02's disk on
 * xcp-prod-01's local storage, build-agent-02's disk on xcp-prod-03's local storage.
 */
import type { Locator, Page } from '@playwright/test';
import { expectScreen, loginPrompt } from './console-screen';
import { expect, rowName, saveScreenshot, test } from './fixtures';
import { dragOver } from './tree-drag';

// Live migrations of a few GiB each, waited for on a shared 2-core machine.
test.describe.configure({ timeout: 120_000 });

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const item = (page: Page, name: string) => tree(page).getByRole('treeitem', { name: rowName(name) }).first();
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });
const property = (page: Page, label: string) => page.locator('.app-detail .property-row', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
const dropStatus = (page: Page) => page.locator('.vtree-drop-status');

async function search(page: Page, text: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search resources' }).fill(text);
}

/** Selects a VM through the search box, then shows the whole tree again (the VM stays selected). */
async function selectVm(page: Page, name: string): Promise<void> {
  await search(page, name);
  await item(page, name).click();
  await search(page, '');
}

async function runningOn(page: Page, vm: string): Promise<Locator> {
  await selectVm(page, vm);
  await page.getByRole('tab', { name: 'General', exact: true }).click();
  return property(page, 'Running on');
}

test('web-01 dragged onto xcp-prod-02 live-migrates there, its console staying up', async ({ appPage: page }) => {
  await selectVm(page, 'web-01');
  await page.getByRole('tab', { name: 'Console', exact: true }).click();
  const consoleTab = page.getByRole('region', { name: /^Console of / });
  const status = consoleTab.locator('[data-state]');
  await expect(status).toHaveText('Connected to web-01');
  await expectScreen(consoleTab.getByTestId('console-screen'), loginPrompt('web-01'), 'the login prompt before the migration');
  await consoleTab.evaluate((el) => {
    const w = window as unknown as { consoleStates: string[] };
    w.consoleStates = [];
    const s = el.querySelector('[data-state]')!;
    new MutationObserver(() => w.consoleStates.push(s.getAttribute('data-state')!)).observe(s, { attributes: true });
  });

  await dragOver(page, item(page, 'web-01'), item(page, 'xcp-prod-02'));
  // The pool checks the host while the pointer waits on it, then the row highlights and says what a drop does.
  await expect(dropStatus(page)).toHaveText('Migrate web-01 to xcp-prod-02');
  await expect(item(page, 'xcp-prod-02')).toHaveClass(/is-drop-target/);
  await saveScreenshot(page, 'migration-live--1-drag-over-host');
  await page.mouse.up();

  const confirm = page.getByRole('dialog', { name: 'Migrate' });
  await expect(confirm).toContainText('Do you want to migrate the VM web-01 to the server xcp-prod-02?');
  await confirm.getByRole('button', { name: 'Migrate' }).click();
  await expect(taskPanel(page).getByRole('row', { name: /Migrate to xcp-prod-02 web-01/ }).first()).toBeVisible();
  await saveScreenshot(page, 'migration-live--2-migrating');
  await expect(taskPanel(page).getByRole('row', { name: 'Migrate to xcp-prod-02 web-01: Done' })).toBeVisible({ timeout: 60_000 });

  // The console came back by itself, served by the new host, the guest still at its prompt.
  await expect.poll(() => page.evaluate(() => (window as unknown as { consoleStates: string[] }).consoleStates.join(' ')), { message: 'the console reconnects on the new host', timeout: 45_000 }).toMatch(/(disconnected|connecting).* connected$/);
  await expect(status).toHaveText('Connected to web-01');
  await expectScreen(consoleTab.getByTestId('console-screen'), loginPrompt('web-01'), 'the login prompt after the migration');
  await saveScreenshot(page, 'migration-live--3-console-after-migration');
  await expect(await runningOn(page, 'web-01')).toHaveText('xcp-prod-02');
});

test('drop targets refuse with their reason while hovering; the keyboard moves web-01 back (Ctrl+X, arrows, Ctrl+V)', async ({ appPage: page }) => {
  await selectVm(page, 'web-01');
  await dragOver(page, item(page, 'web-01'), item(page, 'xcp-prod-02'));
  await expect(dropStatus(page)).toHaveText('Cannot drop here: web-01 already runs on xcp-prod-02.');
  await expect(item(page, 'xcp-prod-02')).toHaveClass(/is-drop-refused/);
  await page.mouse.up();

  await selectVm(page, 'db-primary');
  await dragOver(page, item(page, 'db-primary'), item(page, 'xcp-prod-02'));
  await expect(dropStatus(page)).toHaveText(/^Cannot drop here: Not enough memory: \d+(\.\d)? GiB needed, \d+(\.\d)? GiB free\.$/);
  await saveScreenshot(page, 'migration-live--4-refused-memory');
  await page.mouse.up();

  await selectVm(page, 'sandbox-01');
  await dragOver(page, item(page, 'sandbox-01'), item(page, 'xcp-prod-03'));
  await expect(dropStatus(page)).toHaveText('Cannot drop here: CPU incompatible: sandbox-01 is running on AMD CPUs, xcp-prod-03 has Intel CPUs.');
  await page.mouse.up();

  // The keyboard: pick web-01 up, point at xcp-prod-01 with the arrows, drop it there.
  await selectVm(page, 'web-01');
  await tree(page).focus();
  await page.keyboard.press('Control+x');
  await expect(dropStatus(page)).toContainText('Moving 1 object: choose where with the arrow keys');
  for (let i = 0; i < 12; i++) {
    const focused = await tree(page).getAttribute('aria-activedescendant');
    if (focused && (await page.locator(`[id="${focused}"]`).getAttribute('aria-label'))?.startsWith('xcp-prod-01')) break;
    await page.keyboard.press('ArrowUp');
  }
  await expect(dropStatus(page)).toHaveText('Migrate web-01 to xcp-prod-01 (Ctrl+V)');
  await page.keyboard.press('Control+v');
  await page.getByRole('dialog', { name: 'Migrate' }).getByRole('button', { name: 'Migrate' }).click();
  await expect(taskPanel(page).getByRole('row', { name: 'Migrate to xcp-prod-01 web-01: Done' })).toBeVisible({ timeout: 60_000 });
  await expect(await runningOn(page, 'web-01')).toHaveText('xcp-prod-01');
});

test('the Migrate VM wizard shows a host’s memory pre-check failure on its Destination page before anything starts', async ({ appPage: page }) => {
  await selectVm(page, 'db-primary');
  const before = await taskPanel(page).getByRole('row').count().catch(() => 0);
  await item(page, 'db-primary').click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Migrate VM…' }).click();
  const wizard = page.getByRole('dialog', { name: 'Migrate db-primary' });
  const busy = wizard.getByRole('group', { name: 'Servers of Production' }).locator('label', { hasText: 'xcp-prod-02' });
  await expect(busy).toContainText(/Not enough memory: \d+(\.\d)? GiB needed, \d+(\.\d)? GiB free\.\s*HOST_NOT_ENOUGH_FREE_MEMORY/);
  await expect(busy.getByRole('radio')).toBeDisabled();
  await expect(wizard.getByRole('group', { name: 'Servers of Production' }).locator('label', { hasText: 'xcp-prod-01' })).toContainText('Current server');
  await expect(wizard.getByRole('group', { name: 'Servers of Production' }).locator('label', { hasText: 'xcp-prod-03' })).toContainText('Can take the VM');
  // Next without a choice is refused on the page.
  await wizard.getByRole('button', { name: 'Next >' }).click();
  await expect(wizard.getByRole('alert')).toHaveText('Choose the server the VMs go to.');
  await saveScreenshot(page, 'migration-live--5-wizard-memory-precheck');
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard).toBeHidden();
  // Nothing was started.
  await expect(taskPanel(page).getByRole('row', { name: /db-primary/ })).toHaveCount(0);
  expect(await taskPanel(page).getByRole('row').count().catch(() => 0)).toBe(before);
});

test('Migrate to Server ▸ disables hosts with their reasons, moves db-primary, then two VMs at once, one task each', async ({ appPage: page, app }) => {
  await selectVm(page, 'db-primary');
  await item(page, 'db-primary').click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions' });
  await menu.getByRole('menuitem', { name: 'Migrate to Server' }).click();
  const hosts = page.getByRole('menu', { name: 'Migrate to Server' });
  // Each refused host says why beside its name (and in its description, for a screen reader).
  await expect(hosts.getByRole('menuitem', { name: 'xcp-prod-01, Current server' })).toHaveAccessibleDescription('Current server');
  await expect(hosts.getByRole('menuitem', { name: /^xcp-prod-02, Not enough memory: \d+(\.\d)? GiB needed, \d+(\.\d)? GiB free\.$/ })).toHaveAccessibleDescription(/^Not enough memory: /);
  await expect(hosts.getByRole('menuitem', { name: /^xcp-prod-02/ })).toHaveAttribute('aria-disabled', 'true');
  await expect(hosts.getByRole('menuitem', { name: /^xcp-prod-03/ })).not.toHaveAttribute('aria-disabled', 'true');
  await saveScreenshot(page, 'migration-live--6-migrate-to-server-menu');
  await hosts.getByRole('menuitem', { name: /^xcp-prod-03/ }).click();
  await expect(taskPanel(page).getByRole('row', { name: /^Migrate to xcp-prod-03 db-primary/ }).first()).toBeVisible();
  // 32 GiB of a busy database copied in rounds: the simulated clock moves on.
  await app.sim.control('advance-clock', { ms: 2 * 60_000 });
  await expect(taskPanel(page).getByRole('row', { name: 'Migrate to xcp-prod-03 db-primary: Done' })).toBeVisible({ timeout: 30_000 });
  await expect(await runningOn(page, 'db-primary')).toHaveText('xcp-prod-03');

  // Two VMs from the toolbar's menu: one pool_migrate task each.
  await selectVm(page, 'web-02');
  await item(page, 'lb-01').click({ modifiers: ['Control'] });
  await expect(tree(page).getByRole('treeitem', { selected: true })).toHaveCount(2);
  const migrateButton = page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Migrate to Server' });
  await migrateButton.click();
  await page.getByRole('menu', { name: 'Migrate to Server' }).getByRole('menuitem', { name: /^xcp-prod-01/ }).click();
  for (const vm of ['web-02', 'lb-01']) await expect(taskPanel(page).getByRole('row', { name: new RegExp(`^Migrate to xcp-prod-01 ${vm}`) }).first()).toBeVisible();
  // The menu gave focus back to its button, which keeps it while the VMs' state (and the button's verdict)
  // changes, and no tooltip pops up over the work just started; hovered afresh, the button has its tooltip.
  await expect(migrateButton).toBeFocused();
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await migrateButton.hover();
  await expect(page.getByRole('tooltip')).toContainText('Migrate to Server');
  await app.sim.control('advance-clock', { ms: 2 * 60_000 });
  for (const vm of ['web-02', 'lb-01']) await expect(taskPanel(page).getByRole('row', { name: `Migrate to xcp-prod-01 ${vm}: Done` })).toBeVisible({ timeout: 60_000 });
  await expect(await runningOn(page, 'lb-01')).toHaveText('xcp-prod-01');
  await saveScreenshot(page, 'migration-live--7-two-migrated');
});

test('Move virtual disk: a running VM’s disk migrates live to local storage, a halted VM’s disk is copied offline from the SR’s tab', async ({ appPage: page, app }) => {
  await selectVm(page, 'web-02');
  await page.getByRole('tab', { name: 'Storage', exact: true }).click();
  const disks = page.getByRole('table', { name: 'Disks' });
  await disks.getByRole('button', { name: 'Move web-02 system' }).click();
  const dialog = page.getByRole('dialog', { name: 'Move web-02 system' });
  await expect(dialog).toContainText('storage live migration');
  // The current SR and other hosts' local SRs are refused, with the reason.
  await expect(dialog.locator('label', { hasText: 'NFS VM storage' })).toContainText('Current location');
  await expect(dialog.locator('label', { hasText: 'Local storage on xcp-prod-02' })).toContainText('Not reachable from xcp-prod-01');
  await dialog.getByRole('radio', { name: /Local storage on xcp-prod-01/ }).check();
  await saveScreenshot(page, 'migration-live--8-move-disk-dialog');
  await dialog.getByRole('button', { name: 'Move' }).click();
  await expect(taskPanel(page).getByRole('row', { name: /Migrate disk to Local storage/ }).first()).toBeVisible();
  // Disks of tens of GiB stream for minutes at storage speed: the simulated clock moves on.
  await app.sim.control('advance-clock', { ms: 5 * 60_000 });
  await expect(disks.getByRole('row', { name: /web-02 system/ })).toContainText('Local storage', { timeout: 30_000 });

  // A halted VM's disk, from the NFS SR's Storage tab: an offline copy.
  await search(page, 'NFS VM storage');
  await item(page, 'NFS VM storage').click();
  await search(page, '');
  await page.getByRole('tab', { name: 'Storage', exact: true }).click();
  await page.getByRole('table', { name: 'Disks on this SR' }).getByRole('button', { name: 'Move build-agent-02 system' }).click();
  const offline = page.getByRole('dialog', { name: 'Move build-agent-02 system' });
  await expect(offline).toContainText('each disk is copied to the new storage');
  await offline.getByRole('radio', { name: /Local storage on xcp-prod-03/ }).check();
  await offline.getByRole('button', { name: 'Move' }).click();
  await expect(taskPanel(page).getByRole('row', { name: /^Move disk build-agent-02 system/ }).first()).toBeVisible();
  await app.sim.control('advance-clock', { ms: 5 * 60_000 });
  await expect(page.getByRole('table', { name: 'Disks on this SR' }).getByRole('row', { name: /build-agent-02 system/ })).toHaveCount(0, { timeout: 30_000 });
  await selectVm(page, 'build-agent-02');
  await page.getByRole('tab', { name: 'Storage', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Disks' }).getByRole('row', { name: /build-agent-02 system/ })).toContainText('Local storage on xcp-prod-03');
  await saveScreenshot(page, 'migration-live--9-disks-moved');
});

test('a VM with a CD from a local ISO SR: Migrate to Server ▸ says "Please eject your CD" for the server that cannot reach it, and a drop there is refused', async ({ appPage: page }) => {
  await selectVm(page, 'rocky9-eval');
  await item(page, 'rocky9-eval').click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Migrate to Server' }).click();
  const hosts = page.getByRole('menu', { name: 'Migrate to Server' });
  // The pool answers VM_REQUIRES_SR for the ISO SR that only xcp-lab-02 reaches: XenCenter's words for it.
  const lab01 = hosts.getByRole('menuitem', { name: 'xcp-lab-01, Please eject your CD' });
  await expect(lab01).toHaveAttribute('aria-disabled', 'true');
  await expect(lab01).toHaveAccessibleDescription('Please eject your CD');
  await expect(hosts.getByRole('menuitem', { name: 'xcp-lab-02, Current server' })).toHaveAttribute('aria-disabled', 'true');
  await saveScreenshot(page, 'migration-live--10-please-eject-your-cd');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);

  await dragOver(page, item(page, 'rocky9-eval'), item(page, 'xcp-lab-01'));
  await expect(dropStatus(page)).toHaveText('Cannot drop here: Cannot migrate rocky9-eval while a local CD is loaded: eject the CD first.');
  await expect(item(page, 'xcp-lab-01')).toHaveClass(/is-drop-refused/);
  await page.mouse.up();
});
