// When to poll a source next. Pure: the poll's outcome and `now` in, the next time and why out.
//
// Success: halve the interval when new items arrived, stretch it by half when nothing changed, clamped to
// the source's [min, max]; then never sooner than the feed's own <ttl>/sy:updatePeriod or the response's
// Cache-Control/Expires (each capped at max, so a silly Expires cannot stop polling). With an active WebSub
// subscription the hub pushes news, and polling drops to max as a safety net.
// Failure: exponential backoff on a weighted error score (a DNS blip or timeout weighs less than a 404 or
// a page that is not a feed), capped at BACKOFF_CAP_S — a failing source is retried for ever, never disabled.
// Retry-After (429/503) is obeyed as given, within a day.
// A small per-source offset (0–10 %, from the id) keeps sources added together from polling in lockstep.

export type PollErrorKind =
  | 'dns'
  | 'connect'
  | 'timeout'
  | 'aborted'
  | 'tls'
  | 'too_large'
  | 'redirects'
  | 'ssrf'
  | 'protocol'
  | 'http_429'
  | 'http_5xx'
  | 'http_4xx'
  | 'parse';

export interface ScheduleState {
  sourceId: number;
  minIntervalS: number;
  maxIntervalS: number;
  /** The adaptive interval after the last successful poll; null before the first. */
  intervalS: number | null;
  errorScore: number;
  itemsPerDay: number | null;
  lastSuccessAt: Date | null;
  websubActive: boolean;
}

export type PollOutcome =
  | { ok: true; newItems: number; ttlMinutes?: number; cacheExpires?: Date }
  | { ok: false; error: PollErrorKind; retryAfter?: Date };

export interface NextPoll {
  at: Date;
  reason: string;
  intervalS: number;
  errorScore: number;
  itemsPerDay: number | null;
}

export const ERROR_WEIGHT: Record<PollErrorKind, number> = {
  aborted: 0.5,
  http_429: 0.5,
  dns: 1,
  connect: 1,
  timeout: 1,
  http_5xx: 1,
  protocol: 2,
  tls: 3,
  too_large: 3,
  redirects: 3,
  http_4xx: 3,
  parse: 3,
  ssrf: 4,
};

export const BACKOFF_CAP_S = 12 * 3600;
const DAY_S = 86_400;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const jitter = (id: number) => 1 + ((Math.imul(id, 2654435761) >>> 0) % 1000) / 10_000;

/** The next poll time for a source, given what its last poll found. */
export function nextPoll(state: ScheduleState, outcome: PollOutcome, now: Date): NextPoll {
  const min = state.minIntervalS;
  const max = Math.max(state.maxIntervalS, min);
  const after = (s: number) => new Date(now.getTime() + Math.round(s * 1000));

  if (!outcome.ok) {
    const errorScore = state.errorScore + ERROR_WEIGHT[outcome.error];
    const keep = { intervalS: state.intervalS ?? min, errorScore, itemsPerDay: state.itemsPerDay };
    if (outcome.retryAfter) {
      const wait = clamp((outcome.retryAfter.getTime() - now.getTime()) / 1000, min, DAY_S);
      return { ...keep, at: after(wait), reason: `the server asked to wait (Retry-After, ${Math.round(wait)} s)` };
    }
    const wait = clamp(Math.max(min, 60) * 2 ** errorScore, min, Math.max(BACKOFF_CAP_S, max)) * jitter(state.sourceId);
    return { ...keep, at: after(wait), reason: `backing off after failures (score ${errorScore})` };
  }

  const itemsPerDay = estimateRate(state, outcome.newItems, now);
  const prev = state.intervalS ?? min;
  let interval = clamp(outcome.newItems > 0 ? prev / 2 : prev * 1.5, min, max);
  let reason = outcome.newItems > 0 ? 'new items: polling sooner' : 'nothing new: polling later';
  if (outcome.ttlMinutes && outcome.ttlMinutes * 60 > interval) {
    interval = Math.min(outcome.ttlMinutes * 60, max);
    reason = `the feed asks for at most one poll per ${outcome.ttlMinutes} min`;
  }
  const fresh = outcome.cacheExpires ? (outcome.cacheExpires.getTime() - now.getTime()) / 1000 : 0;
  if (fresh > interval) {
    interval = Math.min(fresh, max);
    reason = 'the server says the feed stays fresh until then (Cache-Control/Expires)';
  }
  if (state.websubActive && interval < max) {
    interval = max;
    reason = 'WebSub pushes news; polling slowly as a safety net';
  }
  return { at: after(interval * jitter(state.sourceId)), reason, intervalS: Math.round(interval), errorScore: 0, itemsPerDay };
}

/** Items per day, smoothed so one burst does not swing it: new items over the time since the last success. */
function estimateRate(state: ScheduleState, newItems: number, now: Date): number | null {
  if (!state.lastSuccessAt) return state.itemsPerDay;
  const days = (now.getTime() - state.lastSuccessAt.getTime()) / 1000 / DAY_S;
  if (days <= 0) return state.itemsPerDay;
  const rate = newItems / days;
  const smoothed = state.itemsPerDay == null ? rate : state.itemsPerDay * 0.7 + rate * 0.3;
  return Math.round(smoothed * 100) / 100;
}
