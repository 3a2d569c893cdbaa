/**
 * Runs the Performance e2e harness as its own process (`node --import tsx e2e/performance-harness-main.ts`) and
 * prints `PERFORMANCE_HARNESS_URL=<url>`; stops on SIGTERM (Playwright's loader cannot import the simulator's JSON model).
 */
import { startPerformanceHarness } from './performance-harness';

const harness = await startPerformanceHarness();
console.log(`PERFORMANCE_HARNESS_URL=${harness.url}`);
const stop = async () => {
  await harness.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
