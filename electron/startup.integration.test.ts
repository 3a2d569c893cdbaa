/**
 * The start-up test from dist/: the built main process and preload (npm run build) run against the strict
 * Electron stand-in (electron/testing/strict-electron/). The same scenario runs from the packaged app.asar in
 * packaging.integration.test.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from '../scripts/build-if-needed.mjs';
import { describeStartup } from './testing/strict-electron/startup-scenario';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
buildIfNeeded({ log: () => undefined });

describeStartup('dist/', () => root, { isPackaged: false });
