// Real browser: each role's desk (home) and the trends page at 1,280 and 390 px wide, screenshots in
// test-artifacts/desk-*.png. The desk refreshes its panels without a reload; nothing scrolls sideways; the
// charts render as SVG with their spike marked; nothing is fetched from anywhere but the app.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/types.ts';
import { ARTIFACTS, browserTestsRun, fitsWidth, openLoggedIn, startBrowserApp } from '../helpers/browser.ts';
import { seedStory } from '../helpers/drafts.ts';
import type { TestApp } from '../web/app.ts';

const H = 3_600_000;
const WIDTHS = [1280, 390];

describe.skipIf(!browserTestsRun)('browser: the desk and trends', () => {
  let t: TestApp;
  let base: string;
  const cookies = new Map<Role, string>();

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    for (const role of ['press_officer', 'editor', 'admin'] as Role[]) cookies.set(role, (await t.login([role], `${role}@example.org`)).cookie);
    const now = t.clock.now.getTime();
    for (let i = 0; i < 7; i++) {
      await seedStory(t.db, { title: `Parole Board releases prisoner ${i} in ${['Leeds', 'Hull', 'Bristol', 'Cardiff', 'Exeter', 'Norwich', 'Durham'][i]}`, topic: 'parole', term: 'parole', at: new Date(now - (i + 1) * H), sourceUrl: `https://outlet${i}.example/feed` });
    }
    for (let d = 1; d <= 20; d++) await seedStory(t.db, { title: `Prison inspection report number ${d} published`, topic: 'prisons', term: 'prison', at: new Date(now - d * 24 * H + 5 * H) });
    await t.db.query(
      `INSERT INTO sources (url, host, name, consecutive_failures, failing_since, last_error) VALUES ('https://a-very-long-hostname-for-a-failing-feed.example/rss/justice/news.xml', 'a-very-long-hostname-for-a-failing-feed.example', 'Evening Chronicle (justice desk)', 4, $1, 'poll: HTTP 503: the server failed; it is retried later with backoff')`,
      [new Date(now - 26 * H)],
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  async function open(role: Role, width: number) {
    const o = await openLoggedIn(base, cookies.get(role)!, { width, height: 900 });
    return o;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `desk-${name}.png`), fullPage: true });

  const PANELS: Record<string, string[]> = {
    press_officer: ['Drafts awaiting your decision', 'Spiking now', "Today's relevant stories"],
    editor: ['Failing sources', 'Rules to look at'],
    admin: ['Drafts awaiting your decision', 'Failing sources', 'System'],
  };

  for (const role of ['press_officer', 'editor', 'admin'] as Role[]) {
    it(`${role}: the desk shows that role's panels, fits 1,280 and 390 px, and refreshes itself`, async () => {
      for (const width of WIDTHS) {
        const { ctx, page, offsite } = await open(role, width);
        try {
          await page.goto(`${base}/`);
          const headings = await page.locator('#desk h2').allTextContents();
          for (const p of PANELS[role]!) expect(headings.some((h) => h.includes(p)), `${role} ${width}: ${p} in ${headings.join(' | ')}`).toBe(true);
          if (role === 'editor') expect(headings.some((h) => h.includes('Drafts'))).toBe(false);
          expect(await fitsWidth(page), `${role} at ${width} px scrolls sideways`).toBe(true);
          await shot(page, `${role}-${width}`);
          if (role === 'press_officer' && width === 1280) {
            // A new relevant story arrives; the desk picks it up without a reload (desk.js refreshes when the tab shows).
            await seedStory(t.db, { title: 'Youth custody review announced by minister', topic: 'youth-justice', term: 'youth', at: new Date(t.clock.now.getTime() - H / 2) });
            await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
            await page.getByText('Youth custody review announced by minister').waitFor({ timeout: 60_000 });
            expect(await page.locator('h1').textContent()).toBe('Your desk');
          }
          expect(offsite).toEqual([]);
        } finally {
          await ctx.close();
        }
      }
    }, 120_000);
  }

  it('trends: a chart per topic, the spike marked, readable at 390 px', async () => {
    for (const width of WIDTHS) {
      const { ctx, page, offsite } = await open('press_officer', width);
      try {
        await page.goto(`${base}/trends`);
        const parole = page.locator('#topic-parole');
        await expect(parole.locator('.badge-spike').textContent()).resolves.toContain('spiking');
        const chart = parole.locator('svg.chart').first();
        const box = await chart.boundingBox();
        expect(box!.width).toBeGreaterThan(width === 390 ? 300 : 600);
        expect(box!.height).toBeGreaterThan(20);
        expect(await parole.locator('svg.chart').first().locator('rect[fill="#c2410c"]').count()).toBe(24);
        expect(await page.locator('#topic-prisons .badge-spike').count()).toBe(0);
        expect(await fitsWidth(page), `trends at ${width} px scrolls sideways`).toBe(true);
        await shot(page, `trends-${width}`);
        expect(offsite).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 120_000);
});
