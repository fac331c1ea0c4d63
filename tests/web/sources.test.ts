// The sources page (editors only, CSRF on every form): failing first, sortable, one error, items per day from
// stored items, every change audited, removal after a confirmation keeping the items; /metrics gauges; and
// the WebSub callback end to end: a hub's verification GET, a signed push that becomes a poll, its items.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/storage/audit.ts';
import { itemsOfSource } from '../../src/storage/items.ts';
import { recordPoll } from '../../src/storage/polls.ts';
import { setWebsub } from '../../src/storage/websub.ts';
import { addSource, getSource, listSources } from '../../src/storage/sources.ts';
import { pollSource } from '../../src/services/poll-source.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { seedStory } from '../helpers/drafts.ts';
import { rss, testRuntime, type TestRuntime } from '../helpers/ingest.ts';
import { FORM, HTML, type TestApp, csrfFrom, form, startTestApp } from './app.ts';

describe('sources page and WebSub callbacks', () => {
  let t: TestApp;
  let editor: Awaited<ReturnType<TestApp['login']>>;
  let token: string;
  let srv: LoopbackServer;
  let rt: TestRuntime;
  beforeAll(async () => {
    t = await startTestApp({ env: { FETCH_ALLOW_PRIVATE: 'true' } });
    editor = await t.login(['editor']);
    token = csrfFrom(await t.app.inject({ url: '/sources', headers: { ...HTML, cookie: editor.cookie } }));
    srv = await startLoopbackServer();
    rt = testRuntime(t.db);
  });
  afterAll(async () => {
    await srv?.close();
    await rt?.close();
    await t?.close();
  });
  const post = (url: string, body: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie: editor.cookie }, body: form({ _csrf: token, ...body }) });
  const page = (url: string) => t.app.inject({ url, headers: { ...HTML, cookie: editor.cookie } });

  it('is for editors: press officers get 403, strangers go to the login page', async () => {
    const po = await t.login(['press_officer']);
    expect((await t.app.inject({ url: '/sources', headers: { ...HTML, cookie: po.cookie } })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/sources', headers: HTML })).statusCode).toBe(302);
    const noCsrf = await t.app.inject({ method: 'POST', url: '/sources', headers: { ...HTML, ...FORM, cookie: editor.cookie }, body: form({ url: 'https://x.example/feed' }) });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('adds a source, refuses a bad one with a message, shows health in words, edits, polls now, disables', async () => {
    expect((await post('/sources', { url: 'https://www.gov.uk/government/organisations/ministry-of-justice.atom', name: 'MoJ', min_every: '10m' })).statusCode).toBe(303);
    const bad = await post('/sources', { url: 'http://169.254.169.254/latest/' });
    expect(bad.headers.location).toBe('/sources');
    const s = (await addSource(t.db, { url: 'https://www.gov.uk/government/organisations/ministry-of-justice.atom', name: 'x' })).source;
    expect(s).toMatchObject({ name: 'MoJ', minIntervalS: 600 });
    await recordPoll(t.db, s.id, { at: t.clock.now, result: 'error', status: 404, ms: 3, bytes: 0, newItems: 0, error: 'poll: HTTP 404: the feed is not there any more', pollsSinceFull: 0, intervalS: 600, nextPollAt: t.clock.now, nextPollReason: 'backing off', errorScore: 3, itemsPerDay: null });
    const list = await page('/sources');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('1 source is failing');
    // Once: the next poll's reason no longer repeats it.
    expect(list.body.split('HTTP 404: the feed is not there any more')).toHaveLength(2);
    expect(list.body).not.toContain('169.254.169.254');

    expect((await post(`/sources/${s.id}`, { name: 'Ministry of Justice', kind: 'feed', min_every: '15m', max_every: '2h', dedup: 'link', topics: 'prisons, probation' })).statusCode).toBe(303);
    expect(await getSource(t.db, s.id)).toMatchObject({ name: 'Ministry of Justice', minIntervalS: 900, maxIntervalS: 7200, dedupPolicy: 'link', topics: ['prisons', 'probation'], url: s.url });
    const detail = await page(`/sources/${s.id}`);
    expect(detail.body).toContain('Recent polls');
    expect(detail.body).toContain('value="15m"');
    expect(detail.body).toContain('value="2h"');
    const typo = await post(`/sources/${s.id}`, { name: 'Ministry of Justice', kind: 'feed', min_every: '15' });
    expect(typo.headers.location).toBe(`/sources/${s.id}`);
    const flashed = /pd_flash=([^.;]+)/.exec(String(typo.headers['set-cookie']))?.[1] ?? '';
    expect(Buffer.from(decodeURIComponent(flashed), 'base64url').toString('utf8')).toContain('Poll at most every: \\"15\\" is not a duration: give a number and a unit');
    expect((await getSource(t.db, s.id))?.minIntervalS).toBe(900);

    await post(`/sources/${s.id}/poll`);
    const jobs = await t.queues.get('poll-source').getJobs(['waiting']);
    expect(jobs.map((j) => j.data)).toContainEqual({ sourceId: s.id, force: true });

    await post(`/sources/${s.id}/disable`);
    expect((await getSource(t.db, s.id))?.enabled).toBe(false);
    await post(`/sources/${s.id}/enable`);
    expect((await getSource(t.db, s.id))?.enabled).toBe(true);
    expect((await page('/sources/999999')).statusCode).toBe(404);
  });

  it('lists failing sources first, sorts by the links and the form, and shows items per day from stored items', async () => {
    const rows = (html: string) => [...html.matchAll(/<tr class="source-(\w+)" id="source-(\d+)">\s*<td class="col-source"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[3]);
    await t.db.query('UPDATE sources SET enabled = false');
    const busy = (await addSource(t.db, { url: 'https://busy.example/feed', name: 'Aardvark Weekly' })).source;
    const broken = (await addSource(t.db, { url: 'https://broken.example/feed', name: 'Zebra News' })).source;
    await recordPoll(t.db, busy.id, { at: t.clock.now, result: 'ok', status: 200, ms: 3, bytes: 10, newItems: 14, pollsSinceFull: 0, intervalS: 600, nextPollAt: t.clock.now, nextPollReason: 'new items', errorScore: 0, itemsPerDay: null });
    await recordPoll(t.db, broken.id, { at: t.clock.now, result: 'error', status: 500, ms: 3, bytes: 0, newItems: 0, error: 'poll: the server failed (HTTP 500)', pollsSinceFull: 0, intervalS: 600, nextPollAt: t.clock.now, nextPollReason: 'backing off after failures (score 1): poll: the server failed (HTTP 500)', errorScore: 1, itemsPerDay: null });
    // 14 items this week (the adaptive estimate is still null after one poll): 2 a day.
    for (let i = 0; i < 14; i++) await seedStory(t.db, { title: `Busy item ${i}`, sourceUrl: 'https://busy.example/feed', sourceName: 'Aardvark Weekly', at: new Date(t.clock.now.getTime() - (i + 1) * 3_600_000) });

    const first = await page('/sources');
    const order = rows(first.body);
    // Failing, then working, then the disabled ones.
    expect(order.slice(0, 2)).toEqual(['Zebra News', 'Aardvark Weekly']);
    expect(order.length).toBeGreaterThan(2);
    expect(first.body).toMatch(/id="source-\d+">\s*<td class="col-source"><a href="[^"]+">Aardvark Weekly[\s\S]*?<td class="col-num" data-label="Items\/day">2<\/td>/);
    expect(first.body.split('the server failed (HTTP 500)')).toHaveLength(2);
    expect(first.body).toContain('title="2 Mar 2026, 09:00: backing off after failures (score 1)"');
    expect(first.body).toContain('<a href="/sources?sort=name">Source</a>');
    expect(first.body).toContain('<option value="health" selected>failing first</option>');

    const byName = await page('/sources?sort=name');
    expect(rows(byName.body).indexOf('Aardvark Weekly')).toBeLessThan(rows(byName.body).indexOf('Zebra News'));
    expect(byName.body).toContain('aria-sort="ascending"><a href="/sources?sort=name-desc">Source</a> ▲');
    const byItems = await page('/sources?sort=items');
    expect(rows(byItems.body)[0]).toBe('Aardvark Weekly');
    expect(byItems.body).toContain('<option value="items" selected>');
  });

  it('audits every change, asks before removing, and keeps a removed source\'s items in its stories', async () => {
    expect((await post('/sources', { url: 'https://keep.example/feed.xml', min_every: '10m' })).statusCode).toBe(303);
    const s = (await listSources(t.db)).find((x) => x.url === 'https://keep.example/feed.xml')!;
    expect(s).toMatchObject({ name: 'keep.example', nameIsDefault: true });
    // Its first poll was queued at once.
    expect((await t.queues.get('poll-source').getJobs(['waiting'])).map((j) => j.data.sourceId)).toContain(s.id);
    const storyId = await seedStory(t.db, { title: 'Probation reform announced', sourceUrl: s.url, sourceName: s.name });

    await post(`/sources/${s.id}`, { name: 'Keep Gazette', kind: 'feed', min_every: '10m', dedup: 'guid', topics: '' });
    await post(`/sources/${s.id}/disable`);
    await post(`/sources/${s.id}/enable`);

    const ask = await page(`/sources/${s.id}/remove`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('Remove Keep Gazette?');
    expect(ask.body).toContain('1 item stays');
    expect(ask.body).toMatch(/<form method="post" action="\/sources\/\d+\/remove"[^>]*><input type="hidden" name="_csrf"/);
    // The GET changed nothing; without the token the POST is refused.
    expect((await getSource(t.db, s.id))?.removedAt).toBeNull();
    const forged = await t.app.inject({ method: 'POST', url: `/sources/${s.id}/remove`, headers: { ...HTML, ...FORM, cookie: editor.cookie }, body: form({}) });
    expect(forged.statusCode).toBe(403);

    expect((await post(`/sources/${s.id}/remove`)).headers.location).toBe('/sources');
    expect((await page('/sources')).body).not.toContain('Keep Gazette');
    expect((await page(`/sources/${s.id}`)).statusCode).toBe(404);
    // Its hub, if it had one, is told to stop.
    expect((await t.app.inject({ method: 'POST', url: `/websub/${s.id}`, body: 'x', headers: { 'content-type': 'text/plain' } })).statusCode).toBe(410);
    expect(await itemsOfSource(t.db, s.id)).toHaveLength(1);
    const story = await page(`/stories/${storyId}`);
    expect(story.statusCode).toBe(200);
    expect(story.body).toContain('Probation reform announced');

    const log = (await listAudit(t.db, { limit: 20, objectType: 'source', objectId: s.id })).reverse();
    expect(log.map((e) => e.action)).toEqual(['source.added', 'source.edited', 'source.disabled', 'source.enabled', 'source.removed']);
    expect(log.every((e) => e.userId === editor.user.id)).toBe(true);
    expect(log[1]!.detail).toMatchObject({ changes: { name: { from: 'keep.example', to: 'Keep Gazette' } } });
    expect(log[4]!.detail).toMatchObject({ items: 1, name: 'Keep Gazette' });

    // Added again: back with its item.
    await post('/sources', { url: 'https://keep.example/feed.xml' });
    expect(await getSource(t.db, s.id)).toMatchObject({ removedAt: null, enabled: true, name: 'Keep Gazette' });
  });

  it('reports failing sources and fetch results in /metrics', async () => {
    const s = (await addSource(t.db, { url: 'https://www.gov.uk/government/organisations/ministry-of-justice.atom', name: 'x' })).source;
    await recordPoll(t.db, s.id, { at: t.clock.now, result: 'error', status: 500, ms: 3, bytes: 0, newItems: 0, error: 'poll: the server failed (HTTP 500)', pollsSinceFull: 0, intervalS: 600, nextPollAt: t.clock.now, nextPollReason: 'backing off', errorScore: 1, itemsPerDay: null });
    const res = await t.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/pressdesk_sources\{state="failing"\} 1/);
    expect(res.body).toMatch(/pressdesk_source_fetches\{source_id="\d+",source="Ministry of Justice",result="error"\} 2/);
  });

  it('verifies a hub challenge, turns a signed push into a poll that stores the items, and ignores a forged one', async () => {
    srv.route('/push.xml', { body: rss([{ id: 'p1' }]) });
    const id = (await addSource(t.db, { url: srv.url('/push.xml'), name: 'Pushy' })).source.id;
    await pollSource(rt, id);
    await setWebsub(t.db, id, { hub: 'http://hub.example/', topic: srv.url('/push.xml'), secret: 'per-source-secret', state: 'subscribing' });

    const wrongTopic = await t.app.inject({ url: `/websub/${id}?hub.mode=subscribe&hub.topic=${encodeURIComponent('http://evil.example/')}&hub.challenge=abc` });
    expect(wrongTopic.statusCode).toBe(404);
    const ok = await t.app.inject({ url: `/websub/${id}?hub.mode=subscribe&hub.topic=${encodeURIComponent(srv.url('/push.xml'))}&hub.challenge=ch4ll3nge&hub.lease_seconds=864000` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('ch4ll3nge');
    expect(await getSource(t.db, id)).toMatchObject({ websubState: 'active' });

    const pushed = rss([{ id: 'p1' }, { id: 'p2' }]);
    srv.route('/push.xml', { body: pushed });
    const forged = await t.app.inject({ method: 'POST', url: `/websub/${id}`, headers: { 'content-type': 'application/rss+xml', 'x-hub-signature': 'sha256=00' }, body: pushed });
    expect(forged.statusCode).toBe(202);
    const queue = t.queues.get('poll-source');
    const before = (await queue.getJobs(['waiting'])).filter((j) => j.data.sourceId === id);
    expect(before).toEqual([]);

    const sig = `sha256=${createHmac('sha256', 'per-source-secret').update(pushed).digest('hex')}`;
    const push = await t.app.inject({ method: 'POST', url: `/websub/${id}`, headers: { 'content-type': 'application/rss+xml', 'x-hub-signature': sig }, body: pushed });
    expect(push.statusCode).toBe(202);
    const [job] = (await queue.getJobs(['waiting'])).filter((j) => j.data.sourceId === id);
    expect(job?.data).toEqual({ sourceId: id, force: true });
    // What the poll-source worker does with that job:
    expect(await pollSource(rt, job!.data.sourceId, { force: job!.data.force })).toMatchObject({ result: 'ok', newItems: 1 });
    expect((await itemsOfSource(t.db, id)).map((i) => i.guid)).toEqual(['p1', 'p2']);
    expect((await t.app.inject({ method: 'POST', url: '/websub/999999', body: 'x', headers: { 'content-type': 'text/plain' } })).statusCode).toBe(410);
  });
});
