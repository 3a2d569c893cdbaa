/**
 * `npm run bench [-- <case> ...] [--<option> <value> ...]`: runs the benchmark cases (all, or those named),
 * prints a table and writes bench/results/latest.json as {"<case>.<figure>": {"value": n, "unit": "ms"}}.
 * Options go to every case (e.g. `npm run bench -- ui --containers 5000`).
 * Each case measures XenDeck against a peer or a floor in the same run, so figures are ratios
 * that mean something on any machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCases, type BenchOptions } from './cases/index';

const here = dirname(fileURLToPath(import.meta.url));
/** Case names, and `--name value` / `--name=value` options (a flag without a value is "true"). */
function parseArgs(args: string[]): { wanted: string[]; options: BenchOptions } {
  const wanted: string[] = [];
  const options: BenchOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      wanted.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) options[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options[a.slice(2)] = args[++i];
    else options[a.slice(2)] = 'true';
  }
  return { wanted, options };
}
const { wanted, options } = parseArgs(process.argv.slice(2));
const unknown = wanted.filter((name) => !benchCases[name]);
if (unknown.length) {
  console.error(`unknown bench case(s): ${unknown.join(', ')}; known: ${Object.keys(benchCases).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? wanted : Object.keys(benchCases);
const results: Record<string, { value: number; unit: string }> = {};
for (const name of selected) {
  console.error(`bench: ${name} …`);
  const figures = await benchCases[name](options);
  for (const [figure, value] of Object.entries(figures)) results[`${name}.${figure}`] = value;
}
console.table(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { value: Number(v.value.toFixed(3)), unit: v.unit }])));
const out = join(here, 'results', 'latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${out}`);
process.exit(0);
