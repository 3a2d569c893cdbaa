/**
 * The Console tab in the real app (browser mode, demo pools), in Chromium: web-01's login prompt is read
 * back from noVNC's canvas pixels with the console font, typing appears, Ctrl+Alt+Del brings the boot log
 * back, and after a reboot from the toolbar, a forced reboot from the context menu (with its confirmation)
 * and a live migration the console reconnects by itself. A halted VM says so and its Start button starts
 * it; a host shows its control domain's console; Undock opens the console in a browser tab of its own while the
 * main tab shows "Console undocked" without a connection, and "Bring console back" closes that tab and reconnects.
 *
 * Changes the pools and puts them back: web-01 is rebooted and migrated back to its host, backup-proxy is
 * started and switched off again.
 */
import type { Locator, Page } from '@playwright/test';
import { expectScreen, loginPrompt } from './console-screen';
import { loginToPool } from './console-xapi';
import { expect, saveScreenshot, test, rowName } from './fixtures';

// Two reboots or a migration there and back, each waited for on a shared 2-core machine: more room than the default 60 s.
test.describe.configure({ timeout: 120_000 });

/** Selects `name` in the resource tree (through its search box) and opens the Console tab. */
async function openConsole(page: Page, name: string): Promise<{ tab: Locator; status: Locator; screen: Locator }> {
  await page.getByRole('searchbox', { name: 'Search resources' }).fill(name);
  await page.getByRole('tree', { name: 'Resources' }).getByRole('treeitem', { name: rowName(name) }).click();
  await page.getByRole('tab', { name: 'Console', exact: true }).click();
  const tab = page.getByRole('region', { name: /^Console of / });
  return { tab, status: tab.locator('[data-state]'), screen: tab.getByTestId('console-screen') };
}

/** Records every state the console goes through from now on, to see it drop and come back without a click. */
async function watchStates(tab: Locator): Promise<() => Promise<string>> {
  await tab.evaluate((el) => {
    const w = window as unknown as { consoleStates: string[] };
    w.consoleStates = [];
    const status = el.querySelector('[data-state]')!;
    new MutationObserver(() => w.consoleStates.push(status.getAttribute('data-state')!)).observe(status, { attributes: true });
  });
  return () => tab.evaluate(() => (window as unknown as { consoleStates: string[] }).consoleStates.join(' '));
}

