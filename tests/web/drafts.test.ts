// The drafts pages: the review queue and the draft page by role, CSRF on their forms, the signed link's GET
// (never acts) and POST (acts once), escaping of feed text, stale versions refused, the story page's button.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/domain/drafts.ts';
import { signLink } from '../../src/pipeline/links.ts';
import { draftStory } from '../../src/services/draft-story.ts';
import { requestApproval } from '../../src/services/request-approval.ts';
import { getDraft, listDraftEvents } from '../../src/storage/drafts.ts';
import type { User } from '../../src/storage/users.ts';
import { seedStory } from '../helpers/drafts.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from './app.ts';

const SECRET = Buffer.from('t'.repeat(32)); // tests/web/app.ts's secret
const EVIL = 'Prison officers <script>alert(1)</script> strike';

describe('drafts pages', () => {
  let t: TestApp;
  let po: { user: User; cookie: string };
  let po2: { user: User; cookie: string };
  let editor: { user: User; cookie: string };
  const deps = () => ({ db: t.db, mailer: t.app.pd.deps.mailer, config: t.app.pd.deps.config, secret: SECRET, now: () => t.clock.now });

  /** A story with a feed title holding a script tag, drafted and sent for approval. */
  async function awaitingDraft(title = EVIL) {
    const story = await seedStory(t.db, { title, summary: '<p>The probation service takes over cases.</p>' });
    const r = await draftStory(deps(), story, { force: true });
    if (!r.ok) throw new Error(r.message);
    const a = await requestApproval(deps(), r.draft.id);
    if (!a.ok) throw new Error(a.message);
    return a.draft;
  }
  const link = (draftId: number, action: Decision, userId = po.user.id, version = 1) =>
    `/drafts/link/${signLink(SECRET, { action, draftId, version, userId, now: t.clock.now })}`;
  const get = (url: string, cookie?: string) => t.app.inject({ url, headers: { ...HTML, ...(cookie ? { cookie } : {}) } });
  const post = async (url: string, body: Record<string, string>, who = po) => {
    const token = csrfFrom(await get('/stories', who.cookie));
    return t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie: who.cookie }, body: form({ _csrf: token, ...body }) });
  };

  beforeAll(async () => {
    t = await startTestApp();
    po = await t.login(['press_officer'], 'po@example.org');
    po2 = await t.login(['press_officer'], 'po2@example.org');
    editor = await t.login(['editor'], 'ed@example.org');
  });
  afterAll(() => t?.close());

  it('shows the review queue and the home page list to press officers only', async () => {
    const d = await awaitingDraft('OMiC goes live in open prisons');
    expect((await get('/drafts')).headers.location).toBe('/login?next=%2Fdrafts');
    expect((await get('/drafts', editor.cookie)).statusCode).toBe(403);
    const q = await get('/drafts', po.cookie);
    expect(q.statusCode).toBe(200);
    expect(q.body).toContain(`href="/drafts/${d.id}"`);
    expect(q.body).toMatch(/in 30 min/);
    const home = await get('/', po.cookie);
    expect(home.body).toContain('Drafts awaiting your decision');
    expect(home.body).toContain(`href="/drafts/${d.id}"`);
    expect((await get('/', editor.cookie)).body).not.toContain('Drafts awaiting your decision');
    const approved = await get('/drafts?status=approved', po.cookie);
    expect(approved.body).not.toContain(`href="/drafts/${d.id}"`);
  });

  it('lets editors read a draft but not decide; decisions need CSRF and the press officer role', async () => {
    const d = await awaitingDraft('Inspectorate report on HMP Example');
    const asEditor = await get(`/drafts/${d.id}`, editor.cookie);
    expect(asEditor.statusCode).toBe(200);
    expect(asEditor.body).not.toContain('/decide');
    expect((await post(`/drafts/${d.id}/decide`, { action: 'approve', version: '1' }, editor)).statusCode).toBe(403);
    const noToken = await t.app.inject({ method: 'POST', url: `/drafts/${d.id}/decide`, headers: { ...HTML, ...FORM, cookie: po.cookie }, body: form({ action: 'approve', version: '1' }) });
    expect(noToken.statusCode).toBe(403);
    expect((await getDraft(t.db, d.id))!.status).toBe('awaiting_approval');

    const reject = await post(`/drafts/${d.id}/decide`, { action: 'reject', version: '1' });
    expect(reject.statusCode).toBe(422);
    expect(reject.body).toContain('say why the draft is rejected');
    const ok = await post(`/drafts/${d.id}/decide`, { action: 'reject', version: '1', comment: 'Not our fight <b>today</b>' });
    expect(ok.statusCode).toBe(303);
    const page = await get(`/drafts/${d.id}`, cookiesFrom(ok, po.cookie)); // the flash rides in a cookie
    expect(page.body).toContain('Draft rejected.');
    expect(page.body).toContain('Not our fight &lt;b&gt;today&lt;/b&gt;');
  });

  it('escapes a script tag from a feed title on the draft page and the link page', async () => {
    const d = await awaitingDraft();
    for (const res of [await get(`/drafts/${d.id}`, po.cookie), await get(link(d.id, 'approve'))]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.body).not.toContain('<script>alert(1)');
    }
  });

  it('a link GET only confirms; its POST acts once; a second POST is refused', async () => {
    const d = await awaitingDraft('Probation caseloads rise again');
    const url = link(d.id, 'approve');
    for (let i = 0; i < 2; i++) {
      const g = await get(url);
      expect(g.statusCode).toBe(200);
      expect(g.headers['cache-control']).toBe('no-store');
      expect(g.body).toContain('Approve this draft');
      expect(g.body.match(/<form method="post" action="\/drafts\/link\//g)).toHaveLength(1);
    }
    expect((await getDraft(t.db, d.id))!.status).toBe('awaiting_approval');
    // No session and no CSRF token: the signed token is the credential.
    const p = await t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM }, body: '' });
    expect(p.statusCode).toBe(200);
    expect(p.body).toContain('Approved: version 1');
    expect((await getDraft(t.db, d.id))!.status).toBe('approved');
    const again = await t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM }, body: '' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already used');
    expect(again.body).toContain(`href="/drafts/${d.id}"`);
    expect((await listDraftEvents(t.db, d.id)).filter((e) => e.action === 'approve')).toHaveLength(1);
    expect((await get(url)).body).toContain('already used');
  });

  it('refuses tampered, other-recipient and changed-version links with a page saying what to do', async () => {
    const d = await awaitingDraft('Youth custody places cut');
    const url = link(d.id, 'approve');
    const tampered = await get(`${url.slice(0, -3)}AAA`);
    expect(tampered.statusCode).toBe(403);
    expect(tampered.body).toContain('not one pressdesk sent');
    expect(tampered.body).toContain('Open the draft in pressdesk');
    const other = await get(url, po2.cookie);
    expect(other.statusCode).toBe(403);
    expect(other.body).toContain('sent to another press officer');
    const oldVersion = await get(link(d.id, 'approve', po.user.id, 7));
    expect(oldVersion.statusCode).toBe(409);
    expect(oldVersion.body).toContain('has changed');
    // Request changes needs a comment; a refused POST gives the link back.
    const rc = link(d.id, 'request_changes');
    const empty = await t.app.inject({ method: 'POST', url: rc, headers: { ...HTML, ...FORM }, body: form({ comment: '' }) });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('say what should change');
    const done = await t.app.inject({ method: 'POST', url: rc, headers: { ...HTML, ...FORM }, body: form({ comment: 'Add the caseload figures' }) });
    expect(done.statusCode).toBe(200);
    expect((await getDraft(t.db, d.id))!.status).toBe('changes_requested');
  });

  it('edits with a diff, sends the new version for approval, and refuses a stale version', async () => {
    const d = await awaitingDraft('Napo responds to OMiC roll-out');
    const res = await post(`/drafts/${d.id}/edit`, { version: '1', subject: 'Napo: OMiC needs staff', html: `${d.bodyHtml}<p>Napo will ballot members.</p><script>x()</script>` });
    expect(res.statusCode).toBe(303);
    const after = (await getDraft(t.db, d.id))!;
    expect(after).toMatchObject({ version: 2, subject: 'Napo: OMiC needs staff', status: 'awaiting_approval' });
    expect(after.bodyHtml).not.toContain('<script>');
    expect(await t.queues.get('request-approval').getJob(`approval-${d.id}-v2`)).toBeDefined();
    const page = await get(`/drafts/${d.id}`, po.cookie);
    expect(page.body).toContain('Changes from the generated text');
    expect(page.body).toMatch(/<ins>[^<]*Napo will ballot members\.<\/ins>/);

    const stale = await post(`/drafts/${d.id}/edit`, { version: '1', subject: 'Mine', html: '<p>My text</p>' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('someone saved the draft while you edited it');
    expect(stale.body).toContain('&lt;p&gt;My text&lt;/p&gt;'); // their text kept in the form
    const staleDecision = await post(`/drafts/${d.id}/decide`, { version: '1', action: 'approve' });
    expect(staleDecision.statusCode).toBe(409);
    expect(staleDecision.body).toContain('the draft has changed since you read it');
    expect((await getDraft(t.db, d.id))!.status).toBe('awaiting_approval');
    expect((await post(`/drafts/${d.id}/decide`, { version: '2', action: 'approve' })).statusCode).toBe(303);
    expect((await get(`/drafts/${d.id}`, po.cookie)).body).toContain('approved-banner');
  });

  it('drafts a release from the story page once', async () => {
    const story = await seedStory(t.db, { title: 'HMPPS announces new probation hostels', sourceUrl: 'https://blog.example.org/feed', sourceName: 'A blog' });
    const page = await get(`/stories/${story}`, editor.cookie);
    expect(page.body).toContain('Draft a release');
    expect((await get(`/stories/${story}`, (await t.login(['admin'])).cookie)).body).toContain('Draft a release');
    const first = await post(`/stories/${story}/draft`, { template: 'campaign-statement' }, editor);
    expect(first.statusCode).toBe(303);
    const id = Number(/\/drafts\/(\d+)$/.exec(first.headers.location as string)?.[1]);
    expect((await getDraft(t.db, id))).toMatchObject({ storyId: story, template: 'campaign-statement' });
    const second = await post(`/stories/${story}/draft`, {}, editor);
    expect(second.headers.location).toBe(`/drafts/${id}`);
    expect((await get(`/stories/${story}`, editor.cookie)).body).toContain(`href="/drafts/${id}"`);
    const bad = await post(`/stories/${story}/draft`, { template: 'nope' }, po);
    expect(bad.headers.location).toBe(`/drafts/${id}`); // exists wins: one draft per story
  });
});
