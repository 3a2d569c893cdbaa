/**
 * Migration from the Lab pool (AMD servers) to other pools, in the real app: the running sandbox-01 cannot
 * live-migrate to Production (Intel), and the Destination page of the Migrate VM wizard says so for each
 * Production server before anything starts, while xcp-lab-03, the Lab's spare AMD server (a standalone
 * server), can take it. Live-migrating there with its disks and cancelled half way from the task panel, it is
 * still running in Lab and nothing of it is on xcp-lab-03. Dropped on xcp-lab-03 in the tree, a running Lab VM
 * opens the wizard with that server chosen. Copy to Another Pool… makes a copy of the halted test-win10 in
 * Production and leaves it in Lab. Shut down, sandbox-01 moves halted with Move VM…: its disk mapped to the
 * NFS SR, its interface to "VM traffic (bond0)"; it shows in Production's tree with its snapshots and is gone
 * from Lab.
 *
 * Changes the pools: test-win10 has a copy in Production; sandbox-01 ends halted in Production.
 */
import type { Locator, Page } from '@playwright/test';
import { loginToPool, type PoolSession } from './console-xapi';
import { expect, rowName, saveScreenshot, test, type AppUnderTest } from './fixtures';
import { dragOver } from './tree-drag';

// Disks of tens of GiB stream at storage speed, waited for on a shared 2-core machine.
test.describe.configure({ timeout: 120_000 });

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });
const MOVE_TASK = 'Move to xcp-prod-02 sandbox-01';
const property = (page: Page, label: string) => page.locator('.app-detail .property-row', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');

/** A session on a demo pool (or standalone server) of this run, for reading what the server itself holds. */
function session(app: AppUnderTest, label: string): Promise<PoolSession> {
  const pool = app.demo!.pools.find((p) => p.label === label);
  if (!pool) throw new Error(`no demo connection ${label}`);
  return loginToPool(pool);
}

type Rec = Record<string, unknown>;
const guestsOf = async (xapi: PoolSession) => Object.values(await xapi.call<Record<string, Rec>>('VM.get_all_records')).filter((v) => !v.is_a_template && !v.is_control_domain && !v.is_a_snapshot);

async function search(page: Page, text: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search resources' }).fill(text);
}

/** The rows the tree keeps for a search: the matches and the pools and hosts they are in. */
async function searchedRows(page: Page, text: string): Promise<Locator> {
  await search(page, text);
  return tree(page).getByRole('treeitem');
}

async function openWizardFor(page: Page, vm: string, action: 'Migrate VM…' | 'Move VM…' | 'Copy to Another Pool…'): Promise<Locator> {
  await search(page, vm);
  await tree(page).getByRole('treeitem', { name: rowName(vm) }).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: action }).click();
  return page.getByRole('dialog', { name: `${action.replace(/ (VM|to Another Pool)…$/, '')} ${vm}` });
}

