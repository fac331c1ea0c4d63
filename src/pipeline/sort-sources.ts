// sort-sources: the order of the sources page. By default ("health") failing sources come first, the longest
// failing at the top, then new ones, working ones and disabled ones, each by name; people may sort by name,
// last success, items per day or failures instead, either way round. Ties go by name.
export const SOURCE_SORTS = ['health', 'name', 'success', 'items', 'failures'] as const;
export type SourceSort = (typeof SOURCE_SORTS)[number];
export type SortDir = 'asc' | 'desc';
export interface SourceOrder {
  key: SourceSort;
  dir: SortDir;
}

/** Each key's natural direction: oldest success, most items and most failures first. */
export const DEFAULT_DIR: Record<SourceSort, SortDir> = { health: 'asc', name: 'asc', success: 'asc', items: 'desc', failures: 'desc' };

export interface SortableSource {
  name: string;
  enabled: boolean;
  consecutiveFailures: number;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  /** Items per day; null when not known (never polled): last whichever way round. */
  perDay: number | null;
}

/** The order a query's `sort` asks for: a key, or a key and a direction ("name-desc"); anything else is the
 *  default. */
export function sourceOrder(sort: unknown): SourceOrder {
  const [k, d] = typeof sort === 'string' ? sort.split('-') : [];
  const key = SOURCE_SORTS.find((x) => x === k) ?? 'health';
  const dir = key === k && (d === 'asc' || d === 'desc') ? d : DEFAULT_DIR[key];
  return { key, dir };
}

/** The `sort` value of an order: the key alone in its natural direction. */
export const sortParam = (o: SourceOrder) => (o.dir === DEFAULT_DIR[o.key] ? o.key : `${o.key}-${o.dir}`);

const rank = (s: SortableSource) => (!s.enabled ? 3 : s.consecutiveFailures > 0 ? 0 : s.lastSuccessAt ? 2 : 1);
const time = (d: Date | null) => d?.getTime() ?? Number.NEGATIVE_INFINITY;
const byName = (a: SortableSource, b: SortableSource) => a.name.localeCompare(b.name, 'en-GB', { sensitivity: 'base' });

const KEYS: Record<SourceSort, (a: SortableSource, b: SortableSource) => number> = {
  health: (a, b) => rank(a) - rank(b) || (rank(a) === 0 ? time(a.failingSince) - time(b.failingSince) : 0),
  name: byName,
  success: (a, b) => time(a.lastSuccessAt) - time(b.lastSuccessAt),
  items: (a, b) => (a.perDay ?? 0) - (b.perDay ?? 0),
  failures: (a, b) => a.consecutiveFailures - b.consecutiveFailures,
};

export function sortSources<T extends SortableSource>(rows: readonly T[], order: SourceOrder): T[] {
  const sign = order.dir === 'asc' ? 1 : -1;
  const unknownLast = (a: T, b: T) => (order.key === 'items' ? Number(a.perDay === null) - Number(b.perDay === null) : 0);
  return [...rows].sort((a, b) => unknownLast(a, b) || sign * KEYS[order.key](a, b) || byName(a, b));
}
