/**
 * The main window's layout on the demo pools, at 1600×1000 and at 1024×700: nothing clipped and no sideways
 * scroll; the resource pane and the tasks and alerts pane resize (by dragging and from the keyboard) and
 * collapse, and are remembered after a reload; the three "Local storage" SRs of Production are told apart
 * wherever they are offered (tree, Objects view, the pool's Storage tab, Copy VM, New VM and Add disk).
 * Changes nothing in the pools.
 */
import type { Page } from '@playwright/test';
import { expect, rowName, saveScreenshot, test } from './fixtures';

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const item = (page: Page, name: string) => tree(page).getByRole('treeitem', { name: rowName(name) });
const search = (page: Page) => page.getByRole('searchbox', { name: 'Search resources' });
const detail = (page: Page) => page.locator('.app-detail');
const LOCAL = ['Local storage on xcp-prod-01', 'Local storage on xcp-prod-02', 'Local storage on xcp-prod-03'];

async function select(page: Page, name: string, tab?: string) {
  await search(page).fill(name);
  await item(page, name).first().click();
  await search(page).fill('');
  if (tab) await detail(page).getByRole('tab', { name: tab, exact: true }).click();
}

/** Nothing wider than the window: no sideways scroll of the page, nothing of the toolbar or the tab strip cut off. */
async function expectNothingClipped(page: Page) {
  const { innerWidth } = await page.evaluate(() => ({ innerWidth: window.innerWidth }));
  const overflow = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    toolbar: (() => {
      const t = document.querySelector('[role="toolbar"]') as HTMLElement;
      return t.scrollWidth - t.clientWidth;
    })(),
  }));
  expect(overflow).toEqual({ page: 0, toolbar: 0 });
  for (const tab of await detail(page).getByRole('tab').all()) {
    const box = (await tab.boundingBox())!;
    expect(box.x + box.width, `${await tab.textContent()} is inside the window`).toBeLessThanOrEqual(innerWidth);
  }
}

for (const [width, height] of [
  [1600, 1000],
  [1024, 700],
] as const) {
  test(`at ${width}×${height} nothing is clipped and nothing scrolls sideways`, async ({ appPage: page }) => {
    await page.setViewportSize({ width, height });
    await select(page, 'web-01', 'Logs');
    await expectNothingClipped(page);
    // Every toolbar button is there, named, even when the labels give way to icons.
    const toolbar = page.getByRole('toolbar', { name: 'Main toolbar' });
    for (const name of ['Home', 'Add server', 'Shut down', 'Reboot', 'New VM']) await expect(toolbar.getByRole('button', { name, exact: true })).toBeVisible();
    await saveScreenshot(page, `main-window-layout--vm-${width}`);
    await select(page, 'xcp-prod-01', 'Performance');
    await expectNothingClipped(page);
    await select(page, 'Production', 'Memory');
    await expectNothingClipped(page);
    await expect(detail(page).getByRole('img', { name: /^xcp-prod-01: .* used of/ })).toBeVisible();
    await saveScreenshot(page, `main-window-layout--pool-memory-${width}`);
    // The tasks and alerts pane keeps several alerts in view.
    await page.getByRole('tab', { name: /^Alerts/ }).click();
    const rows = page.getByRole('table', { name: 'Alerts' }).getByRole('row');
    await expect(rows.nth(3)).toBeInViewport();
    await page.getByRole('tab', { name: /^Tasks/ }).click();
  });
}

test('resizes and collapses both panes, and remembers them after a reload', async ({ appPage: page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  const sidebar = page.getByRole('navigation', { name: 'Resources' });
  const bottom = page.getByRole('region', { name: 'Tasks and alerts' });
  const treeDivider = page.getByRole('separator', { name: /Resize the resources pane/ });
  const bottomDivider = page.getByRole('separator', { name: /Resize the tasks and alerts pane/ });
  const width0 = (await sidebar.boundingBox())!.width;
  const height0 = (await bottom.boundingBox())!.height;

  // Drag the tree's divider 120 px to the right.
  const d = (await treeDivider.boundingBox())!;
  await page.mouse.move(d.x + d.width / 2, d.y + 200);
  await page.mouse.down();
  await page.mouse.move(d.x + d.width / 2 + 120, d.y + 200, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await sidebar.boundingBox())!.width).toBeGreaterThan(width0 + 100);
  // The bottom pane's divider from the keyboard: up makes the pane taller.
  await bottomDivider.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp');
  await expect.poll(async () => (await bottom.boundingBox())!.height).toBeGreaterThan(height0 + 80);
  const width1 = (await sidebar.boundingBox())!.width;
  const height1 = (await bottom.boundingBox())!.height;
  await saveScreenshot(page, 'main-window-layout--resized');

  await page.reload();
  await expect(item(page, 'xcp-prod-01')).toBeVisible();
  await expect.poll(async () => Math.round((await sidebar.boundingBox())!.width)).toBeGreaterThanOrEqual(Math.round(width1) - 2);
  expect(Math.abs((await sidebar.boundingBox())!.width - width1)).toBeLessThan(3);
  expect(Math.abs((await bottom.boundingBox())!.height - height1)).toBeLessThan(3);

  // Collapse both from the toolbar: the tree is gone, the bottom pane keeps only its tabs.
  const toolbar = page.getByRole('toolbar', { name: 'Main toolbar' });
  await toolbar.getByRole('button', { name: 'Resources pane' }).click();
  await toolbar.getByRole('button', { name: 'Tasks and alerts pane' }).click();
  await expect(toolbar.getByRole('button', { name: 'Resources pane' })).toHaveAttribute('aria-pressed', 'false');
  await expect(tree(page)).toBeHidden();
  await expect.poll(async () => (await bottom.boundingBox())!.height).toBeLessThan(40);
  await expect(page.getByRole('tab', { name: /^Alerts/ })).toBeVisible();
  await saveScreenshot(page, 'main-window-layout--collapsed');

  await page.reload();
  await expect(page.getByRole('tab', { name: /^Alerts/ })).toBeVisible();
  await expect(toolbar.getByRole('button', { name: 'Resources pane' })).toHaveAttribute('aria-pressed', 'false');
  await expect(tree(page)).toBeHidden();
  expect((await bottom.boundingBox())!.height).toBeLessThan(40);

  // And back: each pane returns at the size it had.
  await toolbar.getByRole('button', { name: 'Resources pane' }).click();
  await page.getByRole('button', { name: 'Show tasks and alerts' }).click();
  await expect(tree(page)).toBeVisible();
  await expect.poll(async () => Math.abs((await sidebar.boundingBox())!.width - width1)).toBeLessThan(3);
  await expect.poll(async () => Math.abs((await bottom.boundingBox())!.height - height1)).toBeLessThan(3);
});

