// Real browser, real server: a campaigner subscribes on a phone-sized screen (the form must not scroll
// sideways), reads the confirmation email from the outbox, opens its link, confirms with the button, goes on to
// the preferences page, changes topics and frequency, saves, and unsubscribes. Screenshots land in
// /tmp/shots-subs (390 px wide, then 1280). Launch as in drafts.test.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_TEXT } from '../../src/services/subscribe.ts';
import { findSubscriber } from '../../src/storage/subscribers.ts';
import { browserTestsRun, openOnSite, startBrowserApp } from '../helpers/browser.ts';
import type { TestApp } from '../web/app.ts';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-subs';
const EMAIL = 'campaigner@example.org';

describe.skipIf(!browserTestsRun)('browser: a campaigner subscribes, confirms, changes and unsubscribes', () => {
  let t: TestApp;
  let base: string;
  let outbox: string;

  /** The text of every email in the outbox to `address`. */
  async function mailTexts(address: string): Promise<string[]> {
    const files = existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort() : [];
    const mails = await Promise.all(files.map((f) => simpleParser(readFileSync(join(outbox, f)))));
    return mails.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text.includes(address))).map((m) => m.text ?? '');
  }

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    outbox = join(t.app.pd.deps.config.dataDir, 'outbox');
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('subscribe → confirmation email → confirm → preferences → save → unsubscribe', async () => {
    const { ctx, page, offsite } = await openOnSite(base, { width: 390, height: 844 });
    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `subscriptions-${name}.png`), fullPage: true });
    try {
      // A visitor finds the form from the home page's navigation.
      await page.goto(`${base}/`);
      await Promise.all([page.waitForURL(`${base}/subscribe`), page.click('header nav a[href="/subscribe"]')]);

      // On a 390 px phone the form fits: nothing scrolls sideways, and the honeypot is off screen.
      // A string, run in the page: the project's TypeScript has no DOM types.
      const widths = await page.evaluate<{ scroll: number; client: number }>('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      const trap = await page.locator('#website').boundingBox();
      expect(trap!.x + trap!.width).toBeLessThanOrEqual(0);
      expect(await page.locator('label.consent').textContent()).toContain(CONSENT_TEXT);
      await shot('1-form-390');

      await page.fill('#email', EMAIL);
      await page.check('input[name=topics][value=probation]');
      await page.check('input[name=topics][value=prisons]');
      await page.check('input[name=frequency][value=weekly]');
      await page.check('#consent');
      await Promise.all([page.waitForURL(`${base}/subscribe`), page.click('.subscribe-form button[type=submit]')]);
      expect(await page.locator('h1').textContent()).toBe('Check your inbox');
      await shot('2-sent');
      await page.setViewportSize({ width: 1280, height: 900 });

      // The confirmation email: its link, opened in the browser (PUBLIC_URL is the test's name for this server).
      await expect.poll(async () => (await mailTexts(EMAIL)).length).toBe(1);
      const link = /http:\/\/pressdesk\.test(\/subscribe\/confirm\/\S+)/.exec((await mailTexts(EMAIL))[0]!)?.[1];
      expect(link).toBeTruthy();
      await page.goto(`${base}${link}`);
      expect(await page.locator('.subscription-summary').textContent()).toContain('Probation and Prisons');
      expect((await findSubscriber(t.db, EMAIL))!.status).toBe('pending'); // opening the link confirmed nothing
      await shot('3-confirm');
      await Promise.all([page.waitForLoadState(), page.click('form.confirm button[type=submit]')]);
      expect(await page.locator('h1').textContent()).toBe('You’re subscribed');
      expect(await page.locator('.flash-ok').textContent()).toContain(`${EMAIL} will get a weekly news digest on Probation and Prisons.`);
      expect((await findSubscriber(t.db, EMAIL))!.status).toBe('active');
      await shot('4-subscribed');

      // The preferences page, from the confirmation page: courts in place of prisons, daily, skip empty ones.
      await Promise.all([page.waitForURL(/\/subscription\/[^/]+$/), page.click('a.preferences-link')]);
      const preferences = page.url();
      expect(await page.isChecked('input[name=topics][value=prisons]')).toBe(true);
      expect(await page.isChecked('input[name=frequency][value=weekly]')).toBe(true);
      await page.uncheck('input[name=topics][value=prisons]');
      await page.check('input[name=topics][value=courts]');
      await page.check('input[name=frequency][value=daily]');
      await page.check('input[name=skip_empty]');
      await Promise.all([page.waitForURL(preferences), page.click('.subscription-form button[type=submit]')]);
      expect(await page.locator('.flash-ok').textContent()).toContain('Saved.');
      expect(await page.isChecked('input[name=topics][value=courts]')).toBe(true);
      expect(await page.isChecked('input[name=topics][value=prisons]')).toBe(false);
      expect(await findSubscriber(t.db, EMAIL)).toMatchObject({ status: 'active', topics: ['probation', 'courts'], frequency: 'daily', skipEmpty: true });
      await shot('5-saved');

      // Unsubscribe from the same page.
      await Promise.all([page.waitForURL(/\/unsubscribe\/[^/]+$/), page.click('section.unsubscribe button[type=submit]')]);
      expect(await page.locator('h1').textContent()).toBe('You are unsubscribed');
      expect(await page.locator('.flash-ok').textContent()).toContain(`${EMAIL} will get no more news alerts from us.`);
      expect(await page.locator('main a[href="/subscribe"]').count()).toBe(1);
      expect((await findSubscriber(t.db, EMAIL))!.status).toBe('unsubscribed');
      await shot('6-unsubscribed');
      expect(offsite).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
