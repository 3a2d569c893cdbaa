/**
 * E2E global setup: checks that Chromium is there and builds dist/ when sources changed (scripts/build-if-needed.mjs),
 * so every spec file runs the app as `npm run start:browser` would. The app itself is started per spec file by the
 * fixtures (e2e/fixtures.ts, e2e/app-host.ts).
 */
import { existsSync } from 'node:fs';
import { buildIfNeeded } from '../scripts/build-if-needed.mjs';
import { CHROMIUM_PATH } from './playwright.config';

export default function globalSetup(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  buildIfNeeded({ log: (line) => console.log(line) });
}
