import { describe, expect, it } from 'vitest';
import { STALL_MS, judgePolling } from '../../src/pipeline/polling-health.ts';

const now = new Date('2026-03-02T09:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('judgePolling', () => {
  it('is up while something is polled, even with sources overdue', () => {
    expect(judgePolling({ overdue: 3, oldestDue: ago(3 * STALL_MS), lastPoll: ago(60_000) }, now).status).toBe('up');
    expect(judgePolling({ overdue: 0, oldestDue: null, lastPoll: null }, now)).toEqual({ status: 'up', detail: 'no source due yet' });
  });

  it('is stalled when sources are overdue and nothing was polled for a while, and says what to do', () => {
    const r = judgePolling({ overdue: 12, oldestDue: ago(23 * 60_000), lastPoll: ago(STALL_MS + 1) }, now);
    expect(r.status).toBe('stalled');
    expect(r.detail).toContain('12 sources are overdue (the oldest by 23 min)');
    expect(r.detail).toContain('`pressdesk start` or `pressdesk worker`');
    expect(judgePolling({ overdue: 1, oldestDue: ago(STALL_MS * 2), lastPoll: null }, now).detail).toMatch(/^1 source is overdue .* nothing was polled yet/);
  });
});
