import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParsePool } from '../../src/adapters/parse-pool.ts';
import { itemsOfSource, topicsOf } from '../../src/storage/items.ts';
import { recentFetches } from '../../src/storage/polls.ts';
import { addSource, getSource } from '../../src/storage/sources.ts';
import { pollSource } from '../../src/services/poll-source.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { later, rss, type TestRuntime, testRuntime } from '../helpers/ingest.ts';

const long = (n: string) => `Probation officers and prison staff told the inspectorate about caseloads in story ${n}. `.repeat(6);
let seq = 0;
const path = (name: string) => `/${name}-${++seq}.xml`;

for (const b of backends()) {
  describe.skipIf(!b.available)(`poll-source against a loopback feed server (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    let srv: LoopbackServer;
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db);
      srv = await startLoopbackServer();
    });
    afterAll(async () => {
      await srv?.close();
      await rt?.close();
      await t?.close();
    });
    const source = async (p: string, over: Parameters<typeof addSource>[1] extends infer S ? Partial<S> : never = {}) =>
      (await addSource(t.db, { url: srv.url(p), name: p, ...over })).source.id;

    it('stores new items, tags full-text ones inline, queues teasers; a second poll is a 304 that stores nothing', async () => {
      const p = path('cond');
      srv.route(p, { body: rss([{ id: 'a', description: long('a') }, { id: 'b' }]), etag: '"v1"', headers: { 'content-type': 'application/rss+xml' } });
      const id = await source(p);
      const first = await pollSource(rt, id);
      expect(first).toMatchObject({ result: 'ok', status: 200, newItems: 2 });
      expect(first.queued).toHaveLength(1);
      const items = await itemsOfSource(t.db, id);
      expect(items.map((i) => [i.title, i.extractStatus])).toEqual([['Story a', 'not_needed'], ['Story b', 'pending']]);
      expect((await topicsOf(t.db, items[0]!.id)).map((x) => x.topic)).toContain('probation');
      expect(items[0]!.processedAt).not.toBeNull();
      const queued = await rt.queues.get('process-item').getJob(`item-${items[1]!.id}`);
      expect(queued?.data).toEqual({ itemId: items[1]!.id });

      later(rt, 600);
      const second = await pollSource(rt, id);
      expect(second).toMatchObject({ result: 'not_modified', status: 304, newItems: 0 });
      expect(srv.hits(p)[1]!.headers['if-none-match']).toBe('"v1"');
      expect(await itemsOfSource(t.db, id)).toHaveLength(2);
      expect((await recentFetches(t.db, id)).map((f) => f.result)).toEqual(['not_modified', 'ok']);
    });

    it('concurrent polls (sources loaded and outcomes recorded in shared statements) each record their own outcome', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) {
        const p = path('together');
        if (i === 5) srv.route(p, { status: 404, body: 'gone' });
        else srv.route(p, { body: rss([{ id: `t${seq}` }]), etag: `"e${seq}"` });
        ids.push(await source(p));
      }
      const results = await Promise.all(ids.map((id) => pollSource(rt, id)));
      expect(results.map((r) => [r.sourceId, r.result])).toEqual(ids.map((id, i) => [id, i === 5 ? 'error' : 'ok']));
      for (const [i, id] of ids.entries()) {
        const s = await getSource(t.db, id);
        expect(s?.lastStatus).toBe(i === 5 ? 404 : 200);
        expect(s?.etag).toBe(i === 5 ? null : `"e${seq - 5 + i}"`);
        expect(s?.nextPollAt.toISOString()).toBe(results[i]!.nextPollAt?.toISOString());
        expect((await recentFetches(t.db, id)).map((f) => f.result)).toEqual([i === 5 ? 'error' : 'ok']);
      }
    });

    it('catches a server that lies with 304 through the periodic unconditional fetch', async () => {
      const p = path('liar');
      srv.route(p, { body: rss([{ id: 'l1' }]), etag: '"same"', lie304: true });
      const id = await source(p);
      const lying = { ...rt, fullFetchEvery: 3 };
      expect((await pollSource(lying, id)).newItems).toBe(1);
      srv.route(p, { body: rss([{ id: 'l1' }, { id: 'l2' }]), etag: '"same"', lie304: true });
      expect((await pollSource(lying, id)).result).toBe('not_modified');
      const third = await pollSource(lying, id);
      expect(third).toMatchObject({ result: 'ok', newItems: 1 });
      expect(srv.hits(p)[2]!.headers['if-none-match']).toBeUndefined();
    });

    it('a full fetch of an unchanged body is recognised by its hash without parsing again', async () => {
      const p = path('hash');
      srv.route(p, { body: rss([{ id: 'h1' }]) });
      const id = await source(p);
      await pollSource(rt, id);
      expect(await pollSource(rt, id)).toMatchObject({ result: 'unchanged', status: 200, newItems: 0 });
    });

    it('a changed feed: entries stored before are neither tagged nor sent again, a new one is', async () => {
      const p = path('grown');
      srv.route(p, { body: rss([{ id: 'g1', description: long('g1') }, { id: 'g2', description: long('g2') }]) });
      const id = await source(p);
      expect((await pollSource(rt, id)).newItems).toBe(2);
      // Same entries, one retitled: the body (and its hash) changed, nothing in it is new.
      srv.route(p, { body: rss([{ id: 'g1', title: 'Retitled', description: long('g1') }, { id: 'g2', description: long('g2') }]) });
      later(rt, 600);
      const processed = async () => (await t.db.query<{ p: Date }>('SELECT processed_at AS p FROM items WHERE source_id = $1 ORDER BY id', [id])).map((r) => new Date(r.p).getTime());
      const before = await processed();
      expect(await pollSource(rt, id)).toMatchObject({ result: 'ok', newItems: 0 });
      expect(await processed()).toEqual(before); // not tagged again
      // One more entry: only it is tagged and stored.
      srv.route(p, { body: rss([{ id: 'g3', description: long('g3') }, { id: 'g1', description: long('g1') }, { id: 'g2', description: long('g2') }]) });
      later(rt, 600);
      expect(await pollSource(rt, id)).toMatchObject({ result: 'ok', newItems: 1 });
      expect((await processed()).slice(0, 2)).toEqual(before);
      const items = await itemsOfSource(t.db, id);
      expect(items.map((i) => i.title)).toEqual(['Story g1', 'Story g2', 'Story g3']);
      expect((await topicsOf(t.db, items[2]!.id)).map((x) => x.topic)).toContain('probation');
    });

    it('records 429 with Retry-After and moves next_poll_at to when the server asked', async () => {
      const p = path('busy');
      srv.route(p, { status: 429, headers: { 'retry-after': '3600' }, body: 'slow down' });
      const id = await source(p);
      const r = await pollSource(rt, id);
      expect(r).toMatchObject({ result: 'error', status: 429 });
      const s = (await getSource(t.db, id))!;
      expect(s.nextPollAt.getTime() - rt.now().getTime()).toBe(3600_000);
      expect(s.lastError).toMatch(/HTTP 429/);
      expect(s.consecutiveFailures).toBe(1);
    });

    it('follows redirects and decompresses gzip', async () => {
      const p = path('moved');
      const target = path('target');
      srv.route(p, { status: 301, redirect: target });
      srv.route(target, { body: rss([{ id: 'r1' }, { id: 'r2' }]), encoding: 'gzip' });
      const id = await source(p);
      expect(await pollSource(rt, id)).toMatchObject({ result: 'ok', newItems: 2 });
    });

    it.each([
      ['windows-1252', 'Café “quoted” — 5 €'],
      ['iso-8859-1', 'Café “quoted” — 5 €'],
      ['koi8-r', 'Суд над тюрьмой'],
    ])('decodes a %s feed right', async (enc, title) => {
      const p = path(enc);
      srv.route(p, { body: iconv.encode(rss([{ id: `enc-${enc}`, title }], { encoding: enc }), enc === 'iso-8859-1' ? 'windows-1252' : enc) });
      const id = await source(p);
      await pollSource(rt, id);
      expect((await itemsOfSource(t.db, id))[0]!.title).toBe(title);
    });

    it('reads a feed that starts with a byte order mark', async () => {
      const p = path('bom');
      srv.route(p, { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss([{ id: 'bom', title: 'Naïve' }]))]) });
      const id = await source(p);
      await pollSource(rt, id);
      expect((await itemsOfSource(t.db, id))[0]!.title).toBe('Naïve');
    });

    it('records an HTML page served instead of a feed as an error in words, not a crash', async () => {
      const p = path('html');
      srv.route(p, { body: '<!doctype html><html><head><title>Site maintenance</title></head><body><p>Back soon</p></body></html>', headers: { 'content-type': 'text/html' } });
      const id = await source(p);
      expect(await pollSource(rt, id)).toMatchObject({ result: 'error', status: 200, newItems: 0 });
      const s = (await getSource(t.db, id))!;
      expect(s.lastError).toMatch(/^parse: .*HTML page/);
      expect(s.nextPollReason).toMatch(/backing off/);
    });

    it('records a feed that takes too long to parse as a failure in words, and reads it again once it is sane', async () => {
      const p = path('slow');
      // Genuinely slow, no trick: 16,000 items whose markup goes through sanitize-html take over a second.
      const slow = Array.from({ length: 16_000 }, (_, i) => ({ id: `s${i}`, description: '<p class="x">Probation <a href="/a">officers</a> <img src="/i.png" alt="a"> voted.</p>'.repeat(4) }));
      srv.route(p, { body: rss(slow) });
      const id = await source(p);
      const hasty = { ...rt, parsePool: createParsePool({ size: 1, timeLimitMs: 300, perMbMs: 0 }) };
      try {
        const r = await pollSource(hasty, id);
        expect(r).toMatchObject({ result: 'error', status: 200, newItems: 0 });
        expect(r.error).toMatch(/^parse: the feed took longer than 300 ms to parse \(\d+ KB\): pressdesk gave up on it; check the feed in a browser or ask its publisher$/);
        const s = (await getSource(t.db, id))!;
        expect(s.lastError).toBe(r.error);
        expect(s.consecutiveFailures).toBe(1);
        expect(s.nextPollReason).toMatch(/backing off/);
        expect(await itemsOfSource(t.db, id)).toEqual([]);
        // The pool replaced its worker: the next poll of a sane feed is read.
        srv.route(p, { body: rss([{ id: 'sane' }]) });
        later(rt, 3600);
        const again = await pollSource(hasty, id);
        expect(again.error).toBeUndefined();
        expect(again).toMatchObject({ result: 'ok', newItems: 1 });
      } finally {
        await hasty.parsePool.close();
      }
    });

    it('survives billion laughs without expanding it, and cuts off a 50 MB body', async () => {
      const lol = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><rss version="2.0"><channel><title>&lol9;</title><item><guid>b1</guid><title>Laughs &lol9;</title><link>https://news.example/lol</link></item></channel></rss>`;
      const p1 = path('lol');
      srv.route(p1, { body: lol });
      const id1 = await source(p1);
      const r1 = await pollSource(rt, id1);
      expect(['ok', 'error']).toContain(r1.result);
      for (const i of await itemsOfSource(t.db, id1)) expect(i.title.length).toBeLessThan(200);

      const p2 = path('huge');
      srv.route(p2, { stream: { bytes: 50 * 1024 * 1024 } });
      const id2 = await source(p2);
      const r2 = await pollSource(rt, id2);
      expect(r2).toMatchObject({ result: 'error' });
      expect(r2.error).toMatch(/exceeds the \d+ byte limit/);
      expect(srv.hits(p2)[0]!.bytesSent).toBeLessThan(50 * 1024 * 1024);
    });

    it('stores an item that arrives through two sources once', async () => {
      const pa = path('dupA');
      const pb = path('dupB');
      srv.route(pa, { body: rss([{ id: 'a-guid', link: 'https://news.example/shared?utm_source=a' }]) });
      srv.route(pb, { body: rss([{ id: 'b-guid', link: 'https://news.example/shared?utm_campaign=b#top' }, { id: 'b2' }]) });
      const a = await source(pa);
      const bId = await source(pb);
      expect((await pollSource(rt, a)).newItems).toBe(1);
      expect((await pollSource(rt, bId)).newItems).toBe(1);
      const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM items WHERE canonical_url = 'https://news.example/shared'`);
      expect(rows[0]!.n).toBe(1);
    });

    it('scrapes an html source with its selectors', async () => {
      const p = path('napo');
      srv.route(p, {
        body: '<html><body><div class="news"><div class="row"><h3><a href="/news/one">Napo warns on probation caseloads</a></h3><time datetime="2026-11-18T09:00:00Z">18 Nov</time></div><div class="row"><h3><a href="/news/two">Family court staff ballot</a></h3></div></div></body></html>',
        headers: { 'content-type': 'text/html; charset=utf-8' },
      });
      const id = await source(p, { kind: 'html', selectors: { item: '.row', link: 'h3 a', title: 'h3', date: 'time' }, dedupPolicy: 'link' });
      expect(await pollSource(rt, id)).toMatchObject({ result: 'ok', newItems: 2 });
      const items = await itemsOfSource(t.db, id);
      expect(items.map((i) => [i.title, i.url])).toEqual([
        ['Napo warns on probation caseloads', srv.url('/news/one')],
        ['Family court staff ballot', srv.url('/news/two')],
      ]);
      expect(items[0]!.publishedAt).toBe('2026-11-18T09:00:00.000Z');
    });

    it('records 404 and connection failures, backs off, and never disables the source', async () => {
      const id = await source(path('gone'));
      const r = await pollSource(rt, id);
      expect(r.error).toMatch(/HTTP 404: the feed is not there any more/);
      const refused = (await addSource(t.db, { url: 'http://127.0.0.1:1/feed', name: 'nothing listens' })).source.id;
      expect((await pollSource(rt, refused)).error).toMatch(/^fetch: cannot connect/);
      const s = (await getSource(t.db, id))!;
      expect(s.enabled).toBe(true);
      expect(s.nextPollAt.getTime()).toBeGreaterThan(rt.now().getTime());
    });
  });
}
