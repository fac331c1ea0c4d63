// One thin processor per queue: load -> pure stages -> persist -> enqueue the next hop.
// Each queue's processor lives in its own file; this table is the whole worker surface.
import type { Processor, QueueName } from '../src/adapters/queues.ts';
import type { Runtime } from '../src/runtime.ts';
import { maintenance } from './maintenance.ts';
import { pollSourceJob } from './poll-source.ts';
import { processItem } from './process-item.ts';
import { retagJob } from './retag.ts';
import './schedule-polls.ts'; // registers the schedule-polls and websub-renew maintenance tasks

export type Processors = { [Q in QueueName]?: Processor<Q> };

export function processorsFor(rt: Runtime): Processors {
  return {
    maintenance: maintenance(rt),
    'poll-source': pollSourceJob(rt),
    'process-item': processItem(rt),
    retag: retagJob(rt),
  };
}
