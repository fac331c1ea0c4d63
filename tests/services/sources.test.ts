// The source services on both backends: every change audited; a source nobody named takes its feed's title
// at its first poll; removing keeps the items and the row, and adding the URL again brings the source back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceSpec } from '../../src/pipeline/opml.ts';
import type { SourceSpec } from '../../src/domain/types.ts';
import { addSources } from '../../src/services/add-sources.ts';
import { editSource } from '../../src/services/edit-source.ts';
import { enableSource } from '../../src/services/enable-source.ts';
import { pollSource } from '../../src/services/poll-source.ts';
import { removeSource } from '../../src/services/remove-source.ts';
import { listAudit } from '../../src/storage/audit.ts';
import { itemsOfSource } from '../../src/storage/items.ts';
import { claimDueSources } from '../../src/storage/polls.ts';
import { getSource, listSources, recentItemCounts } from '../../src/storage/sources.ts';
import { createUser } from '../../src/storage/users.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { rss, type TestRuntime, testRuntime } from '../helpers/ingest.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';

const spec = (raw: Record<string, unknown>) => sourceSpec(raw) as SourceSpec;
const titled = (title: string, ids: string[]) => rss(ids.map((id) => ({ id, published: new Date('2026-11-19T08:00:00Z') }))).replace('<title>t</title>', `<title>${title}</title>`);

