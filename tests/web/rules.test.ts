import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedRulePack } from '../../src/rules/pack.ts';
import { itemVerdict } from '../../src/storage/feedback.ts';
import { insertItems, type NewItem, saveTopics } from '../../src/storage/items.ts';
import { activeVersionNumber, getRuleVersion, latestRetagRun } from '../../src/storage/rules.ts';
import { addSource } from '../../src/storage/sources.ts';
import { feedbackLink } from '../../src/web/routes/feedback.ts';
import { backends } from '../helpers/db.ts';
import { FORM, form, HTML, type TestApp, csrfFrom, startTestApp } from './app.ts';

const YAML = `topics:
  - id: prisons
    name: Prisons
    rules:
      - id: prison
        query: prison*
`;
const EDITED = YAML.replace('query: prison*', 'query: prison* OR jail');
const BROKEN = YAML.replace('query: prison*', 'query: prison* AND (jail');
const item = (n: string, title: string, publishedAt: string): NewItem => ({
  identity: n, canonicalUrl: null, guid: null, url: `https://news.example/${n}`, title, summaryHtml: null, contentHtml: null,
  bodyText: null, author: null, publishedAt, categories: [], extractStatus: 'done',
});

for (const b of backends()) {
  describe.skipIf(!b.available)(`rules page (${b.name})`, () => {
    let t: TestApp;
    let cookie: string;
    let ids: number[];
    beforeAll(async () => {
      t = await startTestApp({ db: await b.open() });
      cookie = (await t.login(['editor'])).cookie;
      const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'a' })).source.id;
      const recent = new Date(t.clock.now.getTime() - 86_400_000).toISOString();
      ids = (
        await insertItems(t.db, s, [
          item('1', 'Prison officers strike', recent),
          item('2', 'Jail &lt;img src=x onerror=alert(1)&gt; <b>overcrowded</b>', recent),
          item('3', 'Old jail story', '2020-01-01T00:00:00Z'),
        ], t.clock.now)
      ).map((r) => r.id);
      await saveTopics(t.db, ids[0]!, [{ topic: 'prisons', rule: 'prison' }], t.clock.now);
    });
    afterAll(async () => t?.close());

    const get = (url: string, c = cookie) => t.app.inject({ url, headers: { ...HTML, cookie: c } });
    const post = async (url: string, body: Record<string, string>, c = cookie) => {
      const token = csrfFrom(await get('/rules', c));
      return t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie: c }, payload: form({ _csrf: token, ...body }) });
    };

    it('shows the shipped pack in the editor until a version is saved; press officers are refused', async () => {
      const res = await get('/rules');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('the shipped UK-justice pack');
      expect(res.body).toContain('id: probation');
      expect(shippedRulePack().length).toBeGreaterThan(100);
      const po = (await t.login(['press_officer'])).cookie;
      expect((await get('/rules', po)).statusCode).toBe(403);
    });

    it('shows problems inline with line:col and the offending line, and refuses to save', async () => {
      const res = await post('/rules', { yaml: BROKEN, action: 'save', message: 'x' });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('<code>6:28</code>');
      expect(res.body).toContain('nothing was saved');
      expect(res.body).toContain('6 |         query: prison* AND (jail\n                               ^</code>');
      expect(await activeVersionNumber(t.db)).toBe(0);
      const live = await post('/rules/check', { yaml: BROKEN });
      expect(live.json()).toEqual({ problems: [expect.objectContaining({ line: 6, col: 28 })] });
      const noToken = await t.app.inject({ method: 'POST', url: '/rules/check', headers: { ...FORM, cookie }, payload: form({ yaml: BROKEN }) });
      expect(noToken.statusCode).toBe(403);
      expect((await get('/rules/editor.js')).headers['content-type']).toContain('javascript');
      const ok = await post('/rules', { yaml: YAML, action: 'check' });
      expect(ok.body).toContain('No problems');
    });

    it('backtests an edit: gained items of the window with marked, escaped terms', async () => {
      // Save the plain version first so "current" is known.
      const saved = await post('/rules', { yaml: YAML, action: 'save', message: 'prison only' });
      expect(saved.statusCode).toBe(303);
      const res = await post('/rules', { yaml: EDITED, action: 'backtest', over: '30d' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Backtest: 1 gained, 0 lost');
      // The feed's entities decode to text that must be escaped again; its markup is gone.
      expect(res.body).toContain('<mark>Jail</mark> &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; overcrowded');
      expect(res.body).not.toContain('<img src');
      expect(res.body).not.toContain('Old jail story');
      expect(res.body).toContain('+prisons');
      const typo = await post('/rules', { yaml: EDITED, action: 'backtest', over: 'a month' });
      expect(typo.statusCode).toBe(422);
      expect(typo.body).toContain('Backtest over the last: &quot;a month&quot; is not a duration: give a number and a unit');
      expect(typo.body).not.toContain('Backtest: 1 gained');
    });

    it('saves with a message as a new version, queues a re-tag, and rolls back by copying', async () => {
      expect((await post('/rules', { yaml: EDITED, action: 'save', message: '' })).statusCode).toBe(422);
      const res = await post('/rules', { yaml: EDITED, action: 'save', message: 'add jail' });
      expect(res.statusCode).toBe(303);
      expect(await activeVersionNumber(t.db)).toBe(2);
      const run = await latestRetagRun(t.db);
      expect(run).toMatchObject({ version: 2, status: 'queued' });
      expect(await t.queues.get('retag').getJob(`retag-${run!.id}`)).toBeTruthy();
      const page = await get('/rules');
      expect(page.body).toContain('add jail');
      const diff = await get('/rules/versions/2');
      expect(diff.body).toContain('changed');
      expect(diff.body).toContain('<code>prison* OR jail</code>');
      expect((await get('/rules/versions/2/yaml')).body).toBe(EDITED);
      expect((await get('/rules/versions/9')).statusCode).toBe(404);
      const rb = await post('/rules/versions/1/rollback', {});
      expect(rb.statusCode).toBe(303);
      expect(await getRuleVersion(t.db, 3)).toMatchObject({ yaml: YAML, copiedFrom: 1, message: 'Rollback to version 1' });
      const all = await get('/rules/versions');
      expect([...all.body.matchAll(/<a href="\/rules\/versions\/(\d+)">\d+<\/a>/g)].map((m) => m[1])).toEqual(['3', '2', '1']);
      const before = (await latestRetagRun(t.db))!.id;
      expect((await post('/rules/retag', {})).statusCode).toBe(303);
      expect(await latestRetagRun(t.db)).toMatchObject({ id: before + 1, version: 3, status: 'queued' });
      expect((await get('/rules')).body).toContain(`Run ${before + 1} (version 3)`);
    });

    it('records feedback from the story page and shows the rule\'s precision', async () => {
      const res = await post('/feedback', { item: String(ids[0]), verdict: 'not_relevant', next: '/stories/1' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/stories/1');
      expect(await itemVerdict(t.db, ids[0]!)).toBe(false);
      const page = await get('/rules');
      expect(page.body).toContain('0% <small>of 1 judged</small>');
      expect(page.body).toContain('Recent false positives');
      expect((await post('/feedback', { item: '999999', verdict: 'relevant' })).statusCode).toBe(404);
    });

    it('signed links: a page with one button, recorded on POST, refused when forged or expired', async () => {
      const secret = Buffer.from('t'.repeat(32)); // the test app's secret
      const link = feedbackLink(secret, ids[1]!, 'relevant', new Date(t.clock.now.getTime() + 3600_000));
      const page = await t.app.inject({ url: link, headers: HTML });
      expect(page.statusCode).toBe(200);
      expect(await itemVerdict(t.db, ids[1]!)).toBeUndefined(); // following the link records nothing
      const q = Object.fromEntries(new URL(link, 'http://x').searchParams);
      const done = await t.app.inject({ method: 'POST', url: '/feedback/link', headers: { ...HTML, ...FORM }, payload: form(q) });
      expect(done.statusCode).toBe(200);
      expect(done.body).toContain('recorded as <strong>relevant</strong>');
      expect(await itemVerdict(t.db, ids[1]!)).toBe(true);
      const forged = await t.app.inject({ method: 'POST', url: '/feedback/link', headers: { ...HTML, ...FORM }, payload: form({ ...q, verdict: 'not_relevant' }) });
      expect(forged.statusCode).toBe(403);
      const old = feedbackLink(secret, ids[1]!, 'not_relevant', new Date(t.clock.now.getTime() - 1000));
      expect((await t.app.inject({ url: old, headers: HTML })).body).toContain('expired');
      expect(await itemVerdict(t.db, ids[1]!)).toBe(true);
    });
  });
}
