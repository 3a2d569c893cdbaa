#!/usr/bin/env node
// `npm run dist [-- --linux|--mac|--win] [--dir] [--electron-dist DIR] [--publish]`: packages the built app
// (npm run build ran first) with electron-builder into release/ (configuration: scripts/dist-config.mjs).
//   default          this platform's installers: AppImage, deb, rpm / dmg, zip / NSIS, portable
//   --dir            an unpacked app only (release/<platform>-unpacked), no installer tools needed
//   --electron-dist  package this unpacked Electron instead of downloading one (also XENDECK_ELECTRON_DIST);
//                    where Electron cannot be downloaded, a stand-in: node scripts/electron-stand-in.mjs DIR
//   --publish        upload to a draft GitHub release of the repository (needs GH_TOKEN; the release workflow)
// A Linux --dir build also writes the desktop entry the installers embed (linux-unpacked/xendeck.desktop), made
// by electron-builder's own code, so it can be checked where the installer tools cannot be downloaded.
// Signing and notarisation come from the environment (CSC_LINK, APPLE_ID…, WIN_CSC_LINK); without them the
// packages are built unsigned and a line says so.
import { Arch, build, Platform } from 'electron-builder';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { distConfig, signingNotes } from './dist-config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    linux: { type: 'boolean', default: false },
    mac: { type: 'boolean', default: false },
    win: { type: 'boolean', default: false },
    dir: { type: 'boolean', default: false },
    publish: { type: 'boolean', default: false },
    'electron-dist': { type: 'string' },
    output: { type: 'string' },
  },
});

const chosen = [values.linux && Platform.LINUX, values.mac && Platform.MAC, values.win && Platform.WINDOWS].filter(Boolean);
const platforms = chosen.length ? chosen : [Platform.current()];
const electronDist = values['electron-dist'] ?? process.env.XENDECK_ELECTRON_DIST;

if (!existsSync(join(root, 'dist', 'electron', 'main.cjs')) || !existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
  console.error('XenDeck: nothing to package; run npm run build first (npm run dist does).');
  process.exit(1);
}
for (const note of signingNotes(platforms.map((p) => p.name === 'windows' ? 'win' : p.name))) console.log(`XenDeck: ${note}`);

const config = {
  ...distConfig({ electronDist: electronDist && resolve(electronDist), output: values.output ?? 'release' }),
  afterPack: values.dir ? writeDesktopEntry : undefined,
};

/** electron-builder's afterPack hook: the .desktop file AppImage, deb and rpm would carry, beside the unpacked app. */
async function writeDesktopEntry(context) {
  if (context.electronPlatformName !== 'linux') return;
  const { LinuxTargetHelper } = createRequire(import.meta.url)('app-builder-lib/out/targets/LinuxTargetHelper.js');
  const helper = new LinuxTargetHelper(context.packager);
  const entry = await helper.computeDesktopEntry(context.packager.platformSpecificBuildOptions);
  writeFileSync(join(context.appOutDir, `${context.packager.executableName}.desktop`), entry);
}
try {
  const files = [];
  for (const platform of platforms) {
    // --dir: the unpacked app for this machine's architecture; otherwise every target and arch of the config.
    const targets = values.dir ? platform.createTarget('dir', Arch[process.arch] ?? Arch.x64) : platform.createTarget();
    files.push(...(await build({ projectDir: root, targets, config, publish: values.publish ? 'always' : 'never' })));
  }
  console.log(files.length ? `XenDeck packages:\n${files.map((f) => `  ${f}`).join('\n')}` : `XenDeck: unpacked app written under ${config.directories.output}/`);
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  const network = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|fetch failed|socket hang up|status code 40\d/i.test(message);
  console.error(
    network
      ? 'XenDeck: packaging needs to download the Electron runtime (and packaging tools) and could not reach the download site; run npm run dist on a machine with internet access, or give an unpacked Electron with --electron-dist DIR.'
      : `XenDeck: packaging failed: ${message.split('\n')[0]}`,
  );
  process.exit(1);
}
