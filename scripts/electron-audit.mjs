#!/usr/bin/env node
// `npm run audit:electron` (part of npm run lint): Electronegativity on electron/ for the installed Electron
// version; fails on any finding of medium or high severity not suppressed, with its reason, in
// electron/electronegativity.json. A suppression that no longer matches anything is reported so it can go.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(join(root, 'electron', 'electronegativity.json'), 'utf8'));
const electronVersion = require('electron/package.json').version;
const cli = join(dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist', 'index.js');
const work = mkdtempSync(join(tmpdir(), 'xendeck-electronegativity-'));
const report = join(work, 'report.sarif');

try {
  const run = spawnSync(
    process.execPath,
    [cli, '-i', 'electron', '-e', electronVersion, '-r', '-v', 'false', '-s', 'MEDIUM', '-x', Object.keys(config.excludedChecks).join(','), '-o', report],
    { cwd: root, encoding: 'utf8', timeout: 5 * 60_000 },
  );
  let sarif;
  try {
    sarif = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    console.error(`Electronegativity did not write its report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    process.exit(1);
  }
  const findings = sarif.runs[0].results.map((r) => {
    const location = r.locations?.[0]?.physicalLocation;
    const uri = location?.artifactLocation?.uri ?? '';
    return { check: r.ruleId, file: uri.startsWith('file:') ? null : uri, line: location?.region?.startLine ?? 0, text: r.message?.text ?? '' };
  });
  const unused = [...config.suppressed];
  const fresh = findings.filter((f) => {
    const i = unused.findIndex((s) => s.check === f.check && s.file === f.file);
    if (i < 0) return true;
    unused.splice(i, 1);
    return false;
  });
  for (const s of unused) console.warn(`electronegativity.json: the suppression of ${s.check} in ${s.file ?? '(global)'} matches nothing now; remove it.`);
  if (fresh.length) {
    console.error(`Electronegativity: ${fresh.length} finding(s) of medium or high severity (fix them, or suppress a false positive with its reason in electron/electronegativity.json):`);
    for (const f of fresh) console.error(`  ${f.check} ${f.file ?? '(global)'}${f.file ? `:${f.line}` : ''}  ${f.text}`);
    process.exit(1);
  }
  console.log(`Electronegativity (Electron ${electronVersion}): no new finding of medium or high severity; ${findings.length} known false positive(s) suppressed with their reasons.`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
