/**
 * Runs the console e2e harness as its own process (`node --import tsx e2e/console-harness-main.ts`)
 * and prints `CONSOLE_HARNESS_URL=<url>`; stops on SIGTERM. Playwright's loader cannot import the
 * simulator's JSON model, so the spec starts the harness this way, as it would a browser-mode app.
 */
import { startConsoleHarness } from './console-harness';

const harness = await startConsoleHarness();
console.log(`CONSOLE_HARNESS_URL=${harness.url}`);
const stop = async () => {
  await harness.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
