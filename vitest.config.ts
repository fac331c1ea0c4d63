import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The fault suite runs on its own: `npm run test:faults` (vitest.faults.config.ts).
    exclude: ['tests/faults/**', '**/node_modules/**'],
    globalSetup: ['tests/global-setup.ts'],
    // Integration tests share one Redis and one Postgres; two cores on the CI machine.
    pool: 'forks',
    maxWorkers: 2,
    // Backstops against a hang, not speed checks: on a shared 2-core machine under load a test that takes
    // seconds alone can take a minute. Tests wait on conditions; their own bounds sit below these.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
