// Real browser: the stories list as a press officer uses it, at 1,280 and 390 px — relevant only by default,
// topic and source chosen from lists with counts, a date preset, a saved search, keyboard navigation (j/k/o,
// /), and no sideways scrolling. Screenshots: test-artifacts/stories-filters-*.png.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserTestsRun, fitsWidth, openLoggedIn, startBrowserApp } from '../helpers/browser.ts';
import { seedStory } from '../helpers/drafts.ts';
import type { TestApp } from '../web/app.ts';

const H = 3_600_000;

describe.skipIf(!browserTestsRun)('browser: stories filters', () => {
  let t: TestApp;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    cookie = (await t.login(['press_officer'], 'po@example.org')).cookie;
    const now = t.clock.now.getTime();
    await seedStory(t.db, { title: 'Probation caseloads hit record in Leeds', topic: 'probation', at: new Date(now - 2 * H), sourceUrl: 'https://www.bbc.co.uk/news/rss.xml', sourceName: 'BBC News' });
    await seedStory(t.db, { title: 'Prison places: minister announces 10,000 more', topic: 'prisons', term: 'prison', at: new Date(now - 5 * H), sourceUrl: 'https://www.theguardian.com/uk/rss', sourceName: 'The Guardian' });
    await seedStory(t.db, { title: 'Parole Board to review IPP cases', topic: 'parole', term: 'parole', at: new Date(now - 3 * 24 * H), sourceUrl: 'https://www.theguardian.com/uk/rss', sourceName: 'The Guardian' });
    // Fetched but off-topic: only "show everything" lists it.
    const [src] = await t.db.query<{ id: number }>("INSERT INTO sources (url, host, name) VALUES ('https://news.example/feed', 'news.example', 'A very long regional newspaper name with an extremely long title indeed') RETURNING id");
    await t.db.query("INSERT INTO items (source_id, identity, url, title, published_at, fetched_at) VALUES ($1, 'x', 'https://news.example/harvest', 'Harvest festival draws record crowds', $2, $2)", [src!.id, new Date(now - H)]);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function open(width: number) {
    const o = await openLoggedIn(base, cookie, { width, height: 900 });
    return o;
  }
  const headlines = (page: Page) => page.locator('.story-hit h2').allTextContents();

  for (const width of [1280, 390]) {
    it(`filters, saves and navigates by keyboard at ${width} px`, async () => {
      const { ctx, page, offsite } = await open(width);
      const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `stories-filters-${name}-${width}.png`), fullPage: true });
      try {
        await page.goto(`${base}/stories`);
        expect(await headlines(page)).toHaveLength(3);
        expect((await headlines(page)).join()).not.toContain('Harvest');
        expect(await fitsWidth(page), 'the list scrolls sideways').toBe(true);
        await shot('1-relevant');
        // Show everything fetched.
        await page.check('#all');
        await Promise.all([page.waitForURL(/all=1/), page.click('.filters button[type=submit]')]);
        expect((await headlines(page)).join()).toContain('Harvest festival');
        await page.uncheck('#all');
        // A topic chosen from the list (its label carries the count).
        const prisons = await page.locator('#topic option[value="prisons"]').textContent();
        expect(prisons).toBe('Prisons (1)');
        await page.selectOption('#topic', 'prisons');
        await Promise.all([page.waitForURL(/topic=prisons/), page.click('.filters button[type=submit]')]);
        expect(await headlines(page)).toEqual(['Prison places: minister announces 10,000 more']);
        expect(await page.locator('#source option', { hasText: 'The Guardian (1)' }).count()).toBe(1);
        // A date preset keeps the topic.
        await Promise.all([page.waitForURL(/since=today/), page.click('.presets a:has-text("today (UK)")')]);
        expect(new URL(page.url()).searchParams.get('topic')).toBe('prisons');
        // Save it, then find it among the saved searches.
        await page.fill('#save-name', `Prisons today ${width}`);
        await Promise.all([page.waitForURL(/\/stories\?/), page.click('.save-search button')]);
        await expect(page.locator('.saved-searches a', { hasText: `Prisons today ${width}` }).getAttribute('aria-current')).resolves.toBe('page');
        await shot('2-saved');
        // Keyboard: / focuses the search; j j o opens the second story of the full list.
        await page.goto(`${base}/stories`);
        await page.keyboard.press('/');
        expect(await page.evaluate<string>('document.activeElement.id')).toBe('q');
        await page.locator('h1').click();
        await page.keyboard.press('j');
        await page.keyboard.press('j');
        const second = (await headlines(page))[1]!;
        expect(await page.evaluate<string>('document.activeElement.textContent')).toBe(second);
        await Promise.all([page.waitForURL(/\/stories\/\d+$/), page.keyboard.press('o')]);
        expect(await page.locator('h1').textContent()).toContain(second.trim());
        expect(offsite).toEqual([]);
      } finally {
        await ctx.close();
      }
    }, 120_000);
  }
});
