// Real-browser tests drive Debian's chromium through playwright-core (never a downloaded browser). Pages may
// load only from the app under test: every other request is refused and listed, so a test can assert that
// nothing was fetched from elsewhere.
import { existsSync } from 'node:fs';
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
