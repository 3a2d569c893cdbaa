/** `npm run sim -- --scenario dump FILE` as a user runs it: what it prints for a real database, and for a broken one. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '..');
const fixtures = join(repo, '../shared/xapi/db-fixtures');
const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-cli-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** Runs the CLI until it prints its last start-up line (then stops it) or exits; resolves with its output. */
function runCli(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'simulator/cli.ts'), ...args, '--state-dir', stateDir, '--port', '0'], { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('control endpoint')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ stdout, stderr, code }));
  });
}

describe('the simulator CLI on a database', () => {
  it('prints one line on what loading left out and filled, every detail with --verbose, and a true certificate line', async () => {
    const { stdout } = await runCli(['--scenario', 'dump', join(fixtures, 'state.db'), '--verbose']);
    const lines = stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^database: state\.db \(schema 5\.55, XenServer 6\.0\.0\): \d+ objects in \d+ classes; dropped \d+ rows?, \d+ field values?, repaired \d+, filled \d+, upgraded \d+ \(--verbose lists them\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}dropped field host\.boot_free_mem in 1 row \(OpaqueRef:96e6f77e-f669-9fea-b93d-be2a414c4a8c\): host has no field boot_free_mem/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}filled host_metrics in 1 row \(OpaqueRef:[^)]+\): metrics of host janitor, which had none/));
    // One host, one certificate, no Certificate records: said as such (not "one per host, published as Certificate records").
    expect(lines).toContainEqual(expect.stringMatching(/^certificates: one \(SHA-256 fingerprint [0-9A-F:]{95}\), not published as a Certificate record/));
    expect(stdout).not.toContain('published as Certificate records');
  }, 60_000);

  it('names the file, line, table and row of a database it cannot load, and exits with an error', async () => {
    const broken = join(stateDir, 'broken.xml');
    const text = readFileSync(join(fixtures, 'boston-db.xml'), 'utf8');
    writeFileSync(broken, text.slice(0, text.indexOf('<table name="VM">') + 400));
    const { stdout, stderr, code } = await runCli(['--scenario', 'dump', broken]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^cannot load .*broken\.xml:1:\d+ \(table VM, row OpaqueRef:[0-9a-f-]+, field \w+\): not well-formed XML: unclosed tag: table$/);
  }, 60_000);
});
