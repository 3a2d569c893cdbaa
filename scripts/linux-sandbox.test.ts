/** npm start's check of Chromium's Linux sandbox: when it cannot start, the user is told what to run instead of a FATAL line. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSandboxFailure, sandboxAdvice, sandboxProblem } from './linux-sandbox.mjs';

const dir = mkdtempSync(join(tmpdir(), 'xendeck-sandbox-'));
const helper = join(dir, 'chrome-sandbox');
writeFileSync(helper, '');
chmodSync(helper, 0o755); // as npm leaves it: not SUID
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (values: Record<string, string>) => ({ readSetting: (path: string) => values[path] });

describe.runIf(process.platform === 'linux')('the Linux sandbox check', () => {
  it('finds nothing wrong where unprivileged user namespaces work', () => {
    expect(sandboxProblem(helper, settings({ '/proc/sys/kernel/unprivileged_userns_clone': '1' }))).toBeUndefined();
    expect(sandboxProblem(helper, settings({}))).toBeUndefined();
  });

  it("names the cause when namespaces are off or restricted by AppArmor and the helper is not SUID", () => {
    expect(sandboxProblem(helper, settings({ '/proc/sys/kernel/unprivileged_userns_clone': '0' }))).toMatch(/switched off/);
    expect(sandboxProblem(helper, settings({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1' }))).toMatch(/AppArmor/);
  });

  it('says what to run, the SUID helper first and --no-sandbox only as the user’s own choice', () => {
    const advice = sandboxAdvice('AppArmor restricts unprivileged user namespaces', helper).join('\n');
    expect(advice).toContain(`sudo chown root:root ${helper} && sudo chmod 4755 ${helper}`);
    expect(advice).toContain('XENDECK_NO_SANDBOX=1 npm start');
    expect(advice.indexOf('chmod 4755')).toBeLessThan(advice.indexOf('XENDECK_NO_SANDBOX'));
  });

  it("recognises Electron's sandbox failure in its output", () => {
    expect(isSandboxFailure('[1:2:FATAL:setuid_sandbox_host.cc(163)] The SUID sandbox helper binary was found, but is not configured correctly.')).toBe(true);
    expect(isSandboxFailure('[3:4:FATAL:zygote_host_impl_linux.cc(127)] No usable sandbox!')).toBe(true);
    expect(isSandboxFailure('Error: listen EADDRINUSE')).toBe(false);
  });
});
