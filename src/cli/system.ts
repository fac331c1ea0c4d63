// start, web, worker, migrate: the long-running processes (src/cli/serve.ts, loaded when one starts) and the schema.
import type { Command } from 'commander';
import { QUEUE_NAMES, type QueueName } from '../domain/queues.ts';
import type { Parts } from './serve.ts';
import { config, fail, say } from './context.ts';

const run = async (parts: Parts, role: string) => (await import('./serve.ts')).runUntilSignal(parts, role);

function parseQueues(list: string | undefined): QueueName[] {
  if (!list) return [...QUEUE_NAMES];
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(QUEUE_NAMES as readonly string[]).includes(n));
  if (bad.length) fail(`worker: unknown queue ${bad.join(', ')} — choose from ${QUEUE_NAMES.join(', ')}`);
  return names as QueueName[];
}

export function register(program: Command) {
  program
    .command('start')
    .description('run everything in one process: web, all workers and the schedulers (the embedded default)')
    .action(() => run({ web: true, queues: [...QUEUE_NAMES], schedules: true }, 'start'));
  program
    .command('web')
    .description('run only the web server (scale-out: with DATABASE_URL, run as many as you like)')
    .action(() => run({ web: true, queues: [], schedules: false }, 'web'));
  program
    .command('worker')
    .description('run queue workers and the schedulers, no web server (scale-out: more of these on more machines)')
    .option('--queues <list>', `comma-separated queues (default all: ${QUEUE_NAMES.join(',')})`)
    .action((o: { queues?: string }) => run({ web: false, queues: parseQueues(o.queues), schedules: true }, 'worker'));
  program
    .command('migrate')
    .description('apply database migrations (also done at every start)')
    .action(async () => {
      const [{ openStorage }, { migrate }] = await Promise.all([import('../storage/open.ts'), import('../storage/migrate.ts')]);
      const storage = await openStorage(await config(), { allowRemote: true });
      try {
        const applied = await migrate(storage.db);
        say(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: schema is up to date');
      } finally {
        await storage.close();
      }
    });
}