/** Move VM… for the halted sandbox-01 to xcp-prod-02, its disk to the NFS SR and its interface to the bond, up to the summary. */
async function planMoveToProduction(page: Page): Promise<Locator> {
  const wizard = await openWizardFor(page, 'sandbox-01', 'Move VM…');
  const target = wizard.getByRole('group', { name: 'Servers of Production' }).locator('label', { hasText: 'xcp-prod-02' });
  await expect(target).toContainText('Can take the VM');
  await target.getByRole('radio').check();
  await wizard.getByRole('button', { name: 'Next >' }).click();

  // Storage: the one disk, its two snapshots' disks following it.
  await expect(wizard.getByRole('heading', { name: 'Storage' })).toBeVisible();
  const disks = wizard.getByRole('table', { name: 'Where each disk goes' });
  await expect(disks.getByRole('row', { name: /sandbox-01 system/ })).toContainText('+ 2 snapshot disks follow');
  const disk = disks.getByRole('combobox', { name: 'Storage for sandbox-01 system' });
  const nfs = await disk.locator('option', { hasText: /^NFS VM storage/ }).getAttribute('value');
  await disk.selectOption(nfs!);
  await wizard.getByRole('button', { name: 'Next >' }).click();

  // Networking: a Lab network means nothing in Production; the interface needs a network there.
  await expect(wizard.getByRole('heading', { name: 'Networking' })).toBeVisible();
  await wizard.getByRole('combobox', { name: /^Network for sandbox-01 interface 0/ }).selectOption({ label: 'VM traffic (bond0)' });
  await wizard.getByRole('button', { name: 'Next >' }).click();

  await expect(wizard.getByRole('heading', { name: 'Migration network' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Next >' }).click();

  const summary = wizard.getByRole('form', { name: 'Summary' });
  await expect(summary).toContainText('xcp-prod-02 in Production');
  await expect(summary).toContainText('sandbox-01 system → NFS VM storage');
  await expect(summary).toContainText('→ VM traffic (bond0)');
  return wizard;
}

test('the running sandbox-01 cannot live-migrate to Production’s Intel servers: the Destination page says so before anything starts', async ({ appPage: page }) => {
  const wizard = await openWizardFor(page, 'sandbox-01', 'Migrate VM…');
  const production = wizard.getByRole('group', { name: 'Servers of Production' });
  for (const host of ['xcp-prod-01', 'xcp-prod-02', 'xcp-prod-03']) {
    const option = production.locator('label', { hasText: host });
    await expect(option).toContainText(`CPU incompatible: sandbox-01 is running on AMD CPUs, ${host} has Intel CPUs. VM_INCOMPATIBLE_WITH_THIS_HOST`);
    await expect(option.getByRole('radio')).toBeDisabled();
  }
  // Its own pool's other AMD server can take it live.
  const lab = wizard.getByRole('group', { name: 'Servers of Lab' });
  await expect(lab.locator('label', { hasText: 'xcp-lab-01' })).toContainText('Current server');
  await expect(lab.locator('label', { hasText: 'xcp-lab-02' })).toContainText('Can take the VM');
  // So can the Lab's spare AMD server, a standalone server offered as itself.
  const spare = wizard.getByRole('group', { name: 'Standalone server xcp-lab-03' });
  await expect(spare.locator('label', { hasText: 'xcp-lab-03' })).toContainText('Can take the VM');
  await spare.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'migration-cross-pool--1-cpu-vendor-precheck');
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard).toBeHidden();
  await expect(taskPanel(page).getByRole('row', { name: /sandbox-01/ })).toHaveCount(0);
});

test('the running sandbox-01 live-migrates to the standalone xcp-lab-03 with its disks; cancelled half way, it is still running in Lab and nothing of it is there', async ({ appPage: page, app }) => {
  const wizard = await openWizardFor(page, 'sandbox-01', 'Migrate VM…');
  const spare = wizard.getByRole('group', { name: 'Standalone server xcp-lab-03' }).locator('label', { hasText: 'xcp-lab-03' });
  await expect(spare).toContainText('Can take the VM');
  await spare.getByRole('radio').check();
  await wizard.getByRole('button', { name: 'Next >' }).click();
  // Its disk goes to the server's local storage (its only SR), the snapshots' disks with it.
  const disks = wizard.getByRole('table', { name: 'Where each disk goes' });
  await expect(disks.getByRole('row', { name: /sandbox-01 system/ })).toContainText('+ 2 snapshot disks follow');
  await expect(disks.getByRole('combobox', { name: 'Storage for sandbox-01 system' }).locator('option:checked')).toHaveText(/^Local storage/);
  await wizard.getByRole('button', { name: 'Next >' }).click();
  // The interface lands on the network of the same name.
  await expect(wizard.getByRole('combobox', { name: /^Network for sandbox-01 interface 0/ }).locator('option:checked')).toHaveText(/^Pool-wide network associated with eth0/);
  await wizard.getByRole('button', { name: 'Next >' }).click();
  await expect(wizard.getByRole('heading', { name: 'Migration network' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Next >' }).click();
  const summary = wizard.getByRole('form', { name: 'Summary' });
  await expect(summary).toContainText('xcp-lab-03 (standalone server)');
  await expect(summary).toContainText('Live migration to another pool, disks and snapshots included');
  await wizard.getByRole('button', { name: 'Migrate', exact: true }).click();
  await expect(wizard).toBeHidden();

  // Part of the disks' time passes at once; the task is cancelled from the task panel half way.
  const task = 'Migrate to xcp-lab-03 sandbox-01';
  const running = taskPanel(page).getByRole('row', { name: new RegExp(`^${task}`) }).first();
  await expect(running.getByRole('progressbar')).toBeVisible();
  await app.sim.control('advance-clock', { ms: 10_000 });
  await expect(running.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^([4-8]\d)$/, { timeout: 60_000 });
  await saveScreenshot(page, 'migration-cross-pool--2-live-migrating-to-standalone');
  await running.getByRole('button', { name: `Cancel ${task}` }).click();
  await expect(taskPanel(page).getByRole('row', { name: `${task}: Cancelled` })).toBeVisible({ timeout: 30_000 });

  // Still running in Lab on its server; no sandbox-01 under xcp-lab-03 in the tree.
  await expect(await searchedRows(page, 'sandbox-01')).toHaveText([/^Lab/, 'xcp-lab-01', 'sandbox-01']);
  await tree(page).getByRole('treeitem', { name: rowName('sandbox-01') }).click();
  await page.getByRole('tab', { name: 'General', exact: true }).click();
  await expect(property(page, 'Power state')).toHaveText('Running');
  await expect(property(page, 'Running on')).toHaveText('xcp-lab-01');
  await page.getByRole('tab', { name: 'Storage', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Disks' }).getByRole('row', { name: /sandbox-01 system/ })).toContainText('Lab iSCSI');

  // The servers agree, read afresh: the VM runs in Lab with its disks there; xcp-lab-03 holds no VM and no disk.
  const lab = await session(app, 'Lab');
  const spareHost = await session(app, 'xcp-lab-03');
  try {
    const [vm] = await lab.call<string[]>('VM.get_by_name_label', 'sandbox-01');
    expect(await lab.call('VM.get_power_state', vm)).toBe('Running');
    expect(await lab.call('host.get_name_label', await lab.call('VM.get_resident_on', vm))).toBe('xcp-lab-01');
    expect(await lab.call('VM.get_current_operations', vm)).toEqual({});
    expect(await guestsOf(spareHost)).toEqual([]);
    expect(await spareHost.call('VDI.get_all')).toEqual([]);
  } finally {
    await Promise.all([lab.logout(), spareHost.logout()]);
  }
});

test('a running Lab VM dropped on xcp-lab-03 in the tree opens the Migrate VM wizard with that server chosen', async ({ appPage: page }) => {
  // The Lab's rows and the spare server on one screen: Production folded away.
  await search(page, '');
  await tree(page).getByRole('treeitem', { name: rowName('Production') }).click();
  await page.keyboard.press('ArrowLeft');
  await expect(tree(page).getByRole('treeitem', { name: rowName('Production') })).toHaveAttribute('aria-expanded', 'false');
  const vm = tree(page).getByRole('treeitem', { name: rowName('k8s-lab-2') });
  const spare = tree(page).getByRole('treeitem', { name: rowName('xcp-lab-03') });
  await dragOver(page, vm, spare);
  await expect(page.getByRole('status').filter({ hasText: /^Migrate k8s-lab-2/ })).toHaveText('Migrate k8s-lab-2 to xcp-lab-03 (another pool): opens the wizard');
  await expect(spare).toHaveClass(/is-drop-target/);
  await saveScreenshot(page, 'migration-cross-pool--3-drop-on-standalone');
  await page.mouse.up();

  const wizard = page.getByRole('dialog', { name: 'Migrate k8s-lab-2' });
  const chosen = wizard.getByRole('group', { name: 'Standalone server xcp-lab-03' }).getByRole('radio');
  await expect(chosen).toBeChecked();
  await expect(wizard.getByRole('group', { name: 'Standalone server xcp-lab-03' })).toContainText('Can take the VM');
  await wizard.getByRole('button', { name: 'Next >' }).click();
  await expect(wizard.getByRole('table', { name: 'Where each disk goes' }).getByRole('combobox', { name: 'Storage for k8s-lab-2 system' }).locator('option:checked')).toHaveText(/^Local storage/);
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard).toBeHidden();
  await expect(taskPanel(page).getByRole('row', { name: /k8s-lab-2/ })).toHaveCount(0);
});

test('Copy to Another Pool… makes a copy of the halted test-win10 in Production with the same name; the original stays in Lab', async ({ appPage: page, app }) => {
  const wizard = await openWizardFor(page, 'test-win10', 'Copy to Another Pool…');
  // A copy goes to another pool: Lab's own servers are not offered.
  await expect(wizard.getByRole('group', { name: 'Servers of Lab' })).toHaveCount(0);
  const target = wizard.getByRole('group', { name: 'Servers of Production' }).locator('label', { hasText: 'xcp-prod-01' });
  await expect(target).toContainText('Can take the VM');
  await target.getByRole('radio').check();
  await wizard.getByRole('button', { name: 'Next >' }).click();
  const disk = wizard.getByRole('table', { name: 'Where each disk goes' }).getByRole('combobox', { name: 'Storage for test-win10 system' });
  await disk.selectOption((await disk.locator('option', { hasText: /^NFS VM storage/ }).getAttribute('value'))!);
  await wizard.getByRole('button', { name: 'Next >' }).click();
  await wizard.getByRole('combobox', { name: /^Network for test-win10 interface 0/ }).selectOption({ label: 'VM traffic (bond0)' });
  await wizard.getByRole('button', { name: 'Next >' }).click();
  await wizard.getByRole('button', { name: 'Next >' }).click();
  const summary = wizard.getByRole('form', { name: 'Summary' });
  await expect(summary).toContainText('Copy to another pool: the VM stays here, a copy is made there');
  await expect(summary).toContainText('xcp-prod-01 in Production');
  await wizard.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(wizard).toBeHidden();

  const task = 'Copy to xcp-prod-01 test-win10';
  await expect(taskPanel(page).getByRole('row', { name: new RegExp(`^${task}`) }).first()).toBeVisible();
  // Tens of GiB at storage speed: the simulated clock moves on.
  await app.sim.control('advance-clock', { ms: 90_000 });
  await expect(taskPanel(page).getByRole('row', { name: `${task}: Done` })).toBeVisible({ timeout: 30_000 });

  // One in each pool, under the same name.
  await expect(await searchedRows(page, 'test-win10')).toHaveText([/^Production/, 'test-win10', /^Lab/, 'xcp-lab-01', 'test-win10']);
  await saveScreenshot(page, 'migration-cross-pool--4-copied-to-production');

  const lab = await session(app, 'Lab');
  const prod = await session(app, 'Production');
  try {
    const [original] = (await guestsOf(lab)).filter((v) => v.name_label === 'test-win10');
    const [copy] = (await guestsOf(prod)).filter((v) => v.name_label === 'test-win10');
    expect(original).toBeDefined();
    expect(copy).toMatchObject({ power_state: 'Halted' });
    expect(copy.uuid).not.toBe(original.uuid);
  } finally {
    await Promise.all([lab.logout(), prod.logout()]);
  }
});

test('shut down, sandbox-01 moves to Production and shows in its tree with its disk on the NFS SR, its interface on the bond and its snapshots', async ({ appPage: page, app }) => {
  await search(page, 'sandbox-01');
  await tree(page).getByRole('treeitem', { name: rowName('sandbox-01') }).click();
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Shut down', exact: true }).click();
  await expect(taskPanel(page).getByRole('row', { name: 'Shut down sandbox-01: Done' })).toBeVisible({ timeout: 30_000 });

  const wizard = await planMoveToProduction(page);
  await wizard.getByRole('button', { name: 'Move', exact: true }).click();
  const running = taskPanel(page).getByRole('row', { name: new RegExp(`^${MOVE_TASK}`) }).first();
  await expect(running.getByRole('progressbar')).toBeVisible();
  // 40 GiB and two snapshots stream for most of a minute at storage speed: the simulated clock moves on.
  await app.sim.control('advance-clock', { ms: 60_000 });
  await expect(taskPanel(page).getByRole('row', { name: `${MOVE_TASK}: Done` })).toBeVisible({ timeout: 30_000 });

  const rows = await searchedRows(page, 'sandbox-01');
  await expect(rows.first()).toHaveText(/^Production/);
  await expect(rows.last()).toHaveText('sandbox-01');
  await expect(tree(page).getByRole('treeitem', { name: rowName('Lab') })).toHaveCount(0);
  // The selection followed the VM to its new pool.
  await expect(tree(page).getByRole('treeitem', { name: rowName('sandbox-01') })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Storage', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Disks' }).getByRole('row', { name: /sandbox-01 system/ })).toContainText('NFS VM storage');
  await page.getByRole('tab', { name: 'Networking', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Network interfaces' })).toContainText('VM traffic (bond0)');
  await page.getByRole('tab', { name: 'Snapshots', exact: true }).click();
  const snapshots = page.getByRole('tree', { name: 'Snapshot tree' });
  await expect(snapshots.getByRole('treeitem', { name: /^Clean install,/ })).toBeVisible();
  await expect(snapshots.getByRole('treeitem', { name: /^Kernel 6\.1 \+ backports,/ })).toBeVisible();
  await saveScreenshot(page, 'migration-cross-pool--5-in-production');
});
