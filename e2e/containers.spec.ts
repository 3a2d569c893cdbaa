/**
 * Docker containers on the demo pools (xscontainer in the simulator): containers under their VM in the tree
 * and in the Objects view, their lifecycle actions from the context menu, toolbar, palette and keys, the
 * General, Processes and Details tabs, a halted VM (its containers leave the tree, as XenCenter shows it:
 * xscontainer removes docker_ps), container management switched in VM Properties, and a hostile docker_ps on one VM.
 * Tests build on each other in order (one host per spec file): monitoring's containers are stopped and
 * started, build-agent-01 is restarted, sandbox-01 ends monitored, k8s-lab-1 carries a made-up docker_ps.
 */
import type { Locator, Page } from '@playwright/test';
import { loginToPool } from './console-xapi';
import { expect, saveScreenshot, test } from './fixtures';

const tree = (page: Page) => page.getByRole('tree', { name: 'Resources' });
const taskPanel = (page: Page) => page.getByRole('table', { name: 'Tasks' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });
const detail = (page: Page) => page.locator('.app-detail');
const property = (page: Page, label: string) => page.locator('.app-detail .property-row', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A tree row by name (rows read "name, state"); found with the search box, since the tree is virtualized. */
async function row(page: Page, name: string): Promise<Locator> {
  await page.getByRole('searchbox', { name: 'Search resources' }).fill(name);
  const item = tree(page).getByRole('treeitem', { name: new RegExp(`^${escape(name)}(,|$)`) }).first();
  await expect(item).toBeVisible();
  return item;
}

const clearSearch = (page: Page) => page.getByRole('searchbox', { name: 'Search resources' }).fill('');

/** The container row's state as its icon draws it and its name says it. */
async function expectContainerState(page: Page, name: string, state: 'running' | 'paused' | 'halted', words: RegExp) {
  const item = tree(page).getByRole('treeitem', { name: new RegExp(`^${escape(name)}, container, `) }).first();
  await expect(item.locator('.obj-icon')).toHaveAttribute('data-state', state, { timeout: 20_000 });
  await expect(item).toHaveAccessibleName(words);
  await expect(property(page, 'State')).toHaveText(new RegExp(words.source.replace(/^.*container, /, ''), 'i'));
}

const done = (page: Page, title: string, target: string) => expect(taskPanel(page).getByRole('row', { name: `${title} ${target}: Done` }).first()).toBeVisible({ timeout: 30_000 });

test('expanding monitoring in Production shows its containers; they are found by the search and listed in the Objects view', async ({ appPage: page }) => {
  const vm = tree(page).getByRole('treeitem', { name: /^monitoring(,|$)/ });
  await expect(vm).toHaveAttribute('aria-expanded', 'false');
  await vm.click();
  await page.keyboard.press('ArrowRight');
  await expect(vm).toHaveAttribute('aria-expanded', 'true');
  // Running, paused (cadvisor), restarting in a loop (SNMP exporter) and exited (Loki): each state by shape and in words.
  await expect(tree(page).getByRole('treeitem', { name: 'monitoring-prometheus-1, container, running' })).toBeVisible();
  await expect(tree(page).getByRole('treeitem', { name: 'monitoring-cadvisor-1, container, paused' }).locator('.obj-icon')).toHaveAttribute('data-state', 'paused');
  await expect(tree(page).getByRole('treeitem', { name: 'monitoring-loki-1, container, exited with code 1' })).toContainText('Exited (1)');
  await saveScreenshot(page, 'containers--monitoring-expanded');

  // The VM's General tab: the Docker engine and the monitoring state.
  await expect(property(page, 'Monitoring')).toContainText(/Monitored: \d+ containers, \d+ running/);
  await expect(property(page, 'API version')).toHaveText(/^\d+\.\d+$/);
  await expect(property(page, 'Driver')).toHaveText('overlay2');

  // The search finds containers by name and by image, with their VM opened above them.
  await page.getByRole('searchbox', { name: 'Search resources' }).fill('prom/alertmanager');
  await expect(tree(page).getByRole('treeitem', { name: /^monitoring-alertmanager-1, container/ })).toBeVisible();
  await clearSearch(page);

  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('objects');
  // The Docker containers group comes last, below the fold of the demo's objects: the search brings it up.
  await page.getByRole('searchbox', { name: 'Search resources' }).fill('grafana-1');
  await expect(tree(page).getByRole('treeitem', { name: /^Docker containers/ })).toBeVisible();
  // Under the group each container says which VM it runs in (names repeat across VMs).
  await expect(tree(page).getByRole('treeitem', { name: /^monitoring-grafana-1, container, running/ }).filter({ hasText: 'in monitoring' })).toBeVisible();
  await saveScreenshot(page, 'containers--objects-view');
  await clearSearch(page);
  await page.getByRole('combobox', { name: 'Tree view' }).selectOption('infrastructure');
});

test('stops, starts, pauses, resumes and restarts a container from the menu, toolbar, palette and keys', async ({ appPage: page }) => {
  const grafana = await row(page, 'monitoring-grafana-1');
  await grafana.click();
  await expect(detail(page).locator('.detail-header')).toContainText('monitoring-grafana-1');
  await expect(property(page, 'Image')).toContainText('grafana/grafana');
  await expect(property(page, 'Ports')).toContainText('->3000/tcp');
  await expect(property(page, 'Container')).toHaveText(/^[0-9a-f]{10}/);
  await expect(property(page, 'ID')).toHaveText(/^[0-9a-f]{64}/);

  // Stop, from the context menu: Start is offered but disabled, with the reason.
  await grafana.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions' });
  await expect(menu.getByRole('menuitem', { name: 'Start container', exact: true })).toHaveAttribute('aria-disabled', 'true');
  await saveScreenshot(page, 'containers--context-menu');
  await menu.getByRole('menuitem', { name: 'Stop container' }).click();
  await done(page, 'Stop container', 'monitoring-grafana-1 on monitoring');
  await expectContainerState(page, 'monitoring-grafana-1', 'halted', /container, exited with code \d+/);
  await expect(property(page, 'Status')).toHaveText(/^Exited \(\d+\)/);

  // Start, from the toolbar.
  await toolbar(page).getByRole('button', { name: 'Start container', exact: true }).click();
  await done(page, 'Start container', 'monitoring-grafana-1 on monitoring');
  await expectContainerState(page, 'monitoring-grafana-1', 'running', /container, running/);

  // Pause, from the command palette.
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Search actions and objects' }).fill('pause container');
  await expect(palette.getByRole('option', { name: /^Pause container/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await done(page, 'Pause container', 'monitoring-grafana-1 on monitoring');
  await expectContainerState(page, 'monitoring-grafana-1', 'paused', /container, paused/);
  await expect(toolbar(page).getByRole('button', { name: 'Stop container' })).toHaveAccessibleDescription('monitoring-grafana-1 is paused: resume it first.');
  await saveScreenshot(page, 'containers--paused');

  // Resume, from the toolbar (it takes Pause's place).
  await toolbar(page).getByRole('button', { name: 'Resume container' }).click();
  await done(page, 'Resume container', 'monitoring-grafana-1 on monitoring');
  await expectContainerState(page, 'monitoring-grafana-1', 'running', /container, running/);

  // Restart, with its key (Ctrl+R, as Reboot for a VM) from the tree.
  await tree(page).getByRole('treeitem', { name: /^monitoring-grafana-1, container/ }).click();
  await page.keyboard.press('Control+r');
  await done(page, 'Restart container', 'monitoring-grafana-1 on monitoring');
  await expectContainerState(page, 'monitoring-grafana-1', 'running', /container, running/);
  await clearSearch(page);
});

test('stops and starts two containers at once, one task each', async ({ appPage: page }) => {
  await (await row(page, 'monitoring-blackbox-exporter-1')).click();
  await (await row(page, 'monitoring-alertmanager-1')).click({ modifiers: ['Control'] });
  await clearSearch(page);
  await expect(detail(page).locator('.detail-header')).toContainText('and 1 more selected');
  await toolbar(page).getByRole('button', { name: 'Stop container' }).click();
  for (const name of ['monitoring-blackbox-exporter-1', 'monitoring-alertmanager-1']) await done(page, 'Stop container', `${name} on monitoring`);
  await expect(toolbar(page).getByRole('button', { name: 'Stop container' })).toHaveAccessibleDescription(/^None of the 2 selected containers can: /);
  await saveScreenshot(page, 'containers--bulk-stopped');
  await toolbar(page).getByRole('button', { name: 'Start container', exact: true }).click();
  for (const name of ['monitoring-blackbox-exporter-1', 'monitoring-alertmanager-1']) await done(page, 'Start container', `${name} on monitoring`);
  await expect(await row(page, 'monitoring-alertmanager-1')).toHaveAccessibleName('monitoring-alertmanager-1, container, running', { timeout: 20_000 });
  await clearSearch(page);
});

test('the Processes and Details tabs show docker top and docker inspect, and refresh', async ({ appPage: page }) => {
  // The page's clock is driven from here, so the 20-second refresh is seen without waiting for it.
  await page.clock.install();
  await (await row(page, 'monitoring-prometheus-1')).click();
  await detail(page).getByRole('tab', { name: 'Processes' }).click();
  const processes = detail(page).getByRole('table', { name: 'Processes' });
  await expect(processes.getByRole('row')).not.toHaveCount(1); // more than the header
  await expect(processes).toContainText('prometheus');
  const status = detail(page).getByRole('status').filter({ hasText: 'Last refresh' });
  await expect(status).toBeVisible();

  // Columns sort: by CPU time, busiest first, then the other way.
  const cpu = processes.getByRole('columnheader', { name: 'CPU time' });
  await cpu.getByRole('button').click();
  await expect(cpu).toHaveAttribute('aria-sort', 'descending');
  await cpu.getByRole('button').click();
  await expect(cpu).toHaveAttribute('aria-sort', 'ascending');
  await saveScreenshot(page, 'containers--processes');

  // Read again by itself 20 s later (the time of the last refresh moves), and on demand.
  const before = await status.textContent();
  await page.clock.fastForward(20_000);
  await expect(status).not.toHaveText(before!);
  await expect(processes).toContainText('prometheus');
  const refreshed = await status.textContent();
  await page.clock.fastForward(2_000);
  await expect(status).toHaveText(refreshed!);
  await detail(page).getByRole('button', { name: 'Refresh processes' }).click();
  await expect(status).not.toHaveText(refreshed!);
  // Reads are not tasks: xapi's task for each synchronous host.call_plugin is not listed.
  await expect(taskPanel(page).getByRole('row', { name: /Call plugin/ })).toHaveCount(0);

  await detail(page).getByRole('tab', { name: 'Details' }).click();
  const inspect = detail(page).getByRole('tree', { name: 'Container details' });
  await expect(inspect.getByRole('treeitem', { name: 'Id', exact: true })).toBeVisible();
  // The tree works from the keyboard: down to State, Right opens it, its Status reads "running".
  const state = inspect.getByRole('treeitem', { name: 'State', exact: true });
  await state.click();
  await page.keyboard.press('ArrowRight');
  await expect(state).toHaveAttribute('aria-expanded', 'true');
  await expect(inspect.getByRole('treeitem', { name: 'Status', exact: true })).toContainText('running');
  await saveScreenshot(page, 'containers--details');
  const detailsStatus = detail(page).getByRole('status').filter({ hasText: 'Last refresh' });
  const shown = await detailsStatus.textContent();
  await page.clock.fastForward(2_000); // the time shown has seconds
  await detail(page).getByRole('button', { name: 'Refresh details' }).click();
  await expect(detailsStatus).not.toHaveText(shown!);
  // What was opened stays open across a refresh with the same answer.
  await expect(state).toHaveAttribute('aria-expanded', 'true');
  await expect(taskPanel(page).getByRole('row', { name: /Call plugin/ })).toHaveCount(0);
  await clearSearch(page);
});

test('halting a VM takes its containers out of the tree; starting it brings them back', async ({ appPage: page }) => {
  const vm = tree(page).getByRole('treeitem', { name: /^build-agent-01(,|$)/ });
  await vm.click();
  await page.keyboard.press('ArrowRight');
  await expect(tree(page).getByRole('treeitem', { name: /^gitlab-runner, container, running/ })).toBeVisible();
  await tree(page).getByRole('treeitem', { name: /^gitlab-runner, container/ }).click();
  await expect(detail(page).locator('.detail-header')).toContainText('gitlab-runner');

  // Shut the VM down (select it, Ctrl+E): the container it showed goes, the selection moves to its VM.
  await vm.click();
  await page.keyboard.press('Control+e');
  await done(page, 'Shut down', 'build-agent-01');
  await expect(tree(page).getByRole('treeitem', { name: /^gitlab-runner, container/ })).toHaveCount(0);
  await expect(vm).not.toHaveAttribute('aria-expanded');
  await expect(property(page, 'Monitoring')).toHaveText('On: containers are listed while the VM runs.');
  await saveScreenshot(page, 'containers--vm-halted');

  await toolbar(page).getByRole('button', { name: 'Start', exact: true }).click();
  await done(page, 'Start', 'build-agent-01');
  // Docker starts in the guest, restarts its "always" containers, and xscontainer lists them again.
  await expect(property(page, 'Monitoring')).toContainText('Monitored', { timeout: 30_000 });
  await vm.click();
  await page.keyboard.press('ArrowRight');
  await expect(tree(page).getByRole('treeitem', { name: /^gitlab-runner, container, running/ })).toBeVisible({ timeout: 20_000 });
});

/** VM Properties of the selected VM, opened from its General tab, on the Container management page. */
async function containerManagement(page: Page) {
  await detail(page).getByRole('button', { name: 'Change in Properties…' }).click();
  const dialog = page.getByRole('dialog', { name: /Properties$/ });
  await expect(dialog.getByRole('tab', { name: /^Container management/ })).toHaveAttribute('aria-selected', 'true');
  return { dialog, box: dialog.getByRole('checkbox', { name: /^Container management/ }) };
}

test('turns container management on and off from VM Properties; a container action keeps its title across a reload', async ({ appPage: page }) => {
  const vm = await row(page, 'sandbox-01');
  await vm.click();
  await clearSearch(page);
  await expect(property(page, 'Container management')).toContainText('Off');
  await expect(property(page, 'Monitoring')).toHaveText('Off');
  let { dialog, box } = await containerManagement(page);
  await expect(box).not.toBeChecked();
  await box.check();
  await expect(dialog.getByRole('tab', { name: /^Container management/ })).toContainText('On');
  await saveScreenshot(page, 'containers--properties-management');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeHidden();
  await done(page, 'Save properties', 'sandbox-01');
  await expect(property(page, 'Container management')).toContainText('On');
  // The monitor connects and lists the VM's containers (a test database).
  await expect(property(page, 'Monitoring')).toContainText('Monitored', { timeout: 30_000 });
  const sandbox = tree(page).getByRole('treeitem', { name: /^sandbox-01(,|$)/ });
  await sandbox.click();
  await page.keyboard.press('ArrowRight');
  await expect(tree(page).getByRole('treeitem', { name: /^pg-test, container/ })).toBeVisible();
  await saveScreenshot(page, 'containers--management-on');

  // adminer ignores SIGTERM: Docker kills it at the 10 s stop timeout. Reloaded meanwhile, the window still
  // calls the running task "Stop container", not the plug-in call the server knows it by.
  await tree(page).getByRole('treeitem', { name: /^adminer, container/ }).click();
  await toolbar(page).getByRole('button', { name: 'Stop container', exact: true }).click();
  const stopping = taskPanel(page).getByRole('row', { name: 'Stop container adminer on sandbox-01' });
  await expect(stopping).toBeVisible();
  await page.reload();
  await expect(stopping).toBeVisible();
  await expect(stopping.getByRole('progressbar')).toBeVisible();
  await expect(taskPanel(page).getByRole('row', { name: /Call plugin/ })).toHaveCount(0);
  await saveScreenshot(page, 'containers--task-after-reload');
  await expect(taskPanel(page).getByRole('row', { name: 'Stop container adminer on sandbox-01: Done' })).toBeVisible({ timeout: 30_000 });

  await (await row(page, 'sandbox-01')).click();
  await clearSearch(page);
  ({ dialog, box } = await containerManagement(page));
  await expect(box).toBeChecked();
  await box.uncheck();
  await dialog.getByRole('button', { name: 'OK' }).click();
  await done(page, 'Save properties', 'sandbox-01');
  await expect(property(page, 'Container management')).toContainText('Off');
  await expect(tree(page).getByRole('treeitem', { name: /^pg-test, container/ })).toHaveCount(0);
  await expect(property(page, 'Monitoring')).toHaveText('Off');

  ({ dialog, box } = await containerManagement(page));
  await box.check();
  await dialog.getByRole('button', { name: 'OK' }).click();
  await done(page, 'Save properties', 'sandbox-01');
  await expect(property(page, 'Monitoring')).toContainText('Monitored', { timeout: 30_000 });
  await sandbox.click();
  if ((await sandbox.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
  await expect(tree(page).getByRole('treeitem', { name: /^pg-test, container/ })).toBeVisible({ timeout: 20_000 });
  await saveScreenshot(page, 'containers--management-back-on');
});

test('a container on a Windows VM has no Processes tab and cannot be paused', async ({ appPage: page, app }) => {
  const production = app.demo!.pools.find((p) => p.label === 'Production')!;
  const xapi = await loginToPool(production);
  const [win] = await xapi.call<string[]>('VM.get_by_name_label', 'win2022-ad');
  const id = 'c0ffee00'.repeat(8);
  try {
    // As xscontainer would list a Windows Server container host (written here: the demo does not monitor it).
    await xapi.call('VM.add_to_other_config', win, 'docker_ps',
      `<?xml version="1.0" ?><docker_ps><item><entry><id>${id}</id><names>iis-site</names><image>mcr.microsoft.com/windows/servercore/iis</image><command>C:\\ServiceMonitor.exe w3svc</command><created>1700000000</created><status>Up 2 hours</status><container>${id.slice(0, 10)}</container></entry></item></docker_ps>`);
    await (await row(page, 'iis-site')).click();
    await expect(detail(page).getByRole('tab', { name: 'General' })).toBeVisible();
    await expect(detail(page).getByRole('tab', { name: 'Details' })).toBeVisible();
    await expect(detail(page).getByRole('tab', { name: 'Processes' })).toHaveCount(0);
    await expect(toolbar(page).getByRole('button', { name: 'Pause container' })).toHaveAccessibleDescription('iis-site runs on a Windows VM, where containers cannot be paused.');
    await expect(toolbar(page).getByRole('button', { name: 'Stop container' })).toBeEnabled();
    await expect(property(page, 'Image')).toHaveText('mcr.microsoft.com/windows/servercore/iis');
    await saveScreenshot(page, 'containers--windows-vm');
  } finally {
    await xapi.call('VM.remove_from_other_config', win, 'docker_ps').catch(() => undefined);
    await xapi.logout();
    await clearSearch(page);
  }
});

test('a hostile docker_ps shows an error on that VM only; a plug-in failure reaches the task panel in its words', async ({ appPage: page, app }) => {
  const lab = app.demo!.pools.find((p) => p.label === 'Lab')!;
  const xapi = await loginToPool(lab);
  const [k8s] = await xapi.call<string[]>('VM.get_by_name_label', 'k8s-lab-1');
  try {
    // k8s-lab-1 runs k3s, not Docker: monitoring is on, xscontainer's alert says why it cannot reach it.
    const vm = await row(page, 'k8s-lab-1');
    await expect(vm).toContainText('Docker unreachable');
    await vm.click();
    await expect(property(page, 'Monitoring')).toContainText('Docker unreachable since');

    // An entity bomb in docker_ps: refused, said on the VM's row and General tab; the rest carries on.
    const bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><docker_ps><item><entry><id>&c;</id></entry></item></docker_ps>';
    await xapi.call('VM.add_to_other_config', k8s, 'docker_ps', bomb);
    await expect(vm).toContainText('Container list unreadable');
    await expect(property(page, 'Monitoring')).toContainText('XSCONTAINER_DATA_DTD_REFUSED');
    await saveScreenshot(page, 'containers--hostile-docker-ps');
    await expect(await row(page, 'monitoring-prometheus-1')).toBeVisible();

    // A docker_ps of the wrong shape, then a well-formed one naming a container the guest does not have.
    await xapi.call('VM.remove_from_other_config', k8s, 'docker_ps');
    await xapi.call('VM.add_to_other_config', k8s, 'docker_ps', '<docker_ps><entry><id>x</id></entry></docker_ps>');
    await (await row(page, 'k8s-lab-1')).click();
    await expect(property(page, 'Monitoring')).toContainText('XSCONTAINER_DATA_WRONG_SHAPE');
    const id = 'f00dfeed'.repeat(8);
    await xapi.call('VM.remove_from_other_config', k8s, 'docker_ps');
    await xapi.call('VM.add_to_other_config', k8s, 'docker_ps',
      `<?xml version="1.0" ?><docker_ps><item><entry><id>${id}</id><names>ghost</names><image>busybox</image><command>sh</command><created>1700000000</created><status>Up 5 minutes</status><container>${id.slice(0, 10)}</container></entry></item></docker_ps>`);
    const ghost = await row(page, 'ghost');
    await ghost.click();
    // The plug-in cannot reach Docker in the guest: the Processes tab says the information is not available, and why.
    await detail(page).getByRole('tab', { name: 'Processes' }).click();
    await expect(detail(page).getByRole('status').filter({ hasText: 'The information is not available.' })).toBeVisible({ timeout: 30_000 });
    await expect(detail(page).locator('.container-tab')).toContainText('XENAPI_PLUGIN_FAILURE');
    await toolbar(page).getByRole('button', { name: 'Stop container', exact: true }).click();
    // Its own words, and XAPI's code, in the task panel.
    const failed = taskPanel(page).getByRole('row', { name: 'Stop container ghost on k8s-lab-1: Failed' });
    await expect(failed).toBeVisible({ timeout: 30_000 });
    await expect(failed).toContainText(/ncat -U \/var\/run\/docker.sock/);
    await expect(failed).toContainText('XENAPI_PLUGIN_FAILURE');
    await saveScreenshot(page, 'containers--plugin-failure');
  } finally {
    await xapi.call('VM.remove_from_other_config', k8s, 'docker_ps').catch(() => undefined);
    await xapi.logout();
    await clearSearch(page);
  }
});