test('web-01: login prompt, typing, Ctrl+Alt+Del, and it reconnects after reboots (changes the pool: reboots web-01)', async ({ appPage: page }) => {
  const { tab, status, screen } = await openConsole(page, 'web-01');
  await expect(status).toHaveText('Connected to web-01');
  await expectScreen(screen, loginPrompt('web-01'), 'the login prompt on the canvas');
  await saveScreenshot(page, 'console--1-login');

  // Typing goes to the guest once the screen has focus; the focus ring shows it.
  await screen.locator('canvas').click();
  await expect(screen).toHaveClass(/console-screen-focused/);
  await page.keyboard.type('xendeck');
  await expectScreen(screen, (t) => t.includes('web-01 login: xendeck'), 'the typed word on the canvas');
  await saveScreenshot(page, 'console--2-typed');
  // While the console has the keyboard, the app's shortcuts stay off: Ctrl+R goes to the guest, not to
  // the window (where it would reboot the selected VM, or reload the page).
  await page.evaluate(() => {
    const w = window as unknown as { appKeys: string[] };
    w.appKeys = [];
    window.addEventListener('keydown', (e) => w.appKeys.push(e.key));
  });
  await page.keyboard.press('Control+r');
  expect(await page.evaluate(() => (window as unknown as { appKeys: string[] }).appKeys), 'keys that reached the window').toEqual([]);

  await tab.getByRole('button', { name: 'Send Ctrl+Alt+Del' }).click();
  await expectScreen(screen, (t) => t.includes('Linux version') && !t.includes('login: xendeck'), 'the boot log after Ctrl+Alt+Del');
  await saveScreenshot(page, 'console--3-ctrl-alt-del');
  await expectScreen(screen, loginPrompt('web-01'), 'the login prompt after the boot log');

  // Reboot from the main toolbar: XAPI gives the VM a new console and closes the old one; the tab
  // notices on its own (no click) and connects to the new location.
  let states = await watchStates(tab);
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Reboot', exact: true }).click();
  await expect.poll(states, { message: 'the console drops and comes back by itself', timeout: 45_000 }).toMatch(/(disconnected|connecting).* connected$/);
  await expect(status).toHaveText('Connected to web-01');
  await expectScreen(screen, (t) => t.includes('Linux version'), 'the boot log of the rebooted VM');
  await saveScreenshot(page, 'console--4-reconnected-after-reboot');
  await expectScreen(screen, loginPrompt('web-01'), 'the login prompt on the new console');

  // Force reboot from the tree's context menu, through its confirmation dialog.
  states = await watchStates(tab);
  await page.getByRole('tree', { name: 'Resources' }).getByRole('treeitem', { name: rowName('web-01') }).click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: /^Force reboot/ }).click();
  const confirm = page.getByRole('dialog', { name: 'Force reboot this VM?' });
  await expect(confirm).toContainText('web-01 will be reset at once');
  await saveScreenshot(page, 'console--5-force-reboot-confirm');
  await confirm.getByRole('button', { name: 'Force reboot' }).click();
  await expect.poll(states, { message: 'the console drops and comes back after the forced reboot', timeout: 45_000 }).toMatch(/(disconnected|connecting).* connected$/);
  await expectScreen(screen, loginPrompt('web-01'), 'the login prompt after the forced reboot');
});

test('web-01: the console follows a live migration to another host (migrates web-01 and back)', async ({ appPage: page, app }) => {
  const pool = app.demo!.pools.find((p) => p.label === 'Production') ?? app.demo!.pools[0];
  const xapi = await loginToPool(pool);
  const [vm] = await xapi.call<string[]>('VM.get_by_name_label', 'web-01');
  const home = await xapi.call<string>('VM.get_resident_on', vm);
  const hosts = await xapi.call<string[]>('host.get_all');
  const other = hosts.find((h) => h !== home)!;
  try {
    const { tab, status, screen } = await openConsole(page, 'web-01');
    await expect(status).toHaveText('Connected to web-01');
    await expectScreen(screen, loginPrompt('web-01'), 'the login prompt before the migration');
    await screen.locator('canvas').click();
    await page.keyboard.type('moving');
    await expectScreen(screen, (t) => t.includes('web-01 login: moving'), 'the typed word before the migration');

    const states = await watchStates(tab);
    await xapi.call('VM.pool_migrate', vm, other, {});
    await expect.poll(states, { message: 'the console reconnects to the new host by itself', timeout: 45_000 }).toMatch(/(disconnected|connecting).* connected$/);
    await expect(status).toHaveText('Connected to web-01');
    // The guest kept running: the same screen, typed word included, now served by the other host.
    await expectScreen(screen, (t) => t.includes('web-01 login: moving'), 'the same screen after the migration');
    await saveScreenshot(page, 'console--6-after-migration');
    // The user was typing when the VM moved: the new screen has the keyboard again without a click.
    await expect(screen).toHaveClass(/console-screen-focused/);
    // Erase the word again, so the next test finds the bare prompt.
    for (let i = 0; i < 'moving'.length; i++) await page.keyboard.press('Backspace');
    await expectScreen(screen, loginPrompt('web-01'), 'the bare login prompt after erasing');
  } finally {
    await xapi.call('VM.pool_migrate', vm, home, {});
    await xapi.logout();
  }
});

