// keep-newest: the newest `max` of a list by date, the rest set aside. What a poll keeps of a feed that lists
// more entries than MAX_ITEMS_PER_POLL, and which of its new teasers get a page fetch under
// MAX_PAGE_FETCHES_PER_POLL (src/services/poll-source.ts).
//
// Order of preference: dated entries, newest first; then undated ones in feed order. A date is the only
// evidence of an entry's age we have, so an entry that gives none never displaces one that shows it is new —
// a 50,000-entry feed is typically an archive dump, where "first in the feed" says little. Feed order still
// decides among the undated (feeds list newest first by convention) and between equal dates. A date more
// than a day ahead of `now` counts as undated, as normalize() treats it: a feed that dates everything in 2099
// must not push out the entries with real dates. Both lists keep the input's order, so what is kept goes on
// through the poll exactly as it would without the limit. max 0 = no limit.
const DAY_MS = 86_400_000;

export function keepNewest<T>(list: readonly T[], max: number, o: { dateOf: (x: T) => string | null | undefined; now: Date }): { kept: T[]; skipped: T[] } {
  if (max <= 0 || list.length <= max) return { kept: [...list], skipped: [] };
  const latest = o.now.getTime() + DAY_MS;
  const at = list.map((x) => {
    const d = o.dateOf(x);
    const t = d ? Date.parse(d) : Number.NaN;
    return Number.isFinite(t) && t <= latest ? t : Number.NEGATIVE_INFINITY;
  });
  // Array.prototype.sort is stable: equal dates (and all undated entries) stay in feed order.
  const order = list.map((_, i) => i).sort((a, b) => (at[a] === at[b] ? 0 : at[b]! > at[a]! ? 1 : -1));
  const keep = new Uint8Array(list.length);
  for (let k = 0; k < max; k++) keep[order[k]!] = 1;
  const kept: T[] = [];
  const skipped: T[] = [];
  for (const [i, x] of list.entries()) (keep[i] ? kept : skipped).push(x);
  return { kept, skipped };
}
