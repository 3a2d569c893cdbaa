/**
 * The Snapshots tab on the demo pools, in Chromium (changes lb-01: adds and deletes snapshots, reverts it, and
 * leaves a schedule's snapshot): a disk snapshot and a memory checkpoint of the running VM appear in the tree
 * above "Now"; reverting to the checkpoint brings the VM back Running with the checkpoint's settings; a deleted
 * snapshot leaves the tree; a schedule takes a snapshot when the simulated clock reaches its time, and is then
 * disabled and deleted.
 */
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test, rowName } from './fixtures';

const VM = 'lb-01';
const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const detail = (page: Page) => page.getByRole('main');
const snapTree = (page: Page) => detail(page).getByRole('tree', { name: 'Snapshot tree' });
const snapItem = (page: Page, name: RegExp) => snapTree(page).getByRole('treeitem', { name });

async function openVm(page: Page, tab: string, vm = VM) {
  await page.getByRole('searchbox', { name: 'Search resources' }).fill(vm);
  await tree(page).getByRole('treeitem', { name: rowName(vm) }).click();
  await expect(detail(page).locator('.detail-title')).toHaveText(vm);
  await detail(page).getByRole('tab', { name: tab }).click();
}

async function takeSnapshot(page: Page, name: string, mode: 'Disk only' | 'Disks and memory') {
  await detail(page).getByRole('button', { name: 'Take snapshot…' }).click();
  const dialog = page.getByRole('dialog', { name: `Take a snapshot of ${VM}` });
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
  await dialog.getByRole('radio', { name: new RegExp(`^${mode}`) }).check();
  await dialog.getByRole('button', { name: 'Take snapshot' }).click();
  // A checkpoint writes the memory, snapshots the disks and resumes: about ten simulated seconds.
  await expect(dialog).toBeHidden({ timeout: 30_000 });
}

test.describe.configure({ mode: 'serial' });

test('shows the demo’s existing snapshot tree of db-primary', async ({ appPage }) => {
  const page = appPage;
  await openVm(page, 'Snapshots', 'db-primary');
  await expect(snapItem(page, /^Before PostgreSQL 16 upgrade, Disk snapshot/)).toHaveAttribute('aria-level', '1');
  await expect(snapItem(page, /^After upgrade, before schema migration, Disk and memory snapshot/)).toHaveAttribute('aria-level', '2');
  await expect(snapItem(page, /^Now: current state, Running/)).toHaveAttribute('aria-level', '3');
  await snapItem(page, /^Before PostgreSQL 16 upgrade/).click();
  await expect(detail(page).getByRole('complementary', { name: 'Snapshot details' })).toContainText('pg_upgrade from 15');
});

