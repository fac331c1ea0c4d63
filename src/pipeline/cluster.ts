// Clustering items into stories: one story across many outlets, not forty alerts. Pure: signatures in,
// decisions out; the clock arrives as each item's `published`. Storage keeps per story its band keys (for an
// indexed candidate lookup) and a few representative signatures; this module decides join / new / merge.
// Thresholds and why MinHash: docs/stories.md.
import { minhashKeys, minhash, shingles } from './cluster/minhash.ts';
import type { Signature, StoryCandidate } from '../domain/stories.ts';
import { cleanText, cleanTitle, isStandalone } from './cluster/format.ts';
import { type Similarity, similarity } from './cluster/similarity.ts';
import { COMMON, names, terms } from './cluster/text.ts';
import { stripHtml } from './text.ts';
import type { ItemText } from '../domain/types.ts';

export type { Signature, Similarity };
export { type BatchItem, type BatchOptions, type BatchPlan, clusterBatch, placeBatch } from './cluster/batch.ts';

/** Terms of a body past this point add cost, not evidence: copies agree in their first paragraphs. */
const MAX_TEXT_TERMS = 400;
/** The same bound in characters, applied first so a 100 KB body costs no more than a short one. */
const MAX_TEXT_CHARS = 4000;
const MAX_TITLE_TERMS = 24;
const MAX_NAMES = 24;
/** Text terms kept as `words`: a lead paragraph's worth, enough to see whether it mentions the other title. */
const MAX_WORDS = 32;

export function signature(item: Pick<ItemText, 'title' | 'summary' | 'body' | 'url'>): Signature {
  const fullTitle = stripHtml(item.title ?? '');
  const title = cleanTitle(fullTitle);
  const rest = cleanText([item.summary, item.body].filter(Boolean).map((s) => stripHtml(s!)).join('\n').slice(0, MAX_TEXT_CHARS));
  const titleTerms = terms(title);
  const textTerms = terms(rest).slice(0, MAX_TEXT_TERMS);
  // The marker keeps the title's last word and the text's first from making a shingle no copy shares.
  const set = shingles(textTerms.length ? [...titleTerms, '\u0000', ...textTerms] : titleTerms, COMMON);
  const found = names(title, rest);
  const titleSet = [...new Set(titleTerms)].slice(0, MAX_TITLE_TERMS);
  const ordered = [...titleSet.filter((t) => found.has(t)), ...[...found].filter((t) => !titleSet.includes(t))].slice(0, MAX_NAMES);
  const seen = new Set([...titleSet, ...ordered]);
  const words: string[] = [];
  for (let i = 0; i < textTerms.length && words.length < MAX_WORDS; i++) {
    const t = textTerms[i]!;
    if (t.length > 2 && !COMMON.has(t) && !seen.has(t)) {
      seen.add(t);
      words.push(t);
    }
  }
  const sig: Signature = { v: 1, title: titleSet, names: ordered, minhash: minhash(set), size: set.size, words };
  if (isStandalone(fullTitle, item.url)) sig.standalone = true;
  return sig;
}

/**
 * Keys under which a story is filed, for candidate lookup by equality: 32 MinHash bands ("m07:…", catching
 * copies) and the title's distinctive terms ("t:wandsworth", catching rewrites). Rank candidates by the number
 * of keys they share and score only the best few (see CANDIDATE_LIMIT).
 */
export function bandKeys(sig: Signature): string[] {
  const keys = minhashKeys(sig.minhash);
  for (const t of sig.title) if (!COMMON.has(t) && t.length > 2) keys.push(`t:${t}`);
  return keys;
}

/** How many candidate stories (by shared keys) are worth scoring; more only costs time. */
export const CANDIDATE_LIMIT = 24;
/** Stories looked at per key, newest first: a key filed by hundreds of stories in the window (a frequent title
 *  word) says little, and without a cap one such key makes every lookup scan them all. */
export const KEY_SCAN_LIMIT = 50;

export interface ClusterOptions {
  /** A story takes new items for this long after its latest one. Default 72. */
  windowHours?: number;
  /** Join the best story scoring at least this. Default JOIN_THRESHOLD. */
  threshold?: number;
  /** Merge the stories scoring at least this when there are two or more. Default MERGE_THRESHOLD. */
  mergeThreshold?: number;
}

export const WINDOW_HOURS = 72;
export const JOIN_THRESHOLD = 0.25;
export const MERGE_THRESHOLD = 0.45;

export type Decision =
  | { kind: 'join'; storyId: string; score: number }
  | { kind: 'new' }
  | { kind: 'merge'; storyIds: string[]; score: number };

export interface ClusterItem {
  id: string;
  /** ISO-8601 or epoch ms. */
  published: string | number;
  sig: Signature;
}

export function cluster(item: ClusterItem, candidates: readonly StoryCandidate[], opts: ClusterOptions = {}): Decision {
  const t = typeof item.published === 'number' ? item.published : Date.parse(item.published);
  if (!Number.isFinite(t)) throw new Error(`cluster: item ${item.id} has no valid published time; pass an ISO-8601 date or epoch ms`);
  const windowMs = (opts.windowHours ?? WINDOW_HOURS) * 3_600_000;
  const scored: { id: string; score: number }[] = [];
  for (const c of candidates) {
    const last = Date.parse(c.lastSeen);
    if (!(Math.abs(t - last) <= windowMs)) continue;
    scored.push({ id: c.id, score: bestScore(item.sig, c.sigs) });
  }
  return item.sig.standalone ? { kind: 'new' } : decide(scored, opts);
}

/** The best score against a story's representatives. A standalone item (a roundup, a service piece) stands for
 *  nothing: a story it started, stored or not, has no representative to join. */
export function bestScore(sig: Signature, sigs: readonly Signature[]): number {
  let best = 0;
  for (const s of sigs) {
    if (s.standalone) continue;
    const v = similarity(sig, s).score;
    if (v > best) best = v;
  }
  return best;
}

/** Shared with the batch clusterer: the decision from (story, score) pairs. */
export function decide(scored: { id: string; score: number }[], opts: ClusterOptions): Decision {
  const join = opts.threshold ?? JOIN_THRESHOLD;
  const merge = opts.mergeThreshold ?? MERGE_THRESHOLD;
  const above = scored.filter((s) => s.score >= join).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const best = above[0];
  if (!best) return { kind: 'new' };
  const bridged = above.filter((s) => s.score >= merge);
  if (bridged.length >= 2) return { kind: 'merge', storyIds: bridged.map((s) => s.id), score: bridged[bridged.length - 1]!.score };
  return { kind: 'join', storyId: best.id, score: best.score };
}
