// Real browser, real server: a press officer adds, edits and opts out a contact, previews a release's
// recipients on the draft page (other topics ticked, opted-out and suppressed contacts left out), approves it
// for a time in UK time, sees it scheduled and cancels it; then the public archive lists a sent release and
// shows its page. Screenshots land in /tmp/shots-po (1280 px and 390 px wide). Launch as in drafts.test.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/adapters/passwords.ts';
import { approveRelease } from '../../src/services/approve-release.ts';
import { draftStory } from '../../src/services/draft-story.ts';
import { requestApproval } from '../../src/services/request-approval.ts';
import { addSuppression, findContactByEmail, upsertContacts } from '../../src/storage/contacts.ts';
import { getReleaseByDraft } from '../../src/storage/releases.ts';
import { createUser } from '../../src/storage/users.ts';
import { seedStory } from '../helpers/drafts.ts';
import { seedApprovedDraft } from '../helpers/releases.ts';
import { browserTestsRun, openOnSite, startBrowserApp } from '../helpers/browser.ts';
import type { TestApp } from '../web/app.ts';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-po';
const PASSWORD = 'a browser-typed passphrase';
const SECRET = Buffer.from('t'.repeat(32)); // tests/web/app.ts's secret

describe.skipIf(!browserTestsRun)('browser: contacts, recipients, scheduling, public archive', () => {
  let t: TestApp;
  let base: string;
  let draftId: number;
  let sentSlug: string;

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    mkdirSync(SHOTS, { recursive: true });
    await createUser(t.db, { email: 'duty@example.org', roles: ['press_officer'], passwordHash: await hashPassword(PASSWORD) });
    await upsertContacts(t.db, [
      { name: 'Alice Probation', email: 'alice@daily.example', outlet: 'The Daily', topics: ['probation'] },
      { name: 'Bob Probation', email: 'bob@weekly.example', outlet: 'Law Weekly', topics: ['probation'] },
      { name: 'Carol Optedout', email: 'carol@paper.example', topics: ['probation'], doNotContact: true },
      { name: 'Dan Bounced', email: 'dan@bounce.example', topics: ['probation'] },
      { name: 'Erin Prisons', email: 'erin@prison-news.example', outlet: 'Inside Time <b>', topics: ['prisons'] },
    ], t.clock.now);
    await addSuppression(t.db, 'dan@bounce.example', 'hard bounce', t.clock.now);
    const deps = { db: t.db, mailer: t.app.pd.deps.mailer, config: t.app.pd.deps.config, secret: SECRET, now: () => t.clock.now };
    const r = await draftStory(deps, await seedStory(t.db, { title: 'Probation caseloads hit a record high', summary: '<p>Probation officers now carry 60 cases each, Napo says.</p>' }), { force: true });
    if (!r.ok) throw new Error(r.message);
    await requestApproval(deps, r.draft.id);
    draftId = r.draft.id;
    // A release already sent, for the public archive.
    const sent = await seedApprovedDraft(t.db, { subject: 'Napo welcomes the probation pay award', html: '<p>The union welcomes the award.</p><p>“It is a start,” said the general secretary.</p>' });
    const a = await approveRelease({ db: t.db, queues: t.queues, now: () => t.clock.now }, { draftId: sent, approvedBy: null });
    if (!a.ok) throw new Error(a.message);
    await t.db.query("UPDATE releases SET status = 'sent', sending_at = $2, sent_at = $2 WHERE id = $1", [a.release.id, t.clock.now]);
    sentSlug = a.release.slug;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('contacts, recipient preview, scheduling and cancelling, and the public archive', async () => {
    const { ctx, page, offsite } = await openOnSite(base, { width: 1280, height: 900 });
    const shot = async (name: string) => {
      await page.screenshot({ path: join(SHOTS, `releases-${name}-1280.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(SHOTS, `releases-${name}-390.png`), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    };
    try {
      await page.goto(`${base}/contacts`);
      await page.fill('#email', 'duty@example.org');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/contacts`), page.click('main button[type=submit]')]);
      expect(await page.locator('.contact-row').count()).toBe(5);
      expect(await page.locator('.contact-row', { hasText: 'Erin Prisons' }).textContent()).toContain('Inside Time <b>'); // as text
      await shot('1-contacts');

      // Add, edit, opt out.
      await page.click('a[href="/contacts/new"]');
      await page.fill('#name', 'Fay Freelance');
      await page.fill('#email', 'fay@freelance.example');
      await page.fill('#outlet', 'Freelance');
      await page.check('input[name=topics][value=probation]');
      await Promise.all([page.waitForURL(/\/contacts\/\d+$/), page.click('.contact-form button[type=submit]')]);
      expect(await page.locator('.flash-ok').textContent()).toContain('Fay Freelance added.');
      await page.fill('#outlet', 'The Guardian');
      await page.check('input[name=topics][value=prisons]');
      await Promise.all([page.waitForLoadState(), page.click('.contact-form button[type=submit]')]);
      expect(await page.locator('.flash-ok').textContent()).toContain('Fay Freelance saved.');
      expect(await findContactByEmail(t.db, 'fay@freelance.example')).toMatchObject({ outlet: 'The Guardian', topics: ['prisons', 'probation'] });
      await shot('2-contact-edit');
      await Promise.all([page.waitForLoadState(), page.click('button.opt-out')]);
      expect(await page.locator('.opted-out-banner').textContent()).toContain('Opted out');
      expect((await findContactByEmail(t.db, 'fay@freelance.example'))!.doNotContact).toBe(true);
      await shot('3-opted-out');

      // The draft page: the preview for the draft's topic, then with prisons ticked too.
      await page.goto(`${base}/drafts/${draftId}`);
      expect(await page.locator('#recipient-preview').textContent()).toMatch(/2 contacts\s*; 2 opted out and 1 suppressed will not be mailed/);
      expect(await page.locator('.preview-names').textContent()).toContain('Alice Probation (The Daily), Bob Probation (Law Weekly)');
      await page.check('.approve-form input[name=topics][value=prisons]');
      await Promise.all([page.waitForLoadState(), page.click('button[value=preview]')]);
      expect(await page.locator('#recipient-preview').textContent()).toMatch(/3 contacts\s*; 2 opted out and 1 suppressed/);
      expect(await page.isChecked('.approve-form input[name=topics][value=prisons]')).toBe(true);
      await shot('4-preview');

      // Approve for tomorrow 10:30 UK time, embargoed to 11:00; see it scheduled; cancel it.
      await page.fill('#send_at', '2026-03-03T10:30');
      await page.fill('#embargo_until', '2026-03-03T11:00');
      await Promise.all([page.waitForURL(`${base}/drafts/${draftId}`), page.click('button.approve')]);
      expect(await page.locator('.flash-ok').first().textContent()).toContain('scheduled for 3 Mar 2026, 10:30 (UK time)');
      const release = (await getReleaseByDraft(t.db, draftId))!;
      expect(release.sendAt!.toISOString()).toBe('2026-03-03T10:30:00.000Z'); // GMT in March, before the change
      expect(release.recipients.topics).toEqual(['probation', 'prisons']);
      await Promise.all([page.waitForURL(`${base}/releases/admin/${release.id}`), page.click('.approved-banner a')]);
      expect(await page.locator('#release-status').textContent()).toBe('scheduled');
      expect(await page.locator('#release-send').textContent()).toContain('3 Mar 2026, 10:30 (UK time)');
      expect(await page.locator('#release-embargo').textContent()).toContain('3 Mar 2026, 11:00');
      expect(await page.inputValue('#send_at')).toBe('2026-03-03T10:30');
      await shot('5-scheduled');
      await Promise.all([page.waitForLoadState(), page.click('button.cancel-release')]);
      expect(await page.locator('#release-status').textContent()).toBe('cancelled');
      expect(await page.locator('button.cancel-release').count()).toBe(0);
      await shot('6-cancelled');

      await page.click('nav a[href="/releases/admin"]');
      expect(await page.locator('.release-row').count()).toBe(2);
      await shot('7-releases-admin');

      // The public archive (no login needed: tests/web/releases.test.ts).
      await page.goto(`${base}/releases`);
      expect(await page.locator('ol.releases li').count()).toBe(1); // the cancelled one is not public
      expect(await page.locator('ol.releases').textContent()).toContain('Napo welcomes the probation pay award');
      await shot('8-archive');
      await Promise.all([page.waitForURL(`${base}/releases/${sentSlug}`), page.click('ol.releases a')]);
      expect(await page.locator('h1').textContent()).toContain('Napo welcomes the probation pay award');
      await shot('9-archive-release');
      expect(offsite).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
