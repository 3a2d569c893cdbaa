/**
 * Console e2e (issue 7) in Chromium on the demo scenario: the Console tab shows web-01's login
 * prompt (read back from the canvas pixels with the console font), typing appears, Ctrl+Alt+Del
 * brings the boot log back, and after a reboot from the toolbar the console reconnects by itself.
 *
 * Runs on e2e/console-harness.ts (simulator + real tunnel + the real <ConsoleTab>) until the app
 * shell mounts the tab; screenshots go to e2e/results/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { readScreenText } from '../simulator/console/screen-text';

test.use({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  },
  viewport: { width: 1280, height: 900 },
});

const results = join(import.meta.dirname, 'results');
let harness: { url: string; process: ChildProcess };

test.beforeAll(async () => {
  mkdirSync(results, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'console-harness-main.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /CONSOLE_HARNESS_URL=(\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`console harness exited with ${code}`)));
  });
  harness = { url, process: child };
});
test.afterAll(async () => {
  if (!harness) return;
  const exited = new Promise((resolve) => harness.process.once('exit', resolve));
  harness.process.kill('SIGTERM');
  await exited;
});

/** The console screen's text as a viewer sees it: noVNC's canvas pixels, read cell by cell. */
async function screenText(page: Page): Promise<string> {
  const shot = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="console-screen"] canvas');
    if (!canvas || canvas.width === 0) return undefined;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let bin = '';
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, rgba: btoa(bin) };
  });
  if (!shot) return '';
  const rgba = Buffer.from(shot.rgba, 'base64');
  const pixels = new Uint32Array(shot.width * shot.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (rgba[i * 4] << 16) | (rgba[i * 4 + 1] << 8) | rgba[i * 4 + 2];
  return readScreenText(pixels, shot.width, shot.height).join('\n');
}

async function expectScreen(page: Page, predicate: (text: string) => boolean, what: string): Promise<void> {
  await expect.poll(async () => predicate(await screenText(page)), { message: what, timeout: 20_000 }).toBe(true);
}

test('console: login prompt, typing, Ctrl+Alt+Del and reconnect after a reboot', async ({ page }) => {
  await page.goto(`${harness.url}/?vm=web-01`);
  const status = page.getByRole('status').filter({ hasText: /Connected to|Connecting|Disconnected/ });
  await expect(status).toContainText('Connected to web-01', { timeout: 20_000 });

  await expectScreen(page, (t) => /web-01 login:\s*$/m.test(t), 'the login prompt on the canvas');
  await page.screenshot({ path: join(results, 'console-1-login.png') });

  // Typing goes to the guest once the screen has focus; the focus ring shows it.
  await page.getByTestId('console-screen').locator('canvas').click();
  await expect(page.getByTestId('console-screen')).toHaveClass(/console-screen-focused/);
  await page.keyboard.type('xendeck');
  await expectScreen(page, (t) => t.includes('web-01 login: xendeck'), 'the typed word on the canvas');
  await page.screenshot({ path: join(results, 'console-2-typed.png') });

  await page.getByRole('button', { name: 'Send Ctrl+Alt+Del' }).click();
  await expectScreen(page, (t) => t.includes('Linux version') && !t.includes('login: xendeck'), 'the boot log after Ctrl+Alt+Del');
  await page.screenshot({ path: join(results, 'console-3-ctrl-alt-del.png') });
  await expectScreen(page, (t) => /web-01 login:\s*$/m.test(t), 'the login prompt after the boot log');

  // Reboot from the VM toolbar: XAPI gives the VM a new console and drops the old tunnel; the tab
  // notices on its own (no click) and connects to the new location.
  await page.evaluate(() => {
    const w = window as unknown as { consoleStates: string[] };
    w.consoleStates = [];
    const el = document.querySelector('[data-state]')!;
    new MutationObserver(() => w.consoleStates.push(document.querySelector('[data-state]')!.getAttribute('data-state')!)).observe(el, { attributes: true });
  });
  const location = page.getByTestId('console-location');
  const before = await location.textContent();
  await page.getByRole('toolbar', { name: 'VM' }).getByRole('button', { name: 'Reboot' }).click();
  await expect(location).not.toHaveText(before!, { timeout: 30_000 });
  await expect(location).toContainText('/console?uuid=');
  await expect.poll(() => page.evaluate(() => (window as unknown as { consoleStates: string[] }).consoleStates.join(' ')), { timeout: 30_000 }).toMatch(/(disconnected|connecting).* connected$/);
  await expect(status).toContainText('Connected to web-01');
  await page.screenshot({ path: join(results, 'console-4-reconnected.png') });
  await expectScreen(page, (t) => /web-01 login:\s*$/m.test(t), 'the login prompt on the new console');
  await page.screenshot({ path: join(results, 'console-5-login-after-reboot.png') });
});

test('console: a halted VM says so and offers Start, then connects once it runs', async ({ page }) => {
  await page.goto(`${harness.url}/?vm=lb-01`);
  const status = page.getByRole('status').filter({ hasText: /Connected to|Connecting|Disconnected|Not running/ });
  await expect(status).toContainText('Connected to lb-01', { timeout: 20_000 });
  await page.getByRole('toolbar', { name: 'VM' }).getByRole('button', { name: 'Shut down' }).click();
  await expect(status).toContainText('Not running', { timeout: 30_000 });
  await expect(page.getByText('lb-01 is halted: there is no console until it runs.')).toBeVisible();
  await page.screenshot({ path: join(results, 'console-6-halted.png') });
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(status).toContainText('Connected to lb-01', { timeout: 30_000 });
  await expectScreen(page, (t) => t.includes('Linux version'), 'the boot log of the started VM');
  await expectScreen(page, (t) => /lb-01 login:\s*$/m.test(t), 'the login prompt of the started VM');
  // "Type text…" sends a string as key presses (capitals with Shift held).
  await page.getByRole('button', { name: 'Type text…' }).click();
  await page.getByLabel(/Text to type into the VM/).fill('Admin');
  await page.getByRole('button', { name: 'Type it' }).click();
  await expectScreen(page, (t) => t.includes('lb-01 login: Admin'), 'the typed text on the canvas');
  await page.screenshot({ path: join(results, 'console-7-started-typed.png') });
});
