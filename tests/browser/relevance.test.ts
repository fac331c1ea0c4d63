// Real browser, real server: an editor opens the relevance model's page, sees its figures against the rules,
// switches a topic to "suggest", runs a suggestion's one-click backtest and lands on the rules page with the
// change made and its backtest; a press officer sees the model's decision and its terms on the story page.
// Screenshots land in test-artifacts/.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/adapters/passwords.ts';
import { recordFeedback } from '../../src/storage/feedback.ts';
import { insertItems, saveTopics } from '../../src/storage/items.ts';
import { insertDecisions, relevanceState } from '../../src/storage/relevance.ts';
import { addSource } from '../../src/storage/sources.ts';
import { createUser } from '../../src/storage/users.ts';
import { ARTIFACTS, browserTestsRun, openOnSite, startBrowserApp } from '../helpers/browser.ts';
import { assignStory } from '../helpers/stories.ts';
import type { TestApp } from '../web/app.ts';
import { newItem } from '../helpers/items.ts';

const PASSWORD = 'a browser-typed passphrase';
const item = (n: number, title: string, publishedAt: string) => newItem({ identity: `g${n}`, url: `https://news.test/${n}`, title, publishedAt });

describe.skipIf(!browserTestsRun)('browser: relevance model', () => {
  let t: TestApp;
  let base: string;
  let storyId: number;

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    const hash = await hashPassword(PASSWORD);
    const ed = (await createUser(t.db, { email: 'editor@example.org', roles: ['editor'], passwordHash: hash }))!;
    await createUser(t.db, { email: 'po@example.org', roles: ['press_officer'], passwordHash: hash });
    const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'Agency' })).source.id;
    const recent = new Date(t.clock.now.getTime() - 86_400_000).toISOString();
    const titles = ['Texas county jail riot', 'Probation caseloads rise', 'Probation service shake-up', 'Probation officers strike', 'Wing lockdowns after staff shortage at Leeds', 'Staff shortage forces lockdown at Hull'];
    const ids = (await insertItems(t.db, s, titles.map((x, i) => item(i, x, recent)), t.clock.now)).map((r) => r.id);
    storyId = Number((await assignStory(t.db, ids[0]!, t.clock.now)).storyId);
    await insertDecisions(t.db, [{ itemId: ids[0]!, model: 0, decisions: [{ topic: 'prisons', action: 'veto', probability: 0.04, applied: true, terms: [{ term: 'Texas', weight: -2.1 }, { term: 'place abroad', weight: -0.9 }] }] }], t.clock.now);
    for (const id of ids.slice(1, 4)) await saveTopics(t.db, id, [{ topic: 'probation', rule: 'probation-word' }], t.clock.now);
    await recordFeedback(t.db, { itemIds: ids.slice(1, 4), userId: ed.id, relevant: false, via: 'web', now: t.clock.now });
    await recordFeedback(t.db, { itemIds: ids.slice(4), userId: ed.id, relevant: true, via: 'web', now: t.clock.now });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('editor: figures, a topic switched to suggest, a suggestion backtested; press officer: the decision on the story page', async () => {
    const { ctx, page, offsite } = await openOnSite(base, { width: 1200, height: 900 });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `relevance-${name}.png`), fullPage: true });
    const login = async (email: string, path: string) => {
      await page.goto(`${base}${path}`);
      await page.fill('#email', email);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}${path}`), page.click('main button[type=submit]')]);
    };
    try {
      await login('editor@example.org', '/relevance');
      expect(await page.locator('h1').textContent()).toBe('Relevance model');
      expect(await page.locator('.lede').textContent()).toContain('Tagging now uses the shipped model');
      // Rules alone and rules + model, per topic.
      const courts = page.locator('table.model-figures tbody tr', { has: page.locator('th', { hasText: /^courts$/ }) });
      expect(await courts.locator('td').count()).toBe(6);
      expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('Model');
      await shot('1-page');

      // Prisons: "suggest".
      await page.selectOption('#mode-prisons', 'suggest');
      await Promise.all([page.waitForURL(`${base}/relevance#topic-prisons`), page.locator('#topic-prisons button[type=submit]').click()]);
      expect(await page.locator('.flash').textContent()).toContain("prisons: the model's decisions are shown, not applied");
      expect(await page.locator('#mode-prisons').inputValue()).toBe('suggest');
      expect((await relevanceState(t.db)).modes).toEqual({ prisons: 'suggest' });

      // The suggested rules: a term the rules miss, and a rule judged not relevant on every hit.
      expect(await page.locator('.suggest-add li').first().textContent()).toMatch(/^"staff shortage" as a rule of \S+ \(in 2 items marked relevant that the rules miss; 0 marked not relevant\)/);
      const remove = page.locator('.suggest-remove li', { hasText: 'probation/probation-word' });
      expect(await remove.textContent()).toContain('3 of its 3 judged hits marked not relevant');
      await shot('2-suggest');
      await Promise.all([page.waitForURL(`${base}/rules#backtest`), remove.locator('button', { hasText: 'Backtest' }).click()]);
      await page.locator('#backtest').waitFor();
      expect(await page.locator('#backtest').textContent()).toMatch(/removed\s+rule\s+probation\/probation-word/);
      const yaml = await page.locator('#yaml').inputValue();
      expect(yaml).not.toContain('id: probation-word');
      expect(yaml).toContain('id: probation-service');
      expect(await page.locator('#message').inputValue()).toBe('Remove probation/probation-word: 3 of its 3 judged hits marked not relevant');
      await shot('3-backtest');

      // A press officer reads the decision on the story page.
      await page.context().clearCookies();
      await login('po@example.org', `/stories/${storyId}`);
      const decision = page.locator('.model-decisions li');
      expect(await decision.textContent()).toMatch(/The relevance model removed\s+prisons\s+\(probability 4%\):\s+Texas −2\.10,\s+place abroad −0\.90/);
      await shot('4-story');
      expect(offsite).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
