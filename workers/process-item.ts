// process-item: a teaser item's page fetched and extracted, then tagged (src/services/process-item.ts).
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { IngestDeps } from '../src/services/deps.ts';
import { type Processed, processItem as process } from '../src/services/process-item.ts';

export const processItem =
  (rt: IngestDeps) =>
  (job: Job<JobData['process-item']>, signal: AbortSignal): Promise<Processed> =>
    process(rt, job.data.itemId, signal);
