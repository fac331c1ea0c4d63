// The public release archive: no login, newest first, embargo respected, everything escaped, a valid feed.
import { XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveRelease } from '../../src/services/approve-release.ts';
import { beginSending, completeRelease } from '../../src/storage/releases.ts';
import { seedApprovedDraft } from '../helpers/releases.ts';
import { HTML, type TestApp, startTestApp } from './app.ts';

describe('public release archive', () => {
  let t: TestApp;
  const slugs: string[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    const base = t.clock.now.getTime();
    const publish = async (subject: string, html: string, minutes: number, embargoMinutes?: number) => {
      const draftId = await seedApprovedDraft(t.db, { subject, html, text: subject });
      const at = new Date(base - 600 * 60_000 + minutes * 60_000);
      const r = await approveRelease({ db: t.db, queues: t.queues, now: () => at }, { draftId, approvedBy: null, embargoUntil: embargoMinutes === undefined ? null : new Date(base + embargoMinutes * 60_000) });
      if (!r.ok) throw new Error(r.message);
      await beginSending(t.db, r.release.id, at);
      await completeRelease(t.db, r.release.id, at);
      slugs.push(r.release.slug);
    };
    await publish('Older release', '<p>Old</p>', 0);
    await publish('Newer <script>alert("x")</script> & co', '<p onclick="x()">Body <script>alert(2)</script><a href="javascript:alert(3)">link</a></p>', 60);
    await publish('Embargoed release', '<p>Not yet</p>', 120, 30);
  });
  afterAll(async () => t?.close());

  it('lists sent releases newest first without a login, and not the embargoed one', async () => {
    const res = await t.app.inject({ url: '/releases', headers: HTML });
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body.indexOf('Newer &lt;script&gt;')).toBeGreaterThan(-1);
    expect(body.indexOf('Newer &lt;script&gt;')).toBeLessThan(body.indexOf('Older release'));
    expect(body).not.toContain('Embargoed release');
    expect(body).not.toContain('<script>alert');
  });

  it('shows each release on its own page, sanitised and escaped; unknown or embargoed ones are 404', async () => {
    const res = await t.app.inject({ url: `/releases/${slugs[1]}`, headers: HTML });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Newer &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</h1>');
    expect(res.body).toContain('Body ');
    expect(res.body).not.toMatch(/<script>alert|onclick|javascript:/);
    expect((await t.app.inject({ url: '/releases/no-such-1', headers: HTML })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/releases/${slugs[2]}`, headers: HTML })).statusCode).toBe(404);
    t.clock.now = new Date(t.clock.now.getTime() + 30 * 60_000); // the embargo lifts
    expect((await t.app.inject({ url: `/releases/${slugs[2]}`, headers: HTML })).statusCode).toBe(200);
  });

  it('serves a valid Atom feed of them', async () => {
    const res = await t.app.inject({ url: '/releases.atom' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(XMLValidator.validate(res.body)).toBe(true);
    const parsed = parseFeed(res.body);
    expect(parsed.format).toBe('atom');
    const entries = (parsed.feed as { entries?: { id?: string }[] }).entries ?? [];
    expect(entries.map((e) => e.id)).toEqual(slugs.slice().reverse().map((s) => `http://pressdesk.test/releases/${s}`));
    expect(res.body).not.toContain('<script>');
  });
});