test('takes a disk snapshot and a memory checkpoint of a running VM; both appear above Now', async ({ appPage }) => {
  test.setTimeout(90_000);
  const page = appPage;
  await openVm(page, 'Snapshots');
  await expect(snapItem(page, /^Now: current state, Running/)).toBeVisible();

  // The name is checked before anything is sent.
  await detail(page).getByRole('button', { name: 'Take snapshot…' }).click();
  const dialog = page.getByRole('dialog', { name: `Take a snapshot of ${VM}` });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('   ');
  await dialog.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(dialog.getByText('Enter a name for the snapshot.')).toBeVisible();
  await expect(dialog.getByRole('radio', { name: /^Quiesced disks/ })).toBeDisabled();
  await expect(dialog.getByText(/do not offer a VSS provider/)).toBeVisible();
  await saveScreenshot(page, 'snapshots--take-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await takeSnapshot(page, 'e2e disk', 'Disk only');
  await expect(snapItem(page, /^e2e disk, Disk snapshot/)).toHaveAttribute('aria-level', '1');
  await expect(snapItem(page, /^Now:/)).toHaveAttribute('aria-level', '2');

  await takeSnapshot(page, 'e2e memory', 'Disks and memory');
  await expect(snapItem(page, /^e2e memory, Disk and memory snapshot/)).toHaveAttribute('aria-level', '2');
  await expect(snapItem(page, /^Now: current state, Running/)).toHaveAttribute('aria-level', '3');

  // The list view has both, newest first, with their types.
  await detail(page).getByRole('radio', { name: 'List' }).click();
  const rows = detail(page).getByRole('grid', { name: 'Snapshots' }).getByRole('row');
  await expect(rows.nth(1)).toContainText('e2e memory');
  await expect(rows.nth(1)).toContainText('Disk and memory');
  await expect(rows.nth(2)).toContainText('e2e disk');
  await saveScreenshot(page, 'snapshots--list');
  await detail(page).getByRole('radio', { name: 'Tree' }).click();
  await snapItem(page, /^e2e memory/).click();
  await expect(detail(page).getByRole('complementary', { name: 'Snapshot details' })).toContainText('VM state then');
  await saveScreenshot(page, 'snapshots--tree');
});

test('reverts to the checkpoint: the VM runs again with the checkpoint’s settings', async ({ appPage }) => {
  test.setTimeout(90_000);
  const page = appPage;
  // Change something after the checkpoint: the description.
  await openVm(page, 'General');
  const general = detail(page).getByRole('tabpanel');
  await general.getByRole('button', { name: 'Edit Description' }).click();
  await general.getByRole('textbox', { name: 'Description' }).fill('changed after the checkpoint');
  await general.getByRole('button', { name: 'Save' }).click();
  await expect(general.getByText('changed after the checkpoint')).toBeVisible();

  await detail(page).getByRole('tab', { name: 'Snapshots' }).click();
  await snapItem(page, /^e2e memory/).click();
  await detail(page).getByRole('button', { name: 'Revert to…' }).click();
  const dialog = page.getByRole('alertdialog', { name: `Revert ${VM} to “e2e memory”?` });
  await expect(dialog.getByText(/will be lost/)).toBeVisible();
  await expect(dialog.getByText(/resume from the saved memory/)).toBeVisible();
  await expect(dialog.getByRole('checkbox', { name: /Take a snapshot of the current state first/ })).toBeChecked();
  await saveScreenshot(page, 'snapshots--revert-dialog');
  await dialog.getByRole('button', { name: 'Revert' }).click();
  await expect(dialog).toBeHidden({ timeout: 45_000 });

  // Running again, from the checkpoint; the safety snapshot sits beside Now under the checkpoint.
  await expect(snapItem(page, /^Now: current state, Running/)).toHaveAttribute('aria-level', '3');
  await expect(snapItem(page, /^Before reverting to e2e memory/)).toHaveAttribute('aria-level', '3');
  await saveScreenshot(page, 'snapshots--reverted');
  await detail(page).getByRole('tab', { name: 'General' }).click();
  await expect(detail(page).getByRole('tabpanel').getByText('HAProxy, public VIP 203.0.113.10')).toBeVisible();
});

test('deletes a snapshot: it leaves the tree and its child moves up', async ({ appPage }) => {
  const page = appPage;
  await openVm(page, 'Snapshots');
  await snapItem(page, /^e2e disk/).click();
  await detail(page).getByRole('button', { name: /^Delete/ }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Delete snapshot “e2e disk”?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog).toBeHidden();
  await expect(snapItem(page, /^e2e disk/)).toHaveCount(0);
  await expect(snapItem(page, /^e2e memory/)).toHaveAttribute('aria-level', '1');
  await saveScreenshot(page, 'snapshots--deleted');
});

test('a new schedule takes a snapshot when the simulated clock reaches its time', async ({ appPage, app }) => {
  const page = appPage;
  await openVm(page, 'Snapshots');
  await detail(page).getByRole('button', { name: 'Schedules…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Snapshot schedules' });
  await expect(dialog.getByRole('table', { name: 'Schedules' })).toContainText('Nightly snapshots');
  await dialog.getByRole('button', { name: 'New schedule…' }).click();
  const form = dialog.getByRole('form', { name: 'New schedule' });
  await form.getByRole('button', { name: 'Create schedule' }).click();
  await expect(form.getByText('Enter a name for the schedule.')).toBeVisible();
  await form.getByRole('textbox', { name: 'Name' }).fill('e2e hourly');
  await form.getByRole('textbox', { name: 'Snapshots kept per VM' }).fill('3');
  await form.getByRole('combobox', { name: 'Frequency' }).selectOption('hourly');
  await form.getByRole('checkbox', { name: VM, exact: true }).check();
  await saveScreenshot(page, 'snapshots--new-schedule');
  await form.getByRole('button', { name: 'Create schedule' }).click();
  const row = dialog.getByRole('row', { name: /e2e hourly/ });
  await expect(row).toContainText('Every hour at :00');
  await expect(row).toContainText(VM);
  await saveScreenshot(page, 'snapshots--schedules');
  await dialog.getByRole('button', { name: 'Close' }).first().click();

  await expect(snapItem(page, /scheduled/)).toHaveCount(0);
  // Any 60 minutes hold exactly one :00, wherever the clock stands (61 could hold two, from :59 on).
  await app.sim.control('advance-clock', { ms: 60 * 60_000 });
  await expect(snapItem(page, new RegExp(`^${VM}-\\d{8}-\\d{4}, Disk snapshot`))).toBeVisible();
  await saveScreenshot(page, 'snapshots--scheduled');

  // Disable it, then delete it (its VM is unassigned first, as xapi requires): the demo keeps only its own schedule.
  await detail(page).getByRole('button', { name: 'Schedules…' }).click();
  // The box follows the pool's record, so it changes once the call is through.
  await dialog.getByRole('checkbox', { name: 'Enable e2e hourly' }).click();
  await expect(dialog.getByRole('checkbox', { name: 'Enable e2e hourly' })).not.toBeChecked();
  await dialog.getByRole('row', { name: /e2e hourly/ }).getByRole('button', { name: 'Delete' }).click();
  await expect(dialog.getByRole('row', { name: /e2e hourly/ })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  await expect(detail(page).getByRole('complementary', { name: 'Snapshot details' })).toContainText('None');
});
