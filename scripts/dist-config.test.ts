/**
 * The packaging configuration: every installer the project promises, for the architectures it promises, the
 * icons of every platform present and rendered from assets/icon.svg at the sizes their names say, signing that
 * follows the environment, and the fuses the hardening requires.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { distConfig, FUSES, signingNotes } from './dist-config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = distConfig({ env: {} });
const targets = (list: { target: string; arch: string[] }[]) => Object.fromEntries(list.map((t) => [t.target, t.arch]));

describe('installers', () => {
  it('are AppImage, deb and rpm (x64, arm64), dmg and zip (universal), NSIS and portable (x64, arm64)', () => {
    expect(targets(config.linux.target)).toEqual({ AppImage: ['x64', 'arm64'], deb: ['x64', 'arm64'], rpm: ['x64', 'arm64'] });
    expect(targets(config.mac.target)).toEqual({ dmg: ['universal'], zip: ['universal'] });
    expect(targets(config.win.target)).toEqual({ nsis: ['x64', 'arm64'], portable: ['x64', 'arm64'] });
    expect(config).toMatchObject({ productName: 'XenDeck', executableName: 'xendeck', asar: true });
    expect(config.protocols).toEqual([{ name: 'XenDeck link', schemes: ['xendeck'] }]);
    expect(config.fileAssociations.map((a: { ext: string }) => a.ext)).toEqual(['xva', 'ova']);
  });

  it('flip every fuse the hardening asks for', () => {
    expect(config.electronFuses).toBe(FUSES);
    expect(FUSES).toMatchObject({ runAsNode: false, enableCookieEncryption: true, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true });
  });

  it('sign and notarise only with credentials from the environment, and say so either way', () => {
    expect(config.mac.identity).toBeNull();
    expect(config.mac.notarize).toBe(false);
    expect(signingNotes(['mac', 'win'], {}).join('\n')).toMatch(/CSC_LINK is not set[\s\S]*not notarised[\s\S]*WIN_CSC_LINK is not set/);
    const signed = distConfig({ env: { CSC_LINK: 'cert.p12', APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 't' } });
    expect(signed.mac.identity).toBeUndefined();
    expect(signed.mac.notarize).toBe(true);
  });
});

describe('icons', () => {
  const pngSize = (file: string) => {
    const data = readFileSync(file);
    expect(data.subarray(1, 4).toString('latin1'), file).toBe('PNG');
    return [data.readUInt32BE(16), data.readUInt32BE(20)];
  };

  it('exist for every platform at the sizes their names say', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const file = join(root, 'assets', 'icons', `${size}x${size}.png`);
      expect(pngSize(file)).toEqual([size, size]);
    }
    expect(readFileSync(join(root, config.win.icon)).readUInt16LE(2), 'ICO type').toBe(1);
    expect(readFileSync(join(root, config.mac.icon)).subarray(0, 4).toString('latin1')).toBe('icns');
    expect(statSync(join(root, config.mac.entitlements)).isFile()).toBe(true);
  });

  it('are what assets/icon.svg renders to now (after an edit of the SVG: npm run icons)', async () => {
    const rendered = await sharp(readFileSync(join(root, 'assets', 'icon.svg')), { density: 72 }).resize(128, 128).ensureAlpha().raw().toBuffer();
    const committed = await sharp(join(root, 'assets', 'icons', '128x128.png')).ensureAlpha().raw().toBuffer();
    expect(committed.length).toBe(rendered.length);
    let difference = 0;
    for (let i = 0; i < rendered.length; i++) difference += Math.abs(rendered[i] - committed[i]);
    expect(difference / rendered.length, 'mean difference per channel').toBeLessThan(2);
  });
});
