#!/usr/bin/env node
// `node scripts/electron-stand-in.mjs DIR`: writes an unpacked "Electron for Linux" that is not Electron, for
// packaging where Electron's binary cannot be downloaded (`npm run dist -- --linux --dir --electron-dist DIR`).
// electron-builder copies it like a real one, renames its executable and flips its fuses. The executable is a
// shell script that says what it is and exits 1; it carries the fuse wire of Electron 45 (the sentinel
// @electron/fuses looks for, wire version 1, then one byte per fuse in Electron's default state), so the fuses
// the packaging step flips can be read back from the packaged file. The start-up test runs the packaged app.asar
// against the strict stand-in instead (electron/testing/strict-electron/).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Electron's sentinel before the fuse wire (@electron/fuses' constants). */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults, in FuseV1Options order: RunAsNode, EnableCookieEncryption, EnableNodeOptionsEnvironmentVariable,
 *  EnableNodeCliInspectArguments, EnableEmbeddedAsarIntegrityValidation, OnlyLoadAppFromAsar,
 *  LoadBrowserProcessSpecificV8Snapshot, GrantFileProtocolExtraPrivileges. */
const DEFAULT_WIRE = '10110001';

export function writeElectronStandIn(dir) {
  const root = resolve(dir);
  mkdirSync(join(root, 'resources'), { recursive: true });
  mkdirSync(join(root, 'locales'), { recursive: true });
  const script = [
    '#!/bin/sh',
    'echo "This is a stand-in for Electron made for packaging tests; it cannot run XenDeck." >&2',
    'exit 1',
    `# ${FUSE_SENTINEL}\u0001${String.fromCharCode(DEFAULT_WIRE.length)}${DEFAULT_WIRE}`,
    '',
  ].join('\n');
  writeFileSync(join(root, 'electron'), script, 'latin1');
  chmodSync(join(root, 'electron'), 0o755);
  // The SUID sandbox helper, the files electron-builder expects beside the executable.
  writeFileSync(join(root, 'chrome-sandbox'), '#!/bin/sh\nexit 1\n');
  chmodSync(join(root, 'chrome-sandbox'), 0o755);
  writeFileSync(join(root, 'chrome_crashpad_handler'), '#!/bin/sh\nexit 1\n');
  writeFileSync(join(root, 'LICENSE'), 'Stand-in for the Electron LICENSE file.\n');
  writeFileSync(join(root, 'LICENSES.chromium.html'), '<!doctype html><title>Stand-in</title>\n');
  writeFileSync(join(root, 'version'), '45.4.1');
  writeFileSync(join(root, 'locales', 'en-US.pak'), '');
  return root;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/electron-stand-in.mjs DIR');
    process.exit(2);
  }
  console.log(`Electron stand-in written to ${writeElectronStandIn(dir)}`);
}
