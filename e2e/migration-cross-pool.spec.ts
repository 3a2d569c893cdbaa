/**
 * Migration from the Lab pool (AMD servers) to Production (Intel), in the real app: the running sandbox-01
 * cannot live-migrate there, and the Destination page of the Migrate VM wizard says so for each Production
 * server before anything starts. Shut down, it moves halted with Move VM…: its disk mapped to the NFS SR, its
 * interface to "VM traffic (bond0)"; cancelled half way it is still in Lab, whole; moved again it shows in
 * Production's tree with its snapshots and is gone from Lab.
 *
 * Changes the pools: sandbox-01 ends halted in Production.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, rowName, saveScreenshot, test } from './fixtures';

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });
const MOVE_TASK = 'Move to xcp-prod-02 sandbox-01';

async function search(page: Page, text: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search resources' }).fill(text);
}

/** The rows the tree keeps for a search: the matches and the pools and hosts they are in. */
async function searchedRows(page: Page, text: string): Promise<Locator> {
  await search(page, text);
  return tree(page).getByRole('treeitem');
}

async function openWizardFor(page: Page, vm: string, action: 'Migrate VM…' | 'Move VM…'): Promise<Locator> {
  await search(page, vm);
  await tree(page).getByRole('treeitem', { name: rowName(vm) }).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: action }).click();
  return page.getByRole('dialog', { name: `${action.replace(' VM…', '')} ${vm}` });
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
  await saveScreenshot(page, 'migration-cross-pool--1-cpu-vendor-precheck');
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard).toBeHidden();
  await expect(taskPanel(page).getByRole('row', { name: /sandbox-01/ })).toHaveCount(0);
});

test('shut down, sandbox-01 moves halted to Production; cancelled half way, it is still whole in Lab', async ({ appPage: page }) => {
  await search(page, 'sandbox-01');
  await tree(page).getByRole('treeitem', { name: rowName('sandbox-01') }).click();
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Shut down', exact: true }).click();
  await expect(taskPanel(page).getByRole('row', { name: 'Shut down sandbox-01: Done' })).toBeVisible({ timeout: 30_000 });

  const wizard = await planMoveToProduction(page);
  await wizard.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(wizard).toBeHidden();

  // Half way through its disks, the task is cancelled from the task panel.
  const running = taskPanel(page).getByRole('row', { name: new RegExp(`^${MOVE_TASK}`) }).first();
  await expect(running.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^([4-9]\d)$/, { timeout: 60_000 });
  await saveScreenshot(page, 'migration-cross-pool--2-moving');
  await running.getByRole('button', { name: `Cancel ${MOVE_TASK}` }).click();
  await expect(taskPanel(page).getByRole('row', { name: `${MOVE_TASK}: Cancelled` })).toBeVisible({ timeout: 30_000 });

  // Still in Lab, with its disk on the Lab's storage and its snapshots; nothing of it in Production.
  // Under its home server, as before.
  await expect(await searchedRows(page, 'sandbox-01')).toHaveText([/^Lab/, 'xcp-lab-01', 'sandbox-01']);
  await tree(page).getByRole('treeitem', { name: rowName('sandbox-01') }).click();
  await page.getByRole('tab', { name: 'Storage', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Disks' }).getByRole('row', { name: /sandbox-01 system/ })).toContainText('Lab iSCSI');
  await page.getByRole('tab', { name: 'Snapshots', exact: true }).click();
  await expect(page.getByRole('tree', { name: 'Snapshot tree' }).getByRole('treeitem', { name: /^(Clean install|Kernel 6\.1 \+ backports),/ })).toHaveCount(2);
});

test('sandbox-01 moved to Production shows in its tree with its disk on the NFS SR, its interface on the bond and its snapshots', async ({ appPage: page, app }) => {
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
  await saveScreenshot(page, 'migration-cross-pool--3-in-production');
});
