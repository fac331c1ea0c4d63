// Real-browser tests drive Debian's chromium through playwright-core (never a downloaded browser). Pages may
// load only from the app under test: every other request is refused and listed, so a test can assert that
// nothing was fetched from elsewhere.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';

export const chromiumPath = loadConfig().chromiumPath;
export const chromiumPresent = existsSync(chromiumPath);
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A browser with its own profile directory, on `base` only; `offsite` lists the requests it refused. */
export async function openOnSite(profile: string, base: string, viewport: { width: number; height: number }): Promise<{ ctx: BrowserContext; page: Page; offsite: string[] }> {
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: FLAGS, viewport });
  const offsite: string[] = [];
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`) || url.startsWith('data:')) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  return { ctx, page, offsite };
}

/** openOnSite in a fresh profile (its directory added to `profiles`, for the test to remove), already logged in
 *  with `cookie` ("name=value", as TestApp.login gives it). */
export async function openLoggedIn(profiles: string[], base: string, cookie: string, viewport: { width: number; height: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'pd-chromium-'));
  profiles.push(dir);
  const o = await openOnSite(dir, base, viewport);
  const [name, value] = cookie.split('=') as [string, string];
  await o.ctx.addCookies([{ name, value, url: base }]);
  return o;
}

/** True when the page does not scroll sideways. */
export const fitsWidth = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
