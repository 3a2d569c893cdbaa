/**
 * The object tabs on the demo pools, in Chromium: a VM's description and tags edited in the General tab
 * persist (seen again after a reload, i.e. read back from the pool); the Memory tab refuses limits in the
 * wrong order in words before sending anything, and applies valid ones; the Storage and Networking tabs
 * list the VM's disks and interfaces. Edits are put back at the end of each test.
 */
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test, rowName } from './fixtures';

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const item = (page: Page, name: string) => tree(page).getByRole('treeitem', { name: rowName(name) });
const detail = (page: Page) => page.getByRole('main');

async function openVm(page: Page, name: string, tab = 'General') {
  await page.getByRole('searchbox', { name: 'Search resources' }).fill(name);
  await item(page, name).click();
  await expect(detail(page).locator('.detail-title')).toHaveText(name);
  await detail(page).getByRole('tab', { name: tab }).click();
}

test('edits a VM’s description and tags, and they persist', async ({ appPage }) => {
  const page = appPage;
  await openVm(page, 'monitoring');
  const general = detail(page).getByRole('tabpanel');
  const original = (await general.locator('.inline-edit-value').nth(1).textContent())!.trim();

  await general.getByRole('button', { name: 'Edit Description' }).click();
  await general.getByRole('textbox', { name: 'Description' }).fill('Prometheus and Grafana (edited by e2e)');
  await general.getByRole('button', { name: 'Save' }).click();
  await expect(general.getByText('Prometheus and Grafana (edited by e2e)')).toBeVisible();

  await general.getByRole('textbox', { name: 'New tag' }).fill('e2e-tag');
  await general.getByRole('textbox', { name: 'New tag' }).press('Enter');
  await expect(general.getByRole('button', { name: 'Remove tag e2e-tag' })).toBeVisible();
  await general.getByRole('button', { name: 'Remove tag ops' }).click();
  await expect(general.getByRole('button', { name: 'Remove tag ops' })).toHaveCount(0);
  await saveScreenshot(page, 'main-window-tabs--edited');

  // A name cannot be emptied: said before anything is sent.
  await general.getByRole('button', { name: 'Edit Name' }).click();
  await general.getByRole('textbox', { name: 'Name' }).fill('  ');
  await expect(general.getByText('A VM needs a name.')).toBeVisible();
  await expect(general.getByRole('button', { name: 'Save' })).toBeDisabled();
  await general.getByRole('textbox', { name: 'Name' }).press('Escape');

  // After a reload everything comes from the pool again.
  await page.reload();
  await openVm(page, 'monitoring');
  await expect(general.getByText('Prometheus and Grafana (edited by e2e)')).toBeVisible();
  await expect(general.getByRole('button', { name: 'Remove tag e2e-tag' })).toBeVisible();
  await expect(general.getByRole('button', { name: 'Remove tag ops' })).toHaveCount(0);
  // The tag search finds it by its new tag.
  await page.getByRole('searchbox', { name: 'Search resources' }).fill('e2e-tag');
  await expect(item(page, 'monitoring')).toBeVisible();
  await saveScreenshot(page, 'main-window-tabs--persisted');

  // Put the demo back.
  await general.getByRole('button', { name: 'Edit Description' }).click();
  await general.getByRole('textbox', { name: 'Description' }).fill(original);
  await general.getByRole('button', { name: 'Save' }).click();
  await expect(general.getByText(original)).toBeVisible();
  await general.getByRole('textbox', { name: 'New tag' }).fill('ops');
  await general.getByRole('button', { name: 'Add tag' }).click();
  await expect(general.getByRole('button', { name: 'Remove tag ops' })).toBeVisible();
  await general.getByRole('button', { name: 'Remove tag e2e-tag' }).click();
  await expect(general.getByRole('button', { name: 'Remove tag e2e-tag' })).toHaveCount(0);
});

test('validates memory limits in words and applies valid ones', async ({ appPage }) => {
  const page = appPage;
  await openVm(page, 'build-agent-02', 'Memory');
  const panel = detail(page).getByRole('tabpanel');
  await panel.getByRole('button', { name: 'Edit memory…' }).click();
  const field = (label: string) => panel.getByRole('textbox', { name: `${label} (MiB)` });
  const before = await Promise.all(['Static minimum', 'Dynamic minimum', 'Dynamic maximum', 'Static maximum'].map((l) => field(l).inputValue()));

  await field('Dynamic minimum').fill(String(Number(before[2]) + 1024));
  await expect(panel.getByText('Dynamic maximum must be at least the dynamic minimum.')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Apply' })).toBeDisabled();
  await field('Static maximum').fill('lots');
  await expect(panel.getByText('Enter a whole number of MiB.')).toBeVisible();
  await saveScreenshot(page, 'main-window-tabs--memory-invalid');

  // Valid limits: 8 GiB fixed, then the pool's record shows them.
  await field('Static minimum').fill('1024');
  await field('Dynamic minimum').fill('8192');
  await field('Dynamic maximum').fill('8192');
  await field('Static maximum').fill('8192');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel.getByRole('button', { name: 'Edit memory…' })).toBeVisible();
  const limits = panel.getByRole('region', { name: 'Memory limits' });
  await expect(limits.getByRole('definition')).toHaveText(['1 GiB', '8 GiB', '8 GiB', '8 GiB']);
  await saveScreenshot(page, 'main-window-tabs--memory-applied');

  // Put the demo back.
  await panel.getByRole('button', { name: 'Edit memory…' }).click();
  for (const [i, l] of ['Static minimum', 'Dynamic minimum', 'Dynamic maximum', 'Static maximum'].entries()) await field(l).fill(before[i]);
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel.getByRole('button', { name: 'Edit memory…' })).toBeVisible();
});

