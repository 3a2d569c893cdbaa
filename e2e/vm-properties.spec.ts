/**
 * VM Properties (XenCenter's Properties dialog for a VM): opened from the context menu, the toolbar, the
 * command palette, Alt+Enter and the General tab; its pages (General, CPU, Boot options, Home server)
 * write only what changed, on OK, as one task; the tree and the General tab follow. Input XAPI would refuse
 * is refused before OK, with the reason, and OK stays disabled.
 */
import type { Locator, Page } from '@playwright/test';
import { loginToPool } from './console-xapi';
import { expect, rowName, saveScreenshot, test } from './fixtures';

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const detail = (page: Page) => page.locator('.app-detail');
const property = (page: Page, label: string) => page.locator('.app-detail .property-row', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
const properties = (page: Page) => page.getByRole('dialog', { name: /Properties$/ });
const pageTab = (dialog: Locator, name: string) => dialog.getByRole('tab', { name: new RegExp(`^${name}`) });

async function select(page: Page, name: string): Promise<Locator> {
  await page.getByRole('searchbox', { name: 'Search resources' }).fill(name);
  const item = tree(page).getByRole('treeitem', { name: rowName(name) }).first();
  await item.click();
  await page.getByRole('searchbox', { name: 'Search resources' }).fill('');
  return tree(page).getByRole('treeitem', { name: rowName(name) }).first();
}

test('edits name, description, tags, vCPUs, boot order and home server of a halted VM; the tree and General tab follow', async ({ appPage: page, app }) => {
  const row = await select(page, 'backup-proxy');
  await row.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Properties' }).click();
  const dialog = properties(page);
  await expect(dialog).toHaveAccessibleName('backup-proxy Properties');
  await expect(pageTab(dialog, 'General')).toHaveAttribute('aria-selected', 'true');
  // A Linux VM not prepared for xscontainer has no Container management page.
  await expect(pageTab(dialog, 'Container management')).toHaveCount(0);

  await dialog.getByRole('textbox', { name: 'Name' }).fill('backup-proxy-2');
  await dialog.getByRole('textbox', { name: 'Description' }).fill('Backup proxy for the weekly full backups');
  await dialog.getByRole('button', { name: 'Remove tag ops' }).click();
  await dialog.getByRole('textbox', { name: 'New tag' }).fill('weekly');
  await dialog.getByRole('textbox', { name: 'New tag' }).press('Enter');
  await expect(dialog.getByRole('list', { name: 'Tags' })).toHaveText(/weekly/);
  await expect(pageTab(dialog, 'General')).toContainText('backup-proxy-2');

  await pageTab(dialog, 'CPU').click();
  await dialog.getByRole('textbox', { name: 'Maximum number of vCPUs' }).fill('6');
  await dialog.getByRole('textbox', { name: 'vCPUs at startup' }).fill('6');
  await dialog.getByRole('combobox', { name: 'Topology' }).selectOption({ label: '3 sockets with 2 cores each' });
  await expect(pageTab(dialog, 'CPU')).toContainText('6 vCPUs');

  await pageTab(dialog, 'Boot options').click();
  await dialog.getByRole('button', { name: 'Move DVD drive up' }).click();
  await dialog.getByRole('checkbox', { name: 'Network' }).uncheck();
  await expect(pageTab(dialog, 'Boot options')).toContainText('DVD drive, Hard disk');

  await pageTab(dialog, 'Home server').click();
  await expect(dialog.getByRole('radio', { name: 'xcp-prod-02' })).toBeChecked();
  await dialog.getByRole('radio', { name: 'xcp-prod-03' }).check();
  await expect(pageTab(dialog, 'Home server')).toContainText('xcp-prod-03');
  await saveScreenshot(page, 'vm-properties--pages');

  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeHidden();
  await expect(taskPanel(page).getByRole('row', { name: 'Save properties backup-proxy-2: Done' })).toBeVisible({ timeout: 30_000 });
  await expect(tree(page).getByRole('treeitem', { name: rowName('backup-proxy-2') })).toBeVisible();
  await expect(property(page, 'Description')).toContainText('Backup proxy for the weekly full backups');
  await expect(detail(page).getByRole('list', { name: 'Tags' })).toHaveText(/weekly/);
  await expect(detail(page).getByRole('list', { name: 'Tags' })).not.toHaveText(/ops/);
  await expect(property(page, 'vCPUs')).toHaveText('6');
  await expect(property(page, 'Home server')).toHaveText('xcp-prod-03');

  // What the pool holds now, as another client reads it.
  const production = app.demo!.pools.find((p) => p.label === 'Production')!;
  const xapi = await loginToPool(production);
  try {
    const [ref] = await xapi.call<string[]>('VM.get_by_name_label', 'backup-proxy-2');
    const vm = await xapi.call<{ VCPUs_max: string | number; VCPUs_at_startup: string | number; platform: Record<string, string>; HVM_boot_params: Record<string, string> }>('VM.get_record', ref);
    expect(Number(vm.VCPUs_max)).toBe(6);
    expect(Number(vm.VCPUs_at_startup)).toBe(6);
    expect(vm.platform['cores-per-socket']).toBe('2');
    expect(vm.HVM_boot_params.order).toBe('dc');
  } finally {
    await xapi.logout();
  }

  // Opened again, the dialog shows what the pool holds; OK with nothing changed writes nothing.
  await toolbar(page).getByRole('button', { name: 'Properties' }).click();
  await expect(properties(page).getByRole('textbox', { name: 'Name' })).toHaveValue('backup-proxy-2');
  await properties(page).getByRole('button', { name: 'OK' }).click();
  await expect(properties(page)).toBeHidden();
  await expect(taskPanel(page).getByRole('row', { name: /^Save properties/ })).toHaveCount(1);
  await saveScreenshot(page, 'vm-properties--saved');
});

test('refuses an empty name and vCPUs out of range with the reason, OK disabled; Alt+Enter, the palette and the General tab open it', async ({ appPage: page }) => {
  const row = await select(page, 'build-agent-02');
  await row.click();
  await page.keyboard.press('Alt+Enter');
  const dialog = properties(page);
  await expect(dialog).toHaveAccessibleName('build-agent-02 Properties');
  const ok = dialog.getByRole('button', { name: 'OK' });

  const name = dialog.getByRole('textbox', { name: 'Name' });
  await name.fill('   ');
  await expect(dialog.getByRole('alert').filter({ hasText: 'A VM needs a name.' })).toBeVisible();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(ok).toBeDisabled();
  await expect(ok).toHaveAccessibleDescription('General: A VM needs a name.');
  await name.fill('build-agent-02');
  await expect(ok).toBeEnabled();

  await pageTab(dialog, 'CPU').click();
  const max = dialog.getByRole('textbox', { name: 'Maximum number of vCPUs' });
  const hint = await dialog.locator('#vm-props-vcpus-max-hint').textContent();
  const ceiling = Number(/Up to (\d+)/.exec(hint ?? '')![1]);
  await max.fill(String(ceiling + 1));
  await expect(dialog.getByRole('alert').filter({ hasText: `The maximum must be a whole number from 1 to ${ceiling}` })).toBeVisible();
  await expect(ok).toBeDisabled();
  await expect(pageTab(dialog, 'CPU')).toHaveAccessibleName(/needs attention/);
  await max.fill('4');
  // 8 at startup is more than the maximum of 4.
  await expect(dialog.getByRole('alert').filter({ hasText: 'vCPUs at startup must be a whole number from 1 to the maximum (4).' })).toBeVisible();
  await expect(ok).toHaveAccessibleDescription('CPU: vCPUs at startup must be a whole number from 1 to the maximum (4).');
  await dialog.getByRole('textbox', { name: 'vCPUs at startup' }).fill('two');
  await expect(ok).toBeDisabled();
  await saveScreenshot(page, 'vm-properties--invalid');
  // What was typed stays while moving between pages.
  await pageTab(dialog, 'General').click();
  await pageTab(dialog, 'CPU').click();
  await expect(dialog.getByRole('textbox', { name: 'vCPUs at startup' })).toHaveValue('two');
  await expect(max).toHaveValue('4');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(property(page, 'vCPUs')).toHaveText('8');

  // The palette finds it; the General tab links to it, and to its Container management page.
  await row.click();
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Search actions and objects' }).fill('vcpus');
  await palette.getByRole('option', { name: 'Properties', exact: true }).click();
  await expect(pageTab(dialog, 'General')).toHaveAttribute('aria-selected', 'true');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await detail(page).getByRole('button', { name: 'Properties…', exact: true }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await detail(page).getByRole('button', { name: 'Change in Properties…' }).click();
  await expect(pageTab(dialog, 'Container management')).toHaveAttribute('aria-selected', 'true');
  await expect(dialog.getByRole('checkbox', { name: /^Container management/ })).toBeChecked();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});
