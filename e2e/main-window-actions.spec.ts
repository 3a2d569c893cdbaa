/**
 * Lifecycle actions in the main window, on the demo scenario: start a halted VM from the tree's context
 * menu (its icon, General tab and the task panel follow), shut down two VMs at once from the toolbar
 * (one task each), and put a host in maintenance mode and take it out again (its VMs move away).
 * These tests change the demo pools: backup-proxy ends running, build-agent-01 and monitoring halted,
 * xcp-lab-01 empty and enabled.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, saveScreenshot, test, rowName } from './fixtures';

// The window as on a large screen (1600×1000).
test.use({ viewport: { width: 1600, height: 1000 } });

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });

/** A tree row by name; scrolled into view first, since the tree is virtualized. */
async function row(page: Page, name: string): Promise<Locator> {
  const search = page.getByRole('searchbox').first();
  await search.fill(name);
  const item = tree(page).getByRole('treeitem', { name: rowName(name) }).first();
  await expect(item).toBeVisible();
  return item;
}

async function clearSearch(page: Page): Promise<void> {
  await page.getByRole('searchbox').first().fill('');
}

const property = (page: Page, label: string) => page.locator('.app-detail .property-row', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });

test('starts a halted VM from the context menu and shows its icon, General tab and task update', async ({ appPage: page }) => {
  const vm = await row(page, 'backup-proxy');
  await vm.click();
  await expect(property(page, 'Power state')).toHaveText('Halted');
  await expect(vm.locator('.obj-icon')).toHaveAttribute('data-state', 'halted');

  await vm.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions' });
  await expect(menu).toBeVisible();
  // Only what XAPI allows on a halted VM is enabled.
  await expect(menu.getByRole('menuitem', { name: 'Shut down', exact: true })).toHaveAttribute('aria-disabled', 'true');
  await saveScreenshot(page, 'main-window-actions--context-menu');
  await menu.getByRole('menuitem', { name: 'Start', exact: true }).click();
  await expect(menu).toBeHidden();

  const task = taskPanel(page).getByRole('row', { name: /Start backup-proxy/ }).first();
  await expect(task).toBeVisible();
  await saveScreenshot(page, 'main-window-actions--start-task-running');
  await expect(property(page, 'Power state')).toHaveText('Running');
  await expect((await row(page, 'backup-proxy')).locator('.obj-icon')).toHaveAttribute('data-state', 'running');
  await expect(taskPanel(page).getByRole('row', { name: 'Start backup-proxy: Done' })).toBeVisible();
  await saveScreenshot(page, 'main-window-actions--started');
  await clearSearch(page);
});

test('shuts down two selected VMs at once, one task each', async ({ appPage: page }) => {
  await (await row(page, 'build-agent-01')).click();
  await clearSearch(page);
  // Ctrl+click adds the second VM to the selection.
  await tree(page).getByRole('treeitem', { name: rowName('monitoring') }).click({ modifiers: ['Control'] });
  await expect(tree(page).getByRole('treeitem', { selected: true })).toHaveCount(2);

  const toolbar = page.getByRole('toolbar', { name: 'Main toolbar' });
  await expect(toolbar.getByRole('button', { name: 'Start', exact: true })).toBeDisabled();
  await toolbar.getByRole('button', { name: 'Shut down', exact: true }).click();

  for (const name of ['build-agent-01', 'monitoring']) {
    await expect(taskPanel(page).getByRole('row', { name: new RegExp(`^Shut down ${name}`) }).first()).toBeVisible();
  }
  await saveScreenshot(page, 'main-window-actions--bulk-shutdown-running');
  for (const name of ['build-agent-01', 'monitoring']) {
    await expect(taskPanel(page).getByRole('row', { name: `Shut down ${name}: Done` })).toBeVisible({ timeout: 30_000 });
  }
  // Halted VMs leave their host and hang under the pool; both icons say halted.
  for (const name of ['build-agent-01', 'monitoring']) {
    await expect((await row(page, name)).locator('.obj-icon')).toHaveAttribute('data-state', 'halted');
  }
  await clearSearch(page);
  await saveScreenshot(page, 'main-window-actions--bulk-shutdown-done');
});

