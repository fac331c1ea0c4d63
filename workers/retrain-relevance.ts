// retrain-relevance: learn the relevance model again from press officers' verdicts (src/services/retrain-relevance.ts).
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { type Retrained, retrainRelevance as run } from '../src/services/retrain-relevance.ts';

export const retrainRelevance =
  (rt: Pick<Runtime, 'db' | 'now'>) =>
  (job: Job<JobData['retrain-relevance']>, signal: AbortSignal): Promise<Retrained> =>
    run(rt, { requestedBy: job.data.requestedBy, force: job.data.force, signal });
