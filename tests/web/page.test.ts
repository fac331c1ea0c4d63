// The page shell: security headers, navigation by role, flash messages, error pages, pagination, /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flash, paginate, sendPage } from '../../src/web/page.ts';
import { CSP } from '../../src/web/headers.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from './app.ts';

const navLabels = (html: string) => [...html.matchAll(/<li><a href="[^"]+"[^>]*>([^<]+)<\/a><\/li>/g)].map((m) => m[1]);

describe('page shell', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sends the security headers on pages, JSON, 404s and redirects', async () => {
    const responses = await Promise.all([
      t.app.inject({ url: '/login', headers: HTML }),
      t.app.inject({ url: '/healthz' }),
      t.app.inject({ url: '/no/such/page', headers: HTML }),
      t.app.inject({ url: '/admin/users', headers: HTML }),
    ]);
    for (const res of responses) {
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    expect(CSP).toContain("frame-ancestors 'none'");
    expect(CSP).not.toContain('unsafe-inline');
  });

  it('relaxes the CSP only for bull-board, and keeps it to our own origin there', async () => {
    const { cookie } = await t.login(['admin']);
    const res = await t.app.inject({ url: '/admin/queues', headers: { ...HTML, cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>pressdesk queues</title>');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toMatch(/https:|googleapis/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves the favicon every page links to, and a way back from the queue dashboard', async () => {
    const icon = await t.app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.body).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const ico = await t.app.inject({ url: '/favicon.ico' });
    expect([ico.statusCode, ico.headers.location]).toEqual([301, '/favicon.svg']);
    expect((await t.app.inject({ url: '/login', headers: HTML })).body).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    const { cookie } = await t.login(['admin']);
    const board = await t.app.inject({ url: '/admin/queues', headers: { ...HTML, cookie } });
    expect(board.body).toContain('Back to pressdesk');
    expect(board.body).toContain('/favicon.svg');
  });

  it('has no inline scripts or styles in our own pages (scripts come from /static, by src)', async () => {
    const { cookie } = await t.login(['admin']);
    for (const url of ['/', '/login', '/admin/users', '/admin/audit', '/admin/outbox', '/relevance']) {
      const res = await t.app.inject({ url, headers: { ...HTML, cookie: url === '/login' ? '' : cookie } });
      expect(res.body, url).not.toMatch(/<script(?![^>]*\ssrc="\/static\/[a-z-]+\.js")|<style|\sstyle=|\son[a-z]+=/i);
      expect(res.body, url).not.toMatch(/<script[^>]*>[^<]/i);
    }
  });

  it('shows each role only the navigation it may use (admin sees everything)', async () => {
    const labels = async (cookie: string) => navLabels((await t.app.inject({ url: '/', headers: { ...HTML, cookie } })).body);
    expect(await labels('')).toEqual(['Home', 'News alerts']); // public pages only, for visitors
    expect(await labels((await t.login(['editor'])).cookie)).not.toContain('Users');
    expect(await labels((await t.login(['press_officer'])).cookie)).not.toContain('Queues');
    expect(await labels((await t.login(['press_officer'])).cookie)).toEqual(['Home', 'Stories', 'Trends', 'Drafts', 'Releases', 'Contacts', 'Subscribers']);
    expect(await labels((await t.login(['editor'])).cookie)).toContain('Templates');
    const admin = await labels((await t.login(['admin'])).cookie);
    expect(admin).toEqual(expect.arrayContaining(['Home', 'Users', 'Queues', 'Audit', 'Outbox']));
    // Only pages that exist are linked.
    for (const label of admin) expect(['Home', 'Sources', 'Rules', 'Model', 'Stories', 'Trends', 'Drafts', 'Releases', 'Templates', 'Contacts', 'Subscribers', 'Users', 'Queues', 'Audit', 'Outbox']).toContain(label);
    expect(admin).not.toContain('News alerts'); // visitors only: staff have Subscribers
  });

  it('marks the current page in the navigation', async () => {
    const { cookie } = await t.login(['admin']);
    const res = await t.app.inject({ url: '/admin/users?page=1', headers: { ...HTML, cookie } });
    expect(res.body).toContain('<a href="/admin/users" aria-current="page">Users</a>');
  });

  it('answers 404 with a page for browsers and JSON for scripts', async () => {
    const html = await t.app.inject({ url: '/nowhere', headers: HTML });
    expect(html.statusCode).toBe(404);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('nothing at /nowhere');
    const json = await t.app.inject({ url: '/nowhere' });
    expect(json.json()).toMatchObject({ statusCode: 404, message: expect.stringContaining('nothing at /nowhere') });
  });

  it('keeps the system panel for admins', async () => {
    const system = /<h2 id="desk-system-h">System<\/h2>/;
    expect((await t.app.inject({ url: '/', headers: HTML })).body).not.toMatch(system);
    expect((await t.app.inject({ url: '/', headers: { ...HTML, cookie: (await t.login(['editor'])).cookie } })).body).not.toMatch(system);
    expect((await t.app.inject({ url: '/', headers: { ...HTML, cookie: (await t.login(['admin'])).cookie } })).body).toMatch(system);
  });

  it('serves /metrics to direct loopback clients only', async () => {
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.9' } })).statusCode).toBe(404);
  });

  it('uses Secure __Host- cookies and HSTS when PUBLIC_URL is https', async () => {
    const s = await startTestApp({ env: { PUBLIC_URL: 'https://press.example.org' } });
    try {
      const res = await s.app.inject({ url: '/login', headers: HTML });
      const c = res.cookies.find((x) => x.name === '__Host-pd_csrf')!;
      expect(c).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      const { cookie } = await s.login(['admin']);
      expect(cookie.startsWith('__Host-pd_session=')).toBe(true);
      expect((await s.app.inject({ url: '/admin/users', headers: { ...HTML, cookie } })).statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('flash messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      routes: (app) => {
        app.post('/test/flash', { config: { auth: 'public' } }, async (req, reply) => {
          flash(req, 'ok', 'Saved <b>it</b>.');
          return reply.redirect('/login', 303);
        });
        app.get('/test/now', { config: { auth: 'public' } }, async (req, reply) => {
          flash(req, 'info', 'Shown right away.');
          return sendPage(req, reply, 'error', { title: 'T', message: 'm' });
        });
      },
    });
  });
  afterAll(() => t.close());

  it('survives exactly one redirect, escaped', async () => {
    const first = await t.app.inject({ url: '/login', headers: HTML });
    const cookie = cookiesFrom(first);
    const res = await t.app.inject({ method: 'POST', url: '/test/flash', headers: { ...HTML, ...FORM, cookie }, body: form({ _csrf: csrfFrom(first) }) });
    const jar = cookiesFrom(res, cookie);
    const shown = await t.app.inject({ url: '/login', headers: { ...HTML, cookie: jar } });
    expect(shown.body).toContain('<p class="flash flash-ok" role="status">Saved &lt;b&gt;it&lt;/b&gt;.</p>');
    const after = await t.app.inject({ url: '/login', headers: { ...HTML, cookie: cookiesFrom(shown, jar) } });
    expect(after.body).not.toContain('Saved');
  });

  it('shows a message queued in the same request without a cookie round trip', async () => {
    const res = await t.app.inject({ url: '/test/now', headers: HTML });
    expect(res.body).toContain('Shown right away.');
    expect(res.cookies.find((c) => c.name === 'pd_flash')).toBeUndefined();
  });

  it('ignores a flash cookie that was not signed by us', async () => {
    const planted = Buffer.from(JSON.stringify([{ kind: 'error', text: 'Call 0800 SCAM' }])).toString('base64url');
    const res = await t.app.inject({ url: '/login', headers: { ...HTML, cookie: `pd_flash=${planted}` } });
    expect(res.body).not.toContain('SCAM');
  });
});

describe('paginate', () => {
  it('slices a list and links neighbours', () => {
    expect(paginate(95, '2', 20)).toMatchObject({ page: 2, pages: 5, offset: 20, limit: 20, from: 21, to: 40, prevHref: '?page=1', nextHref: '?page=3' });
  });
  it('treats junk as page 1 and a page past the end as the last', () => {
    for (const junk of [undefined, '', 'abc', '0', '-3', '1.5', 2.5]) expect(paginate(95, junk, 20).page).toBe(1);
    const last = paginate(95, '99', 20);
    expect(last).toMatchObject({ page: 5, from: 81, to: 95, prevHref: '?page=4' });
    expect(last.nextHref).toBeUndefined();
  });
  it('handles an empty list', () => {
    const p = paginate(0, 1, 20);
    expect(p).toMatchObject({ page: 1, pages: 1, from: 0, to: 0, offset: 0 });
    expect(p.prevHref).toBeUndefined();
    expect(p.nextHref).toBeUndefined();
  });
  it('builds links with the caller’s own query', () => {
    expect(paginate(50, 1, 10, (n) => `/stories?topic=probation&page=${n}`).nextHref).toBe('/stories?topic=probation&page=2');
  });
});
