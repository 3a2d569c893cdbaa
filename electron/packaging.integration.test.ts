/**
 * Packaging, the way `npm run dist -- --linux --dir --electron-dist DIR` does it, with a stand-in for the
 * Electron binary (scripts/electron-stand-in.mjs): the app.asar holds the built app and its runtime
 * dependencies and nothing else, the desktop entry the Linux installers embed registers the app's files and
 * links, the fuses are flipped in the packaged binary, and the start-up test passes from the packaged app.asar.
 */
import { extractAll, listPackage } from '@electron/asar';
import { getCurrentFuseWire, FuseV1Options } from '@electron/fuses';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded } from '../scripts/build-if-needed.mjs';
import { describeStartup } from './testing/strict-electron/startup-scenario';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'xendeck-packaging-'));
const unpacked = join(work, 'release', 'linux-unpacked');
const extracted = join(work, 'app');
let entries: string[] = [];

beforeAll(() => {
  buildIfNeeded({ log: () => undefined });
  execFileSync(process.execPath, [join(root, 'scripts', 'electron-stand-in.mjs'), join(work, 'electron')], { stdio: 'pipe' });
  execFileSync(process.execPath, [join(root, 'scripts', 'dist.mjs'), '--linux', '--dir', '--electron-dist', join(work, 'electron'), '--output', join(work, 'release')], { cwd: root, stdio: 'pipe', timeout: 240_000 });
  const asar = join(unpacked, 'resources', 'app.asar');
  entries = listPackage(asar, { isPack: false }).map((e) => e.replace(/\\/g, '/').replace(/^\//, ''));
  extractAll(asar, extracted);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packaged app (npm run dist -- --linux --dir, stand-in Electron)', () => {
  it('holds the built app and its runtime dependencies', () => {
    for (const file of ['package.json', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'assets/icons/512x512.png']) expect(entries).toContain(file);
    for (const dependency of Object.keys(pkg.dependencies)) expect(entries, dependency).toContain(`node_modules/${dependency}/package.json`);
    const packaged = JSON.parse(readFileSync(join(extracted, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(packaged).toMatchObject({ productName: 'XenDeck', main: 'dist/electron/main.cjs', desktopName: 'xendeck.desktop' });
  });

  it('holds no source maps, tests, sources, development packages or files of ../shared', () => {
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    expect(entries.filter((e) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(e))).toEqual([]);
    // Outside node_modules only the bundles, the page and the icon: no TypeScript sources, simulator or e2e.
    expect(entries.filter((e) => !e.startsWith('node_modules/') && /\.(tsx?|mts)$/.test(e))).toEqual([]);
    for (const top of ['electron/', 'renderer/', 'simulator/', 'shared/', 'e2e/', 'bench/', 'scripts/']) expect(entries.filter((e) => e.startsWith(top)), top).toEqual([]);
    for (const dev of Object.keys(pkg.devDependencies)) expect(entries.filter((e) => e.startsWith(`node_modules/${dev}/`)), dev).toEqual([]);
    // ../shared: the XAPI notes, datamodel and database dumps never ship.
    expect(entries.filter((e) => /db-fixtures|xenapi\.json|PROTOCOL\.md|CLIENT-NOTES\.md|ARCHITECTURE\.md/.test(e))).toEqual([]);
  });

  it("carries the desktop entry the Linux installers embed: name, icon, the window's class, files and xendeck:// links", () => {
    const entry = readFileSync(join(unpacked, 'xendeck.desktop'), 'utf8');
    const fields = Object.fromEntries(entry.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(fields).toMatchObject({ Name: 'XenDeck', Type: 'Application', Icon: 'xendeck', StartupWMClass: 'XenDeck', Categories: 'System;', Terminal: 'false' });
    expect(fields.Exec).toMatch(/xendeck %U$/);
    expect(fields.MimeType.split(';').filter(Boolean).sort()).toEqual(['application/x-ova', 'application/x-xva', 'x-scheme-handler/xendeck']);
  });

  it('flips the fuses in the packaged binary (read back from the file)', async () => {
    const wire = await getCurrentFuseWire(join(unpacked, 'xendeck'));
    // FuseState.ENABLE is the byte '1', DISABLE '0'.
    const on = (fuse: FuseV1Options) => wire[fuse] === '1'.charCodeAt(0);
    expect(on(FuseV1Options.RunAsNode)).toBe(false);
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true);
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true);
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
    expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(false);
  });
});

describeStartup('packaged app.asar', () => extracted, { isPackaged: true });