test('backup-proxy: a halted VM says Not running, Start starts it and the console connects (starts it and switches it off again)', async ({ appPage: page }) => {
  const { tab, status, screen } = await openConsole(page, 'backup-proxy');
  await expect(status).toHaveText('Not running');
  await expect(tab.getByText('backup-proxy is halted: there is no console until it runs.')).toBeVisible();
  await expect(tab.getByRole('button', { name: 'Send Ctrl+Alt+Del' })).toBeDisabled();
  await saveScreenshot(page, 'console--7-halted');

  await tab.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toHaveText('Connected to backup-proxy', { timeout: 45_000 });
  // The start went through the task panel, named after the VM, like the toolbar's Start.
  await expect(page.getByRole('row', { name: /^Start backup-proxy\b/ })).toBeVisible();
  await expectScreen(screen, (t) => t.includes('Linux version'), 'the boot log of the started VM');
  await expectScreen(screen, loginPrompt('backup-proxy'), 'the login prompt of the started VM');

  // "Type text…" sends a string as key presses (capitals with Shift held).
  await tab.getByRole('button', { name: 'Type text…' }).click();
  await tab.getByLabel(/Text to type into the VM/).fill('Admin');
  await tab.getByRole('button', { name: 'Type it' }).click();
  await expectScreen(screen, (t) => t.includes('backup-proxy login: Admin'), 'the typed text on the canvas');
  await saveScreenshot(page, 'console--8-started-typed');

  // Put it back: Force shut down from the context menu, confirmed; the tab goes back to Not running.
  await page.getByRole('tree', { name: 'Resources' }).getByRole('treeitem', { name: rowName('backup-proxy') }).click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: /^Force shut down/ }).click();
  await page.getByRole('dialog', { name: 'Force shut down this VM?' }).getByRole('button', { name: 'Force shut down' }).click();
  await expect(status).toHaveText('Not running', { timeout: 45_000 });
});

test('a host shows its control domain console', async ({ appPage: page }) => {
  const { status, screen } = await openConsole(page, 'xcp-prod-01');
  await expect(status).toHaveText(/^Connected to /);
  await expectScreen(screen, (t) => /login:\s*$/m.test(t), 'the control domain login prompt');
  await expect(screen.locator('canvas')).toBeVisible();
  await saveScreenshot(page, 'console--9-host');
});

test('Undock opens the console in its own browser tab, connected; the main tab lets go of it and can bring it back', async ({ appPage: page }) => {
  const { tab } = await openConsole(page, 'web-01');
  await expect(tab.locator('[data-state]')).toHaveText('Connected to web-01');
  const [undocked] = await Promise.all([page.context().waitForEvent('page'), tab.getByRole('button', { name: 'Undock' }).click()]);
  const errors: string[] = [];
  undocked.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  undocked.on('pageerror', (e) => errors.push(e.message));
  const alone = undocked.getByRole('region', { name: 'Console of web-01' });
  await expect(alone.locator('[data-state]')).toHaveText('Connected to web-01');
  await expect(alone.getByRole('button', { name: 'Undock' })).toHaveCount(0);
  await expectScreen(alone.getByTestId('console-screen'), loginPrompt('web-01'), 'the login prompt in the undocked tab');
  await saveScreenshot(undocked, 'console--10-undocked');
  // The main tab holds no second connection: no screen, a note and a way back.
  await expect(tab.getByRole('status')).toContainText('Console undocked');
  await expect(tab.getByTestId('console-screen')).toHaveCount(0);
  await saveScreenshot(page, 'console--11-main-tab-while-undocked');
  expect(errors, 'console errors in the undocked tab').toEqual([]);
  await Promise.all([undocked.waitForEvent('close'), tab.getByRole('button', { name: 'Bring console back' }).click()]);
  await expect(tab.locator('[data-state]')).toHaveText('Connected to web-01');
  await expectScreen(tab.getByTestId('console-screen'), loginPrompt('web-01'), 'the login prompt back in the main tab');
  await saveScreenshot(page, 'console--12-docked-again');
});
