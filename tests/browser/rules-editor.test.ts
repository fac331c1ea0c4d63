// Real browser, real server, at 1,280 and 390 px: an editor opens a topic's rules as rows, breaks a query and
// sees every problem with its column as they type, fixes it and sees the row's hits over 30 days, adds a row,
// saves and sees the new version — the saved YAML keeping the query verbatim and the file's comments. The YAML
// view numbers its lines and says what to do about a query that starts with a quote. Nothing scrolls sideways.
// Screenshots: test-artifacts/rules-*.png.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/rules/ruleset.ts';
import { insertItems } from '../../src/storage/items.ts';
import { activeRuleVersion, saveRuleVersion } from '../../src/storage/rules.ts';
import { addSource } from '../../src/storage/sources.ts';
import { ARTIFACTS, browserTestsRun, fitsWidth, openLoggedIn, startBrowserApp } from '../helpers/browser.ts';
import { TOPICS_YAML } from '../helpers/rules.ts';
import type { TestApp } from '../web/app.ts';
import { newItem } from '../helpers/items.ts';

const WIDTHS = [1280, 390];

const YAML = TOPICS_YAML;
const item = (n: string, title: string, body: string, publishedAt: string) =>
  newItem({ identity: n, url: `https://news.example/${n}`, title, bodyText: body, publishedAt });

