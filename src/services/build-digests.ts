// buildDigests: writes the digests due at `now` for one frequency. Subscribers are taken in id order, a
// batch per transaction under a per-frequency lock; each digest's stories are fixed here (those first seen
// with a subscribed topic after the subscriber's last cut-off, and still relevant by the active rules), and
// the row is written together with the subscriber's new cut-off (src/storage/digests.ts writeDigests). A run
// killed halfway leaves whole batches behind it, and the next run carries on with the rest.
import type { Frequency } from '../domain/digests.ts';
import { digestPeriod } from '../pipeline/digest-period.ts';
import { pickDigestStories } from '../pipeline/digest-stories.ts';
import { type PlannedDigest, digestStories, lockDigestBuild, pruneEmptyDigests, releasesBetween, sightingsBetween, writeDigests } from '../storage/digests.ts';
import { dueSubscribers } from '../storage/subscribers.ts';
import type { DigestDeps } from './deps.ts';

const BATCH = 1000;
/** Empty rows are kept past their period (a week) and then some, then pruned. */
const KEEP_EMPTY_MS = 35 * 86_400_000;

export interface BuildResult {
  frequency: Frequency;
  period: string;
  cutoff: Date;
  /** Subscribers looked at (due at this run). */
  subscribers: number;
  /** Digests written to send, in id order. */
  toSend: number[];
  /** Written as empty (nothing new; the subscriber skips empty digests). */
  empty: number;
}

export async function buildDigests(
  deps: Pick<DigestDeps, 'db' | 'now'>,
  frequency: Frequency,
  opts: { onProgress?: (done: number) => void; batch?: number } = {},
): Promise<BuildResult> {
  const now = deps.now();
  const { period, cutoff } = digestPeriod(frequency, now);
  const out: BuildResult = { frequency, period, cutoff, subscribers: 0, toSend: [], empty: 0 };
  let afterId = 0;
  for (;;) {
    const last = await deps.db.tx(async (t) => {
      await lockDigestBuild(t, frequency);
      const subs = await dueSubscribers(t, { frequency, period, cutoff, afterId, limit: opts.batch ?? BATCH });
      if (subs.length === 0) return undefined;
      const since = new Date(Math.min(...subs.map((s) => s.lastCutoff!.getTime())));
      const sightings = await sightingsBetween(t, since, cutoff);
      const stories = new Map((await digestStories(t, [...new Set(sightings.map((s) => s.storyId))])).map((s) => [s.id, s]));
      const releases = await releasesBetween(t, since, cutoff);
      const relevant = (id: number, topics: readonly string[]) => Boolean(stories.get(id)?.topics.some((x) => topics.includes(x)));
      const plans: PlannedDigest[] = subs.map((s) => {
        const window = { since: s.lastCutoff!, cutoff };
        const storyIds = pickDigestStories(s.topics, sightings, window, relevant);
        const releaseIds = releases.filter((r) => r.sentAt > window.since).map((r) => r.id);
        const nothing = storyIds.length === 0 && releaseIds.length === 0;
        // Instant digests that would be empty leave no row: a minute-by-minute schedule would write thousands.
        const status = !nothing ? 'pending' : frequency === 'instant' ? 'none' : s.skipEmpty ? 'empty' : 'pending';
        return { subscriberId: s.id, since: window.since, storyIds, releaseIds, status };
      });
      const written = await writeDigests(t, { frequency, period, cutoff, now, plans });
      out.toSend.push(...written);
      out.empty += plans.filter((p) => p.status === 'empty').length;
      out.subscribers += subs.length;
      return subs.at(-1)!.id;
    });
    if (last === undefined) break;
    afterId = last;
    opts.onProgress?.(out.subscribers);
  }
  await pruneEmptyDigests(deps.db, new Date(now.getTime() - KEEP_EMPTY_MS));
  return out;
}
