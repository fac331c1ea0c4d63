// Real browser, real server: an editor logs in, breaks a rule and sees the inline error, fixes it, backtests
// and sees the gained items with highlights, saves with a message and sees the new version in use.
// Screenshots land in test-artifacts/. Launch pattern copied from tests/browser/roles.test.ts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/adapters/passwords.ts';
import { loadRuleSet } from '../../src/rules/ruleset.ts';
import { insertItems } from '../../src/storage/items.ts';
import { activeVersionNumber, saveRuleVersion } from '../../src/storage/rules.ts';
import { addSource } from '../../src/storage/sources.ts';
import { createUser } from '../../src/storage/users.ts';
import { ARTIFACTS, browserTestsRun, openOnSite, startBrowserApp } from '../helpers/browser.ts';
import type { TestApp } from '../web/app.ts';
import { newItem } from '../helpers/items.ts';

const PASSWORD = 'a browser-typed passphrase';

const YAML = `topics:
  - id: prisons
    name: Prisons
    rules:
      - id: prison
        query: prison*
`;
const item = (n: string, title: string, body: string, publishedAt: string) => newItem({ identity: n, title, bodyText: body, publishedAt });

describe.skipIf(!browserTestsRun)('browser: rules editor', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    await createUser(t.db, { email: 'editor@example.org', roles: ['editor'], passwordHash: await hashPassword(PASSWORD) });
    const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'Agency' })).source.id;
    const recent = new Date(t.clock.now.getTime() - 2 * 86_400_000).toISOString();
    await insertItems(t.db, s, [
      item('1', 'Prison officers strike at HMP Leeds', 'Staff walked out.', recent),
      item('2', 'Jail overcrowding <em>worst</em> on record', 'The jail in Leeds holds twice its capacity.', recent),
      item('3', 'Weather warning', 'Rain all week.', recent),
    ], t.clock.now);
    await saveRuleVersion(t.db, { yaml: YAML, ruleSet: loadRuleSet(YAML).ruleSet, authorId: null, message: 'prisons only', now: t.clock.now });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('break a rule, see the inline error, fix, backtest, save, see the new version', async () => {
    const { ctx, page, offsite } = await openOnSite(base, { width: 1200, height: 900 });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      // The 422 of a refused Check is expected; script errors and CSP refusals are not.
      if (m.type() === 'error' && !/status of 422/.test(m.text())) pageErrors.push(m.text());
    });
    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `rules-${name}.png`), fullPage: true });
    const submit = (action: string) => Promise.all([page.waitForLoadState('load'), page.waitForResponse((r) => r.url() === `${base}/rules` && r.request().method() === 'POST'), page.click(`button[name=action][value=${action}]`)]);
    try {
      await page.goto(`${base}/rules`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('#email', 'editor@example.org');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/rules`), page.click('main button[type=submit]')]);
      expect(await page.locator('.lede').textContent()).toContain('version 1');
      await shot('1-editor');

      // Break the rule in the YAML view (folded away until opened): an unclosed parenthesis.
      await page.click('#yaml-view summary');
      await page.fill('#yaml', YAML.replace('query: prison*', 'query: prison* OR (jail'));
      // The optional script checks while typing...
      await page.locator('#live-problems code').first().waitFor({ timeout: 60_000 });
      expect(await page.locator('#live-problems code').first().textContent()).toBe('6:27');
      // ...and the plain form does the same without it.
      await submit('check');
      await page.locator('.problem').first().waitFor();
      expect(await page.locator('.problem code').first().textContent()).toBe('6:27');
      expect(await page.locator('.problem-message').first().textContent()).toContain('is never closed');
      expect(await page.locator('#yaml').getAttribute('aria-invalid')).toBe('true');
      await shot('2-inline-error');

      // Fix it and backtest.
      await page.fill('#yaml', YAML.replace('query: prison*', 'query: prison* OR jail'));
      await submit('backtest');
      await page.locator('#backtest').waitFor();
      expect(await page.locator('#backtest h2').textContent()).toBe('Backtest: 1 gained, 0 lost');
      const gained = page.locator('.bt-gained .bt-item');
      expect(await gained.count()).toBe(1);
      expect(await gained.locator('mark').allTextContents()).toEqual(expect.arrayContaining(['Jail', 'jail']));
      expect(await gained.locator('em').count()).toBe(0); // feed markup never renders
      await shot('3-backtest');

      // Save with a message.
      await page.fill('#message', 'also jail');
      await Promise.all([page.waitForURL(`${base}/rules`), page.click('button[name=action][value=save]')]);
      expect(await page.locator('.flash').textContent()).toContain('Saved as version 2');
      expect(await page.locator('.lede').textContent()).toContain('version 2');
      const first = page.locator('table.versions tbody tr').first();
      expect(await first.textContent()).toContain('also jail');
      expect(await first.textContent()).toContain('(in use)');
      expect(await activeVersionNumber(t.db)).toBe(2);
      await shot('4-saved');
      expect(offsite).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