test('puts a host in maintenance mode, moving its VMs away, and takes it out again', async ({ appPage: page }) => {
  const host = await row(page, 'xcp-lab-01');
  await host.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Enter maintenance mode…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Put xcp-lab-01 in maintenance mode?' });
  await expect(dialog).toBeVisible();
  // Where the running VMs go is shown before anything happens.
  await expect(dialog).toContainText('k8s-lab-1');
  await expect(dialog).toContainText('sandbox-01');
  await expect(dialog).toContainText(/Where they go: xcp-lab-02/);
  await saveScreenshot(page, 'main-window-actions--maintenance-dialog');
  await dialog.getByRole('button', { name: 'Enter maintenance mode' }).click();
  await expect(dialog).toBeHidden();

  await expect(taskPanel(page).getByRole('row', { name: 'Move VMs off host xcp-lab-01: Done' })).toBeVisible({ timeout: 30_000 });
  await expect((await row(page, 'xcp-lab-01')).locator('.obj-icon')).toHaveAttribute('data-state', 'maintenance');
  // The VMs now run on the other host: they hang under it in the tree.
  await clearSearch(page);
  const vm = await row(page, 'sandbox-01');
  await vm.click();
  await expect(property(page, 'Running on')).toHaveText('xcp-lab-02');
  await saveScreenshot(page, 'main-window-actions--in-maintenance');

  const back = await row(page, 'xcp-lab-01');
  await back.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions' });
  await expect(menu.getByRole('menuitem', { name: 'Enter maintenance mode…' })).toHaveAttribute('aria-disabled', 'true');
  await menu.getByRole('menuitem', { name: 'Exit maintenance mode' }).click();
  await expect((await row(page, 'xcp-lab-01')).locator('.obj-icon')).not.toHaveAttribute('data-state', 'maintenance');
  await clearSearch(page);
  await saveScreenshot(page, 'main-window-actions--out-of-maintenance');
});

test('creates a VM with the New VM wizard, copies it, and deletes both with their disks', async ({ appPage: page }) => {
  const pool = await row(page, 'Lab');
  await pool.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'New VM…' }).click();
  const wizard = page.getByRole('dialog', { name: 'New VM' });
  await expect(wizard).toBeVisible();
  const next = wizard.getByRole('button', { name: 'Next >' });
  const page_ = (title: string) => wizard.getByRole('form', { name: title });
  await page_('Template').getByLabel('Template').selectOption({ label: 'Debian Bookworm 12' });
  await next.click();
  // Each page is checked before the next one, and nothing is sent before Create.
  await next.click();
  await expect(page_('Name').getByText('Give the VM a name.')).toBeVisible();
  await page_('Name').getByLabel('Name', { exact: true }).fill('e2e-new-vm');
  await next.click();
  const cpu = page_('CPU & Memory');
  await cpu.getByRole('textbox', { name: 'Memory' }).fill('12');
  await next.click();
  await expect(cpu.getByText(/Memory must be a whole number of MiB from/)).toBeVisible();
  await cpu.getByRole('textbox', { name: 'Memory' }).fill('1536');
  await cpu.getByRole('textbox', { name: 'vCPUs' }).fill('3');
  await next.click();
  await expect(page_('Storage')).toBeVisible();
  await next.click();
  await expect(page_('Networking')).toBeVisible();
  // Back keeps what was entered.
  await wizard.getByRole('button', { name: '< Back' }).click();
  await wizard.getByRole('button', { name: '< Back' }).click();
  await expect(page_('CPU & Memory').getByRole('textbox', { name: 'vCPUs' })).toHaveValue('3');
  await next.click();
  await next.click();
  await next.click();
  const summary = page_('Summary');
  await expect(summary).toContainText('e2e-new-vm');
  await expect(summary).toContainText('1.5 GiB');
  await summary.getByRole('checkbox', { name: /Start the new VM/ }).uncheck();
  await saveScreenshot(page, 'main-window-actions--new-vm-wizard');
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();

  await expect(taskPanel(page).getByRole('row', { name: 'New VM: create disks e2e-new-vm: Done' })).toBeVisible({ timeout: 30_000 });
  // The wizard selects the new VM; its General tab shows what was asked for.
  await expect(page.locator('.app-detail .detail-header')).toContainText('e2e-new-vm');
  await expect(property(page, 'vCPUs')).toHaveText('3');
  await expect(property(page, 'Memory')).toContainText('1.5 GiB');
  await expect(property(page, 'Power state')).toHaveText('Halted');

  const vm = await row(page, 'e2e-new-vm');
  await vm.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Copy…' }).click();
  const copy = page.getByRole('dialog', { name: 'Copy e2e-new-vm' });
  await expect(copy.getByLabel('Name of the copy')).toHaveValue('Copy of e2e-new-vm');
  // A fast clone needs no storage: the Storage page is skipped, Next goes to the summary.
  await copy.getByRole('button', { name: 'Next >' }).click();
  await expect(copy.getByRole('form', { name: 'Summary' })).toContainText('Fast clone');
  await copy.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(taskPanel(page).getByRole('row', { name: 'Clone e2e-new-vm: Done' })).toBeVisible({ timeout: 30_000 });

  // Both VMs selected, one Delete: the dialog offers each VM's disk, checked.
  await page.getByRole('searchbox').first().fill('e2e-new-vm');
  await tree(page).getByRole('treeitem', { name: rowName('e2e-new-vm') }).click();
  await tree(page).getByRole('treeitem', { name: rowName('Copy of e2e-new-vm') }).click({ modifiers: ['Control'] });
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete 2 VMs?' });
  const disks = confirm.getByRole('checkbox');
  await expect(disks).toHaveCount(2);
  for (const box of await disks.all()) await expect(box).toBeChecked();
  await saveScreenshot(page, 'main-window-actions--delete-dialog');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();

  for (const name of ['e2e-new-vm', 'Copy of e2e-new-vm']) {
    await expect(taskPanel(page).getByRole('row', { name: `Delete VM ${name}: Done` })).toBeVisible({ timeout: 30_000 });
    await expect(taskPanel(page).getByRole('row', { name: new RegExp(`^Delete disk .*\\(${name}\\): Done$`) })).toBeVisible({ timeout: 30_000 });
  }
  await expect(tree(page).getByRole('treeitem', { name: /e2e-new-vm/ })).toHaveCount(0);
  await clearSearch(page);
  await saveScreenshot(page, 'main-window-actions--deleted');
});

