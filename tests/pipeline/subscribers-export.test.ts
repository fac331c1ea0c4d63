import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/domain/digests.ts';
import { subscribersCsv } from '../../src/pipeline/subscribers-export.ts';

const t = new Date('2026-03-02T09:00:00Z');
const sub = (email: string, over: Partial<Subscriber> = {}): Subscriber => ({
  id: 1, email, topics: ['probation', 'prisons'], frequency: 'daily', status: 'active', skipEmpty: false, consentText: 'x', linkVersion: 1,
  pendingTopics: null, pendingFrequency: null, confirmSentAt: t, createdAt: t, confirmedAt: t, unsubscribedAt: null, lastCutoff: t, updatedAt: t,
  ...over,
});

describe('subscribersCsv', () => {
  it('writes the columns in order, topics joined by ";", times in ISO 8601, and defuses formulas', () => {
    expect(subscribersCsv([sub('ann@example.org'), sub('=cmd|x@example.org', { status: 'unsubscribed', topics: ['courts'], confirmedAt: null, unsubscribedAt: t })]).split('\r\n')).toEqual([
      'email,status,frequency,topics,created_at,confirmed_at,unsubscribed_at',
      'ann@example.org,active,daily,probation;prisons,2026-03-02T09:00:00.000Z,2026-03-02T09:00:00.000Z,',
      "'=cmd|x@example.org,unsubscribed,daily,courts,2026-03-02T09:00:00.000Z,,2026-03-02T09:00:00.000Z",
      '',
    ]);
  });
});
