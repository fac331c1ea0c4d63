// What the sources pages show of a source: its state in a word, one error (the poll's reason for the next
// poll repeats it, so it is cut there), items per day from the items stored over the last week, times in
// words beside now, and the sort links and choices of the list.
import type { Source } from '../../domain/types.ts';
import { limitWords } from '../../pipeline/limit-words.ts';
import { relativeTime } from '../../pipeline/relative-time.ts';
import { DEFAULT_DIR, type SourceOrder, type SourceSort, sortParam } from '../../pipeline/sort-sources.ts';

/** Items per day are counted over this many days of stored items. */
export const PER_DAY_OVER_DAYS = 7;

const minutes = (s: number | null) => (s == null ? '' : s % 3600 === 0 ? `${s / 3600} h` : `${Math.round(s / 60)} min`);

/** "12", "3.4", "0.1", "<0.1" or "0" a day. */
function perDayText(n: number): string {
  if (n === 0) return '0';
  if (n < 0.05) return '<0.1';
  return n >= 10 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

export function sourceView(s: Source, recentItems: number, now: Date) {
  const state = !s.enabled ? 'disabled' : s.consecutiveFailures > 0 ? 'failing' : s.lastSuccessAt ? 'ok' : 'new';
  const error = s.lastError && state !== 'ok' ? s.lastError.replace(/^poll: /, '') : '';
  // A failed poll's reason ends with its error ("backing off …: poll: HTTP 404 …"), shown once already.
  const reason = s.lastError && s.nextPollReason?.endsWith(`: ${s.lastError}`) ? s.nextPollReason.slice(0, -s.lastError.length - 2) : (s.nextPollReason ?? '');
  const perDay = s.lastSuccessAt || recentItems ? recentItems / PER_DAY_OVER_DAYS : null;
  return {
    ...s,
    state,
    failing: state === 'failing',
    error,
    reason,
    perDay,
    perDayText: perDay === null ? '' : perDayText(perDay),
    lastSuccessWords: s.lastSuccessAt ? relativeTime(s.lastSuccessAt, now) : 'never',
    failingWords: s.failingSince ? relativeTime(s.failingSince, now) : '',
    nextWords: s.enabled ? relativeTime(s.nextPollAt, now) : '',
    limits: limitWords({ feedItems: s.lastFeedItems, skippedItems: s.lastSkippedItems }),
    every: `${minutes(s.minIntervalS)}–${minutes(s.maxIntervalS)}`,
    selectorsJson: s.selectors ? JSON.stringify(s.selectors) : '',
  };
}

const COLUMNS: { key: SourceSort; label: string }[] = [
  { key: 'name', label: 'Source' },
  { key: 'health', label: 'State' },
  { key: 'success', label: 'Last success' },
  { key: 'items', label: 'Items/day' },
];

/** The sortable column headings: a link that sorts by the column (again: the other way round), and aria-sort. */
export function sortHeadings(order: SourceOrder) {
  return Object.fromEntries(
    COLUMNS.map(({ key, label }) => {
      const current = order.key === key;
      const dir = current ? (order.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[key];
      const ariaSort = current ? (order.dir === 'asc' ? 'ascending' : 'descending') : undefined;
      return [key, { label, sort: sortParam({ key, dir }), ariaSort, arrow: current ? (order.dir === 'asc' ? '▲' : '▼') : '' }];
    }),
  );
}

const CHOICES: { value: string; label: string }[] = [
  { value: 'health', label: 'failing first' },
  { value: 'name', label: 'name, A to Z' },
  { value: 'name-desc', label: 'name, Z to A' },
  { value: 'success', label: 'last success, oldest first' },
  { value: 'success-desc', label: 'last success, newest first' },
  { value: 'items', label: 'items per day, most first' },
  { value: 'items-asc', label: 'items per day, fewest first' },
  { value: 'failures', label: 'failures, most first' },
];

/** The sort form's choices, the current one selected. */
export const sortChoices = (order: SourceOrder) => CHOICES.map((c) => ({ ...c, selected: c.value === sortParam(order) }));