test('locks the static range of a running VM’s memory', async ({ appPage }) => {
  const page = appPage;
  await openVm(page, 'db-replica', 'Memory');
  const panel = detail(page).getByRole('tabpanel');
  await panel.getByRole('button', { name: 'Edit memory…' }).click();
  await expect(panel.getByText(/only the dynamic range can change now/)).toBeVisible();
  await expect(panel.getByRole('textbox', { name: 'Static maximum (MiB)' })).toBeDisabled();
  await panel.getByRole('button', { name: 'Cancel' }).click();
});

test('chooses fixed or dynamic memory with sliders, and adds vCPUs to a running VM', async ({ appPage }) => {
  const page = appPage;
  await openVm(page, 'db-replica', 'Memory');
  const panel = detail(page).getByRole('tabpanel');
  await panel.getByRole('button', { name: 'Edit memory…' }).click();
  const form = panel.getByRole('form', { name: 'Edit memory' });
  await form.getByRole('radio', { name: /^Dynamic memory/ }).check();
  // A running VM's sliders stay within its static range; the static limits are locked.
  const maximum = form.getByRole('slider', { name: 'Maximum (slider)' });
  await expect(maximum).toHaveAttribute('max', String(Number(await form.getByRole('textbox', { name: 'Static maximum (MiB)' }).inputValue())));
  await saveScreenshot(page, 'main-window-tabs--memory-sliders');
  await form.getByRole('button', { name: 'Cancel' }).click();

  await panel.getByRole('button', { name: 'Edit vCPUs…' }).click();
  const cpu = panel.getByRole('form', { name: 'Edit vCPUs' });
  await expect(cpu.getByText(/vCPUs can be added live/)).toBeVisible();
  await expect(cpu.getByRole('combobox', { name: 'Topology' })).toBeDisabled();
  const max = Number(await cpu.getByRole('slider', { name: 'vCPUs (slider)' }).getAttribute('max'));
  await cpu.getByRole('textbox', { name: 'vCPUs' }).fill(String(max + 1));
  await expect(cpu.getByText(/vCPUs must be a whole number from 1 to/)).toBeVisible();
  await cpu.getByRole('textbox', { name: 'vCPUs' }).fill(String(max));
  await cpu.getByRole('button', { name: 'Apply' }).click();
  await expect(panel.getByRole('region', { name: 'vCPUs' }).getByRole('definition').first()).toHaveText(`${max} (maximum ${max})`);
  await saveScreenshot(page, 'main-window-tabs--vcpus-hot-plugged');
});

test('lists a VM’s disks and interfaces; adds, resizes and detaches a disk (leaves a free disk “e2e disk” in the pool)', async ({ appPage }) => {
  const page = appPage;
  await openVm(page, 'db-primary', 'Storage');
  const disks = detail(page).getByRole('table', { name: 'Disks' });
  await expect(disks.getByRole('row', { name: /db-primary system/ })).toContainText('40 GiB');
  await expect(disks.getByRole('row', { name: /db-primary data 1/ })).toContainText('NFS VM storage');
  await expect(disks.getByRole('row', { name: /Empty DVD drive/ })).toContainText('Read-only');

  await detail(page).getByRole('button', { name: 'Add disk…' }).click();
  const form = detail(page).getByRole('form', { name: 'New disk' });
  await form.getByRole('textbox', { name: 'Name' }).fill('e2e disk');
  await form.getByRole('textbox', { name: 'Size (GiB)' }).fill('0');
  await expect(form.getByText('Enter a size in GiB, more than 0.')).toBeVisible();
  await form.getByRole('textbox', { name: 'Size (GiB)' }).fill('1');
  await form.getByRole('button', { name: 'Create disk' }).click();
  // The disk's own row (while resizing, the inline form has a row of its own named after the disk too).
  const row = disks.getByRole('row', { name: /e2e disk/ }).filter({ hasNot: page.getByRole('form') });
  await expect(row).toContainText('1 GiB');
  await expect(row).toContainText('Yes'); // plugged into the running VM

  await row.getByRole('button', { name: 'Resize e2e disk' }).click();
  const resize = detail(page).getByRole('form', { name: 'Resize e2e disk' });
  await resize.getByRole('textbox', { name: 'New size (GiB)' }).fill('0.5');
  await expect(resize.getByText(/A disk cannot shrink/)).toBeVisible();
  await resize.getByRole('textbox', { name: 'New size (GiB)' }).fill('2');
  await resize.getByRole('button', { name: 'Resize' }).click();
  await expect(row).toContainText('2 GiB');
  await saveScreenshot(page, 'main-window-tabs--storage');

  await row.getByRole('button', { name: 'Detach e2e disk' }).click();
  await expect(row).toHaveCount(0);

  await detail(page).getByRole('tab', { name: 'Networking' }).click();
  const nics = detail(page).getByRole('table', { name: 'Network interfaces' });
  await expect(nics.getByText('10.10.30.21')).toBeVisible();
  await saveScreenshot(page, 'main-window-tabs--networking');
});
