// The worker table: one file per queue, each turning job data into one service call. The `pressdesk` entry
// point (bin/pressdesk.js) hands this table to the commands that run workers; nothing in src/ imports it.
import type { Processors } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { digests } from './digests.ts';
import { distribute } from './distribute.ts';
import { draftRelease } from './draft-release.ts';
import { maintenance } from './maintenance.ts';
import { pollSource } from './poll-source.ts';
import { processItem } from './process-item.ts';
import { requestApproval } from './request-approval.ts';
import { retag } from './retag.ts';
import { retrainRelevance } from './retrain-relevance.ts';
import { sendDigests } from './send-digests.ts';
import { sendEmail } from './send-email.ts';

export function processorsFor(rt: Runtime): Processors {
  return {
    maintenance: maintenance(rt),
    'poll-source': pollSource(rt),
    'process-item': processItem(rt),
    retag: retag(rt),
    'draft-release': draftRelease(rt),
    'request-approval': requestApproval(rt),
    distribute: distribute(rt),
    'send-email': sendEmail(rt),
    digests: digests(rt),
    'send-digests': sendDigests(rt),
    'retrain-relevance': retrainRelevance(rt),
  };
}
