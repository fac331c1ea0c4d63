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
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
