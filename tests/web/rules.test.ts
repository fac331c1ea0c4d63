import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedRulePack } from '../../src/rules/pack.ts';
import { itemVerdict } from '../../src/storage/feedback.ts';
import { insertItems, saveTopics } from '../../src/storage/items.ts';
import { activeVersionNumber, getRuleVersion, latestRetagRun } from '../../src/storage/rules.ts';
import { addSource } from '../../src/storage/sources.ts';
import { feedbackLink } from '../../src/web/routes/feedback.ts';
import { backends } from '../helpers/db.ts';
import { TOPICS_YAML } from '../helpers/rules.ts';
import { FORM, form, HTML, type TestApp, csrfFrom, startTestApp } from './app.ts';
import { newItem } from '../helpers/items.ts';

const YAML = `topics:
  - id: prisons
    name: Prisons
    rules:
      - id: prison
        query: prison*
`;
const EDITED = YAML.replace('query: prison*', 'query: prison* OR jail');
const BROKEN = YAML.replace('query: prison*', 'query: prison* AND (jail');
const item = (n: string, title: string, publishedAt: string) => newItem({ identity: n, url: `https://news.example/${n}`, title, publishedAt });

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

  describe.skipIf(!b.available)(`rules by topic (${b.name})`, () => {
    const TOPICS = TOPICS_YAML;
    let t: TestApp;
    let cookie: string;
    beforeAll(async () => {
      t = await startTestApp({ db: await b.open() });
      cookie = (await t.login(['editor'])).cookie;
      const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'a' })).source.id;
      const recent = new Date(t.clock.now.getTime() - 86_400_000).toISOString();
      await insertItems(t.db, s, [item('1', 'Prison officers strike', recent), item('2', 'Jail overcrowded', recent), item('3', 'Old jail story', '2020-01-01T00:00:00Z')], t.clock.now);
      await post('/rules', { yaml: TOPICS, action: 'save', message: 'start' });
    });
    afterAll(async () => t?.close());

    const get = (url: string, c = cookie) => t.app.inject({ url, headers: { ...HTML, cookie: c } });
    const post = async (url: string, body: Record<string, string | string[]>, c = cookie, headers: Record<string, string> = HTML) => {
      const token = csrfFrom(await get('/rules', c));
      return t.app.inject({ method: 'POST', url, headers: { ...headers, ...FORM, cookie: c }, payload: form({ _csrf: token, ...body }) });
    };
    const rows = (o: { rules?: [string, string][]; exclude?: [string, string][]; global?: [string, string][] }) =>
      Object.fromEntries(
        (['rules', 'exclude', 'global'] as const).flatMap((s) => (o[s] ?? []).flatMap(([id, query], i) => [[`${s}.${i}.id`, id], [`${s}.${i}.query`, query]])),
      );
    // Starts with a quote; a colon, # and a backslash inside: taken verbatim, quoted for YAML by pressdesk.
    const QUOTED = '"approved premises" OR title:("hmp: leeds" OR #1 OR back\\slash)';

    it('shows a topic as rows with a blank row to fill in; links from the rules page; refuses others', async () => {
      const list = await get('/rules');
      expect(list.body).toContain('<a href="/rules/topics/prisons">Prisons</a>');
      expect(list.body).toContain('1 global exclude');
      const res = await get('/rules/topics/prisons');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('name="rules.0.id" type="text" value="prison"');
      expect(res.body).toContain('name="rules.0.query" rows="2" spellcheck="false" autocapitalize="off" aria-describedby="rules-0-problems rules-0-hits">prison*</textarea>');
      expect(res.body).toContain('name="rules.1.id" type="text" value=""');
      expect(res.body).toContain('name="global.0.query"');
      expect(res.body).toContain('<input type="hidden" name="base" value="1">');
      expect(res.body).toContain('<script src="/rules/rows.js" defer></script>');
      expect((await get('/rules/topics/nope')).statusCode).toBe(404);
      const po = (await t.login(['press_officer'])).cookie;
      expect((await get('/rules/topics/prisons', po)).statusCode).toBe(403);
      expect((await get('/rules/rows.js')).headers['content-type']).toContain('javascript');
    });

    it('checks rows without a script: every problem under its row with its column, nothing saved', async () => {
      const res = await post('/rules/topics/prisons', { ...rows({ rules: [['prison', 'pr* OR (jail'], ['Bad', 'x']], global: [['sport', 'url:"bbc co uk sport"']] }), base: '1', action: 'save', message: 'x' });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('3 problems</strong> — nothing was saved');
      expect(res.body).toContain('<span class="rr-where">col 1:</span> query: a wildcard needs at least 3 letters');
      expect(res.body).toContain('<code class="rr-excerpt"><mark>pr*</mark> OR (jail</code>');
      expect(res.body).toContain('<span class="rr-where">col 8:</span> query: this &quot;(&quot; is never closed');
      expect(res.body).toContain('<span class="rr-where">id:</span> id: &quot;Bad&quot; may hold only lower-case letters');
      expect(res.body).toContain('name="rules.0.query" rows="2" spellcheck="false" autocapitalize="off" aria-describedby="rules-0-problems rules-0-hits" aria-invalid="true">pr* OR (jail</textarea>');
      expect(await activeVersionNumber(t.db)).toBe(1);
    });

    it('checks good rows and counts each one\'s hits over 30 days', async () => {
      const res = await post('/rules/topics/prisons', { ...rows({ rules: [['prison', 'prison* OR jail'], ['', '']], global: [['sport', 'url:"bbc co uk sport"']] }), base: '1', action: 'check' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('No problems: every row is a rule that loads.');
      expect(res.body).toMatch(/id="rules-0-hits">2 items <small>in 30 days<\/small>/);
      expect(res.body).toMatch(/id="global-0-hits">0 items <small>in 30 days<\/small>/);
    });

    it('adds and removes rows without a script', async () => {
      const added = await post('/rules/topics/prisons', { ...rows({ rules: [['prison', 'prison*'], ['', '']] }), base: '1', action: 'add:rules' });
      expect(added.body).toContain('name="rules.2.id"');
      expect(added.body).toContain('id="rules-2-id" name="rules.2.id" type="text" value="" spellcheck="false" autocomplete="off" autocapitalize="off" aria-describedby="rules-2-problems" autofocus');
      const removed = await post('/rules/topics/prisons', { ...rows({ rules: [['prison', 'prison*'], ['jail', 'jail']] }), base: '1', action: 'remove:rules.0' });
      expect(removed.body).toContain('name="rules.0.id" type="text" value="jail"');
      expect(removed.body).not.toContain('value="prison"');
    });

    it('saves rows as a new version: the query verbatim, comments kept, audited, re-tag queued', async () => {
      const res = await post('/rules/topics/prisons', { ...rows({ rules: [['prison', 'prison*'], ['ap', QUOTED], ['', '']], exclude: [['film', "'prison break'"]], global: [['sport', 'url:"bbc co uk sport"']] }), base: '1', action: 'save', message: 'approved premises' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/rules/topics/prisons');
      const v = (await getRuleVersion(t.db, 2))!;
      expect(v.message).toBe('approved premises');
      expect(v.ruleSet.topics[0]).toEqual({ id: 'prisons', name: 'Prisons', rules: [{ id: 'prison', query: 'prison*' }, { id: 'ap', query: QUOTED }], exclude: [{ id: 'film', query: "'prison break'" }] });
      expect(v.ruleSet.topics[1]!.rules).toEqual([{ id: 'service', query: '"probation service" OR probat*' }]);
      expect(v.yaml).toBe(
        TOPICS.replace(
          '        query: prison*\n',
          `        query: prison*\n      - id: ap\n        query: '"approved premises" OR title:("hmp: leeds" OR #1 OR back\\slash)'\n    exclude:\n      - id: film\n        query: '''prison break'''\n`,
        ),
      );
      const [entry] = await t.db.query<{ action: string; detail: unknown }>("SELECT action, detail FROM audit_log WHERE action = 'rule.published' ORDER BY id DESC LIMIT 1");
      expect(entry).toEqual({ action: 'rule.published', detail: { message: 'approved premises', topic: 'prisons' } });
      expect(await latestRetagRun(t.db)).toMatchObject({ version: 2, status: 'queued' });
      const page = await get('/rules/topics/prisons');
      expect(page.body).toContain('<a href="/rules/versions/2">version 2</a>');
      expect(page.body).toContain(`name="rules.1.query" rows="2" spellcheck="false" autocapitalize="off" aria-describedby="rules-1-problems rules-1-hits">&quot;approved premises&quot; OR title:(&quot;hmp: leeds&quot; OR #1 OR back\\slash)</textarea>`);
      expect((await post('/rules/topics/prisons', { ...rows({ rules: [['prison', 'prison*']] }), base: '2', action: 'save', message: '' })).statusCode).toBe(422);
    });

    it('refuses to save over a version saved since the form was loaded, keeping the rows', async () => {
      const res = await post('/rules/topics/prisons', { ...rows({ rules: [['prison', 'prison* OR hmp']] }), base: '1', action: 'save', message: 'late' });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Version 2 was saved since you opened this page');
      expect(res.body).toContain('<input type="hidden" name="base" value="2">');
      expect(res.body).toContain('>prison* OR hmp</textarea>');
      expect(await activeVersionNumber(t.db)).toBe(2);
    });

    it('answers the live check and the hits as JSON (CSRF token needed)', async () => {
      const json = { accept: 'application/json' };
      const check = await post('/rules/topics/prisons/check', { 'rules.0.id': 'a', 'rules.0.query': 'jail', 'rules.5.id': 'b', 'rules.5.query': 'pr* x NEAR y' }, cookie, json);
      expect(check.statusCode).toBe(200);
      const body = check.json();
      expect(body.count).toBe(2);
      expect(body.problems['rules.0']).toEqual([]);
      expect(body.problems['rules.5']).toEqual([
        expect.objectContaining({ field: 'query', col: 1, length: 3, excerpt: { before: '', mark: 'pr*', after: ' x NEAR y' } }),
        expect.objectContaining({ field: 'query', col: 7, length: 4, message: 'query: NEAR needs a distance in words; write NEAR/5' }),
      ]);
      const hits = await post('/rules/hits', { q: ['jail', 'prison*', 'pr* (', 'jail'] }, cookie, json);
      expect(hits.json()).toMatchObject({ counts: [1, 1, null, 1], scanned: 2, days: 30 });
      const noToken = await t.app.inject({ method: 'POST', url: '/rules/hits', headers: { ...FORM, cookie }, payload: form({ q: 'jail' }) });
      expect(noToken.statusCode).toBe(403);
      expect((await post('/rules/hits', { q: Array.from({ length: 51 }, () => 'x') }, cookie, json)).statusCode).toBe(413);
    });

    it('numbers the YAML view\'s lines, marks the ones with problems, and explains a query that starts with a quote', async () => {
      const yaml = TOPICS.replace(`query: '"probation service" OR probat*'`, 'query: "probation service" OR probat*');
      const res = await post('/rules', { yaml, action: 'check' });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('<details class="card yaml-view" id="yaml-view" open>');
      expect(res.body).toContain(`<code>16:16</code></a>: <span class="problem-message">rules: YAML cannot read this query because it starts with a quote; put the whole query in single quotes and double the single quotes inside (query: &#x27;&quot;probation service&quot; OR probat*&#x27;)`);
      expect(res.body).toContain('<span>15</span>\n<span class="bad">16</span>\n<span>17</span>');
      expect(res.body).toContain(`rows="${yaml.split('\n').length + 2}" wrap="off"`);
      expect((await get('/rules')).body).toContain('<details class="card yaml-view" id="yaml-view">');
    });
  });
}
