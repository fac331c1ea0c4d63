// Real-browser tests drive Debian's chromium through playwright-core (never a downloaded browser). Pages may
// load only from the app under test: every other request is refused and listed, so a test can assert that
// nothing was fetched from elsewhere. One Chromium serves a file's tests; each test gets a fresh context
// (its own cookies, storage and cache), which costs a fraction of starting Chromium again.
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type TestApp, startTestApp } from '../web/app.ts';

export const chromiumPath = loadConfig().chromiumPath;
export const chromiumPresent = existsSync(chromiumPath);
/** Browser tests run where Chromium is; in CI its absence fails them rather than skipping them. */
export const browserTestsRun = chromiumPresent || process.env.CI === 'true';
/** Where browser tests leave their screenshots. */
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let browser: Promise<Browser> | undefined;

/** The file's Chromium, started on first use and closed when the file ends. */
export function sharedBrowser(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: chromiumPath, headless: true, args: FLAGS });
  return browser;
}
afterAll(async () => {
  const b = browser;
  browser = undefined;
  await (await b?.catch(() => undefined))?.close();
});

/** A fresh browser context (a new profile) with one page. */
export async function openFresh(viewport: { width: number; height: number }): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await (await sharedBrowser()).newContext({ viewport });
  return { ctx, page: await ctx.newPage() };
}

/** A fresh browser context on `base` only; `offsite` lists the requests it refused. */
export async function openOnSite(base: string, viewport: { width: number; height: number }): Promise<{ ctx: BrowserContext; page: Page; offsite: string[] }> {
  const { ctx, page } = await openFresh(viewport);
  const offsite: string[] = [];
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`) || url.startsWith('data:')) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  return { ctx, page, offsite };
}

/** openOnSite already logged in with `cookie` ("name=value", as TestApp.login gives it). */
export async function openLoggedIn(base: string, cookie: string, viewport: { width: number; height: number }) {
  const o = await openOnSite(base, viewport);
  const [name, value] = cookie.split('=') as [string, string];
  await o.ctx.addCookies([{ name, value, url: base }]);
  return o;
}

/** True when the page does not scroll sideways. */
export const fitsWidth = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');

/** The app under test, listening on loopback, with the screenshots folder made. Fails when Chromium is
 *  missing (browserTestsRun lets a file run only in CI then). */
export async function startBrowserApp(opts?: Parameters<typeof startTestApp>[0]): Promise<{ t: TestApp; base: string }> {
  if (!chromiumPresent) throw new Error(`browser tests: no Chromium at ${chromiumPath} — CI must install it (apt-get install -y chromium)`);
  const t = await startTestApp(opts);
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  mkdirSync(ARTIFACTS, { recursive: true });
  return { t, base };
}
