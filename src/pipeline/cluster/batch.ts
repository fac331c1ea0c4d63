// Placing a batch of items into stories, in published order, with an in-memory key index so items of one
// batch find each other's new stories. Two callers, one loop: clusterBatch (the CLI and the bench: every story
// is new) and services/cluster-items.ts (a poll's batch: stored stories arrive as candidates found by
// storage's key lookup, and the plan says what to write). Same signature / bandKeys / decide as cluster().
import type { ItemText } from '../../domain/types.ts';
import { CANDIDATE_LIMIT, type ClusterOptions, type Decision, KEY_SCAN_LIMIT, WINDOW_HOURS, bandKeys, bestScore, decide, signature } from '../cluster.ts';
import type { Signature, StoredStory } from '../../domain/stories.ts';

export interface BatchOptions extends ClusterOptions {
  /** Representative signatures kept per story: the first item and the latest ones. Default 2: more lets a
   *  story drift from item to item (50,000-item stress set: 2 -> P 0.93, 3 -> 0.90, 8 -> 0.81). */
  representatives?: number;
  /** Time for items without a usable `published` (epoch ms); without it such items are an error. */
  fallbackTime?: number;
}

export interface BatchItem {
  id: string;
  /** Epoch ms. */
  t: number;
  sig: Signature;
  keys: readonly string[];
  /** Ids of the stored stories found for this item (StoredStory ids). */
  candidates?: readonly string[];
  /** Stored stories an editor moved this item out of: it never goes back into them. */
  splitFrom?: readonly string[];
}

/** One story of the plan: a stored one (`stored` is its id) or a new one (`firstItem` started it). */
export interface PlannedStory {
  stored?: string;
  firstItem?: string;
  /** Epoch ms of its earliest item. */
  firstMs: number;
  /** Set when folded into another story of the plan: that story's slot, the live one at the end. */
  into?: number;
}

export interface Placement {
  itemId: string;
  kind: 'new' | 'join' | 'merge';
  score?: number;
  /** The slot (index into `stories`) the item is in once the whole batch is placed. */
  home: number;
}

export interface BatchPlan {
  stories: PlannedStory[];
  /** In the order items were placed (published order). */
  placements: Placement[];
  /** Each fold as it happened: `other` went into `into` because `itemId` bridged them. */
  merges: { into: number; other: number; itemId: string; score: number }[];
}

interface Slot {
  stored?: string;
  firstItem?: string;
  firstMs: number;
  lastMs: number;
  first?: Signature;
  latest: Signature[];
  parent: number;
  apart: readonly string[];
}

/** Stored stories before new ones; stored by id, new ones in the order they were made (the oldest wins a merge). */
function older(a: Slot, ai: number, b: Slot, bi: number): boolean {
  if (a.stored !== undefined && b.stored !== undefined) return Number(a.stored) < Number(b.stored);
  if (a.stored !== undefined || b.stored !== undefined) return a.stored !== undefined;
  return ai < bi;
}

/** Item id -> story id; a story's id is the id of its first item (earliest story wins a merge). */
export function clusterBatch(items: readonly ItemText[], opts: BatchOptions = {}): Map<string, string> {
  const batch = items.map((item): BatchItem => {
    let t = item.published ? Date.parse(item.published) : Number.NaN;
    if (!Number.isFinite(t)) t = opts.fallbackTime ?? Number.NaN;
    if (!Number.isFinite(t)) throw new Error(`cluster: item ${item.id} has no valid published date; give one (ISO-8601) or a fallback time`);
    const sig = signature(item);
    return { id: item.id, t, sig, keys: bandKeys(sig) };
  });
  const plan = placeBatch(batch, [], opts);
  return new Map(plan.placements.map((p) => [p.itemId, plan.stories[p.home]!.firstItem!]));
}

/**
 * Places items (taken in published order, then input order) into stored or new stories: per item the stored
 * candidates given plus, through the in-memory index, the stories earlier items of the batch went to, scored
 * and decided by `decide`. A merge drops stories an editor split apart from the best one and folds the rest
 * into the oldest. Pure: the plan says what to write.
 */
