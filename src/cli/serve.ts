// The long-running processes behind `pressdesk start`, `web` and `worker` (src/cli/system.ts registers them):
// web server, queue workers and schedulers in one process, stopped within the shutdown budget on a signal.
import type { FastifyInstance } from 'fastify';
import { type QueueName, type WorkerHandle, concurrencyFor, installSchedules, keepSchedules, startWorker } from '../adapters/queues.ts';
import { keepPolling } from '../services/schedule-polls.ts';
import { type Runtime, openRuntime } from '../runtime.ts';
import { recordPublicUrl } from '../storage/installation.ts';
import { buildServer } from '../web/server.ts';
import { config, processorsFor, say } from './context.ts';

const SHUTDOWN_BUDGET_MS = 10_000;
const PARENT_CHECK_MS = 1_000;

export interface Parts {
  web: boolean;
  queues: QueueName[];
  schedules: boolean;
}

export async function serve(rt: Runtime, parts: Parts): Promise<{ stop(): Promise<void>; web?: FastifyInstance; publicUrl?: string; workers: QueueName[] }> {
  const handles: WorkerHandle[] = [];
  const processors = await processorsFor(rt);
  for (const q of parts.queues) {
    const p = processors[q];
    if (p) handles.push(startWorker(q, p as never, { connection: rt.redis, prefix: rt.config.queuePrefix, concurrency: concurrencyFor(q, rt.config) }));
  }
  let stopSchedules = () => {};
  // A polling process claims due sources every second (services/schedule-polls.ts); errors say so once a minute.
  let quietUntil = 0;
  const stopChecks = parts.queues.includes('poll-source')
    ? keepPolling(rt, (err) => {
        if (Date.now() < quietUntil) return;
        quietUntil = Date.now() + 60_000;
        say(`pressdesk: claiming due sources failed (retried every second): ${(err as Error).message}`);
      })
    : () => {};
  if (parts.schedules) {
    await installSchedules(rt.queues, rt.config);
    stopSchedules = keepSchedules(rt.queues, rt.redis, rt.config);
  }
  let web: FastifyInstance | undefined;
  let publicUrl: string | undefined;
  if (parts.web) {
    web = await buildServer({ config: rt.config, db: rt.db, redis: rt.redis, queues: rt.queues, mailer: rt.mailer, storageDescribe: rt.storage.describe, secret: rt.secret });
    await web.listen({ port: rt.config.port, host: rt.config.host });
    // Without PUBLIC_URL, the port really listened on (PORT=0 picks one). Recorded for the CLI's links.
    const addr = web.server.address();
    publicUrl = rt.config.publicUrlIsDefault && addr && typeof addr === 'object' ? `http://localhost:${addr.port}` : rt.config.publicUrl;
    await recordPublicUrl(rt.db, publicUrl);
  }
  return {
    web,
    publicUrl,
    workers: handles.map((h) => h.name),
    async stop() {
      stopChecks();
      stopSchedules();
      await web?.close();
      // Running jobs get most of the budget to finish, then are handed back to the queue.
      await Promise.all(handles.map((h) => h.stop(SHUTDOWN_BUDGET_MS - 3000)));
    },
  };
}

export async function runUntilSignal(parts: Parts, role: string) {
  const cfg = await config();
  const rt = await openRuntime(cfg, { serve: true, allowRemote: false, mayStartRedis: true });
  for (const w of rt.warnings) say(w);
  const running = await serve(rt, parts);
  say(`pressdesk ${role}: storage ${rt.storage.describe}; queues ${cfg.redisUrl} (prefix ${cfg.queuePrefix}); mail ${rt.mailer.describe}`);
  const addr = running.web?.server.address();
  if (addr && typeof addr === 'object') say(`pressdesk ${role}: listening on http://${addr.address}:${addr.port} (public URL ${running.publicUrl})`);
  if (running.workers.length) say(`pressdesk ${role}: workers for ${running.workers.join(', ')}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`pressdesk ${role}: ${signal}, stopping (at most ${SHUTDOWN_BUDGET_MS / 1000} s)`);
    const hard = setTimeout(() => {
      say('pressdesk: shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS);
    hard.unref();
    await running.stop().catch((e) => say(`pressdesk: ${(e as Error).message}`));
    await rt.close();
    clearTimeout(hard);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT received'));
  process.once('SIGTERM', () => void stop('SIGTERM received'));
  // npm, npx and shells do not pass a supervisor's SIGTERM on: when the process that started this one goes
  // away (this one is handed to init), stop as if signalled rather than live on holding the data directory.
  const parent = process.ppid;
  if (parent > 1) {
    setInterval(() => {
      if (process.ppid !== parent) void stop(`parent process ${parent} exited`);
    }, PARENT_CHECK_MS).unref();
  }
}
