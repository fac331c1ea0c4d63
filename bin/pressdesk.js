#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step, nothing stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
// The worker table lives outside src/ (one file per queue); the commands that run workers get it from here.
await main(process.argv, { workers: () => import('../workers/index.ts') });
