// The stories pages: search with filters and paging, CSV export, a story with escaped highlights, feedback
// forms, and editors' split / merge / headline (CSRF, role, decisions kept, audited).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/storage/db.ts';
import { listAudit } from '../../src/storage/audit.ts';
import { storyState } from '../../src/storage/stories.ts';
import { assignStory } from '../helpers/stories.ts';
import { highlight } from '../../src/web/routes/stories.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from './app.ts';

const AT = '2026-03-01T08:00:00Z';
const escapeBody = 'A prisoner escaped from a hospital escort in Tooting on Tuesday; police said Liam Costa, 31, should not be approached.';

async function addItem(db: Db, source: string, title: string, opts: { body?: string; summary?: string; at?: string; topic?: string; matches?: unknown; url?: string } = {}) {
  const host = `${source.toLowerCase().replace(/\W+/g, '-')}.example.org`;
  const [src] = await db.query<{ id: number }>(
    'INSERT INTO sources (url, host, name) VALUES ($1, $2, $3) ON CONFLICT (url) DO UPDATE SET name = excluded.name RETURNING id',
    [`https://${host}/feed`, host, source],
  );
  const [row] = await db.query<{ id: number }>(
    'INSERT INTO items (source_id, identity, url, title, summary_html, body_text, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [src!.id, title, opts.url ?? `https://${host}/${encodeURIComponent(title)}`, title, opts.summary ?? null, opts.body ?? null, opts.at ?? AT],
  );
  if (opts.topic) await db.query('INSERT INTO item_topics (item_id, topic, rule, matches) VALUES ($1, $2, $3, $4)', [row!.id, opts.topic, 'r1', JSON.stringify(opts.matches ?? null)]);
  await assignStory(db, row!.id, new Date(AT));
  return row!.id;
}

describe('highlight', () => {
  it('cuts text into plain and marked runs, starting near the first hit of a long text', () => {
    expect(highlight('Probation staff vote', [{ start: 0, end: 9 }])).toEqual([
      { text: 'Probation', mark: true },
      { text: ' staff vote', mark: false },
    ]);
    const long = `${'x'.repeat(900)} caseload ${'y'.repeat(900)}`;
    const segs = highlight(long, [{ start: 901, end: 909 }], 300);
    expect(segs[0]).toEqual({ text: '…', mark: false });
    expect(segs.find((s) => s.mark)).toEqual({ text: 'caseload', mark: true });
    expect(segs.map((s) => s.text).join('').length).toBeLessThanOrEqual(302);
  });
});

