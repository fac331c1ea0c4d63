// draft-release: a relevant new story -> a draft (if the topic's policy says so) -> request-approval queued.
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { draftRelease as draft } from '../src/services/draft-release.ts';

export const draftRelease =
  (rt: Pick<Runtime, 'db' | 'now' | 'queues'>) =>
  async (job: Job<JobData['draft-release']>): Promise<{ draftId?: number; reason?: string }> => {
    const r = await draft(rt, job.data.storyId);
    return r.ok ? { draftId: r.draft.id } : { draftId: r.draft?.id, reason: r.message };
  };
