#!/usr/bin/env node
// `npm run dist [-- --linux|--mac|--win]`: packages the built app (npm run build ran first) with electron-builder
// into release/: AppImage and deb on Linux, dmg on macOS, an NSIS installer on Windows (default: this platform).
// electron-builder downloads the Electron runtime for each target; where that is impossible it fails, and this
// script says so in one line.
import { build, Platform } from 'electron-builder';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** electron-builder configuration (https://www.electron.build/configuration). */
const config = {
  appId: 'org.xendeck.XenDeck',
  productName: 'XenDeck',
  copyright: 'XenDeck contributors, MIT licence',
  directories: { output: 'release', buildResources: 'assets' },
  // The bundles in dist/ plus the production dependencies electron-builder adds from package.json.
  files: ['dist/electron/**', 'dist/renderer/**', '!**/*.map', 'package.json'],
  asar: true,
  linux: { target: ['AppImage', 'deb'], category: 'System', synopsis: 'Manage Xen pools (XAPI)', maintainer: 'XenDeck contributors <xendeck@users.noreply.github.com>' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
  publish: null,
};

const wanted = process.argv.slice(2);
const platforms = [
  wanted.includes('--linux') && Platform.LINUX,
  wanted.includes('--mac') && Platform.MAC,
  wanted.includes('--win') && Platform.WINDOWS,
].filter(Boolean);
const targets = (platforms.length ? platforms : [Platform.current()]).map((p) => p.createTarget());

if (!existsSync(join(root, 'dist', 'electron', 'main.cjs')) || !existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
  console.error('XenDeck: nothing to package; run npm run build first (npm run dist does).');
  process.exit(1);
}

try {
  const files = [];
  for (const target of targets) files.push(...(await build({ projectDir: root, targets: target, config })));
  console.log(`XenDeck packages:\n${files.map((f) => `  ${f}`).join('\n')}`);
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  const network = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|fetch failed|socket hang up|status code 40\d/i.test(message);
  console.error(
    network
      ? 'XenDeck: packaging needs to download the Electron runtime (and packaging tools) and could not reach the download site; run npm run dist on a machine with internet access.'
      : `XenDeck: packaging failed: ${message.split('\n')[0]}`,
  );
  process.exit(1);
}
