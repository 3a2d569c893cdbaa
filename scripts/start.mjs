#!/usr/bin/env node
// `npm start` and `npm run start:browser`.
//
//   npm start                  builds what changed, then opens the Electron app on the embedded demo pools.
//                              Without the Electron binary (npm may hold back its download script), it tries
//                              Electron's own installer; if that cannot download, it remembers the failure for
//                              this Electron version (node_modules/.cache/xendeck/) and does not try again on
//                              later starts. Then, or with no display, it says why in one line and starts
//                              browser mode instead.
//   npm run start:browser      browser mode on purpose: the web host on 127.0.0.1, printing the URL with its token.
//
// Extra arguments after `--` go to browser mode's host (electron/web-host-main.ts): --port N, --state-dir DIR, --no-demo.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build-if-needed.mjs';
import { isSandboxFailure, sandboxAdvice, sandboxProblem } from './linux-sandbox.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const browserOnPurpose = args.includes('--browser');
const hostArgs = args.filter((a) => a !== '--browser');

/** The Electron binary, as node_modules/electron/index.js finds it, without that module's own download on require. */
function electronBinary() {
  const pkgDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkgDir, 'package.json'))) return { problem: 'the electron package is not installed (run npm install)' };
  const pathFile = join(pkgDir, 'path.txt');
  const binary = () => {
    if (!existsSync(pathFile)) return undefined;
    const file = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(file) ? file : undefined;
  };
  const found = binary();
  if (found) return { path: found };
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const failureFile = join(root, 'node_modules', '.cache', 'xendeck', `electron-${version}-download-failed`);
  const retry = `to try again: node node_modules/electron/install.js`;
  if (existsSync(failureFile)) {
    return { problem: `the Electron ${version} binary could not be downloaded on an earlier start (${readFileSync(failureFile, 'utf8').trim()}; ${retry})` };
  }
  console.log(`The Electron ${version} binary is missing; downloading it with Electron's installer (node node_modules/electron/install.js)…`);
  const install = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { cwd: root, encoding: 'utf8', timeout: 5 * 60_000 });
  const installed = install.status === 0 ? binary() : undefined;
  if (installed) return { path: installed };
  const output = `${install.stderr ?? ''}\n${install.stdout ?? ''}`;
  const reason =
    install.error?.code === 'ETIMEDOUT' ? 'the download timed out'
    : /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|RequestError|HTTPError|socket hang up|fetch failed/i.test(output) ? 'no network access to its download site'
    : (output.split('\n').map((l) => l.trim()).find((l) => /error/i.test(l)) ?? `the installer exited with ${install.status}`).slice(0, 160);
  mkdirSync(dirname(failureFile), { recursive: true });
  writeFileSync(failureFile, `${reason}\n`);
  return { problem: `the Electron binary could not be downloaded (${reason}; later starts will not try again; ${retry})` };
}

function run(command, commandArgs, env = process.env, stdio = 'inherit') {
  const child = spawn(command, commandArgs, { cwd: root, stdio, env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  // Deferred, so the caller's own exit listener (its explanation) runs first.
  child.on('exit', (code, signal) => setImmediate(() => process.exit(code ?? (signal ? 1 : 0))));
  return child;
}

function startBrowserMode() {
  run(process.execPath, [join(root, 'dist', 'web-host', 'web-host.mjs'), ...hostArgs]);
}

try {
  buildIfNeeded();
} catch (err) {
  console.error(`${err.message}; nothing was started.`);
  process.exit(1);
}
if (browserOnPurpose) {
  startBrowserMode();
} else {
  const electron = electronBinary();
  const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (electron.problem || noDisplay) {
    console.log(`XenDeck: ${electron.problem ?? 'no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)'}; starting browser mode instead (npm run start:browser).`);
    startBrowserMode();
  } else {
    const helper = join(dirname(electron.path), 'chrome-sandbox');
    const noSandbox = process.env.XENDECK_NO_SANDBOX === '1';
    const problem = noSandbox ? undefined : sandboxProblem(helper);
    if (problem) {
      for (const line of sandboxAdvice(problem, helper)) console.error(line);
      process.exit(1);
    }
    if (noSandbox) console.log('XenDeck: starting without Chromium\'s sandbox (XENDECK_NO_SANDBOX=1).');
    // Electron's own messages still reach the terminal; they are also read for a sandbox failure to explain.
    const child = run(electron.path, [root, ...(noSandbox ? ['--no-sandbox'] : [])], process.env, ['inherit', 'inherit', 'pipe']);
    let output = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      if (output.length < 64 * 1024) output += chunk.toString();
    });
    child.on('exit', (code) => {
      if (code && isSandboxFailure(output)) for (const line of sandboxAdvice('it was refused at start', helper)) console.error(line);
      else if (code) console.error(`XenDeck: Electron exited with code ${code}. Browser mode works without it: npm run start:browser`);
    });
  }
}
