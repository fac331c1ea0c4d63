import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_S, nextPoll, type ScheduleState } from '../../src/pipeline/schedule.ts';

const now = new Date('2026-11-20T12:00:00Z');
const secs = (d: Date) => (d.getTime() - now.getTime()) / 1000;
// sourceId 0 has no offset, so the expected times are exact.
const base: ScheduleState = { sourceId: 0, minIntervalS: 300, maxIntervalS: 6 * 3600, intervalS: 1200, errorScore: 0, itemsPerDay: null, lastSuccessAt: null, websubActive: false };

describe('nextPoll', () => {
  it('polls sooner when new items arrive and later when nothing changes, within the source bounds', () => {
    expect(nextPoll(base, { ok: true, newItems: 3 }, now)).toMatchObject({ intervalS: 600, errorScore: 0 });
    expect(secs(nextPoll(base, { ok: true, newItems: 0 }, now).at)).toBe(1800);
    expect(nextPoll({ ...base, intervalS: 400 }, { ok: true, newItems: 5 }, now).intervalS).toBe(300);
    expect(nextPoll({ ...base, intervalS: 20_000 }, { ok: true, newItems: 0 }, now).intervalS).toBe(6 * 3600);
    // First poll ever starts from the minimum.
    expect(nextPoll({ ...base, intervalS: null }, { ok: true, newItems: 0 }, now).intervalS).toBe(450);
  });

  it('respects the feed ttl and Cache-Control/Expires, but never beyond the source maximum', () => {
    const ttl = nextPoll(base, { ok: true, newItems: 1, ttlMinutes: 60 }, now);
    expect(ttl.intervalS).toBe(3600);
    expect(ttl.reason).toMatch(/at most one poll per 60 min/);
    const cache = nextPoll(base, { ok: true, newItems: 0, cacheExpires: new Date(now.getTime() + 7200_000) }, now);
    expect(cache.intervalS).toBe(7200);
    expect(cache.reason).toMatch(/Cache-Control/);
    expect(nextPoll(base, { ok: true, newItems: 0, cacheExpires: new Date(now.getTime() + 365 * 86400_000) }, now).intervalS).toBe(6 * 3600);
    expect(nextPoll(base, { ok: true, newItems: 0, ttlMinutes: 10_000 }, now).intervalS).toBe(6 * 3600);
  });

  it('drops to the maximum as a safety net while WebSub pushes', () => {
    const n = nextPoll({ ...base, websubActive: true }, { ok: true, newItems: 4 }, now);
    expect(n.intervalS).toBe(6 * 3600);
    expect(n.reason).toMatch(/WebSub/);
  });

  it('backs off exponentially on errors, heavier for a 404 or a non-feed than for a DNS blip', () => {
    const dns = nextPoll(base, { ok: false, error: 'dns' }, now);
    const notFound = nextPoll(base, { ok: false, error: 'http_4xx' }, now);
    const parse = nextPoll(base, { ok: false, error: 'parse' }, now);
    expect(secs(dns.at)).toBe(600);
    expect(secs(notFound.at)).toBe(2400);
    expect(secs(parse.at)).toBe(secs(notFound.at));
    const again = nextPoll({ ...base, errorScore: dns.errorScore }, { ok: false, error: 'dns' }, now);
    expect(secs(again.at)).toBe(1200);
    // The adaptive interval survives a failure, so recovery returns to the old pace.
    expect(again.intervalS).toBe(1200);
  });

  it('is capped so a failing source keeps being retried (never silently disabled)', () => {
    const n = nextPoll({ ...base, errorScore: 80 }, { ok: false, error: 'http_4xx' }, now);
    expect(secs(n.at)).toBe(BACKOFF_CAP_S);
    expect(n.errorScore).toBe(83);
    expect(nextPoll({ ...base, errorScore: 83 }, { ok: true, newItems: 0 }, now).errorScore).toBe(0);
  });

  it('obeys Retry-After, within a day and not sooner than the minimum', () => {
    const ra = nextPoll(base, { ok: false, error: 'http_429', retryAfter: new Date(now.getTime() + 3600_000) }, now);
    expect(secs(ra.at)).toBe(3600);
    expect(ra.reason).toMatch(/Retry-After/);
    expect(secs(nextPoll(base, { ok: false, error: 'http_429', retryAfter: now }, now).at)).toBe(300);
    expect(secs(nextPoll(base, { ok: false, error: 'http_5xx', retryAfter: new Date(now.getTime() + 30 * 86400_000) }, now).at)).toBe(86400);
  });

  it('estimates items per day, smoothed', () => {
    const halfDayAgo = new Date(now.getTime() - 43_200_000);
    expect(nextPoll({ ...base, lastSuccessAt: halfDayAgo }, { ok: true, newItems: 5 }, now).itemsPerDay).toBe(10);
    expect(nextPoll({ ...base, lastSuccessAt: halfDayAgo, itemsPerDay: 20 }, { ok: true, newItems: 5 }, now).itemsPerDay).toBe(17);
    expect(nextPoll(base, { ok: true, newItems: 50 }, now).itemsPerDay).toBeNull();
  });

  it('spreads sources with an offset of at most 10 % from their id', () => {
    const times = [1, 2, 3, 4, 5].map((id) => secs(nextPoll({ ...base, sourceId: id }, { ok: true, newItems: 0 }, now).at));
    expect(new Set(times).size).toBeGreaterThan(1);
    for (const t of times) expect(t).toBeGreaterThanOrEqual(1800);
    for (const t of times) expect(t).toBeLessThanOrEqual(1980);
  });
});
