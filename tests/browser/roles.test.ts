// Real browser, real server: Debian's Chromium driven by playwright-core against buildServer listening on
// 127.0.0.1:0. Per role: log in through the form, see that role's navigation, be refused another role's page,
// log out. Screenshots of every page land in test-artifacts/ (git-ignored). Nothing leaves loopback: every
// request to another host is aborted and reported.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/adapters/passwords.ts';
import type { Role } from '../../src/domain/types.ts';
import { createUser } from '../../src/storage/users.ts';
import { allows } from '../../src/web/roles.ts';
import { NAV } from '../../src/web/page.ts';
import { ARTIFACTS, browserTestsRun, chromiumPath, openOnSite, startBrowserApp } from '../helpers/browser.ts';
import type { TestApp } from '../web/app.ts';

if (!browserTestsRun) console.warn(`browser tests skipped: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

const PASSWORD = 'a browser-typed passphrase';

interface Case {
  role: Role;
  /** Where the test starts: a protected page sends to /login and back; a public one offers "Log in". */
  start: string;
  /** Navigation entries this role must and must not see (others' pages join as they are registered). */
  sees: string[];
  hidden: string[];
  /** A page of another role: must answer 403. */
  refused?: string;
}

const ADMIN_ONLY = ['Users', 'Queues', 'Audit', 'Outbox'];
const CASES: Case[] = [
  { role: 'admin', start: '/admin/users', sees: ['Home', ...ADMIN_ONLY], hidden: [] },
  { role: 'editor', start: '/', sees: ['Home'], hidden: [...ADMIN_ONLY, 'Drafts', 'Contacts'], refused: '/admin/users' },
  { role: 'press_officer', start: '/', sees: ['Home'], hidden: [...ADMIN_ONLY, 'Sources', 'Rules'], refused: '/admin/audit' },
];

/** The navigation a role should get: NAV entries (not the visitors-only ones) whose GET route exists and admits the role. */
const expectedNav = (t: TestApp, role: Role) =>
  NAV.filter((e) => !e.visitorsOnly && t.app.pd.routes.some((r) => r.url === e.href && r.methods.includes('GET') && allows([role], r.auth))).map((e) => e.label);

describe.skipIf(!browserTestsRun)('browser: roles', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, base } = await startBrowserApp());
    const hash = await hashPassword(PASSWORD);
    for (const c of CASES) await createUser(t.db, { email: `${c.role}@example.org`, roles: [c.role], passwordHash: hash });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh browser profile whose requests may only go to our server. */
  async function browser(): Promise<{ ctx: BrowserContext; page: Page; offsite: string[]; cspErrors: string[] }> {
    const { ctx, page, offsite } = await openOnSite(base, { width: 390, height: 844 });
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    return { ctx, page, offsite, cspErrors };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const navLabels = (page: Page) => page.locator('header nav a').allTextContents();

  for (const c of CASES) {
    it(`${c.role}: logs in, sees their navigation, ${c.refused ? 'is refused another role’s page, ' : ''}logs out`, async () => {
      const { ctx, page, offsite, cspErrors } = await browser();
      try {
        await page.goto(`${base}${c.start}`);
        if (c.start === '/') await Promise.all([page.waitForURL(`${base}/login`), page.click('a.login')]);
        expect(new URL(page.url()).pathname).toBe('/login');
        await shot(page, `${c.role}-1-login`);
        await page.fill('#email', `${c.role}@example.org`);
        await page.fill('#password', PASSWORD);
        await Promise.all([page.waitForURL(`${base}${c.start}`), page.click('main button[type=submit]')]);
        await shot(page, `${c.role}-2-${c.start === '/' ? 'home' : c.start.slice(1).replaceAll('/', '-')}`);
        const nav = await navLabels(page);
        expect(nav).toEqual(expectedNav(t, c.role));
        expect(nav).toEqual(expect.arrayContaining(c.sees));
        for (const h of c.hidden) expect(nav).not.toContain(h);
        await expect(page.locator('.who').textContent()).resolves.toBe(`${c.role}@example.org`);

        if (c.refused) {
          const res = await page.goto(`${base}${c.refused}`);
          expect(res?.status()).toBe(403);
          expect(await page.locator('h1').textContent()).toBe('Forbidden');
          await shot(page, `${c.role}-3-refused`);
        } else {
          // admin: bull-board renders its queues under its relaxed CSP, without reaching the internet.
          await page.goto(`${base}/admin/queues`);
          await page.getByText('poll-source').first().waitFor({ timeout: 60_000 });
          await shot(page, `${c.role}-3-queues`);
          await page.goto(`${base}/admin/users`);
        }

        await Promise.all([page.waitForURL(`${base}/login`), page.click('form.logout button')]);
        expect(await page.locator('.flash').textContent()).toContain('You are logged out.');
        await shot(page, `${c.role}-4-logged-out`);
        const after = await page.goto(`${base}/admin/users`);
        expect(new URL(page.url()).pathname).toBe('/login');
        expect(after?.status()).toBe(200);
        expect(cspErrors.filter((e) => !/fonts\.googleapis/.test(e))).toEqual([]);
        expect(offsite.filter((u) => !u.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
      } finally {
        await ctx.close();
      }
    }, 120_000);
  }
});
