#!/usr/bin/env node
// Runs the compiled dist/ (npm run build; npm install and npm ci build it) when it is there and not older than
// the sources: start-up without compiling TypeScript. Otherwise, or with PRESSDESK_FROM_SOURCE=1, runs the
// TypeScript sources directly through tsx, as before: an edit to src/ never runs stale code.
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './freshness.js';

if (process.env.PRESSDESK_FROM_SOURCE !== '1' && distIsFresh(fileURLToPath(new URL('../', import.meta.url)))) {
  const { main } = await import('../dist/src/cli.js');
  await main(process.argv, { workers: () => import('../dist/workers/index.js') });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli.ts');
  // The worker table lives outside src/ (one file per queue); the commands that run workers get it from here.
  await main(process.argv, { workers: () => import('../workers/index.ts') });
}
