// Shared bits for command modules: config once per process, one-line errors, storage for short commands.
import { type Config, loadConfig } from '../config.ts';
import type { Processors } from '../adapters/queues.ts';
import type { Runtime } from '../runtime.ts';
import { DurationError } from '../pipeline/duration.ts';
import type { Storage } from '../storage/open.ts';

/** An error the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {}

let cached: Readonly<Config> | undefined;
export function config(): Readonly<Config> {
  cached ??= loadConfig();
  return cached;
}

export const say = (line: string) => process.stderr.write(`${line}\n`);

export function fail(message: string): never {
  throw new CliError(message);
}

/** Loads the worker table (workers/index.ts), handed in by the entry point so src/ never imports workers/. */
export type WorkerTable = () => Promise<{ processorsFor: (rt: Runtime) => Processors }>;
let workerTable: WorkerTable | undefined;
export const setWorkers = (t: WorkerTable) => {
  workerTable = t;
};

/** The processors this process can run: for start, worker and poll --once. */
export async function processorsFor(rt: Runtime): Promise<Processors> {
  if (!workerTable) fail('pressdesk: this command runs queue workers; start it through the `pressdesk` command (bin/pressdesk.js)');
  return (await workerTable()).processorsFor(rt);
}

/** A flag read through a pipeline parser (src/pipeline/duration.ts): its refusal fails as "where: message". */
export function flag<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof DurationError) fail(`${where} ${err.message}`);
    throw err;
  }
}

/** For short commands: works beside a running `pressdesk start` (through its admin socket) or alone. */
export async function withStorage<T>(fn: (s: Storage) => Promise<T>): Promise<T> {
  const [{ openStorage }, { migrate }] = await Promise.all([import('../storage/open.ts'), import('../storage/migrate.ts')]);
  const storage = await openStorage(config(), { allowRemote: true });
  try {
    if (storage.db.kind !== 'remote') await migrate(storage.db);
    return await fn(storage);
  } finally {
    await storage.close();
  }
}
