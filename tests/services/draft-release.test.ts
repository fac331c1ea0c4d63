// draft-release as a queue hop: concurrent and redelivered jobs for one story make one draft, and a job that
// died between drafting and queueing the approval request still gets the draft to the press officers.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type Queues } from '../../src/adapters/queues.ts';
import { afterTagged } from '../../src/services/after-tagged.ts';
import { draftRelease } from '../../src/services/draft-release.ts';
import { draftStory } from '../../src/services/draft-story.ts';
import { listDrafts } from '../../src/storage/drafts.ts';
import { type TestDb, backends } from '../helpers/db.ts';
import { seedStory } from '../helpers/drafts.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const NOW = new Date('2026-07-01T09:00:00Z');
const ALL = ['drafted', 'awaiting_approval', 'changes_requested', 'approved', 'rejected', 'expired'] as const;

for (const b of backends()) {
  describe.skipIf(!b.available)(`draft-release (${b.name})`, () => {
    let t: TestDb;
    let redis: Redis;
    let queues: Queues;
    beforeAll(async () => {
      t = await b.open();
      redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
      queues = createQueues(redis, uniquePrefix());
    });
    afterAll(async () => {
      await queues?.close();
      redis?.disconnect();
      if (queues) await dropPrefix(queues.prefix);
      await t?.close();
    });
    const deps = () => ({ db: t.db, queues, now: () => NOW });
    const approvalJobs = async () => (await queues.get('request-approval').getJobs(['waiting', 'delayed', 'active', 'completed'])).map((j) => j.data.draftId);

    it('five jobs for one story at once: one draft, one approval request', async () => {
      const story = await seedStory(t.db, { title: 'HMPPS announces OMiC for open prisons', at: new Date(NOW.getTime() - 3_600_000) });
      const results = await Promise.all(Array.from({ length: 5 }, () => draftRelease(deps(), story)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const drafts = (await listDrafts(t.db, { now: NOW, statuses: ALL })).filter((d) => d.draft.storyId === story);
      expect(drafts).toHaveLength(1);
      expect((await approvalJobs()).filter((id) => id === drafts[0]!.draft.id)).toHaveLength(1);
    });

    it('a job that died after drafting: the redelivered job sends the draft on instead of drafting again', async () => {
      const story = await seedStory(t.db, { title: 'Inspectorate finds probation caseloads unsafe in the north west', at: new Date(NOW.getTime() - 3_600_000) });
      const first = await draftStory(deps(), story); // the worker was killed here, before queueing request-approval
      expect(first.ok).toBe(true);
      const id = first.ok ? first.draft.id : 0;
      expect(await approvalJobs()).not.toContain(id);
      const again = await draftRelease(deps(), story);
      expect(again).toMatchObject({ ok: false, reason: 'exists', draft: { id } });
      expect((await approvalJobs()).filter((x) => x === id)).toHaveLength(1);
      expect((await listDrafts(t.db, { now: NOW, statuses: ALL })).filter((d) => d.draft.storyId === story)).toHaveLength(1);
    });

    it('after tagging, queues a draft job only for stories a draft could still be made for', async () => {
      const [src] = await t.db.query<{ id: number }>("INSERT INTO sources (url, host, name) VALUES ('https://www.gov.uk/hmpps.atom', 'www.gov.uk', 'HMPPS') ON CONFLICT (url) DO UPDATE SET name = excluded.name RETURNING id");
      const item = async (title: string, hoursAgo: number) => {
        const at = new Date(NOW.getTime() - hoursAgo * 3_600_000);
        const [row] = await t.db.query<{ id: number }>(
          'INSERT INTO items (source_id, identity, url, title, published_at, fetched_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id',
          [src!.id, `after-${title}`, `https://www.gov.uk/news/${encodeURIComponent(title)}`, title, at],
        );
        await t.db.query("INSERT INTO item_topics (item_id, topic, rule, matches) VALUES ($1, 'probation', 'r', '[]'::jsonb)", [row!.id]);
        return { itemId: Number(row!.id), topics: ['probation'] };
      };
      const fresh = await item('Approved premises in Kent to close', 2);
      const old = await item('Tagging contract review from last spring', 24 * 10);
      await afterTagged(deps(), [fresh, old]);
      const jobs = await queues.get('draft-release').getJobs(['waiting', 'delayed', 'active', 'completed']);
      const [placed] = await t.db.query<{ story_id: number }>('SELECT story_id FROM items WHERE id = $1', [fresh.itemId]);
      expect(jobs.map((j) => j.data.storyId)).toEqual([Number(placed!.story_id)]);
    });
  });
}
