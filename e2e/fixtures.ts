/**
 * Fixtures for XenDeck's e2e specs. Import `test` and `expect` from here instead of '@playwright/test':
 *
 *   import { expect, test } from './fixtures';
 *   test('shows the demo pool', async ({ appPage }) => {
 *     await expect(appPage.getByRole('treeitem', { name: /Production/ })).toBeVisible();
 *   });
 *
 * - `appPage`: a Page with the app open in browser mode (the URL with its token), once the shell has rendered.
 *   The test FAILS if the page logs a console error or throws an uncaught error (list expected ones with
 *   `test.use({ allowedConsoleErrors: [/regex/] })`). A screenshot is saved at the end of every test that used it,
 *   as e2e/screenshots/<spec>--<test title>.png.
 * - `app`: the running browser mode (`url` with token, `origin`, `token`, `stateDir`, `demo.pools` with this
 *   run's credentials) and `app.sim`, the demo simulator's control endpoint (simulator/http/control.ts, called
 *   with the run's `demo.controlToken`):
 *   `await app.sim.control('kill-host', { host: 'xcp-prod-01' })`, `'advance-clock', { ms }`, `'delay', { ms }`,
 *   `'drop-connections'`, `'expire-event-tokens'`, `'invalidate-sessions'`, `'malformed', { on }`, `'reset'`;
 *   `await app.sim.state()` (pools, hosts, clock). Faults are reset after a test that injected any.
 * - `saveScreenshot(page, name)`: an extra screenshot, e2e/screenshots/<name>.png.
 *
 * Each spec file gets its own browser-mode host with fresh demo pools and a fresh state folder (e2e/app-host.ts),
 * started for its first test and stopped when the worker moves on: tests within a file share it and run in order
 * (workers: 1), so a file may build on what its earlier tests did, and no file sees another's changes. After a
 * failed test Playwright starts a new worker, so the rest of that file runs on a fresh host.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { startBrowserMode, type AppUnderTest, type RunningApp } from './app-host';

export type { AppUnderTest };

export type SimFault = 'kill-host' | 'restart-host' | 'drop-connections' | 'delay' | 'malformed' | 'expire-event-tokens' | 'invalidate-sessions' | 'reset' | 'advance-clock';

export interface SimState {
  pools: Array<{ name: string; uuid: string; master: string; masterUrl: string }>;
  hosts: Array<{ uuid: string; name: string; address: string; url: string; alive: boolean; master: boolean }>;
  clock: { now: number; rate: number };
}

export interface SimControl {
  control(fault: SimFault, body?: Record<string, unknown>): Promise<void>;
  state(): Promise<SimState>;
}

const screenshots = join(import.meta.dirname, 'screenshots');

/**
 * A tree row's accessible name: the object's name, then its state in words when it has one ("web-01,
 * running"). `getByRole('treeitem', { name: rowName('web-01') })` finds it whatever its state.
 */
export function rowName(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(, [^,]+)?$`);
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path });
  return path;
}

/** The browser-mode host of the spec file being run; replaced when the worker moves on to the next file. */
class PerFileHost {
  private current: { file: string; app: Promise<RunningApp> } | undefined;

  forFile(file: string): Promise<RunningApp> {
    if (this.current?.file !== file) {
      const previous = this.current?.app;
      const name = file.split(/[\\/]/).pop()!.replace(/\.spec\.ts$/, '');
      this.current = { file, app: (async () => {
        await previous?.then((a) => a.stop(), () => undefined);
        return startBrowserMode(name);
      })() };
    }
    return this.current.app;
  }

  async stop(): Promise<void> {
    await this.current?.app.then((a) => a.stop(), () => undefined);
    this.current = undefined;
  }
}

/** The demo simulator's control endpoint; tries each host in turn, since a killed host's port is closed. */
function simControl(app: AppUnderTest, onFault: () => void): SimControl {
  const urls = app.demo?.controlUrls ?? [];
  const authorization = `Bearer ${app.demo?.controlToken ?? ''}`;
  const send = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    if (urls.length === 0) throw new Error('browser mode runs without the demo simulator');
    let lastError: unknown;
    for (const base of urls) {
      let res: Response;
      try {
        res = await fetch(`${base}/${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: authorization } });
      } catch (err) {
        lastError = err;
        continue;
      }
      const body = (await res.json()) as { error?: string };
      if (!res.ok) throw new Error(`simulator control ${path}: ${body.error ?? res.status}`);
      return body;
    }
    throw new Error(`no simulator host answered ${path}: ${String(lastError)}`);
  };
  return {
    async control(fault, body = {}) {
      if (fault !== 'reset') onFault();
      await send(fault, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    },
    state: () => send('state') as Promise<SimState>,
  };
}

export const test = base.extend<{ app: AppUnderTest & { sim: SimControl }; appPage: Page; allowedConsoleErrors: RegExp[] }, { hosts: PerFileHost }>({
  allowedConsoleErrors: [[], { option: true }],

  // Playwright reads a fixture's dependencies from its first parameter's destructuring: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  hosts: [async ({}, use) => {
    const hosts = new PerFileHost();
    await use(hosts);
    await hosts.stop();
  }, { scope: 'worker' }],

  app: async ({ hosts }, use, testInfo) => {
    let faulted = false;
    const { stop: _stop, ...app } = await hosts.forFile(testInfo.file);
    const sim = simControl(app, () => (faulted = true));
    await use({ ...app, sim });
    if (faulted) await sim.control('reset');
  },

  appPage: async ({ page, app, allowedConsoleErrors }, use, testInfo) => {
    const problems: string[] = [];
    const allowed = (text: string) => allowedConsoleErrors.some((re) => re.test(text));
    page.on('console', (message) => {
      if (message.type() === 'error' && !allowed(message.text())) problems.push(`console error: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => {
      if (!allowed(error.message)) problems.push(`page error: ${error.stack ?? error.message}`);
    });
    await page.goto(app.url);
    await expect(page.locator('#root > *').first(), 'the app renders something').toBeAttached();
    await use(page);
    const spec = testInfo.file.split(/[\\/]/).pop()!.replace(/\.spec\.ts$/, '');
    await saveScreenshot(page, `${spec}--${testInfo.title}`).catch(() => undefined);
    expect(problems, 'console errors and uncaught page errors').toEqual([]);
  },
});

export { expect };
