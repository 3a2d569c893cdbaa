/**
 * Runs a built main process (package.json `main` of an app folder: dist/ of the repo or an extracted app.asar)
 * in this Node process against the stand-in. Its `require('electron')` is the stand-in; every other require
 * resolves from the app folder itself, so a runtime dependency missing from a package fails here. `process` is
 * the real one with Electron's additions (type, versions.electron, resourcesPath) and the given argv and env.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import vm from 'node:vm';
import type { StrictElectron } from './strict-electron';

export interface MainProcessRun {
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export function runMainProcess(appRoot: string, standIn: StrictElectron, run: MainProcessRun): void {
  const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { main?: string };
  const file = resolve(appRoot, pkg.main ?? 'index.js');
  const nodeRequire = createRequire(file);
  const appRequire = (id: string): unknown => {
    if (id === 'electron' || id === 'electron/main') return standIn.main;
    const resolved = nodeRequire.resolve(id);
    // Outside the app folder there is nothing at run time but Node's built-ins.
    if (resolved.startsWith('/') && !resolved.startsWith(resolve(appRoot) + '/')) throw new Error(`${file} requires ${id}, found only outside the app at ${resolved}`);
    return nodeRequire(id);
  };
  const electronProcess = new Proxy(process, {
    get(target, key) {
      if (key === 'argv') return run.argv;
      if (key === 'env') return run.env;
      if (key === 'type') return 'browser';
      if (key === 'resourcesPath') return dirname(appRoot);
      if (key === 'versions') return { ...target.versions, electron: standIn.strictness.api.version };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const code = readFileSync(file, 'utf8');
  const main = vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname', 'process'], { filename: file });
  const module = { exports: {} };
  main(module.exports, appRequire, module, file, dirname(file), electronProcess);
}