describe('stories pages', () => {
  let t: TestApp;
  let editor: { cookie: string; user: { id: number } };
  let officer: { cookie: string };
  let ids: Record<string, number>;
  beforeAll(async () => {
    t = await startTestApp();
    editor = await t.login(['editor'], 'ed@example.org');
    officer = await t.login(['press_officer'], 'po@example.org');
    ids = {
      bbc: await addItem(t.db, 'BBC News', 'Prisoner escapes hospital escort in Tooting', {
        body: escapeBody, topic: 'escapes', matches: [{ field: 'title', start: 9, end: 16, text: 'escapes' }, { field: 'body', start: 11, end: 18, text: 'escaped' }],
      }),
      wire: await addItem(t.db, 'Wire <script>', '=Manhunt after Tooting escort escape <img src=x onerror=alert(1)>', { body: escapeBody, at: '2026-03-01T09:00:00Z', url: 'javascript:alert(1)' }),
      cookham: await addItem(t.db, 'Inside Time', 'Cookham Wood youth jail to close', { summary: '<p>The youth jail <b>Cookham Wood</b> will close.</p>', topic: 'youth', at: '2026-02-01T09:00:00Z' }),
    };
  });
  afterAll(() => t.close());

  const get = (url: string, cookie = officer.cookie) => t.app.inject({ url, headers: { ...HTML, cookie } });
  const post = async (url: string, body: Record<string, string>, cookie = editor.cookie) => {
    const token = csrfFrom(await get('/stories', cookie));
    return t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie }, body: form({ _csrf: token, ...body }) });
  };
  const storyOf = async (item: number) => (await t.db.query<{ s: number }>('SELECT story_id AS s FROM items WHERE id = $1', [item]))[0]!.s;

  it('needs a login', async () => {
    const res = await t.app.inject({ url: '/stories', headers: HTML });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('searches in the rule language, grouped by story, with filters and a CSV link', async () => {
    const res = await get('/stories?q=tooting+AND+escap*');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('1–1 of 1 story');
    expect(res.body).toContain(`href="/stories/${await storyOf(ids.bbc!)}"`);
    expect(res.body).toContain('2 items from 2 sources');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body.replaceAll('&#x3D;', '=')).toContain('href="/stories.csv?q=tooting+AND+escap*"');
    expect((await get('/stories?q=jail&source=inside+time')).body).toContain('Cookham Wood youth jail to close');
    expect((await get('/stories?q=jail&since=7d')).body).toContain('No stories match');
    expect((await get('/stories?topic=youth')).body).toContain('Cookham Wood');
    expect((await get('/stories?topic=youth')).body).not.toContain('Tooting');
  });

  it('lists relevant stories by default, everything with the switch, and offers topics and sources with counts', async () => {
    const page = await get('/stories');
    expect(page.body).toContain('(relevant only)');
    expect(page.body).toContain('Cookham Wood youth jail to close');
    expect(page.body).not.toContain('Manhunt'); // fetched but tagged with no topic
    const all = await get('/stories?all=1');
    expect(all.body).toContain('Manhunt after Tooting');
    expect(all.body).toMatch(/<input id="all" name="all" type="checkbox" value="1" checked>/);
    // Topic choices are the active rules' topics, with the stories each would give under the other filters.
    expect(page.body).toMatch(/<option value="probation">Probation \(0\)<\/option>/);
    const youth = await get('/stories?topic=youth');
    expect(youth.body).toMatch(/<option value="youth" selected>youth \(1\)<\/option>/);
    // Source choices carry the source's id and count stories (Wire's story is the BBC's, so both count it).
    const insideTime = (await t.db.query<{ id: number }>("SELECT id FROM sources WHERE name = 'Inside Time'"))[0]!.id;
    expect(page.body).toContain(`<option value="${insideTime}">Inside Time (1)</option>`);
    expect(all.body).toContain('Wire &lt;script&gt; (1)');
    expect((await get(`/stories?source=${insideTime}`)).body).not.toContain('Tooting');
  });

  it('has a "today (UK)" preset that keeps the other filters', async () => {
    t.clock.now = new Date('2026-03-01T23:30:00Z');
    const res = await get('/stories?topic=escapes&since=today');
    expect(res.body).toContain('Prisoner escapes hospital escort in Tooting');
    expect(res.body.replaceAll('&#x3D;', '=')).toMatch(/href="\/stories\?topic=escapes&amp;since=today" aria-current="true">today \(UK\)/);
    t.clock.now = new Date('2026-03-02T00:30:00Z');
    expect((await get('/stories?topic=escapes&since=today')).body).not.toContain('Tooting');
    t.clock.now = new Date('2026-03-02T09:00:00Z');
  });

  it('saves searches per person: listed for their owner only, replaced by name, deleted by the owner only', async () => {
    const token = csrfFrom(await get('/stories'));
    const save = (name: string, query: string, cookie = officer.cookie) =>
      t.app.inject({ method: 'POST', url: '/stories/saved', headers: { ...HTML, ...FORM, cookie }, body: form({ _csrf: token, name, query }) });
    const res = await save('Youth  jails', 'topic=youth&evil=<x>&q=jail');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/stories?q=jail&topic=youth');
    const mine = await get('/stories');
    expect(mine.body.replaceAll('&#x3D;', '=')).toMatch(/<a href="\/stories\?q=jail&amp;topic=youth">Youth jails<\/a>/);
    expect((await get('/stories', editor.cookie)).body).not.toContain('Youth jails');
    await save('Youth jails', 'topic=youth');
    expect((await get('/stories')).body.replaceAll('&#x3D;', '=')).toMatch(/<a href="\/stories\?topic=youth">Youth jails<\/a>/);
    const [row] = await t.db.query<{ id: number }>("SELECT id FROM saved_searches WHERE name = 'Youth jails'");
    expect((await t.app.inject({ method: 'POST', url: `/stories/saved/${row!.id}/delete`, headers: { ...HTML, ...FORM, cookie: officer.cookie }, body: form({}) })).statusCode).toBe(403); // no CSRF token
    await post(`/stories/saved/${row!.id}/delete`, {}, editor.cookie);
    expect(await t.db.query('SELECT 1 FROM saved_searches WHERE id = $1', [row!.id])).toHaveLength(1);
    await post(`/stories/saved/${row!.id}/delete`, {}, officer.cookie);
    expect(await t.db.query('SELECT 1 FROM saved_searches WHERE id = $1', [row!.id])).toHaveLength(0);
    expect((await save('  ', 'topic=youth')).statusCode).toBe(302);
    expect(await t.db.query("SELECT 1 FROM saved_searches WHERE name = ''")).toHaveLength(0);
  });

  it('shows what the archive cannot honour and explains a bad query on the page', async () => {
    expect((await get('/stories?q=tooting+NEAR%2F3+escape')).body).toContain('Note: NEAR/3 is searched as AND');
    const bad = await get('/stories?q=%28tooting');
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toMatch(/role="alert">searchquery: /);
    const lately = await get('/stories?q=jail&since=lately');
    expect(lately.body).toContain('stories: since &quot;lately&quot; is not a duration or a date');
    expect(lately.body).not.toContain('Cookham Wood');
    expect((await get('/stories.csv?since=lately')).statusCode).toBe(400);
  });

  it('exports a search as CSV with formula cells defused', async () => {
    // The CSV holds what the page lists: relevant stories, or everything fetched with all=1.
    const relevantOnly = (await get('/stories.csv?q=tooting')).body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(relevantOnly.some((l) => l.includes('Manhunt'))).toBe(false);
    const res = await get('/stories.csv?q=tooting&all=1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="pressdesk-stories-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = res.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain(",'=Manhunt after Tooting escort escape <img src=x onerror=alert(1)>,Wire <script>,");
  });

  it('shows a story: timeline by source, escaped highlights, safe links, feedback forms', async () => {
    const res = await get(`/stories/${await storyOf(ids.bbc!)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Prisoner <mark>escapes</mark> hospital escort in Tooting');
    expect(res.body).toContain('A prisoner <mark>escaped</mark> from');
    // Feed titles are HTML-ish: the tag is stripped (the rule offsets point into stripped text), never rendered.
    expect(res.body).toContain('<h3>&#x3D;Manhunt after Tooting escort escape  </h3>');
    expect(res.body).not.toContain('onerror');
    expect(res.body).toContain('Wire &lt;script&gt;');
    expect(res.body).not.toContain('javascript:');
    expect(res.body).toMatch(/<form method="post" action="\/feedback"[\s\S]*name="item" value="\d+"[\s\S]*name="verdict" value="relevant"/);
    expect(res.body).not.toContain('Move out of this story'); // press officers do not edit stories
    expect((await get('/stories/99999')).statusCode).toBe(404);
    expect((await get('/stories/abc')).statusCode).toBe(404);
  });

  it('lets an editor split an item out, keeps and audits the decision, and refuses others', async () => {
    const home = await storyOf(ids.bbc!);
    const page = await get(`/stories/${home}`, editor.cookie);
    expect(page.body).toContain('Move out of this story');
    const denied = await post(`/stories/${home}/split`, { item: String(ids.wire) }, officer.cookie);
    expect(denied.statusCode).toBe(403);
    const noCsrf = await t.app.inject({ method: 'POST', url: `/stories/${home}/split`, headers: { ...HTML, ...FORM, cookie: editor.cookie }, body: form({ item: String(ids.wire) }) });
    expect(noCsrf.statusCode).toBe(403);
    const res = await post(`/stories/${home}/split`, { item: String(ids.wire) });
    expect(res.statusCode).toBe(303);
    const moved = await storyOf(ids.wire!);
    expect(moved).not.toBe(home);
    const after = await get(`/stories/${home}`, cookiesFrom(res, editor.cookie));
    expect(after.body).toContain(`Item moved out into story ${moved}`);
    expect(after.body).toMatch(/split item \d+ \(stories \d+ and \d+\) · ed@example\.org/);
    expect((await listAudit(t.db, { limit: 5, objectType: 'story', objectId: home }))[0]).toMatchObject({ action: 'story.split', userId: editor.user.id });
    // Splitting the last item of a story is refused with a message, not an error page.
    const again = await post(`/stories/${home}/split`, { item: String(ids.bbc) });
    expect(again.statusCode).toBe(303);
    expect((await get(`/stories/${home}`, cookiesFrom(again, editor.cookie))).body).toContain('is the only item of story');
  });

  it('lets an editor merge stories and pick the headline; the old story id redirects', async () => {
    const a = await storyOf(ids.bbc!);
    const b = await storyOf(ids.wire!);
    expect((await post(`/stories/${a}/merge`, { other: String(b), note: 'same escape' })).statusCode).toBe(303);
    expect((await storyState(t.db, b))!.id).toBe(a);
    const old = await get(`/stories/${b}`);
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe(`/stories/${a}`);
    await post(`/stories/${a}/headline`, { item: String(ids.wire) });
    expect((await storyState(t.db, a))!.headlineItemId).toBe(ids.wire);
    await post(`/stories/${a}/headline`, { item: '' });
    expect((await storyState(t.db, a))!.headlineItemId).toBe(ids.bbc);
  });
});