describe.skipIf(!browserTestsRun)('browser: the structured rules editor', () => {
  let t: TestApp;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    cookie = (await t.login(['editor'], 'editor@example.org')).cookie;
    const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'Agency' })).source.id;
    const day = 86_400_000;
    const at = (days: number) => new Date(t.clock.now.getTime() - days * day).toISOString();
    await insertItems(t.db, s, [
      item('1', 'Prison officers strike at HMP Leeds', 'Staff walked out.', at(2)),
      item('2', 'Jail overcrowding worst on record', 'The jail in Leeds holds twice its capacity.', at(3)),
      item('3', 'Approved premises short of beds', 'The approved premises in Hull are full.', at(4)),
      item('4', 'Overcrowded jails: a review', 'Jails are overcrowded.', at(5)),
      item('5', 'Prison escape in 2020', 'An old story.', at(90)),
      item('6', 'Weather warning', 'Rain all week.', at(1)),
    ], t.clock.now);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function open(width: number) {
    const o = await openLoggedIn(base, cookie, { width, height: 900 });
    const errors: string[] = [];
    o.page.on('pageerror', (e) => errors.push(e.message));
    o.page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    return { ...o, errors };
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `rules-${name}.png`), fullPage: true });
  const text = async (page: Page, selector: string) => (await page.locator(selector).textContent())?.replace(/\s+/g, ' ').trim() ?? '';

  it('the shipped pack (no version saved yet): a big topic and its long queries as rows, all counted, at both widths', async () => {
    for (const width of WIDTHS) {
      const { ctx, page, offsite, errors } = await open(width);
      try {
        await page.goto(`${base}/rules/topics/probation`);
        expect(await text(page, '.lede')).toContain('the shipped UK-justice pack');
        const rows = page.locator('.rule-row:has(textarea:not(:empty))');
        expect(await rows.count()).toBeGreaterThan(10);
        // Every row with a query gets its count from the one request made when the page opens.
        await page.waitForFunction(
          "[...document.querySelectorAll('.rule-row')].every((r) => !r.querySelector('textarea').value.trim() || /in 30 days/.test(r.querySelector('.rr-hits').textContent))",
          undefined,
          { timeout: 60_000 },
        );
        expect(await fitsWidth(page), `${width} px scrolls sideways`).toBe(true);
        await shot(page, `topic-pack-${width}`);
        expect(offsite).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 120_000);

  for (const width of WIDTHS) {
    it(`${width} px: edit a row, see all its problems live, fix it, see its hits, add a row, save`, async () => {
      // Each width starts from the same rules.
      await saveRuleVersion(t.db, { yaml: YAML, ruleSet: loadRuleSet(YAML).ruleSet, authorId: null, message: 'first rules', now: t.clock.now });
      const { ctx, page, offsite, errors } = await open(width);
      try {
        await page.goto(`${base}/rules/topics/prisons`);
        expect(await page.locator('h1').textContent()).toContain('Prisons');
        // The row's hits over 30 days arrive by themselves (item 5 says "prison" too, but is older).
        await page.locator('#rules-0-hits', { hasText: 'in 30 days' }).waitFor({ timeout: 60_000 });
        expect(await text(page, '#rules-0-hits')).toBe('1 item in 30 days');
        expect(await text(page, '#global-0-hits')).toBe('0 items in 30 days');
        expect(await fitsWidth(page), `${width} px scrolls sideways`).toBe(true);
        await shot(page, `topic-${width}-1-rows`);

        // Break the query in two places: a short wildcard and an unclosed "(". Both show, with columns.
        const q = page.locator('#rules-0-query');
        await q.fill('"approved premises" OR title:(jail OR pr*');
        await page.locator('#rules-0-problems li').nth(1).waitFor({ timeout: 60_000 });
        const problems = await page.locator('#rules-0-problems li').allTextContents();
        expect(problems.map((p) => p.replace(/\s+/g, ' '))).toEqual([
          expect.stringMatching(/^col 30: query: this "\(" is never closed/),
          expect.stringMatching(/^col 39: query: a wildcard needs at least 3 letters before "\*".*"pr\*" is too short/),
        ]);
        expect(await page.locator('#rules-0-problems mark').allTextContents()).toEqual(['(', 'pr*']);
        expect(await q.getAttribute('aria-invalid')).not.toBeNull();
        await page.locator('#rules-0-hits', { hasText: '—' }).waitFor({ timeout: 60_000 });
        expect(await text(page, '#rows-status')).toContain('2 problems');
        expect(await fitsWidth(page), `${width} px scrolls sideways with problems shown`).toBe(true);
        await shot(page, `topic-${width}-2-problems`);

        // Fix it: the problems go, "counting…" shows, then the hits (items 2 and 3 in the window; 4's title
        // says "jails", not "jail").
        await q.fill('"approved premises" OR title:(jail OR prison*)');
        await page.locator('#rules-0-hits', { hasText: 'counting' }).waitFor({ timeout: 60_000 });
        await page.locator('#rules-0-hits', { hasText: 'items in 30 days' }).waitFor({ timeout: 60_000 });
        expect(await text(page, '#rules-0-hits')).toBe('3 items in 30 days');
        await page.locator('#check-ok').waitFor({ timeout: 60_000 });
        expect(await page.locator('#rules-0-problems li').count()).toBe(0);

        // "Add a rule" goes to the section's blank row; typed into, it is counted too.
        const rules = page.locator('.rule-row[data-row^="rules."]');
        expect(await rules.count()).toBe(2);
        await page.click('button.add-row[data-section=rules]');
        await page.keyboard.type('overcrowd');
        const added = rules.last();
        expect(await added.locator('input').inputValue()).toBe('overcrowd');
        await added.locator('textarea').fill('overcrowd*');
        await added.locator('.rr-hits', { hasText: 'in 30 days' }).waitFor({ timeout: 60_000 });
        expect((await added.locator('.rr-hits').textContent())?.replace(/\s+/g, ' ').trim()).toBe('2 items in 30 days');
        // With no blank row left, it adds one in place (a new name), and Remove takes it away again.
        await page.click('button.add-row[data-section=rules]');
        expect(await rules.count()).toBe(3);
        expect(await rules.last().getAttribute('data-row')).toBe('rules.2');
        await rules.last().locator('.rr-remove').click();
        expect(await rules.count()).toBe(2);
        await shot(page, `topic-${width}-3-fixed`);

        // Save: a new version, shown on the page it returns to.
        const before = (await activeRuleVersion(t.db))!.number;
        await page.fill('#message', `approved premises and jail (${width} px)`);
        await Promise.all([page.waitForURL(`${base}/rules/topics/prisons`), page.click('.rows-actions button[value=save]')]);
        expect(await text(page, '.flash')).toContain(`Saved as version ${before + 1}`);
        expect(await text(page, '.lede')).toContain(`version ${before + 1}`);
        expect(await page.locator('#rules-0-query').inputValue()).toBe('"approved premises" OR title:(jail OR prison*)');
        const saved = (await activeRuleVersion(t.db))!;
        expect(saved.message).toBe(`approved premises and jail (${width} px)`);
        expect(saved.ruleSet.topics.find((x) => x.id === 'prisons')!.rules).toEqual([
          { id: 'prison', query: '"approved premises" OR title:(jail OR prison*)' },
          { id: 'overcrowd', query: 'overcrowd*' },
        ]);
        expect(saved.yaml).toContain('# Our rules: this comment stays through saves from the rows.\n');
        expect(saved.yaml).toContain('      # Prison words.\n      - id: prison\n');
        expect(await fitsWidth(page), `${width} px scrolls sideways after saving`).toBe(true);
        await shot(page, `topic-${width}-4-saved`);
        expect(offsite).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }, 120_000);

    it(`${width} px: the YAML view numbers its lines and says what to do about a quoted query`, async () => {
      const { ctx, page, offsite, errors } = await open(width);
      try {
        await page.goto(`${base}/rules`);
        await page.click('#yaml-view summary');
        const lines = (await page.locator('#yaml').inputValue()).split('\n').length;
        expect(await page.locator('#yaml-gutter span').count()).toBe(lines);
        // The README's kind of query, written without the outer quotes: YAML trips on it.
        const broken = (await page.locator('#yaml').inputValue()).replace(`query: '"probation service" OR probat*'`, 'query: "probation service" OR probat* NEAR x');
        await page.fill('#yaml', broken);
        const line = broken.split('\n').findIndex((l) => l.includes('query: "probation service"')) + 1;
        await page.locator('#live-problems li').nth(1).waitFor({ timeout: 60_000 });
        const live = await page.locator('#live-problems li').allTextContents();
        expect(live[0]).toMatch(new RegExp(`^${line}:16: rules: YAML cannot read this query because it starts with a quote; put the whole query in single quotes`));
        expect(live[1]).toMatch(new RegExp(`^${line}:47: query: NEAR needs a distance in words`));
        expect(await page.locator('#yaml-gutter span.bad').allTextContents()).toEqual([String(line)]);
        // line:col takes the editor to that place in the text.
        await page.locator('#live-problems a').first().click();
        const caret = await page.evaluate<{ start: number; line: string }>(
          "(() => { const y = document.getElementById('yaml'); const s = y.selectionStart; return { start: s, line: y.value.slice(y.value.lastIndexOf('\\n', s - 1) + 1, s) }; })()",
        );
        expect(caret.line).toBe('        query: ');
        expect(await fitsWidth(page), `${width} px scrolls sideways in the YAML view`).toBe(true);
        await shot(page, `yaml-${width}`);
        await page.locator('#yaml-view').screenshot({ path: join(ARTIFACTS, `rules-yaml-${width}-view.png`) });
        expect(offsite).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }, 120_000);
  }
});
