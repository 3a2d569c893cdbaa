import { defineConfig } from 'vitest/config';

// Unit and integration tests. Integration tests start the simulator on port 0 and talk to it over
// real sockets; e2e specs (Playwright) live in e2e/ and are run by `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['{shared,simulator,electron,renderer,bench,scripts}/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most integration tests wait on sockets and simulated time: two at once keep a 2-core CI machine busy
    // (Vitest's default is one fewer than the cores, a single worker there).
    maxWorkers: 2,
  },
});
