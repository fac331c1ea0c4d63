// The queue names, shared by the queue adapter, the web's queue pages and the CLI's `--queues` flag. Imports
// nothing, so naming a queue never loads BullMQ.

// A queue is named here only once a worker in workers/ consumes it (one file per queue).
export const QUEUE_NAMES = [
  'maintenance', // repeatable housekeeping: schedule due polls, renew WebSub leases, chase drafts
  'poll-source',
  'process-item',
  'retag',
  'draft-release',
  'request-approval',
  'distribute', // a release to its recipients: delivery rows, then one send-email job each
  'send-email', // one delivery: one email through the pooled SMTP transport
  'digests', // build a frequency's digests due now, then one send-digests job per chunk
  'send-digests', // a chunk of built digests through the pooled SMTP transport
  'retrain-relevance', // learn the relevance model again from press officers' verdicts (hourly, or asked for)
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
