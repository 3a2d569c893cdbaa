/**
 * `--smoke-test[=DIR]`: the packaged app proves it works on a CI runner of each OS. It opens the window as
 * usual, waits until the page shows the resource tree with every demo server connected, saves a screenshot
 * (DIR/xendeck-smoke-test.png, default the working directory) and exits 0; anything else within the time
 * limit exits 1 with the reason. The profile is a fresh temporary folder, so a user's XenDeck is untouched.
 */
import type { BrowserWindow } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const LIMIT_MS = 90_000;

export function smokeTestDir(argv: readonly string[]): string | undefined {
  const arg = argv.find((a) => a === '--smoke-test' || a.startsWith('--smoke-test='));
  if (!arg) return undefined;
  return resolve(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : '.');
}

/** What the page shows, read from its DOM: the status strip's pool count and the tree's rows. */
const PAGE_STATE = `(() => {
  const status = [...document.querySelectorAll('[role="status"]')].map((e) => e.textContent || '').find((t) => /servers? connected/.test(t)) || '';
  const m = /(\\d+) of (\\d+) servers? connected/.exec(status);
  return { connected: m ? Number(m[1]) : 0, shown: m ? Number(m[2]) : 0, treeRows: document.querySelectorAll('[role="treeitem"]').length };
})()`;

export async function runSmokeTest(win: BrowserWindow, dir: string, log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + LIMIT_MS;
  let last = { connected: 0, shown: 0, treeRows: 0 };
  while (Date.now() < deadline) {
    if (win.isDestroyed()) break;
    try {
      last = (await win.webContents.executeJavaScript(PAGE_STATE)) as typeof last;
    } catch {
      // The page is still loading.
    }
    if (last.shown >= 1 && last.connected === last.shown && last.treeRows > last.shown) {
      const file = join(dir, 'xendeck-smoke-test.png');
      await writeFile(file, (await win.webContents.capturePage()).toPNG());
      log(`smoke test passed: ${last.connected} servers connected, ${last.treeRows} tree rows; screenshot ${file}`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`smoke test failed: after ${LIMIT_MS / 1000} s the page showed ${last.connected} of ${last.shown} servers connected and ${last.treeRows} tree rows`);
  return 1;
}
