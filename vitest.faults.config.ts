import { defineConfig } from 'vitest/config';

// `npm run test:faults`: pressdesk as real processes with injected faults (tests/faults, docs/faults.md).
// Same Redis and PostgreSQL discovery as `npm test`; each scenario runs its own processes, servers and
// installation, two files at a time on the two-core CI machine.
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
