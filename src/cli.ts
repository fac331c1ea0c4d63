// The `pressdesk` command. Each command group lives in src/cli/<group>.ts and exports register(program).
// Registering a command group imports only commander and light modules (see src/cli/context.ts), so `--help`,
// which registers them all, starts in a fraction of a second.
import { Command } from 'commander';
import { CliError, type WorkerTable, setWorkers } from './cli/context.ts';

type Register = (program: Command) => void;
const load = (m: Promise<{ register: Register }>) => m.then((x) => x.register);

// Command groups load lazily: `pressdesk tag` should not pay for PGlite, fastify and BullMQ (a CLI start
// fell from seconds to a fraction). Each top-level command names the modules that register it; `--help`,
// no command or an unknown one loads them all. tests/cli/program.test.ts checks this table is complete.
export const COMMANDS: Record<string, () => Promise<Register>[]> = {
  cluster: () => [load(import('./cli/cluster.ts'))],
  contacts: () => [load(import('./cli/contacts.ts'))],
  digest: () => [load(import('./cli/digests.ts'))],
  drafts: () => [load(import('./cli/drafts.ts'))],
  parse: () => [load(import('./cli/parse.ts'))],
  poll: () => [load(import('./cli/poll.ts'))],
  releases: () => [load(import('./cli/releases.ts'))],
  relevance: () => [load(import('./cli/relevance.ts'))],
  rules: () => [load(import('./cli/rules.ts')), load(import('./cli/rules-store.ts'))],
  sources: () => [load(import('./cli/sources.ts'))],
  stories: () => [load(import('./cli/stories.ts'))],
  subscribers: () => [load(import('./cli/digests.ts'))],
  start: () => [load(import('./cli/system.ts'))],
  web: () => [load(import('./cli/system.ts'))],
  worker: () => [load(import('./cli/system.ts'))],
  migrate: () => [load(import('./cli/system.ts'))],
  tag: () => [load(import('./cli/tag.ts'))],
  users: () => [load(import('./cli/users.ts'))],
};

/** The program with the modules a command needs (all of them without a known command name). */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command('pressdesk')
    .description('media monitoring and press releases for the justice sector')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  const names = command && Object.hasOwn(COMMANDS, command) ? [command] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.flatMap((n) => COMMANDS[n]!()));
  for (const register of new Set(registers)) register(program);
  return program;
}

/** Errors that are the user's to fix: one line, exit 1. The heavy modules are loaded by then if they threw. */
async function isKnown(e: unknown): Promise<boolean> {
  if (e instanceof CliError) return true;
  const [{ ConfigError }, { StorageError }, { QueuePrefixTaken, RedisUnavailable }] = await Promise.all([
    import('./config.ts'),
    import('./storage/open.ts'),
    import('./adapters/redis.ts'),
  ]);
  return e instanceof ConfigError || e instanceof StorageError || e instanceof RedisUnavailable || e instanceof QueuePrefixTaken;
}

/** A reader that stops early (`pressdesk sources list | head -1`) closes the pipe: end quietly, as a command
 *  killed by SIGPIPE would, instead of dying on EPIPE with a stack trace. */
export function quietOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = process.exit) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    exit(0);
  });
}

export async function main(argv: string[], opts: { workers?: WorkerTable } = {}) {
  if (opts.workers) setWorkers(opts.workers);
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  try {
    await (await buildProgram(argv[2])).parseAsync(argv);
  } catch (err) {
    if (await isKnown(err)) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

// Unhandled rejections from long-running commands (start/web/worker) land here too.
process.on('unhandledRejection', async (err) => {
  const e = err as Error;
  if (await isKnown(e)) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`pressdesk: unexpected error: ${e?.stack ?? String(e)}\n`);
  process.exit(1);
});

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/src/cli.ts')) {
  await main(process.argv);
}
