/**
 * The state folder: one backend at a time (a second one is refused naming the holder's pid, a dead
 * holder's lock is taken over), only the user can read it, and interrupted writes leave nothing behind.
 * Two backends on one folder are tried in-process and as two browser-mode processes.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppBackend } from './app-backend';
import { createConnectionService } from './connection-service';
import { LOCK_FILE, openStateFolder, StateFolderInUseError } from './state-folder';
import { FileCertificateStore } from './stores/file-certificate-store';
import { FileSecretStore } from './stores/file-secret-store';
import { FileSettingsStore } from './stores/file-settings-store';

const posix = process.platform !== 'win32';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xendeck-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited (no process runs under it now). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((done) => child.once('exit', done));
  return child.pid!;
}

describe('openStateFolder', () => {
  it('creates the folder for the user alone and gives it back on release', async () => {
    const path = join(dir, 'state');
    const folder = await openStateFolder(path);
    if (posix) expect((await stat(path)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(join(path, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await folder.release();
    expect(await readdir(path)).toEqual([]);
  });

  it('refuses a second owner while the first holds it, naming the holding process', async () => {
    const first = await openStateFolder(dir);
    const refusal = await openStateFolder(dir).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(StateFolderInUseError);
    expect((refusal as Error).message).toContain(`process ${process.pid}`);
    expect((refusal as Error).message).toContain(dir);
    await first.release();
    const second = await openStateFolder(dir);
    await second.release();
  });

  it('takes over the lock of a process that died, saying so', async () => {
    const pid = await deadPid();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, host: (await import('node:os')).hostname(), since: '2024-01-01T00:00:00.000Z' }));
    const lines: string[] = [];
    const folder = await openStateFolder(dir, { log: (l) => lines.push(l) });
    expect(lines).toContain(`took over the lock of process ${pid}, which no longer runs in ${dir}`);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await folder.release();
  });

  it('takes over a lock left unreadable by a crash', async () => {
    await writeFile(join(dir, LOCK_FILE), '{"pi');
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, LOCK_FILE), old, old);
    const folder = await openStateFolder(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await folder.release();
  });

  it.runIf(posix)('closes a folder and files an older version left readable by others', async () => {
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'settings.json'), '{}', { mode: 0o644 });
    await writeFile(join(dir, 'certificates.json'), '{}', { mode: 0o644 });
    await chmod(join(dir, 'settings.json'), 0o644);
    await chmod(join(dir, 'certificates.json'), 0o644);
    const lines: string[] = [];
    const folder = await openStateFolder(dir, { log: (l) => lines.push(l) });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'settings.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'certificates.json'))).mode & 0o777).toBe(0o600);
    expect(lines.filter((l) => /readable by others/.test(l))).toHaveLength(3);
    await folder.release();
  });

  it('removes the temporary files of writes a crash interrupted, and nothing else', async () => {
    await writeFile(join(dir, 'settings.json.4242.tmp'), '{"half');
    await writeFile(join(dir, 'secrets.json.17.tmp'), '{');
    await writeFile(join(dir, 'notes.tmp'), 'not ours');
    await writeFile(join(dir, 'settings.json'), '{}');
    const folder = await openStateFolder(dir);
    expect((await readdir(dir)).sort()).toEqual(['notes.tmp', 'settings.json', LOCK_FILE]);
    await folder.release();
  });
});

describe('two backends on one state folder', () => {
  const backendOn = (stateDir: string) => createAppBackend({
    mode: 'browser',
    version: 'test',
    stateDir,
    secrets: new FileSecretStore(stateDir),
    certificates: new FileCertificateStore(stateDir),
    settings: new FileSettingsStore(stateDir),
    shell: { openExternal: async () => undefined },
    createConnections: createConnectionService,
    isPageOrigin: () => false,
    demo: false,
  });

  it('refuses the second one in the same process, and lets it start once the first is gone', async () => {
    const first = await backendOn(dir);
    await expect(backendOn(dir)).rejects.toThrow(new RegExp(`Another XenDeck \\(process ${process.pid}\\b`));
    await first.dispose();
    const again = await backendOn(dir);
    await again.dispose();
  });

  it('refuses a second browser-mode process, which exits naming the first one\'s pid', async () => {
    const renderer = join(dir, 'renderer');
    await mkdir(renderer);
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>XenDeck</title>');
    const stateDir = join(dir, 'state');
    const start = () => spawn(process.execPath, ['--import', 'tsx', resolve('electron/web-host-main.ts'), '--json', '--no-demo', '--port', '0', '--state-dir', stateDir, '--renderer-dir', renderer], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const first = start();
    try {
      const ready = await new Promise<{ url: string }>((done, fail) => {
        createInterface({ input: first.stdout }).once('line', (line) => done(JSON.parse(line) as { url: string }));
        first.once('exit', (code) => fail(new Error(`the first browser-mode process exited (${code})`)));
      });
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      const second = start();
      let stderr = '';
      second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise((done) => second.once('exit', done));
      expect(code).toBe(1);
      expect(stderr).toContain(`Another XenDeck (process ${first.pid}`);
      expect(stderr).toContain(stateDir);
    } finally {
      first.kill('SIGTERM');
      await new Promise((done) => first.once('exit', done));
    }
    // The first one left the folder on its way out: a new one may start.
    expect(await readdir(stateDir)).not.toContain(LOCK_FILE);
  });
});
