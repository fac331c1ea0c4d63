// The relevance model on the web: its page (editors only) with figures, topic modes, versions and suggestions
// that open a backtest; the per-topic mode form (CSRF, audit); a retrain request queued; the story page showing
// the model's decision with its terms, escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFeedback } from '../../src/storage/feedback.ts';
import { insertItems, saveTopics } from '../../src/storage/items.ts';
import { insertDecisions, relevanceState } from '../../src/storage/relevance.ts';
import { addSource } from '../../src/storage/sources.ts';
import type { User } from '../../src/storage/users.ts';
import { assignStory } from '../helpers/stories.ts';
import { FORM, HTML, type TestApp, csrfFrom, form, startTestApp } from './app.ts';

describe('relevance model pages', () => {
  let t: TestApp;
  let editor: { user: User; cookie: string };
  let po: { user: User; cookie: string };
  let itemId: number;
  let storyId: number;
  beforeAll(async () => {
    t = await startTestApp();
    editor = await t.login(['editor']);
    po = await t.login(['press_officer']);
    const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'A' })).source.id;
    const titles = ['Texas county jail riot <b>', 'Probation caseloads rise', 'Probation service shake-up', 'Probation officers strike', 'HMP Leeds wings locked down', 'HMP Leeds staff shortage'];
    const ids = (await insertItems(t.db, s, titles.map((title, i) => ({ identity: `g${i}`, canonicalUrl: null, guid: null, url: `https://news.test/${i}`, title, summaryHtml: null, contentHtml: null, bodyText: null, author: null, publishedAt: null, categories: [], extractStatus: 'done' })), t.clock.now)).map((r) => r.id);
    itemId = ids[0]!;
    storyId = Number((await assignStory(t.db, itemId, t.clock.now)).storyId);
    await insertDecisions(t.db, [{ itemId, model: 0, decisions: [{ topic: 'prisons', action: 'veto', probability: 0.123, applied: true, terms: [{ term: 'Texas<script>', weight: -1.5 }, { term: 'place abroad', weight: -0.75 }] }] }], t.clock.now);
    // Verdicts the suggestions read: a rule whose hits are judged not relevant, and relevant items it misses.
    for (const id of ids.slice(1, 4)) await saveTopics(t.db, id, [{ topic: 'probation', rule: 'probation-word' }], t.clock.now);
    await recordFeedback(t.db, { itemIds: ids.slice(1, 4), userId: editor.user.id, relevant: false, via: 'web', now: t.clock.now });
    await recordFeedback(t.db, { itemIds: ids.slice(4), userId: editor.user.id, relevant: true, via: 'web', now: t.clock.now });
  });
  afterAll(() => t?.close());
  const get = (url: string, cookie: string) => t.app.inject({ url, headers: { ...HTML, cookie } });
  const post = async (url: string, body: Record<string, string>, cookie: string, token?: string) =>
    t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie }, body: form({ _csrf: token ?? csrfFrom(await get('/stories', cookie)), ...body }) });

  it('shows editors the model in use, its figures against the rules, each topic\'s mode, and suggestions', async () => {
    expect((await get('/relevance', po.cookie)).statusCode).toBe(403);
    const page = await get('/relevance', editor.cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Tagging now uses the shipped model');
    expect(page.body).toMatch(/<th scope="row">courts<\/th><td>0\.\d{3}<\/td>/);
    expect(page.body).toContain('id="topic-probation"');
    expect(page.body).toMatch(/<option value="apply" selected>apply<\/option>/);
    expect(page.body).toContain('No retrain yet');
    // The shipped rule probation-word, judged not relevant on all three of its hits, with the rules to backtest.
    expect(page.body).toMatch(/<code>probation\/probation-word<\/code> <small>\(3 of its 3 judged hits marked not relevant\)<\/small>/);
    expect(page.body).toContain('<form method="post" action="/rules#backtest"');
    expect(page.body).toContain('name="action" value="backtest"');
    // The nav links the page for editors only.
    expect(page.body).toContain('<a href="/relevance"');
    expect((await get('/stories', po.cookie)).body).not.toContain('<a href="/relevance"');
  });

  it('a suggestion\'s backtest runs the rules page\'s backtest on the edited rules', async () => {
    const page = await get('/relevance', editor.cookie);
    const yaml = /<textarea name="yaml" hidden>([^<]*)<\/textarea><button type="submit" class="secondary">Backtest<\/button>/.exec(page.body);
    expect(yaml).not.toBeNull();
    const decoded = yaml![1]!.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
    const res = await post('/rules', { action: 'backtest', over: '30d', message: 'x', yaml: decoded }, editor.cookie, csrfFrom(page));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="backtest"');
    expect(res.body).toMatch(/removed rule <code>probation\/probation-word<\/code>/);
  });

  it('saves a topic\'s mode (editors, CSRF), audited, and returns where it was asked', async () => {
    expect((await post('/topics/prisons/relevance', { mode: 'suggest' }, po.cookie)).statusCode).toBe(403);
    expect((await post('/topics/prisons/relevance', { mode: 'suggest' }, editor.cookie, 'wrong')).statusCode).toBe(403);
    expect((await post('/topics/prisons/relevance', { mode: 'maybe' }, editor.cookie)).statusCode).toBe(400);
    const res = await post('/topics/prisons/relevance', { mode: 'suggest', next: '/relevance#topic-prisons' }, editor.cookie);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/relevance#topic-prisons');
    expect((await relevanceState(t.db)).modes).toEqual({ prisons: 'suggest' });
    const [a] = await t.db.query<{ action: string; object_id: string }>(`SELECT action, object_id FROM audit_log WHERE action = 'relevance.mode_changed'`);
    expect(a).toEqual({ action: 'relevance.mode_changed', object_id: 'prisons' });
    expect((await get('/relevance', editor.cookie)).body).toMatch(/<option value="suggest" selected>suggest<\/option>/);
    const topicPage = await get('/topics/prisons/lines', editor.cookie);
    expect(topicPage.body).toContain('id="relevance-h"');
    expect(topicPage.body).toMatch(/<option value="suggest" selected>suggest<\/option>/);
    expect((await post('/topics/prisons/relevance', { mode: 'apply', next: '//evil.example' }, editor.cookie)).headers.location).toBe('/');
  });

  it('queues a retrain an editor asks for', async () => {
    expect((await post('/relevance/retrain', {}, po.cookie)).statusCode).toBe(403);
    const res = await post('/relevance/retrain', {}, editor.cookie);
    expect(res.statusCode).toBe(303);
    const jobs = await t.queues.get('retrain-relevance').getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.map((j) => j.data)).toEqual([{ requestedBy: editor.user.id, force: true }]);
  });

  it('shows the model\'s decision on the story page with its terms, escaped', async () => {
    const page = await get(`/stories/${storyId}`, po.cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/The relevance model removed <strong>prisons<\/strong> <small>\(probability 12%\)<\/small>/);
    expect(page.body).toContain('<span class="term">Texas&lt;script&gt; <small>−1.50</small></span>');
    expect(page.body).toContain('place abroad <small>−0.75</small>');
    expect(page.body).not.toContain('<script>');
  });
});
