/**
 * Commands of the main window on the demo pools: every disabled action of the toolbar and the context menu
 * of a pool, a host, a running VM, a halted VM, an SR and a template says why (a test walks them all); the
 * command palette opens on Ctrl+Shift+P and F1 and finds every registered action; the checkpoint dialog
 * closes at once and the task panel carries the operation; a host with running VMs can be rebooted after
 * saying what becomes of them; deleting a VM selects its pool. Changes the demo: web-01 gets a snapshot,
 * build-agent-02 is deleted.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, rowName, saveScreenshot, test } from './fixtures';

// The window as on a small laptop screen (1024×700): every action, reason and dialog must still be reachable there.
test.use({ viewport: { width: 1024, height: 700 } });

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const item = (page: Page, name: string) => tree(page).getByRole('treeitem', { name: rowName(name) });
const search = (page: Page) => page.getByRole('searchbox', { name: 'Search resources' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });

async function select(page: Page, name: string): Promise<Locator> {
  await search(page).fill(name);
  const row = item(page, name).first();
  await row.click();
  return row;
}

/** Every disabled control in `scope` is described by a reason in words; returns how many there were. */
async function expectReasons(scope: Locator, role: 'button' | 'menuitem', where: string): Promise<number> {
  const disabled = scope.getByRole(role).and(scope.locator('[aria-disabled="true"]'));
  const count = await disabled.count();
  for (let i = 0; i < count; i++) {
    const control = disabled.nth(i);
    const name = (await control.getAttribute('aria-label')) ?? (await control.textContent());
    await expect(control, `${where}: ${name}`).toHaveAccessibleDescription(/\w{3,}/);
  }
  return count;
}

const OBJECTS = ['Production', 'xcp-prod-01', 'web-01', 'backup-proxy', 'NFS VM storage', 'web-base (Debian 12)'];

test('every disabled action in the toolbar and context menus says why', async ({ appPage: page }) => {
  let total = 0;
  for (const name of OBJECTS) {
    const row = await select(page, name);
    total += await expectReasons(toolbar(page), 'button', `toolbar of ${name}`);
    await row.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Actions' });
    await expect(menu).toBeVisible();
    total += await expectReasons(menu, 'menuitem', `menu of ${name}`);
    // Submenus too (Start on Server ▸ of a halted VM: each host checked by the pool).
    const sub = menu.getByRole('menuitem', { name: 'Start on Server' });
    if ((await sub.count()) && (await sub.getAttribute('aria-disabled')) !== 'true') {
      await sub.hover();
      const hosts = page.getByRole('menu', { name: 'Start on Server' });
      await expect(hosts.getByRole('menuitem')).toHaveCount(3);
      await expect(hosts.locator('[aria-busy="true"]')).toHaveCount(0);
      total += await expectReasons(hosts, 'menuitem', `Start on Server of ${name}`);
      await saveScreenshot(page, 'main-window-commands--start-on-server');
    }
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('menu')).toHaveCount(0);
  }
  expect(total).toBeGreaterThan(10);

  // The reason shows in the tooltip of a disabled toolbar button (a running VM cannot start).
  await select(page, 'web-01');
  const start = toolbar(page).getByRole('button', { name: 'Start', exact: true });
  await expect(start).toHaveAttribute('aria-disabled', 'true');
  await start.hover();
  await expect(page.getByRole('tooltip')).toContainText('web-01 is already running.');
  await saveScreenshot(page, 'main-window-commands--disabled-reason');
  await search(page).fill('');
});

test('the palette opens on Ctrl+Shift+P and F1 and finds every registered action', async ({ appPage: page }) => {
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Home' }).click();
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const input = palette.getByRole('combobox', { name: 'Search actions and objects' });
  for (const keys of ['Control+Shift+P', 'F1']) {
    await tree(page).focus();
    await page.keyboard.press(keys);
    await expect(palette).toBeVisible();
    await input.press('Escape');
    await expect(palette).toBeHidden();
  }
  await page.keyboard.press('F1');
  // With nothing typed, every action is listed (those that need a selection say which).
  const listed = palette.getByRole('listbox').getByRole('option');
  const labels = new Set<string>();
  for (const option of await listed.all()) {
    if (!(await option.locator('.palette-icon svg').count())) continue; // an object, not an action
    labels.add((await option.getAttribute('aria-label'))!);
  }
  expect(labels.size).toBeGreaterThan(15);
  for (const label of labels) {
    await input.fill(label.replace('…', ''));
    await expect(palette.getByRole('option', { name: label, exact: true }).first(), label).toBeVisible();
  }
  // The words users try find real actions.
  for (const [word, label] of [['snap', 'Take snapshot…'], ['maint', 'Enter maintenance mode…'], ['export', 'Export alerts…'], ['migrate', 'Enter maintenance mode…']] as const) {
    await input.fill(word);
    await expect(palette.getByRole('option', { name: label, exact: true }), word).toBeVisible();
  }
  await input.fill('reboot host');
  await expect(palette.getByRole('option', { name: 'Reboot host…', exact: true })).toHaveAccessibleDescription('Select one or more hosts in the tree.');
  await saveScreenshot(page, 'main-window-commands--palette');
  await input.press('Escape');
});

test('the checkpoint dialog closes at once and the task panel carries the operation', async ({ appPage: page }) => {
  await select(page, 'web-01');
  await toolbar(page).getByRole('button', { name: 'Take snapshot' }).click();
  const dialog = page.getByRole('dialog', { name: 'Take a snapshot of web-01' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('e2e checkpoint');
  await dialog.getByRole('radio', { name: /^Disks and memory/ }).check();
  await dialog.getByRole('button', { name: 'Take snapshot' }).click();
  // Gone while the checkpoint is still running: the task panel shows its progress.
  await expect(dialog).toBeHidden();
  const running = taskPanel(page).getByRole('row', { name: 'Take snapshot with memory web-01' });
  await expect(running.getByRole('progressbar')).toBeVisible();
  await saveScreenshot(page, 'main-window-commands--checkpoint-running');
  await expect(taskPanel(page).getByRole('row', { name: 'Take snapshot with memory web-01: Done' })).toBeVisible({ timeout: 45_000 });
  await search(page).fill('');
});

test('reboots a host with running VMs only after saying what becomes of them', async ({ appPage: page }) => {
  await select(page, 'xcp-prod-01');
  const reboot = toolbar(page).getByRole('button', { name: 'Reboot host' });
  await expect(reboot).not.toHaveAttribute('aria-disabled', 'true');
  await reboot.click();
  const dialog = page.getByRole('alertdialog', { name: 'Reboot xcp-prod-01?' });
  await expect(dialog).toContainText('db-primary');
  await expect(dialog.getByRole('radio', { name: /Move them live to the other hosts/ })).toBeChecked();
  await expect(dialog.getByRole('radio', { name: /Shut them down/ })).toBeEnabled();
  await saveScreenshot(page, 'main-window-commands--reboot-host');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await search(page).fill('');
});

test('deleting a VM selects its pool', async ({ appPage: page }) => {
  await select(page, 'build-agent-02');
  await toolbar(page).getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: /^Delete build-agent-02/ });
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(taskPanel(page).getByRole('row', { name: 'Delete VM build-agent-02: Done' })).toBeVisible({ timeout: 30_000 });
  await search(page).fill('');
  await expect(page.locator('.app-detail .detail-title')).toHaveText('Production');
  await expect(item(page, 'Production')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText('This object no longer exists.')).toHaveCount(0);
  await saveScreenshot(page, 'main-window-commands--deleted-selects-pool');
});
