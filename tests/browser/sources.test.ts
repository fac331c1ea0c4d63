// Real browser: the sources page at 1,280 and 390 px wide, screenshots in test-artifacts/sources-*.png.
// Failing sources come first, nothing scrolls sideways (long hosts, names and errors included), sorting works
// by the headings and by the form (the headings are hidden on a phone), and removing asks first and keeps the
// source's items in their story. Also the audit log it leaves, and the queue dashboard's way back.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPoll } from '../../src/storage/polls.ts';
import { addSource, getSource, itemCount } from '../../src/storage/sources.ts';
import { ARTIFACTS, browserTestsRun, fitsWidth, openLoggedIn, startBrowserApp } from '../helpers/browser.ts';
import { seedStory } from '../helpers/drafts.ts';
import type { TestApp } from '../web/app.ts';

const H = 3_600_000;
const WIDTHS = [1280, 390];

const OUTLETS = ['Inside Time', 'Russell Webster', 'Prison Reform Trust', 'Howard League', 'Napo news', 'Cafcass', 'Parole Board (GOV.UK)', 'HM Inspectorate of Probation', 'Youth Justice Board', 'The Justice Gazette', 'Evening Chronicle', 'Northern Courts Weekly', 'Probation Quarterly', 'Legal Aid Digest', 'Family Courts Review', 'Bench & Bar', 'Custody Watch', 'Community Sentences Blog'];

