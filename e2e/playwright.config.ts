/**
 * Playwright for XenDeck's e2e suite: Debian's Chromium (CHROMIUM_PATH or /usr/bin/chromium), headless, one
 * worker, against browser mode. The global setup builds dist/ if needed and starts the web host with the
 * embedded demo simulator on free ports and a fresh state folder; specs use the fixtures of e2e/fixtures.ts.
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
  workers: 1,
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
