// Shared bits for command modules: config once per process, one-line errors, storage for short commands.
// Registering a command must stay cheap (`pressdesk --help` registers them all), so this module and every
// command module import only commander, src/domain and pure pipeline code at the top; config (zod), storage,
// services and adapters are imported inside the actions. tests/cli/program.test.ts checks it.
import type { Config } from '../config.ts';
import type { Processors } from '../adapters/queues.ts';
import type { Runtime } from '../runtime.ts';
import { DurationError } from '../pipeline/duration.ts';
import type { Storage } from '../storage/open.ts';

/** An error the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {}

let cached: Promise<Readonly<Config>> | undefined;
export function config(): Promise<Readonly<Config>> {
  cached ??= import('../config.ts').then((m) => m.loadConfig());
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

/** Says `what…` on a terminal's stderr when `work` takes longer than a second: nothing on pipes and files. */
export async function slow<T>(what: string, work: Promise<T>, out: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr): Promise<T> {
  if (!out.isTTY) return work;
  const timer = setTimeout(() => out.write(`${what}…\n`), 1000);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}

/** Progress of a loop over `total` things on a terminal's stderr: `what: done of total…`, at most once a second. */
export function ticker(what: string, total: number, out: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr): (done: number) => void {
  let next = Date.now() + 1000;
  return (done) => {
    if (!out.isTTY || done >= total || Date.now() < next) return;
    next = Date.now() + 1000;
    out.write(`${what}: ${done} of ${total}…\n`);
  };
}

/** Where the links a command prints or mails point: PUBLIC_URL when this command has it; else what the web
 *  server recorded at its last start (its PUBLIC_URL, or http://localhost:ITS_PORT), so a shell without the
 *  server's environment still prints the server's links; else this process's default. */
export async function publicUrl(db: Storage['db']): Promise<string> {
  const c = await config();
  if (!c.publicUrlIsDefault) return c.publicUrl;
  const { recordedPublicUrl } = await import('../storage/installation.ts');
  return (await recordedPublicUrl(db)) ?? c.publicUrl;
}

/** For short commands: works beside a running `pressdesk start` (through its admin socket) or alone. */
export async function withStorage<T>(fn: (s: Storage) => Promise<T>): Promise<T> {
  const c = await config();
  const { openStorage } = await import('../storage/open.ts');
  const storage = await slow(`storage: opening ${c.databaseUrl ? 'PostgreSQL' : `the embedded database in ${c.dataDir}`}`, openStorage(c, { allowRemote: true }));
  try {
    if (storage.db.kind !== 'remote') {
      const { migrate } = await import('../storage/migrate.ts');
      await slow('storage: applying migrations', migrate(storage.db));
    }
    return await fn(storage);
  } finally {
    await storage.close();
  }
}