describe.skipIf(!browserTestsRun)('browser: the sources page', () => {
  let t: TestApp;
  let base: string;
  let cookie: string;
  let removable: number;
  let storyId: number;

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    cookie = (await t.login(['editor', 'admin'], 'editor@example.org')).cookie;
    const now = t.clock.now;
    const ok = { result: 'ok' as const, status: 200, ms: 40, bytes: 5000, newItems: 1, pollsSinceFull: 1, intervalS: 900, nextPollAt: new Date(now.getTime() + 15 * 60_000), nextPollReason: 'new items: polling sooner', errorScore: 0, itemsPerDay: null };
    for (const [i, name] of OUTLETS.entries()) {
      const url = `https://www.${name.toLowerCase().replace(/[^a-z]+/g, '-')}.example/feeds/justice/latest-news.xml`;
      const s = (await addSource(t.db, { url, name })).source;
      await recordPoll(t.db, s.id, { ...ok, at: new Date(now.getTime() - (i + 1) * 7 * 60_000) });
      for (let k = 0; k < (i * 3) % 11; k++) await seedStory(t.db, { title: `${name} report ${k} on probation caseloads`, sourceUrl: url, sourceName: name, at: new Date(now.getTime() - (k + 1) * 9 * H) });
    }
    const failing = [
      ['https://a-very-long-hostname-for-a-failing-regional-newspaper-feed.example/rss/justice/news.xml', 'Evening Chronicle — courts and justice desk (regional edition)', 'poll: HTTP 503: the server failed; it is retried later with backoff', 26],
      ['https://www.gone.example/feed', 'Old Probation Blog', 'poll: HTTP 404: the feed is not there any more; check the URL or remove the source', 3],
    ] as const;
    for (const [url, name, error, hours] of failing) {
      const s = (await addSource(t.db, { url, name })).source;
      await recordPoll(t.db, s.id, { ...ok, at: new Date(now.getTime() - hours * H) });
      await recordPoll(t.db, s.id, { ...ok, result: 'error', status: 503, newItems: 0, error, at: new Date(now.getTime() - 10 * 60_000), nextPollAt: new Date(now.getTime() + 40 * 60_000), nextPollReason: `backing off after failures (score 3): ${error}`, errorScore: 3 });
      await t.db.query('UPDATE sources SET consecutive_failures = 7, failing_since = $2 WHERE id = $1', [s.id, new Date(now.getTime() - hours * H)]);
    }
    const gone = (await addSource(t.db, { url: 'https://www.to-be-removed.example/feed.xml', name: 'Weekly Justice Roundup' })).source;
    removable = gone.id;
    await recordPoll(t.db, gone.id, { ...ok, at: new Date(now.getTime() - H) });
    storyId = await seedStory(t.db, { title: 'Roundup: probation service staffing figures', sourceUrl: gone.url, sourceName: gone.name, at: new Date(now.getTime() - 2 * H) });
    await t.db.query("UPDATE sources SET enabled = false WHERE name = 'Cafcass'");
  });
  afterAll(async () => {
    await t?.close();
  });

  async function open(width: number) {
    const o = await openLoggedIn(base, cookie, { width, height: 900 });
    return o;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `sources-${name}.png`), fullPage: true });
  const names = (page: Page) => page.locator('table.sources tbody td.col-source > a').allTextContents();
  const height = (page: Page) => page.evaluate<number>('document.documentElement.scrollHeight');

  it('lists failing sources first, fits 1,280 and 390 px, and sorts by the headings or the form', async () => {
    for (const width of WIDTHS) {
      const { ctx, page, offsite } = await open(width);
      try {
        await page.goto(`${base}/sources`);
        const rows = page.locator('table.sources tbody tr');
        expect(await rows.count()).toBe(OUTLETS.length + 3);
        expect(await rows.nth(0).getAttribute('class')).toBe('source-failing');
        expect(await rows.nth(1).getAttribute('class')).toBe('source-failing');
        expect(await rows.nth(2).getAttribute('class')).not.toBe('source-failing');
        expect(await rows.last().getAttribute('class')).toBe('source-disabled');
        // The longest failing on top; its error shown once on the page.
        expect((await names(page))[0]).toContain('Evening Chronicle — courts');
        expect(await page.getByText('HTTP 503: the server failed').count()).toBe(1);
        expect(await fitsWidth(page), `sources at ${width} px scrolls sideways`).toBe(true);
        expect(await page.evaluate<boolean>("document.querySelector('table.sources').getBoundingClientRect().right <= document.querySelector('.sources-head').getBoundingClientRect().right + 1"), 'the table stays inside the page').toBe(true);
        await shot(page, `${width}`);
        // What a phone shows first, readable at full size (the whole page is in the full-page shot).
        if (width === 390) {
          await page.screenshot({ path: join(ARTIFACTS, 'sources-390-top.png') });
          await rows.nth(1).scrollIntoViewIfNeeded();
          await page.evaluate('window.scrollBy(0, 250)');
          await page.screenshot({ path: join(ARTIFACTS, 'sources-390-cards.png') });
        }
        const tall = await height(page);
        if (width === 1280) expect(tall, 'one line or two per source at 1,280 px').toBeLessThan(1900);

        if (width === 1280) {
          await page.locator('th.col-source a').click();
          await page.waitForURL(`${base}/sources?sort=name`);
          const byName = await names(page);
          expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b, 'en-GB', { sensitivity: 'base' })));
          expect(await page.locator('th.col-source').getAttribute('aria-sort')).toBe('ascending');
          await page.locator('th.col-source a').click();
          await page.waitForURL(`${base}/sources?sort=name-desc`);
          expect((await names(page))[0]).toBe('Youth Justice Board');
        } else {
          // The headings are hidden on a phone: the form sorts, without script.
          expect(await page.locator('table.sources thead').isVisible()).toBe(false);
          await page.locator('#sort').selectOption('items');
          await page.getByRole('button', { name: 'Sort' }).click();
          await page.waitForURL(`${base}/sources?sort=items`);
          const perDay = (await page.locator('table.sources tbody td.col-num').allTextContents()).map((s) => Number.parseFloat(s)).filter((n) => !Number.isNaN(n));
          expect(perDay.length).toBeGreaterThan(10);
          expect(perDay).toEqual([...perDay].sort((a, b) => b - a));
          expect(perDay[0]).toBeGreaterThan(0);
          expect(await fitsWidth(page)).toBe(true);
          await shot(page, `${width}-by-items`);
        }
        expect(offsite).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 180_000);

  it('removes a source only after the confirmation page, and its item stays in its story', async () => {
    const { ctx, page, offsite } = await open(390);
    try {
      await page.goto(`${base}/sources`);
      await page.locator(`#source-${removable} a.remove-link`).click();
      await page.waitForURL(`${base}/sources/${removable}/remove`);
      expect(await page.locator('h1').textContent()).toBe('Remove Weekly Justice Roundup?');
      await expect(page.getByText('1 item stays').count()).resolves.toBe(1);
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, 'remove-390');
      expect((await getSource(t.db, removable))?.removedAt).toBeNull();
      await page.getByRole('button', { name: 'Remove Weekly Justice Roundup' }).click();
      await page.waitForURL(`${base}/sources`);
      expect(await page.locator('.flash-ok').textContent()).toContain('Removed "Weekly Justice Roundup". Its item stays');
      expect(await names(page)).not.toContain('Weekly Justice Roundup');
      expect(await itemCount(t.db, removable)).toBe(1);
      await page.goto(`${base}/stories/${storyId}`);
      expect(await page.getByText('Roundup: probation service staffing figures').count()).toBeGreaterThan(0);
      // Its feedback buttons work as before, and show the verdict once given.
      await page.getByRole('button', { name: 'Relevant', exact: true }).click();
      await page.waitForURL(new RegExp(`/stories/${storyId}#item-`));
      expect(await page.getByRole('button', { name: 'Relevant', exact: true }).getAttribute('aria-pressed')).toBe('true');
      expect(await page.getByRole('button', { name: 'Not relevant' }).getAttribute('aria-pressed')).toBe('false');
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, 'story-390');
      expect(offsite).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('leaves the removal in the audit log in words, and the queue dashboard links back', async () => {
    const { ctx, page, offsite } = await open(1280);
    try {
      await page.goto(`${base}/admin/audit`);
      const row = page.locator('table.audit tbody tr').first();
      expect(await row.locator('td').nth(1).textContent()).toBe('editor@example.org');
      expect(await row.locator('td').nth(2).textContent()).toMatch(/^removed the source Weekly Justice Roundup \(https:\/\/www\.to-be-removed\.example\/feed\.xml\); its 1 item\(s\) kept/);
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, 'audit-1280');

      await page.goto(`${base}/admin/queues`);
      await page.getByText('pressdesk queues').first().waitFor();
      // bull-board puts miscLinks in its header menu.
      const back = page.getByText('Back to pressdesk');
      if (!(await back.isVisible())) await page.locator('header button').last().click();
      await back.waitFor({ state: 'visible' });
      await shot(page, 'queues-1280');
      await back.click();
      await page.waitForURL(`${base}/`);
      expect(offsite).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
