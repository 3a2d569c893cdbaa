/**
 * A sandboxed preload as Electron runs it (https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts):
 * its own context, a `require` that gives only the renderer's `electron` (contextBridge, ipcRenderer, webFrame,
 * webUtils; the names come from electron.d.ts), `events`, `timers` and `url` (also as node:…), and the few
 * globals a sandboxed preload has. Anything else it requires throws, as in Electron, so a preload bundle that
 * still needs `path` or an npm package fails the start-up test instead of the user's window.
 */
import { readFileSync } from 'node:fs';
import * as events from 'node:events';
import * as timers from 'node:timers';
import * as url from 'node:url';
import vm from 'node:vm';

export const SANDBOXED_PRELOAD_MODULES: ReadonlySet<string> = new Set(['electron', 'electron/renderer', 'events', 'timers', 'url', 'node:events', 'node:timers', 'node:url']);

export function runSandboxedPreload(preloadPath: string, electronRenderer: object, processInfo: { platform: string; versions: Record<string, string> }): void {
  const builtins: Record<string, unknown> = { events, timers, url };
  const sandboxedRequire = (id: string): unknown => {
    if (!SANDBOXED_PRELOAD_MODULES.has(id)) throw new Error(`module not found: ${id} (a sandboxed preload can require only ${[...SANDBOXED_PRELOAD_MODULES].join(', ')})`);
    if (id === 'electron' || id === 'electron/renderer') return electronRenderer;
    return builtins[id.replace(/^node:/, '')];
  };
  const context = vm.createContext({
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    setImmediate,
    clearImmediate,
    queueMicrotask,
    structuredClone,
    Buffer,
    // The sandbox's process object: a few read-only facts, no env, no exit, no binding.
    process: Object.freeze({ type: 'renderer', sandboxed: true, contextIsolated: true, platform: processInfo.platform, versions: Object.freeze({ ...processInfo.versions }) }),
  });
  const code = readFileSync(preloadPath, 'utf8');
  const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, context, { filename: preloadPath }) as (...args: unknown[]) => void;
  const module = { exports: {} };
  wrapper(module.exports, sandboxedRequire, module, undefined, undefined);
}
