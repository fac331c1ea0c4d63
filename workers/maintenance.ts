// maintenance: the repeatable housekeeping tasks (src/adapters/queues.ts MAINTENANCE_TASKS), one service each.
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { alertSpikes } from '../src/services/alert-spikes.ts';
import { chaseDrafts } from '../src/services/chase-drafts.ts';
import { housekeep } from '../src/services/housekeep.ts';
import { releaseApproved } from '../src/services/release-approved.ts';
import { renewWebsub } from '../src/services/renew-websub.ts';

export const maintenance =
  (rt: Runtime) =>
  async (job: Job<JobData['maintenance']>, signal: AbortSignal): Promise<unknown> => {
    switch (job.data.task) {
      case 'schedule-polls':
        return housekeep(rt);
      case 'websub-renew':
        return renewWebsub(rt, signal);
      case 'chase-drafts':
        return chaseDrafts(rt);
      case 'release-approved':
        return releaseApproved(rt);
      case 'spike-alerts':
        return alertSpikes(rt);
      default:
        throw new UnrecoverableError(`maintenance: unknown task ${job.data.task}`);
    }
  };
