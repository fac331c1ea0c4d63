// Real browser, real server: an editor logs in, searches the archive, opens a story, sees its items with the
// rule's highlights, moves one item out, and downloads nothing from anywhere but loopback. Screenshots land in
// test-artifacts/ (git-ignored). Launch pattern copied from tests/browser/roles.test.ts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/adapters/passwords.ts';
import type { Db } from '../../src/storage/db.ts';
import { assignStory } from '../helpers/stories.ts';
import { createUser } from '../../src/storage/users.ts';
import { ARTIFACTS, browserTestsRun, openOnSite, startBrowserApp } from '../helpers/browser.ts';
import type { TestApp } from '../web/app.ts';

const PASSWORD = 'a browser-typed passphrase';

const BODY = 'Probation officers in Leeds voted by 83% to strike over caseloads, Napo said, after Darren Pike was named regional director.';

async function add(db: Db, source: string, title: string, at: string, hits: { field: string; start: number; end: number }[] = [], body = BODY) {
  const host = `${source.toLowerCase().replace(/\W+/g, '-')}.example.org`;
  const [src] = await db.query<{ id: number }>(
    'INSERT INTO sources (url, host, name) VALUES ($1, $2, $3) ON CONFLICT (url) DO UPDATE SET name = excluded.name RETURNING id',
    [`https://${host}/feed`, host, source],
  );
  const [row] = await db.query<{ id: number }>(
    'INSERT INTO items (source_id, identity, url, title, body_text, published_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [src!.id, title, `https://${host}/a`, title, body, at],
  );
  await db.query("INSERT INTO item_topics (item_id, topic, rule, matches) VALUES ($1, 'industrial-action', 'strike', $2)", [row!.id, JSON.stringify(hits)]);
  await assignStory(db, row!.id, new Date(at));
}

describe.skipIf(!browserTestsRun)('browser: stories', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    await createUser(t.db, { email: 'editor@example.org', roles: ['editor'], passwordHash: await hashPassword(PASSWORD) });
    await add(t.db, 'BBC News', 'Leeds probation staff vote to strike', '2026-03-01T08:00:00Z', [{ field: 'title', start: 30, end: 36 }]);
    await add(t.db, 'Yorkshire Post', 'Leeds probation officers vote for strike action', '2026-03-01T09:30:00Z', [{ field: 'body', start: BODY.indexOf('strike'), end: BODY.indexOf('strike') + 6 }]);
    await add(t.db, 'Inside Time', 'Cookham Wood youth jail to close', '2026-02-20T09:00:00Z', [], 'The youth jail will close after damning inspections.');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an editor searches, opens a story, sees its items and moves one out', async () => {
    const { ctx, page, offsite } = await openOnSite(base, { width: 1024, height: 900 });
    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `stories-${name}.png`), fullPage: true });
    try {
      await page.goto(`${base}/stories`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('#email', 'editor@example.org');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/stories`), page.click('main button[type=submit]')]);
      expect(await page.locator('.story-hit').count()).toBe(2);
      await shot('1-list');

      await page.fill('#q', 'strik* AND leeds');
      await Promise.all([page.waitForURL(/\/stories\?q=/), page.click('form[role=search] button[type=submit]')]);
      await expect(page.locator('.story-hit').count()).resolves.toBe(1);
      expect(await page.locator('.story-hit .meta').textContent()).toContain('2 items from 2 sources');
      await shot('2-search');

      await Promise.all([page.waitForURL(/\/stories\/\d+$/), page.click('.story-hit h2 a')]);
      expect(await page.locator('h1').textContent()).toBe('Leeds probation staff vote to strike');
      expect(await page.locator('.timeline .item').count()).toBe(2);
      expect(await page.locator('.timeline mark').allTextContents()).toEqual(['strike', 'strike']);
      expect(await page.locator('.sources li').allTextContents()).toEqual(['BBC News (1)', 'Yorkshire Post (1)']);
      await shot('3-story');

      await Promise.all([page.waitForURL(/\/stories\/\d+$/), page.locator('.timeline .item').nth(1).getByRole('button', { name: 'Move out of this story' }).click()]);
      expect(await page.locator('.flash').textContent()).toMatch(/Item moved out into story \d+/);
      expect(await page.locator('.timeline .item').count()).toBe(1);
      expect(await page.locator('.decisions li').textContent()).toContain('editor@example.org');
      await shot('4-split');
      expect(offsite).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
