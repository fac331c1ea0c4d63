// Repeatable housekeeping jobs, installed with upsertJobScheduler under stable ids so every deploy and every
// process can install them again without making duplicates.
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { JobData, Queues } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';

export type Task = (rt: Runtime, signal: AbortSignal) => Promise<unknown>;

/** Registered by the stages that need housekeeping; `every` in milliseconds. */
export const TASKS: Record<string, { every: number; run: Task }> = {};

export function defineTask(name: string, every: number, run: Task) {
  TASKS[name] = { every, run };
}

export async function installSchedules(queues: Queues) {
  for (const [name, t] of Object.entries(TASKS)) {
    await queues.get('maintenance').upsertJobScheduler(name, { every: t.every }, { name, data: { task: name }, opts: { attempts: 1 } });
  }
}

export const maintenance =
  (rt: Runtime) =>
  async (job: Job<JobData['maintenance']>, signal: AbortSignal): Promise<unknown> => {
    const t = TASKS[job.data.task];
    if (!t) throw new UnrecoverableError(`maintenance: unknown task ${job.data.task}`);
    return t.run(rt, signal);
  };
