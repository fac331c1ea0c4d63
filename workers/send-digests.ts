// send-digests: a chunk of built digests (src/services/send-digests.ts). Some left to retry (a 4xx, no answer,
// or another sender's lease) throws, so BullMQ tries the job again with backoff (SEND_JOB_OPTIONS); the rows
// already settled are not sent again.
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { type SendDigestsResult, sendDigests as send } from '../src/services/send-digests.ts';

export const sendDigests =
  (rt: Pick<Runtime, 'db' | 'now' | 'mailer' | 'config' | 'secret'>) =>
  async (job: Job<JobData['send-digests']>, signal: AbortSignal): Promise<SendDigestsResult> => {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const r = await send(rt, job.data.digestIds, { finalAttempt, signal });
    if (r.retry || r.busy) throw new Error(`send-digests: ${r.retry} to retry${r.busy ? `, ${r.busy} held by another sender` : ''}${r.lastError ? ` (${r.lastError})` : ''}`);
    return r;
  };