export function placeBatch(items: readonly BatchItem[], stored: readonly StoredStory[], opts: BatchOptions = {}): BatchPlan {
  const windowMs = (opts.windowHours ?? WINDOW_HOURS) * 3_600_000;
  const reps = Math.max(1, opts.representatives ?? 2);
  const timed = items.map((item, i) => ({ item, i })).sort((a, b) => a.item.t - b.item.t || a.i - b.i);
  const byId = new Map(stored.map((s) => [s.id, s]));

  const slots: Slot[] = [];
  const find = (s: number): number => {
    while (slots[s]!.parent !== s) {
      slots[s]!.parent = slots[slots[s]!.parent]!.parent;
      s = slots[s]!.parent;
    }
    return s;
  };
  const slotOf = new Map<string, number>();
  const storedSlot = (id: string): number | undefined => {
    let s = slotOf.get(id);
    if (s === undefined) {
      const c = byId.get(id);
      if (!c) return undefined;
      s = slots.length;
      const lastMs = Date.parse(c.lastSeen);
      slots.push({ stored: id, firstMs: c.firstSeen ? Date.parse(c.firstSeen) : lastMs, lastMs, first: c.sigs[0], latest: c.sigs.slice(1), parent: s, apart: c.apart ?? [] });
      slotOf.set(id, s);
    }
    return find(s);
  };
  // A stored id leads to its live slot only once the story is in the plan (else it cannot be a candidate).
  const live = (id: string) => (slotOf.has(id) ? find(slotOf.get(id)!) : undefined);
  const apart = (a: number, b: number) => slots[a]!.apart.some((id) => live(id) === b) || slots[b]!.apart.some((id) => live(id) === a);

  // key -> [slot, time filed] in filing order, so a scan from the end stops at the window's edge.
  const index = new Map<string, { story: number; t: number }[]>();
  const hits = new Map<number, number>();
  const placements: Placement[] = [];
  const merges: BatchPlan['merges'] = [];
  let sweptAt = Number.NEGATIVE_INFINITY;
  for (const { item } of timed) {
    const { t, sig } = item;
    if (t - sweptAt > windowMs) {
      // Most MinHash band keys are never seen again: forget keys whose newest entry left the window, so the
      // index holds one window of items, not the whole batch.
      for (const [k, list] of index) if (list[list.length - 1]!.t < t - windowMs) index.delete(k);
      sweptAt = t;
    }
    hits.clear();
    for (const k of item.keys) {
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
    const ranked = [...hits].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, CANDIDATE_LIMIT).map(([s]) => s);
    const found = new Set(ranked);
    for (const id of item.candidates ?? []) {
      const s = storedSlot(id);
      if (s !== undefined) found.add(s);
    }
    const excluded = new Set((item.splitFrom ?? []).map(live).filter((s) => s !== undefined));
    const scored = [...found]
      .filter((s) => Math.abs(t - slots[s]!.lastMs) <= windowMs && !excluded.has(s))
      .map((s) => ({ id: String(s), score: bestScore(sig, representatives(slots[s]!)) }));
    // A roundup or service piece is a story of its own: it neither joins nor bridges stories, and bestScore
    // gives nothing a way into a story it started.
    const d: Decision = sig.standalone ? { kind: 'new' } : decide(scored, opts);
    let home: number;
    let kind: Placement['kind'] = d.kind;
    if (d.kind === 'new') {
      home = slots.length;
      slots.push({ firstItem: item.id, firstMs: t, lastMs: t, latest: [], parent: home, apart: [] });
    } else if (d.kind === 'join') {
      home = Number(d.storyId);
    } else {
      const best = Number(d.storyIds[0]);
      const keep = d.storyIds.map(Number).filter((s) => s === best || !apart(best, s));
      home = keep.reduce((a, b) => (older(slots[b]!, b, slots[a]!, a) ? b : a));
      for (const other of keep) if (other !== home) fold(slots, home, other);
      for (const other of keep) if (other !== home) merges.push({ into: home, other, itemId: item.id, score: d.score });
      if (keep.length < 2) kind = 'join';
    }
    addRepresentative(slots[home]!, sig, t, reps);
    // An item split out of a story keeps its new home apart from that story: a later bridge must not fold
    // the two and carry the item back.
    if (item.splitFrom?.length) slots[home]!.apart = [...slots[home]!.apart, ...item.splitFrom];
    placements.push({ itemId: item.id, kind, score: d.kind === 'new' ? undefined : d.score, home });
    for (const k of item.keys) {
      const list = index.get(k);
      if (list) list.push({ story: home, t });
      else index.set(k, [{ story: home, t }]);
    }
  }
  for (const p of placements) p.home = find(p.home);
  const stories = slots.map((s, i): PlannedStory => ({
    stored: s.stored,
    firstItem: s.firstItem,
    firstMs: s.firstMs,
    into: find(i) === i ? undefined : find(i),
  }));
  return { stories, placements, merges };
}

const representatives = (s: Slot): Signature[] => (s.first ? [s.first, ...s.latest] : s.latest);

/** The story keeps its first item's signature and its latest `reps - 1`, by time (as storage picks them). */
function addRepresentative(s: Slot, sig: Signature, t: number, reps: number): void {
  if (!s.first) {
    s.first = sig;
  } else if (t < s.firstMs) {
    if (s.latest.length === 0 && reps > 1) s.latest.push(s.first); // a one-item story: its item is also the latest
    s.first = sig;
  } else if (t >= s.lastMs || s.latest.length < reps - 1) {
    s.latest.push(sig);
  }
  if (s.latest.length > reps - 1) s.latest.splice(0, s.latest.length - (reps - 1));
  s.firstMs = Math.min(s.firstMs, t);
  s.lastMs = Math.max(s.lastMs, t);
}

/** Folds `other` into `home`: the earlier first item and the later latest ones represent the whole. */
function fold(slots: Slot[], home: number, other: number): void {
  const h = slots[home]!;
  const o = slots[other]!;
  o.parent = home;
  if (o.firstMs < h.firstMs && o.first) {
    h.first = o.first;
    h.firstMs = o.firstMs;
  }
  if (o.lastMs > h.lastMs) h.latest = o.latest.slice(); // trimmed to reps - 1 when the bridging item is added
  h.lastMs = Math.max(h.lastMs, o.lastMs);
  h.apart = [...h.apart, ...o.apart];
}
