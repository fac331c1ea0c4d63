// The batch clusterer for the CLI and the bench: the same signature / bandKeys / decide as the workers, with
// an in-memory key index standing in for the story_keys table. Items are taken in published order.
import type { ItemText } from '../../domain/types.ts';
import { CANDIDATE_LIMIT, type ClusterOptions, WINDOW_HOURS, bandKeys, bestScore, decide, signature } from '../cluster.ts';
import type { Signature } from './similarity.ts';

export interface BatchOptions extends ClusterOptions {
  /** Representative signatures kept per story: the first item and the latest ones. Default 2: more lets a
   *  story drift from item to item (50,000-item stress set: 2 -> P 0.93, 3 -> 0.90, 8 -> 0.81). */
  representatives?: number;
  /** Time for items without a usable `published` (epoch ms); without it such items are an error. */
  fallbackTime?: number;
}

/** Entries of one key looked at per item, newest first. */
const KEY_SCAN_LIMIT = 200;

interface Story {
  id: string;
  lastMs: number;
  sigs: Signature[];
  parent: number;
}

/** Item id -> story id; a story's id is the id of its first item (earliest story wins a merge). */
export function clusterBatch(items: readonly ItemText[], opts: BatchOptions = {}): Map<string, string> {
  const windowMs = (opts.windowHours ?? WINDOW_HOURS) * 3_600_000;
  const reps = Math.max(1, opts.representatives ?? 2);
  const timed = items.map((item, i) => {
    let t = item.published ? Date.parse(item.published) : Number.NaN;
    if (!Number.isFinite(t)) t = opts.fallbackTime ?? Number.NaN;
    if (!Number.isFinite(t)) throw new Error(`cluster: item ${item.id} has no valid published date; give one (ISO-8601) or a fallback time`);
    return { item, t, i };
  });
  timed.sort((a, b) => a.t - b.t || a.i - b.i);

  const stories: Story[] = [];
  const find = (s: number): number => {
    while (stories[s]!.parent !== s) {
      stories[s]!.parent = stories[stories[s]!.parent]!.parent;
      s = stories[s]!.parent;
    }
    return s;
  };
  // key -> [story, time filed] in filing order, so a scan from the end stops at the window's edge.
  const index = new Map<string, { story: number; t: number }[]>();
  const itemStory = new Map<string, number>();
  const hits = new Map<number, number>();

  let sweptAt = Number.NEGATIVE_INFINITY;
  for (const { item, t } of timed) {
    if (t - sweptAt > windowMs) {
      // Most MinHash band keys are never seen again: forget keys whose newest entry left the window, so the
      // index holds one window of items, not the whole batch.
      for (const [k, list] of index) if (list[list.length - 1]!.t < t - windowMs) index.delete(k);
      sweptAt = t;
    }
    const sig = signature(item);
    const keys = bandKeys(sig);
    hits.clear();
    for (const k of keys) {
      const list = index.get(k);
      if (!list) continue;
      let j = list.length - 1;
      // A key filed by hundreds of stories in the window says little (a frequent title word): its most recent
      // entries are enough, and the cost per item stays bounded.
      const stop = Math.max(-1, j - KEY_SCAN_LIMIT);
      for (; j > stop && list[j]!.t >= t - windowMs; j--) {
        const s = find(list[j]!.story);
        hits.set(s, (hits.get(s) ?? 0) + 1);
      }
      if (j > 64 && list[j]!.t < t - windowMs) list.splice(0, j + 1); // drop what fell out of the window, in bulk
    }
    const ranked = [...hits].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, CANDIDATE_LIMIT);
    const scored = ranked
      .filter(([s]) => t - stories[s]!.lastMs <= windowMs)
      .map(([s]) => ({ id: String(s), score: bestScore(sig, stories[s]!.sigs) }));
    const d = decide(scored, opts);
    let home: number;
    if (d.kind === 'new') {
      home = stories.length;
      stories.push({ id: item.id, lastMs: t, sigs: [], parent: home });
    } else if (d.kind === 'join') {
      home = Number(d.storyId);
    } else {
      const ids = d.storyIds.map(Number).sort((a, b) => a - b);
      home = ids[0]!;
      for (const other of ids.slice(1)) {
        stories[other]!.parent = home;
        stories[home]!.sigs.push(...stories[other]!.sigs.slice(0, 1));
      }
    }
    const story = stories[home]!;
    story.lastMs = Math.max(story.lastMs, t);
    story.sigs.push(sig);
    if (story.sigs.length > reps) story.sigs.splice(1, story.sigs.length - reps); // keep the first and the latest
    itemStory.set(item.id, home);
    for (const k of keys) {
      const list = index.get(k);
      if (list) list.push({ story: home, t });
      else index.set(k, [{ story: home, t }]);
    }
  }
  const out = new Map<string, string>();
  for (const { item } of timed) out.set(item.id, stories[find(itemStory.get(item.id)!)]!.id);
  return out;
}