test('the context menu works from the keyboard: Shift+F10 opens it, arrows move, Esc closes it', async ({ appPage: page }) => {
  const vm = await row(page, 'web-01');
  await vm.click();
  await vm.press('Shift+F10');
  const menu = page.getByRole('menu', { name: 'Actions' });
  await expect(menu).toBeVisible();
  // Focus is on the first item that can run (a running VM cannot be started: Shut down comes first).
  await expect(menu.getByRole('menuitem', { name: 'Shut down', exact: true })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Reboot', exact: true })).toBeFocused();
  await page.keyboard.press('End');
  await expect(menu.getByRole('menuitem', { name: 'New VM…' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  // Nothing ran: web-01 is still running.
  await expect(property(page, 'Power state')).toHaveText('Running');
  await clearSearch(page);
});

test('the command palette (Ctrl+K) lists the actions of the selection and finds any object by name', async ({ appPage: page }) => {
  await (await row(page, 'db-replica')).click();
  await clearSearch(page);
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  const input = palette.getByRole('combobox', { name: 'Search actions and objects' });
  await expect(input).toBeFocused();
  // What can run on the selected (running) VM comes first; the rest is listed disabled, with the reason.
  const options = palette.getByRole('listbox');
  await expect(options.getByRole('option', { name: /^Shut down$/ })).toBeVisible();
  await expect(options.getByRole('option').first()).not.toHaveAttribute('aria-disabled', 'true');
  const start = options.getByRole('option', { name: /^Start\b/ }).first();
  await expect(start).toHaveAttribute('aria-disabled', 'true');
  await expect(start).toHaveAccessibleDescription('db-replica is already running.');

  await input.fill('win2022-fil');
  await expect(options.getByRole('option', { name: /^win2022-files VM · Production/ })).toHaveAttribute('aria-selected', 'true');
  await saveScreenshot(page, 'main-window-actions--command-palette');
  await input.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page.locator('.app-detail .detail-header')).toContainText('win2022-files');
  await expect(property(page, 'Power state')).toHaveText('Running');
});
