/**
 * Playwright for XenDeck's e2e suite: Debian's Chromium (CHROMIUM_PATH or /usr/bin/chromium), headless, two
 * workers (spec files in parallel), against browser mode. The global setup builds dist/ if needed; the fixtures of
 * e2e/fixtures.ts start, per spec file, the web host with the embedded demo simulator on free ports and a fresh
 * state folder.
 * Screenshots go to e2e/screenshots/, other artefacts to e2e/results/ (both gitignored).
 *
 *   npm run test:e2e                                   build, then every spec
 *   npx playwright test -c e2e/playwright.config.ts app.spec.ts
 */
import { defineConfig } from '@playwright/test';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: 'results/output',
  globalSetup: './global-setup.ts',
  // Each spec file gets its own app and demo simulator (fixtures.ts), so files can run side by side; the tests
  // mostly wait on simulated time and the UI, so two workers fit a 2-core machine.
  workers: 2,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-quic',
        '--disable-sync',
      ],
    },
  },
});
