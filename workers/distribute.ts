// distribute: a release's delivery rows and send-email jobs (src/services/distribute.ts).
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { type DistributeResult, distribute as run } from '../src/services/distribute.ts';

export const distribute =
  (rt: Pick<Runtime, 'db' | 'queues' | 'now'>) =>
  (job: Job<JobData['distribute']>): Promise<DistributeResult> =>
    run(rt, job.data.releaseId);
