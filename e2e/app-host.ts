/**
 * Starts browser mode for the e2e specs exactly as `npm run start:browser` does (dist/web-host/web-host.mjs:
 * the real backend, the embedded demo simulator in the same process, the web host on 127.0.0.1 with a free
 * port and a per-launch token), with a fresh temporary state folder so no saved server of the user's leaks in.
 * Its log goes to e2e/results/web-host-<name>.log.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoPool } from '../electron/backend/demo-pools';

/** What electron/web-host-main.ts prints with --json. */
export interface AppUnderTest {
  url: string;
  origin: string;
  token: string;
  stateDir: string;
  /** The embedded demo: its pools with this run's random password, and the control endpoint with its bearer token. */
  demo: { pools: DemoPool[]; controlUrls: string[]; controlToken: string } | null;
}

export interface RunningApp extends AppUnderTest {
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..');

export async function startBrowserMode(name: string): Promise<RunningApp> {
  const results = join(import.meta.dirname, 'results');
  mkdirSync(results, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-e2e-'));
  const logFile = join(results, `web-host-${name.replace(/[^\w.-]+/g, '-')}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [join(root, 'dist', 'web-host', 'web-host.mjs'), '--json', '--port', '0', '--state-dir', stateDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XENDECK_STATE_DIR: stateDir },
  });
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanUp = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    log.end();
    rmSync(stateDir, { recursive: true, force: true });
  };

  try {
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
      child.once('exit', (code) => reject(new Error(`browser mode exited with code ${code} before it was ready; see ${logFile}`)));
    });
    if (!app.demo) throw new Error(`browser mode started without its demo pools; see ${logFile}`);
    return { ...app, stop: cleanUp };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
