// poll-source: one source, one poll (src/services/poll-source.ts). A source's own failures are recorded on
// it and the job succeeds: the schedule, not BullMQ, retries them.
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { IngestDeps } from '../src/services/deps.ts';
import { type PollSummary, pollSource as poll } from '../src/services/poll-source.ts';

export const pollSource =
  (rt: IngestDeps) =>
  (job: Job<JobData['poll-source']>, signal: AbortSignal): Promise<PollSummary> =>
    poll(rt, job.data.sourceId, { force: job.data.force, signal });
