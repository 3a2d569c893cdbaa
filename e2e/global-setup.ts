/**
 * E2E global setup: builds dist/ when sources changed, then starts browser mode exactly as
 * `npm run start:browser` does (dist/web-host/web-host.mjs: the real backend, the embedded demo
 * simulator in the same process, the web host on 127.0.0.1 with a free port and a per-launch token),
 * with a fresh temporary state folder so no saved server of the user's leaks in.
 *
 * What the specs need (URL with token, demo pools, the simulator's control URLs) is handed to the
 * workers in XENDECK_E2E_APP (JSON, see AppUnderTest in e2e/fixtures.ts). The host's log goes to
 * e2e/results/web-host.log. Returns the teardown: stop the host, delete the state folder.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfNeeded } from '../scripts/build-if-needed.mjs';
import { APP_ENV, type AppUnderTest } from './fixtures';
import { CHROMIUM_PATH } from './playwright.config';

const root = join(import.meta.dirname, '..');

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  buildIfNeeded({ log: (line) => console.log(line) });

  const results = join(import.meta.dirname, 'results');
  mkdirSync(results, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-e2e-'));
  const log = createWriteStream(join(results, 'web-host.log'));
  const child = spawn(process.execPath, [join(root, 'dist', 'web-host', 'web-host.mjs'), '--json', '--port', '0', '--state-dir', stateDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XENDECK_STATE_DIR: stateDir },
  });
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const app = await new Promise<AppUnderTest>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      try {
        resolve(JSON.parse(out.slice(0, newline)) as AppUnderTest);
      } catch (err) {
        reject(new Error(`browser mode printed something other than its JSON line: ${out.slice(0, 200)} (${String(err)})`));
      }
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with code ${code} before it was ready; see e2e/results/web-host.log`)));
  });
  if (!app.demo) throw new Error('browser mode started without its demo pools; see e2e/results/web-host.log');
  process.env[APP_ENV] = JSON.stringify(app);

  return async () => {
    child.kill('SIGTERM');
    await exited;
    log.end();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
