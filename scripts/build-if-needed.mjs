// Builds dist/ (renderer with Vite, main/preload/web host with esbuild) unless it is newer than every source.
// Used by `npm start` (scripts/start.mjs) and the e2e global setup (e2e/global-setup.ts); `npm run build` always builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['renderer', 'electron', 'shared', 'simulator', 'package.json', 'vite.config.ts', 'scripts/build-electron.mjs'];
const OUTPUTS = ['dist/renderer/index.html', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/web-host/web-host.mjs'];
const STAMP = join(root, 'dist', '.build-stamp');

/** Newest modification time under the given paths (recursively; tests do not count). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules' && !/\.test\.tsx?$/.test(entry)) visit(join(path, entry));
    } else newest = Math.max(newest, info.mtimeMs);
  };
  for (const p of paths) visit(join(root, p));
  return newest;
}

/** Builds when needed; throws with the failing step's name when a build fails (its output went to the terminal). */
export function buildIfNeeded({ log = console.log } = {}) {
  const built = existsSync(STAMP) && OUTPUTS.every((o) => existsSync(join(root, o)));
  if (built && statSync(STAMP).mtimeMs >= newestMtime(SOURCES)) return false;
  log('Building XenDeck (renderer and main process)…');
  const steps = [
    ['the renderer build (vite)', [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']],
    ['the main-process build (esbuild)', [join(root, 'scripts', 'build-electron.mjs')]],
  ];
  for (const [name, args] of steps) {
    // Always React's production build: Vite keeps an inherited NODE_ENV (tests build under NODE_ENV=test), and
    // a development build runs StrictMode's doubled effects and React's slower checks.
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (result.status !== 0) throw new Error(`XenDeck: ${name} failed (see above)`);
  }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return true;
}
