// The `pressdesk` command. Each command group lives in src/cli/<group>.ts and exports register(program).
import { Command } from 'commander';
import { ConfigError } from './config.ts';
import { RedisUnavailable } from './adapters/redis.ts';
import { StorageError } from './storage/open.ts';
import { CliError } from './cli/context.ts';
import { register as cluster } from './cli/cluster.ts';
import { register as parse } from './cli/parse.ts';
import { register as poll } from './cli/poll.ts';
import { register as rules } from './cli/rules.ts';
import { register as rulesStore } from './cli/rules-store.ts';
import { register as sources } from './cli/sources.ts';
import { register as stories } from './cli/stories.ts';
import { register as system } from './cli/system.ts';
import { register as tag } from './cli/tag.ts';
import { register as users } from './cli/users.ts';
// command modules: one import and one entry in MODULES per group (keep this list sorted)

const MODULES: ((p: Command) => void)[] = [
  cluster,
  parse,
  poll,
  rules,
  rulesStore,
  sources,
  stories,
  system,
  tag,
  users,
];

export function buildProgram(): Command {
  const program = new Command('pressdesk')
    .description('media monitoring and press releases for the justice sector')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  for (const register of MODULES) register(program);
  return program;
}

const KNOWN = [ConfigError, StorageError, RedisUnavailable, CliError];

export async function main(argv: string[]) {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    const e = err as Error;
    if (KNOWN.some((k) => e instanceof k)) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

// Unhandled rejections from long-running commands (start/web/worker) land here too.
process.on('unhandledRejection', (err) => {
  const e = err as Error;
  if (KNOWN.some((k) => e instanceof k)) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`pressdesk: unexpected error: ${e?.stack ?? String(e)}\n`);
  process.exit(1);
});

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/src/cli.ts')) {
  await main(process.argv);
}
