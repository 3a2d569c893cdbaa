/**
 * `npm run bench [-- <case> ...]`: runs the benchmark cases (all, or those named), prints a table
 * and writes bench/results/latest.json as {"<case>.<figure>": {"value": n, "unit": "ms"}}.
 * Each case measures XenDeck against a peer or a floor in the same run, so figures are ratios
 * that mean something on any machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCases } from './cases/index';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !benchCases[name]);
if (unknown.length) {
  console.error(`unknown bench case(s): ${unknown.join(', ')}; known: ${Object.keys(benchCases).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? wanted : Object.keys(benchCases);
const results: Record<string, { value: number; unit: string }> = {};
for (const name of selected) {
  console.error(`bench: ${name} …`);
  const figures = await benchCases[name]();
  for (const [figure, value] of Object.entries(figures)) results[`${name}.${figure}`] = value;
}
console.table(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { value: Number(v.value.toFixed(3)), unit: v.unit }])));
const out = join(here, 'results', 'latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${out}`);
process.exit(0);
