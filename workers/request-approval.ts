// request-approval: the approval email to the press officers on duty (src/services/request-approval.ts).
// A failed send fails the job, so BullMQ retries it; what was sent is recorded and not sent twice.
import type { Job } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { type RequestApprovalResult, requestApproval as request } from '../src/services/request-approval.ts';

export const requestApproval =
  (rt: Pick<Runtime, 'db' | 'now' | 'mailer' | 'config' | 'secret'>) =>
  async (job: Job<JobData['request-approval']>): Promise<RequestApprovalResult> => {
    const r = await request(rt, job.data.draftId);
    if (r.ok && r.failed.length) throw new Error(`request-approval: draft ${job.data.draftId}: ${r.failed.map((f) => `${f.email}: ${f.error}`).join('; ')}`);
    return r;
  };
