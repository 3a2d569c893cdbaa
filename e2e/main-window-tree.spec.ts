/**
 * The resource tree on the demo pools, in Chromium: pools → hosts → running VMs with stopped VMs under the
 * pool; the search box filters by name, IP, tag, power state and UUID keeping ancestors and highlighting
 * matches; the tree is used with the keyboard alone (arrows, Home/End, type-ahead, Enter, Shift-extend,
 * Shift+F10 for the context menu). Changes nothing in the pools.
 */
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test, rowName } from './fixtures';

// The window as on a large screen (1600×1000).
test.use({ viewport: { width: 1600, height: 1000 } });

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const item = (page: Page, name: string) => tree(page).getByRole('treeitem', { name: rowName(name) });
const search = (page: Page) => page.getByRole('searchbox', { name: 'Search resources' });

/** The name shown on the row the tree's keyboard focus is on (aria-activedescendant). */
const focusedRow = (page: Page) =>
  page.evaluate(() => {
    const t = document.querySelector('[role="tree"]');
    const id = t?.getAttribute('aria-activedescendant');
    return id ? (document.getElementById(id)?.querySelector('.tree-label')?.textContent ?? null) : null;
  });

test.beforeEach(async ({ appPage }) => {
  await expect(item(appPage, 'xcp-prod-01')).toBeVisible();
});

test('shows pools, their hosts with their VMs and local storage, and shared storage under the pool, as XenCenter does', async ({ appPage }) => {
  const page = appPage;
  const pool = item(page, 'Production');
  await expect(pool).toHaveAttribute('aria-level', '1');
  await expect(pool).toHaveAttribute('aria-expanded', 'true');
  await expect(item(page, 'xcp-prod-01')).toHaveAttribute('aria-level', '2');
  // A running VM hangs under its host, and reads with its state.
  await expect(item(page, 'db-primary')).toHaveAttribute('aria-level', '3');
  await expect(tree(page).getByRole('treeitem', { name: 'db-primary, running' })).toBeVisible();
  // A halted VM hangs under its home server (its affinity), as in XenCenter.
  await search(page).fill('build-agent-02');
  await expect(tree(page).getByRole('treeitem', { name: 'build-agent-02, shut down' })).toHaveAttribute('aria-level', '3');
  // Each host's local storage is under it; shared storage under the pool.
  await search(page).fill('storage');
  for (const host of ['xcp-prod-01', 'xcp-prod-02', 'xcp-prod-03']) await expect(item(page, `Local storage on ${host}`)).toHaveAttribute('aria-level', '3');
  await expect(tree(page).getByRole('treeitem', { name: 'NFS VM storage, shared storage' })).toHaveAttribute('aria-level', '2');
  // Paused and suspended read differently (and their icons differ in shape, not only in colour).
  await search(page).fill('wi');
  await expect(tree(page).getByRole('treeitem', { name: 'wiki, paused' })).toBeVisible();
  await expect(tree(page).getByRole('treeitem', { name: 'win2019-sql, suspended' })).toBeVisible();
  await expect(item(page, 'wiki').locator('.obj-icon')).toHaveAttribute('data-state', 'paused');
  await expect(item(page, 'win2019-sql').locator('.obj-icon')).toHaveAttribute('data-state', 'suspended');
  await search(page).fill('');
  // Closing a host hides its VMs.
  await item(page, 'xcp-prod-01').locator('.tree-twisty').click();
  await expect(item(page, 'xcp-prod-01')).toHaveAttribute('aria-expanded', 'false');
  await expect(item(page, 'db-primary')).toHaveCount(0);
  await saveScreenshot(page, 'main-window-tree--host-closed');
  await item(page, 'xcp-prod-01').locator('.tree-twisty').click();
  await expect(item(page, 'db-primary')).toBeVisible();
});

test('filters by name, IP, tag, power state and UUID, keeping ancestors and highlighting matches', async ({ appPage }) => {
  const page = appPage;
  await search(page).fill('web-0');
  await expect(item(page, 'web-01')).toBeVisible();
  await expect(item(page, 'web-02')).toBeVisible();
  await expect(item(page, 'Production')).toBeVisible();
  await expect(item(page, 'db-primary')).toHaveCount(0);
  await expect(item(page, 'web-01').locator('mark')).toHaveText('web-0');
  await saveScreenshot(page, 'main-window-tree--filter-name');

  await search(page).fill('10.10.30.21');
  await expect(item(page, 'db-primary')).toBeVisible();
  await expect(item(page, 'db-primary').locator('mark')).toHaveText('10.10.30.21');
  await expect(tree(page).getByRole('treeitem')).toHaveCount(3); // pool, host, VM

  await search(page).fill('windows');
  await expect(item(page, 'win2022-ad')).toBeVisible();
  await expect(item(page, 'win11-helpdesk')).toBeVisible();
  await expect(item(page, 'web-01')).toHaveCount(0);

  await search(page).fill('suspended');
  await expect(item(page, 'win2019-sql')).toBeVisible();
  await expect(item(page, 'mail')).toHaveCount(0);

  // The UUID as the General tab shows it finds the VM again.
  await item(page, 'win2019-sql').click();
  const uuid = (await page.getByRole('definition').filter({ has: page.getByRole('button', { name: 'Copy UUID' }) }).locator('.mono').textContent())!.trim();
  expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
  await search(page).fill(uuid.toUpperCase());
  await expect(item(page, 'win2019-sql')).toBeVisible();
  await expect(tree(page).getByRole('treeitem')).toHaveCount(3); // pool, its home server, VM

  await search(page).fill('no-such-thing-anywhere');
  await expect(page.getByText('Nothing matches “no-such-thing-anywhere”.')).toBeVisible();
  await search(page).press('Escape');
  await expect(item(page, 'db-primary')).toBeVisible();
});

