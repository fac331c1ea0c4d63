// digests: a frequency's digests due now, built and queued for sending (src/services/run-digests.ts).
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { runDigests } from '../src/services/run-digests.ts';

export const digests = (rt: Pick<Runtime, 'db' | 'queues' | 'now'>) => (job: Job<JobData['digests']>) => runDigests(rt, job.data.frequency);