test('tells the three local SRs apart wherever they are offered', async ({ appPage: page }) => {
  // The tree: each under its host, named with it.
  await search(page).fill('Local storage');
  for (const name of LOCAL) await expect(item(page, name)).toBeVisible();
  await search(page).fill('');
  // The Objects view lists them flat: still named with their host.
  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('objects');
  await search(page).fill('Local storage');
  for (const name of LOCAL) await expect(item(page, name)).toBeVisible();
  await search(page).fill('');
  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('infrastructure');

  // The pool's Storage tab.
  await select(page, 'Production', 'Storage');
  const srs = detail(page).getByRole('table', { name: 'Storage repositories' });
  for (const name of LOCAL) await expect(srs.getByRole('cell', { name, exact: true })).toBeVisible();
  await saveScreenshot(page, 'main-window-layout--pool-storage');

  // Copy VM, full copy: the storage picker.
  await select(page, 'backup-proxy');
  await item(page, 'backup-proxy').click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Copy…' }).click();
  const copy = page.getByRole('dialog', { name: 'Copy backup-proxy' });
  await copy.getByRole('radio', { name: /Full copy/ }).check();
  await copy.getByRole('button', { name: 'Next >' }).click();
  const copySr = copy.getByRole('combobox', { name: 'Storage repository' });
  for (const name of LOCAL) await expect(copySr.getByRole('option', { name: new RegExp(`^${name} \\(`) })).toHaveCount(1);
  await saveScreenshot(page, 'main-window-layout--copy-vm-storage');
  await copy.getByRole('button', { name: 'Cancel' }).click();
  await expect(copy).toBeHidden();

  // New VM: the Storage page.
  await item(page, 'Production').click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'New VM…' }).click();
  const wizard = page.getByRole('dialog', { name: 'New VM' });
  await wizard.getByRole('listbox', { name: 'Template' }).selectOption({ label: 'Debian Bookworm 12' });
  await wizard.getByRole('button', { name: 'Next >' }).click();
  await wizard.getByRole('textbox', { name: 'Name' }).fill('e2e-layout');
  await wizard.getByRole('button', { name: 'Next >' }).click();
  await wizard.getByRole('button', { name: 'Next >' }).click();
  const newSr = wizard.getByRole('form', { name: 'Storage' }).getByRole('combobox', { name: 'Storage repository' });
  for (const name of LOCAL) await expect(newSr.getByRole('option', { name: new RegExp(`^${name} \\(`) })).toHaveCount(1);
  await saveScreenshot(page, 'main-window-layout--new-vm-storage');
  // Cancel leaves nothing behind.
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard).toBeHidden();
  await search(page).fill('e2e-layout');
  await expect(tree(page).getByRole('treeitem')).toHaveCount(0);
  await search(page).fill('');

  // Add disk on a VM's Storage tab.
  await select(page, 'backup-proxy', 'Storage');
  await detail(page).getByRole('button', { name: 'Add disk…' }).click();
  const diskSr = detail(page).getByRole('form', { name: 'New disk' }).getByRole('combobox', { name: 'Storage repository' });
  for (const name of LOCAL) await expect(diskSr.getByRole('option', { name: new RegExp(`^${name} \\(`) })).toHaveCount(1);
  await saveScreenshot(page, 'main-window-layout--add-disk');
  await detail(page).getByRole('form', { name: 'New disk' }).getByRole('button', { name: 'Cancel' }).click();
});

test('the main window as the README shows it (assets/screenshot.png is taken from this)', async ({ appPage: page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await select(page, 'web-01', 'Performance');
  await expect(detail(page).locator('.perf-chart').first()).toBeVisible();
  await expect(detail(page).getByRole('status').filter({ hasText: 'Live, every 5 seconds' })).toBeVisible({ timeout: 30_000 });
  await page.mouse.move(0, 0);
  await saveScreenshot(page, 'readme-main-window');
});
