// Bundles the Node side with esbuild:
//   dist/electron/main.cjs     the Electron main process (CJS; `electron` and npm dependencies stay external)
//   dist/electron/preload.cjs  the sandboxed preload: ONE CJS file, only `electron` external, because a
//                              sandboxed preload can require nothing but a few built-in modules
//   dist/web-host/web-host.mjs browser mode (ESM, plain Node, no electron)
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dependencies = Object.keys(pkg.dependencies ?? {});

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main.ts'],
    outfile: 'dist/electron/main.cjs',
    format: 'cjs',
    external: ['electron', ...dependencies],
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['electron/web-host-main.ts'],
    outfile: 'dist/web-host/web-host.mjs',
    format: 'esm',
    external: ['electron', ...dependencies],
    // ESM output still meets CJS dependencies' require(); give the bundle a real one.
    banner: { js: "import { createRequire as __xdRequire } from 'node:module'; const require = __xdRequire(import.meta.url);" },
  }),
]);
console.log('Built dist/electron/main.cjs, dist/electron/preload.cjs, dist/web-host/web-host.mjs');
