#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step, nothing stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main(process.argv);
