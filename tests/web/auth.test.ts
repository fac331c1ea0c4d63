// Logging in and out, sessions, the login rate limit, first-run /setup and one-time set-password links.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/adapters/passwords.ts';
import { listAudit } from '../../src/storage/audit.ts';
import { createUser, inviteUser } from '../../src/storage/users.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from './app.ts';

const PASSWORD = 'correct horse battery';
const HOUR = 3600_000;

/** Fetches the login form (pre-session cookie + token) and posts it. */
async function logIn(t: TestApp, email: string, password: string, opts: { ip?: string; next?: string } = {}) {
  const page = await t.app.inject({ url: '/login', headers: HTML, remoteAddress: opts.ip });
  return t.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: opts.ip,
    headers: { ...HTML, ...FORM, cookie: cookiesFrom(page) },
    body: form({ _csrf: csrfFrom(page), email, password, next: opts.next ?? '/' }),
  });
}

describe('login, logout and sessions', () => {
  let t: TestApp;
  let email: string;
  beforeAll(async () => {
    t = await startTestApp();
    email = 'officer@example.org';
    await createUser(t.db, { email, roles: ['press_officer'], passwordHash: await hashPassword(PASSWORD) });
  });
  afterAll(() => t.close());

  it('logs in with the right password: an HttpOnly, SameSite=Lax signed cookie, a redirect to next, an audit row', async () => {
    const res = await logIn(t, 'Officer@Example.org ', PASSWORD, { next: '/admin/outbox' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/outbox');
    const c = res.cookies.find((x) => x.name === 'pd_session')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(c.secure).toBeFalsy(); // PUBLIC_URL is http here
    expect(c.value).toMatch(/\./); // signed
    const home = await t.app.inject({ url: '/', headers: { ...HTML, cookie: cookiesFrom(res) } });
    expect(home.body).toContain('officer@example.org');
    expect(home.body).toContain('Your desk');
    const log = await listAudit(t.db, { limit: 5 });
    expect(log.find((e) => e.action === 'user.login')).toMatchObject({ userEmail: email, objectType: 'user' });
  });

  it('refuses a wrong password or an unknown email with the same message and no session', async () => {
    for (const [e, p] of [
      [email, 'wrong password here'],
      ['nobody@example.org', PASSWORD],
    ]) {
      const res = await logIn(t, e!, p!, { ip: '198.51.100.1' });
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('That email and password do not match an account');
      expect(res.cookies.find((x) => x.name === 'pd_session')).toBeUndefined();
    }
  });

  it('never redirects off-site after login', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const res = await logIn(t, email, PASSWORD, { next });
      expect(res.headers.location).toBe('/');
    }
  });

  it('logs out: the session row goes, the old cookie stops working, the logout is audited', async () => {
    const { cookie, user } = await t.login(['editor']);
    const page = await t.app.inject({ url: '/', headers: { ...HTML, cookie } });
    const out = await t.app.inject({ method: 'POST', url: '/logout', headers: { ...HTML, ...FORM, cookie }, body: form({ _csrf: csrfFrom(page) }) });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    const again = await t.app.inject({ url: '/admin/audit', headers: { accept: 'application/json', cookie } });
    expect(again.statusCode).toBe(401);
    const log = await listAudit(t.db, { limit: 5 });
    expect(log.some((e) => e.action === 'user.logout' && e.userId === user.id)).toBe(true);
    const next = await t.app.inject({ url: '/login', headers: { ...HTML, cookie: cookiesFrom(out) } });
    expect(next.body).toContain('You are logged out.');
  });

  it('slides the expiry on use (12 h idle) but never past 7 days in all', async () => {
    const { cookie } = await t.login(['admin']);
    const get = () => t.app.inject({ url: '/admin/users', headers: { accept: 'application/json', cookie } });
    const start = t.clock.now;
    try {
      for (let h = 11; h <= 7 * 24 - 11; h += 11) {
        t.clock.now = new Date(start.getTime() + h * HOUR);
        expect((await get()).statusCode, `after ${h} h`).toBe(200);
      }
      t.clock.now = new Date(start.getTime() + 7 * 24 * HOUR + 1000);
      expect((await get()).statusCode).toBe(401);

      const idle = await t.login(['admin']);
      t.clock.now = new Date(t.clock.now.getTime() + 12 * HOUR + 1000);
      expect((await t.app.inject({ url: '/admin/users', headers: { accept: 'application/json', cookie: idle.cookie } })).statusCode).toBe(401);
    } finally {
      t.clock.now = start;
    }
  });

  it('ignores a session cookie whose signature does not match', async () => {
    const { cookie } = await t.login(['admin']);
    const forged = cookie.replace(/\.[^.]+$/, '.AAAA');
    const res = await t.app.inject({ url: '/admin/users', headers: { accept: 'application/json', cookie: forged } });
    expect(res.statusCode).toBe(401);
  });
});

