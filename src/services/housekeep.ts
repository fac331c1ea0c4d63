// The every-15-seconds housekeeping of ingestion: queue due polls, tell editors about sources failing for a
// day, prune the fetch log.
import { pruneFetchLog } from '../storage/polls.ts';
import type { IngestDeps } from './deps.ts';
import { notifyFailing } from './notify-failing.ts';
import { schedulePolls } from './schedule-polls.ts';

const FETCH_LOG_DAYS = 14;

export async function housekeep(deps: IngestDeps): Promise<{ queued: number; notified: number }> {
  const queued = await schedulePolls(deps);
  const notified = await notifyFailing(deps);
  await pruneFetchLog(deps.db, new Date(deps.now().getTime() - FETCH_LOG_DAYS * 86_400_000));
  return { queued: queued.length, notified };
}
