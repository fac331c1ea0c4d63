// The sources page (editors only, CSRF on every form), /metrics gauges, and the WebSub callback end to end:
// a hub's verification GET, a signed push that becomes a poll, and the items it stores.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemsOfSource } from '../../src/storage/items.ts';
import { recordPoll } from '../../src/storage/polls.ts';
import { setWebsub } from '../../src/storage/websub.ts';
import { addSource, getSource } from '../../src/storage/sources.ts';
import { pollSource } from '../../src/services/poll-source.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { rss, testRuntime, type TestRuntime } from '../helpers/ingest.ts';
import { FORM, HTML, type TestApp, csrfFrom, form, startTestApp } from './app.ts';

describe('sources page and WebSub callbacks', () => {
  let t: TestApp;
  let editor: { cookie: string };
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
    expect(list.body).toContain('HTTP 404: the feed is not there any more');
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