describe('login rate limit', () => {
  let t: TestApp;
  const email = 'editor@example.org';
  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t.db, { email, roles: ['editor'], passwordHash: await hashPassword(PASSWORD) });
  });
  afterAll(() => t.close());

  it('after 5 failures for one IP and email refuses even the right password, until the window passes', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 5; i++) expect((await logIn(t, email, `wrong guess ${i}`, { ip })).statusCode).toBe(401);
    const limited = await logIn(t, email, PASSWORD, { ip });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toContain('Too many failed attempts');
    // Another address is not affected, and a spoofed X-Forwarded-For from a non-proxy does not help.
    expect((await logIn(t, email, PASSWORD, { ip: '203.0.113.8' })).statusCode).toBe(303);
    const spoof = await t.app.inject({ url: '/login', headers: { ...HTML, 'x-forwarded-for': '192.0.2.99' }, remoteAddress: ip });
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: ip,
      headers: { ...HTML, ...FORM, 'x-forwarded-for': '192.0.2.99', cookie: cookiesFrom(spoof) },
      body: form({ _csrf: csrfFrom(spoof), email, password: PASSWORD }),
    });
    expect(res.statusCode).toBe(429);
    const start = t.clock.now;
    t.clock.now = new Date(start.getTime() + 15 * 60_000 + 1000);
    try {
      expect((await logIn(t, email, PASSWORD, { ip })).statusCode).toBe(303);
    } finally {
      t.clock.now = start;
    }
  });

  it('limits one address trying many accounts (30 failures)', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 30; i++) await logIn(t, `person${i}@example.org`, 'not the password', { ip });
    expect((await logIn(t, email, PASSWORD, { ip })).statusCode).toBe(429);
  }, 120_000);
});

describe('first-run /setup', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('offers setup on the login page, creates the first admin once, then closes for good', async () => {
    const login = await t.app.inject({ url: '/login', headers: HTML });
    expect(login.body).toContain('href="/setup"');
    const page = await t.app.inject({ url: '/setup', headers: HTML });
    expect(page.statusCode).toBe(200);
    const post = (body: Record<string, string>, cookie = cookiesFrom(page)) =>
      t.app.inject({ method: 'POST', url: '/setup', headers: { ...HTML, ...FORM, cookie }, body: form({ _csrf: csrfFrom(page), ...body }) });

    // The token must match the pre-session cookie.
    expect((await post({ email: 'a@example.org', password: PASSWORD, password2: PASSWORD }, '')).statusCode).toBe(403);
    const short = await post({ email: 'a@example.org', password: 'short', password2: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('at least 10 characters');
    const differ = await post({ email: 'a@example.org', password: PASSWORD, password2: `${PASSWORD}!` });
    expect(differ.body).toContain('The two passwords differ');

    const ok = await post({ email: 'First.Admin@example.org', password: PASSWORD, password2: PASSWORD });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin/users');
    const users = await t.app.inject({ url: '/admin/users', headers: { ...HTML, cookie: cookiesFrom(ok) } });
    expect(users.statusCode).toBe(200);
    expect(users.body).toContain('first.admin@example.org');
    expect(users.body).toContain('You are the first admin');

    expect((await post({ email: 'b@example.org', password: PASSWORD, password2: PASSWORD })).statusCode).toBe(403);
    const closed = await t.app.inject({ url: '/setup', headers: HTML });
    expect(closed.statusCode).toBe(403);
    expect(closed.body).toContain('already has users');
    expect((await t.app.inject({ url: '/login', headers: HTML })).body).not.toContain('href="/setup"');
  });
});

describe('set-password links', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  afterEach(() => {
    t.clock.now = new Date('2026-03-02T09:00:00Z');
  });

  const invite = async (email: string) => (await inviteUser(t.db, { email, roles: ['editor'], actorId: null, now: t.clock.now, via: 'cli' }))!;

  it('shows the form without using the link up, sets the password once, logs in, and refuses a second use', async () => {
    const { token } = await invite('new.editor@example.org');
    const url = `/set-password?token=${token}`;
    const page = await t.app.inject({ url, headers: HTML });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('new.editor@example.org');
    expect((await t.app.inject({ url, headers: HTML })).statusCode).toBe(200); // GET twice: still valid
    const post = (password2: string) =>
      t.app.inject({
        method: 'POST',
        url: '/set-password',
        headers: { ...HTML, ...FORM, cookie: cookiesFrom(page) },
        body: form({ _csrf: csrfFrom(page), token, password: PASSWORD, password2 }),
      });
    expect((await post('something else entirely')).statusCode).toBe(400);
    const ok = await post(PASSWORD);
    expect(ok.statusCode).toBe(303);
    expect(ok.cookies.some((c) => c.name === 'pd_session')).toBe(true);
    expect((await post(PASSWORD)).statusCode).toBe(410);
    expect((await t.app.inject({ url, headers: HTML })).statusCode).toBe(410);
    expect((await logIn(t, 'new.editor@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('expires after 72 hours', async () => {
    const { token } = await invite('late@example.org');
    t.clock.now = new Date(t.clock.now.getTime() + 72 * HOUR + 1000);
    const res = await t.app.inject({ url: `/set-password?token=${token}`, headers: HTML });
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('ask an admin for a new one');
  });

  it('refuses an unknown token', async () => {
    expect((await t.app.inject({ url: '/set-password?token=nope', headers: HTML })).statusCode).toBe(410);
  });
});
