// send-email: one delivery of a release (src/services/send-delivery.ts). A 4xx or a network failure throws,
// so BullMQ retries with backoff (SEND_JOB_OPTIONS); a 5xx was recorded as failed and must not be retried.
import { type Job, UnrecoverableError } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { type SendResult, sendDelivery } from '../src/services/send-delivery.ts';

export const sendEmail =
  (rt: Pick<Runtime, 'db' | 'queues' | 'now' | 'mailer' | 'config'>) =>
  async (job: Job<JobData['send-email']>, signal: AbortSignal): Promise<SendResult> => {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const r = await sendDelivery(rt, job.data.deliveryId, { finalAttempt, signal });
    if (r.kind === 'retry') throw new Error(`send-email: delivery ${job.data.deliveryId}: ${r.error}`);
    if (r.kind === 'busy') throw new Error(`send-email: delivery ${job.data.deliveryId} is being sent by another worker; trying again later`);
    if (r.kind === 'failed') throw new UnrecoverableError(`send-email: delivery ${job.data.deliveryId} failed: ${r.error}`);
    return r;
  };
