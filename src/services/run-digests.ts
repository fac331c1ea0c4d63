// runDigests: the scheduled path. Builds the frequency's digests due now (buildDigests), then queues every
// digest of that frequency still to send — those just built and any an earlier run left behind — as
// send-digests jobs of CHUNK ids, so more worker processes send faster. Job ids are not the guard: a digest
// queued twice is claimed once (src/services/send-digests.ts).
import { SEND_JOB_OPTIONS } from '../adapters/queues.ts';
import type { Frequency } from '../domain/digests.ts';
import { unsettledDigestIds } from '../storage/digests.ts';
import { type BuildResult, buildDigests } from './build-digests.ts';
import type { DigestDeps, ReleaseDeps } from './deps.ts';

const CHUNK = 100;

export async function runDigests(deps: Pick<DigestDeps, 'db' | 'now'> & Pick<ReleaseDeps, 'queues'>, frequency: Frequency): Promise<BuildResult & { queued: number }> {
  const built = await buildDigests(deps, frequency);
  const ids = await unsettledDigestIds(deps.db, { frequency });
  const queue = deps.queues.get('send-digests');
  const jobs = [];
  for (let i = 0; i < ids.length; i += CHUNK) jobs.push({ name: 'send-digests', data: { digestIds: ids.slice(i, i + CHUNK) }, opts: SEND_JOB_OPTIONS });
  for (let i = 0; i < jobs.length; i += 100) await queue.addBulk(jobs.slice(i, i + 100));
  return { ...built, queued: ids.length };
}
