// The press office's release pages: recipients chosen and previewed on the draft page (do-not-contact and
// suppressed left out of the count), the send time typed in UK time stored as the right instant across the
// change to summer time, the release page with its deliveries, and cancel / reschedule while scheduled only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftStory } from '../../src/services/draft-story.ts';
import { requestApproval } from '../../src/services/request-approval.ts';
import { addSuppression, upsertContacts } from '../../src/storage/contacts.ts';
import { getDraft } from '../../src/storage/drafts.ts';
import { beginSending, getReleaseByDraft } from '../../src/storage/releases.ts';
import type { User } from '../../src/storage/users.ts';
import { seedStory } from '../helpers/drafts.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from './app.ts';

const SECRET = Buffer.from('t'.repeat(32));

describe('release pages for press officers', () => {
  let t: TestApp;
  let po: { user: User; cookie: string };
  let editor: { user: User; cookie: string };
  const deps = () => ({ db: t.db, mailer: t.app.pd.deps.mailer, config: t.app.pd.deps.config, secret: SECRET, now: () => t.clock.now });

  async function awaitingDraft(title: string, topic = 'probation') {
    const story = await seedStory(t.db, { title, topic, summary: '<p>The probation service takes over cases.</p>' });
    const r = await draftStory(deps(), story, { force: true });
    if (!r.ok) throw new Error(r.message);
    const a = await requestApproval(deps(), r.draft.id);
    if (!a.ok) throw new Error(a.message);
    return a.draft;
  }
  const get = (url: string, cookie?: string) => t.app.inject({ url, headers: { ...HTML, ...(cookie ? { cookie } : {}) } });
  const post = async (url: string, body: Record<string, string | string[]>, who = po) => {
    const token = csrfFrom(await get('/', who.cookie));
    return t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie: who.cookie }, body: form({ _csrf: token, ...body }) });
  };

  /** Moves the fake clock; sessions would lapse across days, so the people log in again. */
  async function at(iso: string) {
    t.clock.now = new Date(iso);
    po = await t.login(['press_officer']);
    editor = await t.login(['editor']);
  }

  beforeAll(async () => {
    t = await startTestApp();
    po = await t.login(['press_officer'], 'po@example.org');
    editor = await t.login(['editor'], 'ed@example.org');
    const now = t.clock.now;
    await upsertContacts(t.db, [
      { name: 'Alice Probation', email: 'alice@news.example', outlet: 'The Daily', topics: ['probation'] },
      { name: 'Bob Probation', email: 'bob@news.example', topics: ['probation'] },
      { name: 'Carol Optedout', email: 'carol@news.example', topics: ['probation'], doNotContact: true },
      { name: 'Dan Bounced', email: 'dan@news.example', topics: ['probation', 'prisons'] },
      { name: 'Erin Prisons', email: 'erin@news.example', topics: ['prisons'] },
    ], now);
    await addSuppression(t.db, 'DAN@news.example', 'hard bounce', now);
  });
  afterAll(() => t?.close());

  it('previews the recipients on the draft page, leaving out opted-out and suppressed contacts', async () => {
    const d = await awaitingDraft('Probation caseloads rise');
    const page = await get(`/drafts/${d.id}`, po.cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<input type="checkbox" name="topics" value="probation" checked>/);
    expect(page.body).toContain('2 contacts</strong>; 1 opted out and 1 suppressed will not be mailed');
    expect(page.body).toContain('Alice Probation (The Daily), Bob Probation');
    expect(page.body).not.toContain('Carol Optedout');

    const both = await post(`/drafts/${d.id}/decide`, { action: 'preview', version: '1', topics: ['probation', 'prisons'] });
    expect(both.statusCode).toBe(200);
    expect(both.body).toContain('3 contacts</strong>; 1 opted out and 1 suppressed');
    expect(both.body).toMatch(/value="prisons" checked/);
    expect((await getDraft(t.db, d.id))!.status).toBe('awaiting_approval'); // a preview decides nothing

    const json = await t.app.inject({ url: `/drafts/${d.id}/recipients?topics=prisons`, headers: { cookie: po.cookie } });
    expect(json.json()).toMatchObject({ count: 1, doNotContact: 0, suppressed: 1, first: [{ name: 'Erin Prisons' }] });
    expect((await t.app.inject({ url: `/drafts/${d.id}/recipients`, headers: { cookie: editor.cookie } })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/drafts/${d.id}/recipients` })).statusCode).toBe(401);
  });

  it('stores a send time typed in UK time as the right instant, in winter and in summer', async () => {
    await at('2026-03-27T12:00:00Z'); // a Friday in GMT; the clocks go forward on Sunday 29th
    for (const [local, utc] of [['2026-03-28T09:30', '2026-03-28T09:30:00.000Z'], ['2026-03-30T09:30', '2026-03-30T08:30:00.000Z']] as const) {
      const d = await awaitingDraft(`Probation statement for ${local}`);
      const res = await post(`/drafts/${d.id}/decide`, { action: 'approve', version: '1', topics: 'probation', send_at: local, embargo_until: local });
      expect(res.statusCode).toBe(303);
      const r = (await getReleaseByDraft(t.db, d.id))!;
      expect(r).toMatchObject({ status: 'scheduled', recipients: { topics: ['probation'] } });
      expect(r.sendAt!.toISOString()).toBe(utc);
      expect(r.embargoUntil!.toISOString()).toBe(utc);
      const job = await t.queues.get('distribute').getJob(`distribute-${r.id}-${r.sendAt!.getTime()}`);
      expect(job?.opts.delay).toBe(r.sendAt!.getTime() - t.clock.now.getTime());
      const page = await get(`/releases/admin/${r.id}`, po.cookie);
      expect(page.body).toContain(`${local.slice(8, 10).replace(/^0/, '')} Mar 2026, 09:30</time> (UK time)`);
    }
  });

  it('refuses a time that has passed or does not exist, without approving the draft', async () => {
    await at('2026-03-27T12:00:00Z');
    const d = await awaitingDraft('Probation: a refused time');
    for (const send_at of ['2026-03-26T09:00', '2026-03-29T01:30']) {
      const res = await post(`/drafts/${d.id}/decide`, { action: 'approve', version: '1', topics: 'probation', send_at });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('Send at:');
      expect(res.body).toContain(`value="${send_at}"`); // kept in the form
    }
    const none = await post(`/drafts/${d.id}/decide`, { action: 'approve', version: '1', choose_recipients: '1' }); // every topic unticked
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('Choose at least one topic');
    expect((await getDraft(t.db, d.id))!.status).toBe('awaiting_approval');
    expect(await getReleaseByDraft(t.db, d.id)).toBeUndefined();
  });

  it('cancels and reschedules a scheduled release, and refuses both once sending started', async () => {
    await at('2026-06-01T08:00:00Z');
    const [a, b] = [await awaitingDraft('Probation: to cancel'), await awaitingDraft('Probation: to send')];
    for (const d of [a, b]) expect((await post(`/drafts/${d.id}/decide`, { action: 'approve', version: '1', topics: 'probation', send_at: '2026-06-02T10:00' })).statusCode).toBe(303);
    const ra = (await getReleaseByDraft(t.db, a.id))!;
    const rb = (await getReleaseByDraft(t.db, b.id))!;
    expect(ra.sendAt!.toISOString()).toBe('2026-06-02T09:00:00.000Z');

    expect((await post(`/releases/admin/${ra.id}/cancel`, {}, editor)).statusCode).toBe(403);
    const noToken = await t.app.inject({ method: 'POST', url: `/releases/admin/${ra.id}/cancel`, headers: { ...HTML, ...FORM, cookie: po.cookie }, body: '' });
    expect(noToken.statusCode).toBe(403);
    const re = await post(`/releases/admin/${ra.id}/schedule`, { send_at: '2026-06-03T11:15', embargo_until: '2026-06-03T12:00' });
    expect(re.statusCode).toBe(303);
    const moved = (await getReleaseByDraft(t.db, a.id))!;
    expect(moved.sendAt!.toISOString()).toBe('2026-06-03T10:15:00.000Z');
    expect(moved.embargoUntil!.toISOString()).toBe('2026-06-03T11:00:00.000Z');
    const cancel = await post(`/releases/admin/${ra.id}/cancel`, {});
    expect(cancel.statusCode).toBe(303);
    const after = await get(`/releases/admin/${ra.id}`, cookiesFrom(cancel, po.cookie));
    expect(after.body).toContain('Release cancelled');
    expect(after.body).toContain('id="release-status">cancelled');
    expect(after.body).not.toContain('/cancel"');

    await at('2026-06-02T09:00:00Z');
    expect(await beginSending(t.db, rb.id, t.clock.now)).toBeDefined();
    const late = await post(`/releases/admin/${rb.id}/cancel`, {});
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('is sending and can no longer be cancelled');
    expect((await post(`/releases/admin/${rb.id}/schedule`, { send_at: '2026-06-05T10:00' })).statusCode).toBe(409);
    expect((await getReleaseByDraft(t.db, b.id))!.status).toBe('sending');
  });

  it('lists releases for press officers only, and shows each delivery with its failure reason', async () => {
    await at('2026-07-01T08:00:00Z');
    const d = await awaitingDraft('Probation: delivered');
    expect((await post(`/drafts/${d.id}/decide`, { action: 'approve', version: '1', topics: 'probation' })).statusCode).toBe(303);
    const r = (await getReleaseByDraft(t.db, d.id))!;
    await beginSending(t.db, r.id, t.clock.now);
    const contacts = await t.db.query<{ id: number; email: string }>("SELECT id, email FROM contacts WHERE email IN ('alice@news.example', 'bob@news.example') ORDER BY email");
    for (const c of contacts) await t.db.query("INSERT INTO deliveries (release_id, contact_id, email, created_at) VALUES ($1, $2, $3, now())", [r.id, c.id, c.email]);
    await t.db.query("UPDATE deliveries SET status = 'failed', attempts = 1, last_error = '550 5.1.1 <bob@news.example>: no such user' WHERE email = 'bob@news.example' AND release_id = $1", [r.id]);
    const page = await get(`/releases/admin/${r.id}`, po.cookie);
    expect(page.body).toContain('0 sent</span> · 1 pending');
    expect(page.body).toContain('1 failed');
    expect(page.body).toContain('550 5.1.1 &lt;bob@news.example&gt;: no such user');

    const list = await get('/releases/admin', po.cookie);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/releases/admin/${r.id}"`);
    expect(list.body).toMatch(/<a href="\/releases\/admin"[^>]*>Releases<\/a>/);
    expect((await get('/releases/admin?status=cancelled', po.cookie)).body).not.toContain(`href="/releases/admin/${r.id}"`);
    expect((await get('/releases/admin', editor.cookie)).statusCode).toBe(403);
    expect((await get(`/releases/admin/${r.id}`)).headers.location).toBe(`/login?next=%2Freleases%2Fadmin%2F${r.id}`);
  });
});
