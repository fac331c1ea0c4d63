import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createParsePool } from '../../src/adapters/parse-pool.ts';
import { ParseError } from '../../src/pipeline/parse.ts';

const URL_ = 'https://feeds.example.org/feed';
const feed = (items: string) => `<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;
const item = (i: number) => `<item><title>Story ${i}</title><link>https://feeds.example.org/${i}</link><description>${'&lt;p class="x"&gt;Probation &lt;a href="/a/' + i + '"&gt;officers&lt;/a&gt; &lt;img src="/i.png" alt="a"&gt; voted.&lt;/p&gt;'.repeat(4)}</description></item>`;
/** Genuinely slow, with no trick: 16,000 items whose markup goes through sanitize-html take over a second. */
const SLOW = feed(Array.from({ length: 16_000 }, (_, i) => item(i)).join(''));

describe('parse pool', () => {
  const pool = createParsePool({ size: 1, timeLimitMs: 200, perMbMs: 0 });
  afterAll(() => pool.close());

  it('parses in a worker thread what parse() parses, and refuses what it refuses with a ParseError', async () => {
    const f = await pool.parse(feed(item(1)), { url: URL_ });
    expect(f.entries.map((e) => [e.title, e.url])).toEqual([['Story 1', 'https://feeds.example.org/1']]);
    const refused = pool.parse('<!doctype html><html><body>x</body></html>', { url: URL_ });
    await expect(refused).rejects.toBeInstanceOf(ParseError);
    await expect(refused).rejects.toThrow(/HTML page, not a feed/);
  });

  it('gives up on a parse over the time limit with a readable ParseError, and the next parse works', async () => {
    const slow = pool.parse(SLOW, { url: URL_ });
    const queued = pool.parse(feed(item(2)), { url: URL_ }); // waits for the only worker, then for its replacement
    await expect(slow).rejects.toBeInstanceOf(ParseError);
    await expect(slow).rejects.toThrow(
      /^parse: the feed took longer than 200 ms to parse \(\d+ KB\): pressdesk gave up on it; check the feed in a browser or ask its publisher$/,
    );
    expect((await queued).entries[0]?.title).toBe('Story 2');
    expect((await pool.parse(feed(item(3)), { url: URL_ })).entries[0]?.title).toBe('Story 3');
  });

  it('keeps the event loop running while a worker is busy', async () => {
    const patient = createParsePool({ size: 1, timeLimitMs: 60_000 });
    try {
      await patient.parse(feed(item(0)), { url: URL_ }); // the worker is up: what follows is the parse alone
      let settled = false;
      const slow = patient.parse(SLOW, { url: URL_ }).finally(() => {
        settled = true;
      });
      // Five ticks of a 5 ms interval (parsed inline, none could run before the parse ended).
      let ticks = 0;
      await new Promise<void>((resolve) => {
        const ticker = setInterval(() => {
          if (++ticks < 5 && !settled) return;
          clearInterval(ticker);
          resolve();
        }, 5);
      });
      expect(settled).toBe(false);
      const gone = expect(slow).rejects.toThrow(/closed/);
      await patient.close();
      await gone;
    } finally {
      await patient.close();
    }
  });

  it('does not fail a parse that finished while this thread was blocked past the limit', async () => {
    const p = createParsePool({ size: 1, timeLimitMs: 50, perMbMs: 0 });
    try {
      await p.parse(feed(item(0)), { url: URL_ }); // the worker is up
      const quick = p.parse(feed(item(4)), { url: URL_ });
      // A long synchronous stretch on this thread (as an embedded-database statement is): the parse's timer
      // and the worker's answer are both due when it ends. 50 ms limit, 1 s blocked: a one-item feed is
      // parsed long before.
      // Blocked in a callback of the loop's check phase, as a database call resumed there would be: the timers
      // phase comes next, before the worker's message is read.
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          const until = performance.now() + 1000;
          while (performance.now() < until);
          resolve();
        }),
      );
      expect((await quick).entries[0]?.title).toBe('Story 4');
    } finally {
      await p.close();
    }
  });

  it('rejects parses after close', async () => {
    const p = createParsePool({ size: 1, timeLimitMs: 1000 });
    await p.close();
    await expect(p.parse(feed(''), { url: URL_ })).rejects.toThrow(/closed/);
  });

  it('does not keep a process alive once idle', async () => {
    const pool = fileURLToPath(new URL('../../src/adapters/parse-pool.ts', import.meta.url));
    const code = `const { createParsePool } = await import(${JSON.stringify(pool)});
      const f = await createParsePool({ size: 1, timeLimitMs: 5000 }).parse('<rss version="2.0"><channel><item><title>x</title></item></channel></rss>', { url: 'https://e.test/' });
      console.log(f.entries.length);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c;
    });
    // An idle worker that held the child open would keep it running: a guard ends it (exit code null).
    const guard = setTimeout(() => child.kill(), 90_000);
    const exit = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(guard);
    expect(out.trim()).toBe('1');
    expect(exit).toBe(0);
  });
});
