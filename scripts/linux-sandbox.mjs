// Chromium's sandbox on Linux, which Electron needs before any of XenDeck's code runs: either the SUID helper
// (chrome-sandbox owned by root with mode 4755, which npm cannot set up) or unprivileged user namespaces (which
// Debian may switch off and Ubuntu 23.10+ restricts with AppArmor). When neither is available Electron aborts at
// start with a FATAL line; `npm start` checks first and says what to do instead of leaving the user that line.
import { existsSync, readFileSync, statSync } from 'node:fs';

function readFlag(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Why Chromium's sandbox cannot start for the Electron beside `sandboxHelper`, or undefined when it can. */
export function sandboxProblem(sandboxHelper, { readSetting = readFlag } = {}) {
  if (process.platform !== 'linux') return undefined;
  const suid = existsSync(sandboxHelper) && (() => {
    const info = statSync(sandboxHelper);
    return info.uid === 0 && (info.mode & 0o4000) !== 0;
  })();
  if (suid) return undefined;
  const cloneOff = readSetting('/proc/sys/kernel/unprivileged_userns_clone') === '0';
  const apparmor = readSetting('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1';
  if (!cloneOff && !apparmor) return undefined;
  return cloneOff ? 'unprivileged user namespaces are switched off (kernel.unprivileged_userns_clone = 0)' : 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)';
}

/** The lines to print: what is wrong and the two ways out, the safe one first. */
export function sandboxAdvice(problem, sandboxHelper) {
  return [
    `XenDeck: Chromium's sandbox cannot start: ${problem}, and ${sandboxHelper} is not set up as its SUID helper.`,
    '  To give it the helper (recommended):',
    `    sudo chown root:root ${sandboxHelper} && sudo chmod 4755 ${sandboxHelper}`,
    '  Or, at your own risk, start without the sandbox (every page of the app then runs unconfined):',
    '    XENDECK_NO_SANDBOX=1 npm start',
  ];
}

/** Whether Electron's output shows it died because the sandbox could not start. */
export function isSandboxFailure(output) {
  return /setuid_sandbox_host|No usable sandbox|SUID sandbox helper binary|zygote_host_impl_linux/.test(output);
}
