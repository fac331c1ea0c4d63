// process-item: a teaser item's page fetched and extracted, then tagged (src/services/process-item.ts). An
// item whose host has had its page fetches for the minute comes back with `wait`: the job is delayed until its
// reserved turn (no attempt used) and, when it runs again in the same attempt, fetches without asking again.
import { DelayedError, type Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import { type Processed, type ProcessItemDeps, processItem as process } from '../src/services/process-item.ts';

export const processItem =
  (rt: ProcessItemDeps) =>
  async (job: Job<JobData['process-item']>, signal: AbortSignal): Promise<Processed> => {
    const holdsTurn = job.data.turnAt === job.attemptsMade;
    const r = await process(rt, job.data.itemId, signal, { turn: holdsTurn ? false : `${job.id}:${job.attemptsMade}` });
    if (!r.wait) return r;
    await job.updateData({ ...job.data, turnAt: job.attemptsMade });
    await job.moveToDelayed(Date.now() + r.wait, job.token);
    throw new DelayedError();
  };