for (const b of backends()) {
  describe.skipIf(!b.available)(`source services (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    let srv: LoopbackServer;
    let editor: { userId: number; via: 'web' };
    const cli = { userId: null, via: 'cli' } as const;
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db);
      srv = await startLoopbackServer();
      editor = { userId: (await createUser(t.db, { email: `ed-${b.name}@example.org`, roles: ['editor'] }))!.id, via: 'web' };
    });
    afterAll(async () => {
      await srv?.close();
      await rt?.close();
      await t?.close();
    });
    const auditOf = async (id: number) => (await listAudit(t.db, { limit: 50, objectType: 'source', objectId: id })).reverse();

    it('adds sources with an audit row each, leaves an existing URL alone, and queues their first polls', async () => {
      const [a, again] = await addSources(rt, [spec({ url: srv.url('/a.xml'), name: 'Alpha' }), spec({ url: srv.url('/a.xml') })], editor);
      expect(a).toMatchObject({ outcome: 'added', source: { name: 'Alpha', nameIsDefault: false } });
      expect(again).toMatchObject({ outcome: 'existing', source: { id: a!.source.id } });
      expect(await auditOf(a!.source.id)).toMatchObject([{ action: 'source.added', userId: editor.userId, detail: { name: 'Alpha', url: srv.url('/a.xml') } }]);
      // Queued now (the deps have queues): claimed, so nothing is left due for the next check.
      const jobs = await rt.queues.get('poll-source').getJobs(['waiting']);
      expect(jobs.map((j) => j.data.sourceId)).toContain(a!.source.id);
      expect(await claimDueSources(t.db, { now: rt.now(), perHost: 2, limit: 10, leaseS: 60 })).toEqual([]);
      // Without queues (the CLI), the source is simply due.
      const [c] = await addSources({ db: t.db, now: rt.now }, [spec({ url: srv.url('/c.xml') })], cli);
      expect(c!.source.nextPollAt.getTime()).toBeLessThanOrEqual(rt.now().getTime() + 1000);
      expect(await auditOf(c!.source.id)).toMatchObject([{ action: 'source.added', userId: null, detail: { via: 'cli' } }]);
    });

    it("names a source nobody named after its feed's title at its first poll, and never renames a named one", async () => {
      srv.route('/unnamed.xml', { body: titled('Inside Time &amp; <b>Prisons</b>', ['u1']) });
      srv.route('/named.xml', { body: titled('Feed title', ['n1']) });
      const [unnamed, named] = await addSources({ db: t.db, now: rt.now }, [spec({ url: srv.url('/unnamed.xml') }), spec({ url: srv.url('/named.xml'), name: 'Our name' })], cli);
      expect(unnamed!.source).toMatchObject({ name: '127.0.0.1', nameIsDefault: true });
      await pollSource(rt, unnamed!.source.id);
      await pollSource(rt, named!.source.id);
      expect(await getSource(t.db, unnamed!.source.id)).toMatchObject({ name: 'Inside Time & Prisons', nameIsDefault: false });
      expect(await getSource(t.db, named!.source.id)).toMatchObject({ name: 'Our name', nameIsDefault: false });
      // Taken once: a later title does not rename it.
      srv.route('/unnamed.xml', { body: titled('Another title', ['u1', 'u2']) });
      await pollSource(rt, unnamed!.source.id, { force: true });
      expect((await getSource(t.db, unnamed!.source.id))?.name).toBe('Inside Time & Prisons');
    });

    it('edits with the changes audited from and to; an emptied name is the host again, to follow the feed', async () => {
      const [s] = await addSources({ db: t.db, now: rt.now }, [spec({ url: srv.url('/e.xml'), name: 'Before' })], cli);
      const id = s!.source.id;
      const r = await editSource(rt, id, { ...spec({ url: srv.url('/e.xml'), name: 'After', minIntervalS: 600, topics: ['prisons'] }) }, editor);
      expect(r).toMatchObject({ ok: true, changed: ['name', 'minIntervalS', 'topics'], source: { name: 'After', minIntervalS: 600 } });
      const [, edited] = await auditOf(id);
      expect(edited).toMatchObject({ action: 'source.edited', detail: { changes: { name: { from: 'Before', to: 'After' }, minIntervalS: { from: 300, to: 600 }, topics: { from: [], to: ['prisons'] } } } });
      // Saving the same settings changes nothing and audits nothing.
      expect(await editSource(rt, id, spec({ url: srv.url('/e.xml'), name: 'After', minIntervalS: 600, topics: ['prisons'] }), editor)).toMatchObject({ ok: true, changed: [] });
      expect(await auditOf(id)).toHaveLength(2);
      expect(await editSource(rt, id, spec({ url: srv.url('/e.xml'), minIntervalS: 600, topics: ['prisons'] }), editor)).toMatchObject({ source: { name: '127.0.0.1', nameIsDefault: true } });
      expect(await editSource(rt, 999_999, { name: 'x' }, editor)).toEqual({ ok: false, message: 'sources: there is no source 999999' });
    });

    it('disables and enables with an audit row per change of state; enabling queues a poll at once', async () => {
      // A host of its own: the loopback host's two poll slots are held by the claims of the tests above.
      const [s] = await addSources({ db: t.db, now: rt.now }, [spec({ url: 'http://dee.example/feed', name: 'Dee' })], cli);
      const id = s!.source.id;
      expect(await enableSource(rt, id, false, editor)).toMatchObject({ ok: true, changed: true, source: { enabled: false } });
      expect(await enableSource(rt, id, false, editor)).toMatchObject({ ok: true, changed: false });
      const queue = rt.queues.get('poll-source');
      const before = (await queue.getJobs(['waiting'])).filter((j) => j.data.sourceId === id).length;
      expect(await enableSource(rt, id, true, editor)).toMatchObject({ ok: true, changed: true, source: { enabled: true } });
      expect((await queue.getJobs(['waiting'])).filter((j) => j.data.sourceId === id).length).toBe(before + 1);
      expect((await auditOf(id)).map((e) => e.action)).toEqual(['source.added', 'source.disabled', 'source.enabled']);
    });

    it('removes a source but keeps its items; it stops polling and listing; adding its URL again brings it back', async () => {
      srv.route('/r.xml', { body: titled('Removable', ['r1', 'r2', 'r3']) });
      const [s] = await addSources({ db: t.db, now: rt.now }, [spec({ url: srv.url('/r.xml'), name: 'Removable' })], cli);
      const id = s!.source.id;
      expect(await pollSource(rt, id)).toMatchObject({ newItems: 3 });
      const removed = await removeSource(rt, id, editor);
      expect(removed).toMatchObject({ ok: true, items: 3, source: { enabled: false } });
      expect((await getSource(t.db, id))?.removedAt).toBeInstanceOf(Date);
      expect((await listSources(t.db)).map((x) => x.id)).not.toContain(id);
      expect(await itemsOfSource(t.db, id)).toHaveLength(3);
      expect(await pollSource(rt, id)).toMatchObject({ result: 'skipped' });
      expect(await removeSource(rt, id, editor)).toEqual({ ok: false, message: 'sources: "Removable" was already removed' });
      expect(await enableSource(rt, id, true, editor)).toMatchObject({ ok: false });

      const [back] = await addSources({ db: t.db, now: rt.now }, [spec({ url: srv.url('/r.xml'), minIntervalS: 900 })], cli);
      expect(back).toMatchObject({ outcome: 'restored', source: { id, name: 'Removable', enabled: true, removedAt: null, minIntervalS: 900 } });
      expect(await itemsOfSource(t.db, id)).toHaveLength(3);
      expect((await auditOf(id)).map((e) => [e.action, e.detail.restored ?? false])).toEqual([
        ['source.added', false],
        ['source.removed', false],
        ['source.added', true],
      ]);
    });

    it('counts the items each source stored since a moment, by their feed date', async () => {
      const [s] = await addSources({ db: t.db, now: rt.now }, [spec({ url: srv.url('/count.xml'), name: 'Counted' })], cli);
      srv.route('/count.xml', {
        body: rss([
          { id: 'new1', published: new Date('2026-11-19T08:00:00Z') },
          { id: 'new2', published: new Date('2026-11-18T08:00:00Z') },
          { id: 'old', published: new Date('2026-10-01T08:00:00Z') },
        ]),
      });
      await pollSource(rt, s!.source.id);
      const counts = await recentItemCounts(t.db, new Date('2026-11-13T10:00:00Z'));
      expect(counts.get(s!.source.id)).toBe(2);
    });
  });
}
