// Real browser, real server: a press officer logs in, sees the review queue, edits a draft (the diff against
// the generated text shows), approves it, rejects another with a reason, and opens an approval link on a
// phone-sized screen. Screenshots land in /tmp/shots (1280 px and 390 px wide). Launch as in stories.test.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/adapters/passwords.ts';
import { signLink } from '../../src/pipeline/links.ts';
import { draftStory } from '../../src/services/draft-story.ts';
import { requestApproval } from '../../src/services/request-approval.ts';
import { getDraft } from '../../src/storage/drafts.ts';
import { createUser } from '../../src/storage/users.ts';
import { seedStory } from '../helpers/drafts.ts';
import { browserTestsRun, openFresh, openOnSite, startBrowserApp } from '../helpers/browser.ts';
import type { TestApp } from '../web/app.ts';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';
const PASSWORD = 'a browser-typed passphrase';
const SECRET = Buffer.from('t'.repeat(32)); // tests/web/app.ts's secret

describe.skipIf(!browserTestsRun)('browser: drafts', () => {
  let t: TestApp;
  let base: string;
  let officerId: number;
  const ids: number[] = [];

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    mkdirSync(SHOTS, { recursive: true });
    officerId = (await createUser(t.db, { email: 'duty@example.org', roles: ['press_officer'], passwordHash: await hashPassword(PASSWORD) }))!.id;
    const deps = { db: t.db, mailer: t.app.pd.deps.mailer, config: t.app.pd.deps.config, secret: SECRET, now: () => t.clock.now };
    for (const [title, summary] of [
      ['OMiC model goes live in open prisons <script>alert(1)</script>', '<p>The probation service takes over offender management in open prisons from April. Napo has warned about caseloads.</p>'],
      ['HMPPS confirms new approved premises in Kent', '<p>The probation service will open two approved premises in Kent next year.</p>'],
    ] as const) {
      const r = await draftStory(deps, await seedStory(t.db, { title, summary }), { force: true });
      if (!r.ok) throw new Error(r.message);
      const a = await requestApproval(deps, r.draft.id);
      if (!a.ok) throw new Error(a.message);
      ids.push(r.draft.id);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a press officer reviews, edits with a diff, approves and rejects', async () => {
    const { ctx, page, offsite } = await openOnSite(base, { width: 1280, height: 900 });
    const shot = async (name: string) => {
      await page.screenshot({ path: join(SHOTS, `drafts-${name}-1280.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(SHOTS, `drafts-${name}-390.png`), fullPage: true });
      await page.screenshot({ path: join(SHOTS, `drafts-${name}-390-top.png`) }); // the first screen, readable
      await page.setViewportSize({ width: 1280, height: 900 });
    };
    try {
      await page.goto(`${base}/drafts`);
      await page.fill('#email', 'duty@example.org');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/drafts`), page.click('main button[type=submit]')]);
      expect(await page.locator('#awaiting-h + table .draft-row').count()).toBe(2);
      expect(await page.locator('.draft-row').first().textContent()).toContain('in 30 min');
      await shot('1-queue');

      await page.goto(`${base}/`);
      expect(await page.locator('#desk .draft-row').count()).toBe(2);
      await shot('2-home');

      await Promise.all([page.waitForURL(`${base}/drafts/${ids[0]}`), page.goto(`${base}/drafts/${ids[0]}`)]);
      expect(await page.locator('h1').textContent()).toBeTruthy();
      expect(await page.locator('.draft-story').textContent()).toContain('<script>alert(1)</script>'); // shown as text
      await page.click('details.edit summary');
      const html = await page.inputValue('#html');
      await page.fill('#html', `${html}\n<p>Napo will ballot its members in open prisons.</p>`);
      await Promise.all([page.waitForURL(`${base}/drafts/${ids[0]}`), page.click('details.edit button[type=submit]')]);
      expect(await page.locator('.flash-ok').textContent()).toContain('version 2');
      expect(await page.locator('pre.diff ins').allTextContents()).toContain('\n\nNapo will ballot its members in open prisons.');
      await shot('3-edited');

      await Promise.all([page.waitForURL(`${base}/drafts/${ids[0]}`), page.click('button.approve')]);
      expect(await page.locator('.approved-banner').textContent()).toContain('Approved');
      expect((await getDraft(t.db, ids[0]!))!.status).toBe('approved');
      await shot('4-approved');

      await page.goto(`${base}/drafts/${ids[1]}`);
      await page.fill('#comment', 'We said this last week; no new release.');
      await Promise.all([page.waitForURL(`${base}/drafts/${ids[1]}`), page.click('button[value=reject]')]);
      expect(await page.locator('.status').first().textContent()).toBe('rejected');
      expect(await page.locator('.history').textContent()).toContain('We said this last week');
      await shot('5-rejected');

      await page.goto(`${base}/drafts`);
      expect(await page.locator('#awaiting-h + p.empty').count()).toBe(1);
      expect(await page.locator('#recent-h + table .draft-row').count()).toBe(2);
      await shot('6-queue-after');
      expect(offsite).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('an approval link opens a confirmation page that acts only on its button', async () => {
    const deps = { db: t.db, mailer: t.app.pd.deps.mailer, config: t.app.pd.deps.config, secret: SECRET, now: () => t.clock.now };
    const r = await draftStory(deps, await seedStory(t.db, { title: 'Probation Service recruits 1,000 new officers' }), { force: true });
    if (!r.ok) throw new Error(r.message);
    await requestApproval(deps, r.draft.id);
    const token = signLink(SECRET, { action: 'request_changes', draftId: r.draft.id, version: 1, userId: officerId, now: t.clock.now });
    const { ctx, page } = await openFresh({ width: 390, height: 844 });
    try {
      await page.goto(`${base}/drafts/link/${token}`);
      expect(await page.locator('h1').textContent()).toContain('send back for changes');
      await page.screenshot({ path: join(SHOTS, 'drafts-7-link-390.png'), fullPage: true });
      expect((await getDraft(t.db, r.draft.id))!.status).toBe('awaiting_approval');
      await page.fill('#comment', 'Add the recruitment figures by region.');
      await Promise.all([page.waitForLoadState(), page.click('form.confirm button[type=submit]')]);
      expect(await page.locator('.flash-ok').textContent()).toContain('sent back for changes');
      await page.screenshot({ path: join(SHOTS, 'drafts-8-link-done-390.png'), fullPage: true });
      expect((await getDraft(t.db, r.draft.id))!.status).toBe('changes_requested');
      await page.goto(`${base}/drafts/link/${token}`);
      expect(await page.locator('h1').textContent()).toBe('This link was already used');
      await page.screenshot({ path: join(SHOTS, 'drafts-9-link-used-390.png'), fullPage: true });
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('editors preview a template, keep lines to take; the rota reads on a phone', async () => {
    await createUser(t.db, { email: 'both@example.org', roles: ['editor', 'press_officer'], passwordHash: await hashPassword(PASSWORD) });
    const { ctx, page } = await openFresh({ width: 1280, height: 900 });
    try {
      await page.goto(`${base}/login`);
      await page.fill('#email', 'both@example.org');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type=submit]')]);
      await page.goto(`${base}/templates/government-announcement`);
      await page.selectOption('#story', { index: 1 });
      await Promise.all([page.waitForLoadState(), page.click('button[value=preview]')]);
      expect(await page.locator('#preview-h').textContent()).toContain('Preview:');
      const both = async (name: string) => {
        await page.screenshot({ path: join(SHOTS, `settings-${name}-1280.png`), fullPage: true });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: join(SHOTS, `settings-${name}-390.png`), fullPage: true });
        await page.setViewportSize({ width: 1280, height: 900 });
      };
      await both('1-template-preview');
      await page.fill('#source', `${await page.inputValue('#source')}\n<p>{{shout story.headline}}</p>`);
      await Promise.all([page.waitForLoadState(), page.click('button[value=save]')]);
      expect(await page.locator('.problems').textContent()).toMatch(/Line \d+, column \d+: unknown helper/);
      await page.goto(`${base}/topics/probation/lines`);
      await page.fill('#position', 'Caseloads must come down before any new model goes live.');
      await page.fill('#quotes', 'Sam Example | General Secretary | Staff deserve better.');
      await Promise.all([page.waitForURL(`${base}/topics/probation/lines`), page.click('form[action$="/lines"] button[type=submit]')]);
      expect(await page.locator('.flash-ok').textContent()).toContain('version 1');
      await both('2-lines');
      await page.goto(`${base}/drafts/rota`);
      await page.selectOption('#weekday', '1');
      await page.fill('#start', '09:00');
      await page.fill('#end', '17:30');
      await Promise.all([page.waitForURL(`${base}/drafts/rota`), page.click('form[action="/drafts/rota"] button[type=submit]')]);
      expect(await page.locator('.slots li').count()).toBe(1);
      await both('3-rota');
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
