// coalesce: concurrent calls share one call of the batch function, each caller gets its own answer, and a
// failed batch fails every caller in it (nothing is acknowledged that was not written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem, type NewItem } from '../../src/storage/items.ts';
import { coalesce, Failed, lanes } from '../../src/adapters/coalesce.ts';
import { pollBatch } from '../../src/services/poll-batch.ts';
import { addSource } from '../../src/storage/sources.ts';
import { backends, type TestDb } from '../helpers/db.ts';

describe('coalesce', () => {
  it('runs calls made in one turn as one batch and answers each caller in order', async () => {
    const batches: number[][] = [];
    const double = coalesce(async (xs: number[]) => {
      batches.push(xs);
      return xs.map((x) => x * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('groups calls made while a batch is in flight into the next batch, at most `max` at a time', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const echo = coalesce(async (xs: number[]) => {
      batches.push(xs);
      if (batches.length === 1) await gate;
      return xs;
    }, { max: 2 });
    const first = echo(0);
    await new Promise((r) => setImmediate(r));
    const later = [1, 2, 3].map(echo);
    release();
    expect(await Promise.all([first, ...later])).toEqual([0, 1, 2, 3]);
    expect(batches).toEqual([[0], [1, 2], [3]]);
  });

  it('rejects every caller of a failed batch and goes on with the next', async () => {
    let calls = 0;
    const flaky = coalesce(async (xs: string[]) => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return xs;
    });
    const failed = await Promise.allSettled(['a', 'b'].map(flaky));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await flaky('c')).toBe('c');
  });

  it('closes a batch before it would outweigh maxWeight, but always takes one input however heavy', async () => {
    const batches: number[][] = [];
    const sum = coalesce(
      async (xs: number[]) => {
        batches.push(xs);
        return xs;
      },
      { weigh: (x) => x, maxWeight: 10 },
    );
    expect(await Promise.all([4, 5, 2, 30, 1, 1].map(sum))).toEqual([4, 5, 2, 30, 1, 1]);
    expect(batches).toEqual([[4, 5], [2], [30], [1, 1]]);
  });

  it('keeps at most `lanes` batches in flight, and fails only the callers a batch marks Failed', async () => {
    let inFlight = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const run = coalesce(
      async (xs: number[]) => {
        most = Math.max(most, ++inFlight);
        await new Promise<void>((r) => gates.push(r));
        inFlight--;
        return xs.map((x) => (x < 0 ? new Failed(new Error(`bad ${x}`)) : x));
      },
      { max: 1, lanes: 2 },
    );
    const calls = [1, -2, 3, 4].map((x) => run(x));
    let done = false;
    const all = Promise.allSettled(calls).finally(() => (done = true));
    // Open the gates a few turns after each batch starts, so batches overlap when lanes allow it.
    while (!done) {
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      for (const g of gates.splice(0)) g();
    }
    const settled = await all;
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([1, 'bad -2', 3, 4]);
    expect(most).toBe(2);
  });
});

const T0 = new Date('2026-11-20T10:00:00Z');
const item = (n: string, over: Partial<NewItem> = {}): NewItem => ({
  identity: `guid:${n}`, canonicalUrl: `https://batch.example/${n}`, guid: n, url: `https://batch.example/${n}`, title: `Story ${n}`,
  summaryHtml: '<p>text</p>', contentHtml: null, bodyText: 'text', author: null, publishedAt: '2026-11-19T08:30:00.000Z', categories: [],
  extractStatus: 'not_needed', ...over,
});

for (const b of backends()) {
  describe.skipIf(!b.available)(`pollBatch insert (${b.name})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await b.open();
    });
    afterAll(async () => t?.close());

    it('inserts concurrent polls together, and one feed PostgreSQL refuses fails alone', async () => {
      const s1 = (await addSource(t.db, { url: 'http://a.example/feed', name: 'a' })).source.id;
      const s2 = (await addSource(t.db, { url: 'http://b.example/feed', name: 'b' })).source.id;
      const { insert } = pollBatch(t.db);
      // Called in one turn, so they share a statement; 'not a date' makes that statement fail.
      const [good, bad, other] = await Promise.allSettled([
        insert({ sourceId: s1, items: [item('1'), item('2')], fetchedAt: T0 }),
        insert({ sourceId: s2, items: [item('3', { publishedAt: 'not a date' })], fetchedAt: T0 }),
        insert({ sourceId: s2, items: [item('4')], fetchedAt: T0 }),
      ]);
      expect(good.status === 'fulfilled' && good.value.map((r) => r.identity)).toEqual(['guid:1', 'guid:2']);
      expect(bad.status === 'rejected' && String(bad.reason)).toMatch(/not a date/);
      expect(other.status === 'fulfilled' && other.value.map((r) => r.identity)).toEqual(['guid:4']);
      expect(await getItem(t.db, (other as PromiseFulfilledResult<{ id: number }[]>).value[0]!.id)).toMatchObject({ sourceId: s2, title: 'Story 4' });
    });
  });
}

describe('lanes', () => {
  it('keeps at most n calls in flight and runs the rest in order', async () => {
    const run = lanes(2);
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const gates = Array.from({ length: 6 }, () => {
      let open!: () => void;
      const p = new Promise<void>((r) => (open = r));
      return { p, open };
    });
    const calls = gates.map((g, i) =>
      run(async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        order.push(i);
        await g.p;
        inFlight--;
        return i;
      }),
    );
    for (const g of gates) {
      await new Promise((r) => setImmediate(r));
      g.open();
    }
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('frees the lane when a call fails', async () => {
    const run = lanes(1);
    await expect(run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await run(async () => 'next')).toBe('next');
  });
});
