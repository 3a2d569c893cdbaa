#!/usr/bin/env node
// `npm run icons`: renders assets/icon.svg, the one source of XenDeck's icon, into every platform's format in
// assets/icons/ (committed, so packaging needs no image tools):
//   NxN.png (16…1024)  Linux (the AppImage/deb/rpm icon set, the window icon) and the PNG sources of the others
//   icon.ico           Windows (installer, executable, shortcuts)
//   icon.icns          macOS (the app bundle, the dmg)
// SVG to PNG with sharp (librsvg); ICO and ICNS assembled by icon-gen from those PNGs.
import icongen from 'icon-gen';
import sharp from 'sharp';
import { mkdir, mkdtemp, readFile, rm, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'assets', 'icon.svg');
const out = join(root, 'assets', 'icons');
const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const svg = await readFile(source);
const work = await mkdtemp(join(tmpdir(), 'xendeck-icons-'));
try {
  await mkdir(out, { recursive: true });
  for (const size of ICON_SIZES) {
    // Rendered from the vector at 1024 px or more (4x for the largest) and scaled down with Lanczos, never up.
    const png = await sharp(svg, { density: Math.max(72, (72 * size) / 1024 * 4) }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();
    await sharp(png).toFile(join(work, `${size}.png`));
    await copyFile(join(work, `${size}.png`), join(out, `${size}x${size}.png`));
  }
  await icongen(work, out, {
    report: false,
    ico: { name: 'icon', sizes: [16, 24, 32, 48, 64, 128, 256] },
    icns: { name: 'icon', sizes: [16, 32, 64, 128, 256, 512, 1024] },
  });
  console.log(`Rendered ${source} into ${out}: ${ICON_SIZES.map((s) => `${s}x${s}.png`).join(', ')}, icon.ico, icon.icns`);
} finally {
  await rm(work, { recursive: true, force: true });
}
