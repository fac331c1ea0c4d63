// Home as each role's desk, its live panels and the trends page: who sees which panel, spikes from the stored
// counts, failing sources, escaping of feed text, and the SVG charts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/storage/users.ts';
import { seedStory } from '../helpers/drafts.ts';
import { HTML, type TestApp, startTestApp } from './app.ts';

const H = 3_600_000;

describe('the desk (home) and trends', () => {
  let t: TestApp;
  let po: { user: User; cookie: string };
  let editor: { user: User; cookie: string };
  let admin: { user: User; cookie: string };
  const get = (url: string, cookie?: string) => t.app.inject({ url, headers: { ...HTML, ...(cookie ? { cookie } : {}) } });

  beforeAll(async () => {
    t = await startTestApp();
    po = await t.login(['press_officer'], 'po@example.org');
    editor = await t.login(['editor'], 'ed@example.org');
    admin = await t.login(['admin'], 'admin@example.org');
    const now = t.clock.now.getTime();
    // Parole: eight items in the last 24 hours and none in the 14 days before: a spike.
    const places = ['Leeds', 'Hull', 'Bristol', 'Cardiff', 'Exeter', 'Norwich', 'Durham', 'Carlisle'];
    for (const [i, p] of places.entries()) {
      await seedStory(t.db, { title: `Parole Board hearing for ${p} case number ${i}`, topic: 'parole', term: 'parole', at: new Date(now - (i + 1) * H), sourceUrl: `https://news${i}.example/feed` });
    }
    // Prisons: one story today whose feed title carries markup, and a steady two a day before today.
    await seedStory(t.db, { title: 'Jail <b>overcrowding</b> worst on record', topic: 'prisons', term: 'jail', at: new Date(now - 2 * H) });
    for (let d = 1; d <= 14; d++) await seedStory(t.db, { title: `Prison report day ${d}`, topic: 'prisons', term: 'prison', at: new Date(now - d * 24 * H - 3 * H) });
    await t.db.query(
      `INSERT INTO sources (url, host, name, consecutive_failures, failing_since, last_error) VALUES ('https://gone.example/feed', 'gone.example', 'Gone Gazette', 3, $1, 'poll: HTTP 404: the feed is not there any more')`,
      [new Date(now - 30 * H)],
    );
  });
  afterAll(() => t?.close());

  it('gives a press officer drafts, today\'s relevant stories by topic and the spikes, nothing of the editor\'s', async () => {
    const res = await get('/', po.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Drafts awaiting your decision');
    expect(res.body).toContain('Spiking now');
    expect(res.body).toMatch(/<strong>Parole and release<\/strong><\/a>: 8 items in the last 24 hours/);
    // None in the 14 days before: said in words, not as "against 0 (8×)".
    expect(res.body).toMatch(/8 items in the last 24 hours, against none on a usual day\./);
    expect(res.body).toContain('Jail &lt;b&gt;overcrowding&lt;/b&gt; worst on record');
    expect(res.body).not.toContain('<b>overcrowding</b>');
    expect(res.body).not.toContain('Prisons</strong></a>:'); // two a day is the prisons' usual
    expect(res.body).not.toContain('Failing sources');
    expect(res.body).not.toContain('Queue dashboard');
    expect(res.body).toContain('src="/static/desk.js"');
  });

  it('gives an editor failing sources and rules to look at, and an admin every panel with the queues', async () => {
    const ed = await get('/', editor.cookie);
    expect(ed.body).toContain('Failing sources <small>1</small>');
    expect(ed.body).toContain('Gone Gazette');
    expect(ed.body).toContain('HTTP 404: the feed is not there any more');
    expect(ed.body).toContain('Never firing');
    // A fresh install's many silent rules stay folded, each linking to its topic's editor.
    expect(ed.body).toMatch(/<details class="desk-silent">\s*<summary><h3>Never firing <small>\d+<\/small>/);
    expect(ed.body).toMatch(/<a href="\/rules\/topics\/[a-z-]+"><code>[a-z-]+\/[a-z-]+<\/code><\/a> — no hits in 30 days/);
    expect(ed.body).not.toContain('Drafts awaiting your decision');
    const ad = await get('/', admin.cookie);
    for (const panel of ['Drafts awaiting your decision', 'Failing sources', 'System', 'poll-source', 'Queue dashboard']) expect(ad.body).toContain(panel);
  });

  it('serves the panels alone for the live refresh, to logged-in users only', async () => {
    const res = await get('/desk/panels', po.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Spiking now');
    expect(res.body).not.toContain('<html');
    expect((await get('/desk/panels')).statusCode).not.toBe(200);
    const visitor = await get('/');
    expect(visitor.body).toContain('Log in');
    expect(visitor.body).not.toContain('Spiking now');
  });

  it('draws each topic\'s volume as SVG with the spike flagged, for press officers and editors', async () => {
    const res = await get('/trends', editor.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.body.match(/<svg class="chart"/g)?.length).toBe(14); // 7 topics x (7 days by hour + 30 by day)
    expect(res.body).toMatch(/id="topic-parole"[\s\S]*?▲ spiking/);
    expect(res.body).toMatch(/<title id="chart\d+-t">Parole and release: tagged items per hour, last 7 days<\/title>/);
    expect(res.body).toContain('fill="#c2410c"');
    expect(res.body).not.toMatch(/id="topic-prisons"[\s\S]*?▲ spiking[\s\S]*?id="topic-parole"/);
    const month = /Prisons: tagged items per day, last 30 days<\/title><desc[^>]*>(\d+) items in 30 days/.exec(res.body);
    expect(Number(month?.[1])).toBe(15);
    // The hourly axis names days (at UK midnight), not one repeated hour.
    const week = /Parole and release: tagged items per hour[\s\S]*?<\/svg>/.exec(res.body)![0];
    const under = [...week.matchAll(/<text [^>]*y="136"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(under.length).toBeGreaterThanOrEqual(6);
    expect(under.every((l) => /^[A-Z][a-z]{2} \d{1,2}$/.test(l!))).toBe(true);
    const visitor = await get('/trends');
    expect(visitor.statusCode).toBe(302);
  });
});