test('is used with the keyboard alone', async ({ appPage }) => {
  const page = appPage;
  await tree(page).focus();
  await page.keyboard.press('Home');
  expect(await focusedRow(page)).toBe('Production');
  await expect(item(page, 'Production')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  expect(await focusedRow(page)).toBe('xcp-prod-01');
  // Left on an open host closes it, Right opens it again, Right once more enters its first VM.
  await page.keyboard.press('ArrowLeft');
  await expect(item(page, 'xcp-prod-01')).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowRight');
  await expect(item(page, 'xcp-prod-01')).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowRight');
  const firstVm = await focusedRow(page);
  expect(firstVm).not.toBe('xcp-prod-01');
  await page.keyboard.press('ArrowLeft');
  expect(await focusedRow(page)).toBe('xcp-prod-01');

  // Type-ahead jumps to the next row whose name starts with what was typed.
  await page.keyboard.type('xcp-prod-03');
  expect(await focusedRow(page)).toBe('xcp-prod-03');
  await expect(page.getByRole('main').getByText('xcp-prod-03').first()).toBeVisible();

  // Shift+Down extends the selection; the detail pane says how many are selected.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(tree(page).locator('[role="treeitem"][aria-selected="true"]')).toHaveCount(2);
  await expect(page.getByText('and 1 more selected')).toBeVisible();

  // Shift+F10 opens the context menu for the selection; Escape closes it and the tree keeps focus.
  await page.keyboard.press('Shift+F10');
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await saveScreenshot(page, 'main-window-tree--keyboard-menu');
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);

  // End goes to the last row (the Lab pool's last object), Enter opens it in the tabs.
  await tree(page).focus();
  await page.keyboard.press('End');
  const last = await focusedRow(page);
  expect(last).toBeTruthy();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main').getByRole('tab', { selected: true })).toBeFocused();
  await expect(page.locator('.detail-title')).toHaveText(last!);
});

test('multi-selects with Ctrl and Shift clicks', async ({ appPage }) => {
  const page = appPage;
  await item(page, 'db-primary').click();
  await item(page, 'xcp-prod-02').click({ modifiers: ['Control'] });
  await expect(tree(page).locator('[role="treeitem"][aria-selected="true"]')).toHaveCount(2);
  await item(page, 'xcp-prod-02').click({ modifiers: ['Control'] });
  await expect(tree(page).locator('[role="treeitem"][aria-selected="true"]')).toHaveCount(1);
  await item(page, 'xcp-prod-01').click();
  await item(page, 'xcp-prod-02').click({ modifiers: ['Shift'] });
  const selected = await tree(page).locator('[role="treeitem"][aria-selected="true"]').count();
  expect(selected).toBeGreaterThan(2); // the host, its VMs, and the next host
  await saveScreenshot(page, 'main-window-tree--multi-select');
});

test('switches to the Objects and Organization views', async ({ appPage }) => {
  const page = appPage;
  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('objects');
  await expect(item(page, 'Virtual machines')).toBeVisible();
  await expect(item(page, 'Servers')).toBeVisible();
  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('organization');
  await expect(item(page, 'Tags')).toBeVisible();
  await item(page, 'production').locator('.tree-twisty').click();
  await expect(item(page, 'db-primary')).toBeVisible();
  await saveScreenshot(page, 'main-window-tree--organization');
  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('infrastructure');
});

test('drags objects onto a tag of the Organization view: the target highlights or says why it refuses; the keyboard does the same', async ({ appPage }) => {
  const page = appPage;
  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('organization');
  const tag = (name: string) => tree(page).getByRole('treeitem', { name, exact: true });
  for (const t of ['web', 'dmz']) await tag(t).locator('.tree-twisty').click();
  const status = page.locator('.vtree-drop-status');

  // Onto a tag it already has: refused, with the reason; nothing changes.
  const web01 = tree(page).getByRole('treeitem', { name: rowName('web-01') }).first();
  const at = async (row: typeof web01) => {
    const box = (await row.boundingBox())!;
    await page.mouse.move(box.x + 60, box.y + box.height / 2, { steps: 6 });
  };
  await at(web01);
  await page.mouse.down();
  await at(tag('web'));
  await expect(tag('web')).toHaveClass(/is-drop-refused/);
  await expect(status).toHaveText('Cannot drop here: web-01 already has the tag “web”.');
  await saveScreenshot(page, 'main-window-tree--drop-refused');
  // Onto another tag: highlighted, and says what the drop does.
  await at(tag('dmz'));
  await expect(tag('dmz')).toHaveClass(/is-drop-target/);
  await expect(status).toHaveText('Add the tag “dmz” to web-01');
  await saveScreenshot(page, 'main-window-tree--drop-target');
  await page.mouse.up();
  await expect(status).toHaveCount(0);
  // web-01 now shows under dmz too.
  await expect(tree(page).getByRole('treeitem', { name: rowName('web-01') })).toHaveCount(2);

  // The keyboard: Ctrl+X on web-02, arrows to the dmz tag, Ctrl+V.
  await tree(page).getByRole('treeitem', { name: rowName('web-02') }).first().click();
  await page.keyboard.press('Control+x');
  await expect(status).toContainText('Moving 1 object');
  await page.keyboard.type('dmz');
  await expect(status).toHaveText('Add the tag “dmz” to web-02 (Ctrl+V)');
  await page.keyboard.press('Control+v');
  await expect(status).toHaveCount(0);
  await expect(tree(page).getByRole('treeitem', { name: rowName('web-02') })).toHaveCount(2);
  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('infrastructure');
});
