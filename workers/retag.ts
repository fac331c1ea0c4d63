// retag: one retag run after a rule change (src/services/retag.ts), its progress shown on the job.
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { type Retagged, retag as run } from '../src/services/retag.ts';

export const retag =
  (rt: Pick<Runtime, 'db' | 'now'>) =>
  (job: Job<JobData['retag']>, signal: AbortSignal): Promise<Retagged> =>
    run(rt, job.data.runId, { signal, onProgress: (p) => job.updateProgress(p) });
