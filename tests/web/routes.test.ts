// Walks every registered route (as the onRoute hook recorded it) and checks the protection contract of
// src/web/auth.ts. A route added by anyone, in any module, is covered without touching this file.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/types.ts';
import { installAuth } from '../../src/web/auth.ts';
import type { RouteEntry } from '../../src/web/roles.ts';
import type { WebContext } from '../../src/web/server.ts';
import { FORM, HTML, type TestApp, csrfFrom, form, startTestApp } from './app.ts';

const JSON_ACCEPT = { accept: 'application/json' };
const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'];
const NON_ADMIN: Role[] = ['editor', 'press_officer'];

/** A concrete URL for a route pattern: params become "1", a wildcard "x". */
const concrete = (url: string) => url.replace(/:[A-Za-z_]\w*/g, '1').replace(/\*$/, 'x');

const rolesOf = (r: RouteEntry): Role[] => (typeof r.auth === 'string' ? [r.auth as Role] : [...r.auth]);

describe('route table', () => {
  let t: TestApp;
  let routes: { method: string; url: string; route: RouteEntry }[];
  const sessions = new Map<Role, string>();

  beforeAll(async () => {
    t = await startTestApp();
    routes = t.app.pd.routes.flatMap((route) => route.methods.map((method) => ({ method, url: concrete(route.url), route })));
    for (const role of ['admin', ...NON_ADMIN] as Role[]) sessions.set(role, (await t.login([role])).cookie);
  });
  afterAll(() => t.close());

  it('records every route, including the ones mounted whole (bull-board)', () => {
    const has = (m: string, u: string) => routes.some((r) => r.method === m && r.route.url === u);
    expect(has('GET', '/admin/users')).toBe(true);
    expect(has('POST', '/login')).toBe(true);
    expect(has('PUT', '/admin/queues/api/queues/:queueName/:jobId/retry')).toBe(true);
    expect(routes.filter((r) => r.route.auth !== 'public').length).toBeGreaterThan(20);
  });

  it('sends browsers to /login and scripts a 401 on every non-public route when not logged in', async () => {
    const failures: string[] = [];
    for (const { method, url, route } of routes) {
      if (route.auth === 'public') continue;
      const html = await t.app.inject({ method: method as 'GET', url, headers: HTML });
      const next = method === 'GET' ? url : '/';
      if (html.statusCode !== 302 || html.headers.location !== `/login?next=${encodeURIComponent(next)}`) {
        failures.push(`${method} ${url} (HTML): ${html.statusCode} ${html.headers.location ?? ''}`);
      }
      const json = await t.app.inject({ method: method as 'GET', url, headers: JSON_ACCEPT });
      if (json.statusCode !== 401) failures.push(`${method} ${url} (JSON): ${json.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses a logged-in user without the route role (403) and lets an admin through', async () => {
    const failures: string[] = [];
    let refusals = 0;
    for (const { method, url, route } of routes) {
      if (route.auth === 'public') continue;
      const needed = rolesOf(route);
      for (const role of NON_ADMIN.filter((r) => !needed.includes(r))) {
        for (const headers of [HTML, JSON_ACCEPT]) {
          const res = await t.app.inject({ method: method as 'GET', url, headers: { ...headers, cookie: sessions.get(role)! } });
          refusals++;
          if (res.statusCode !== 403) failures.push(`${method} ${url} as ${role} (${headers.accept}): ${res.statusCode}`);
        }
      }
      if (method === 'GET') {
        const res = await t.app.inject({ method: 'GET', url, headers: { ...JSON_ACCEPT, cookie: sessions.get('admin')! } });
        if ([401, 403].includes(res.statusCode)) failures.push(`${method} ${url} as admin: ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    expect(refusals).toBeGreaterThan(40);
  });

  it('refuses every state-changing request without a valid CSRF token (403), even from an admin', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, url, route } of routes) {
      if (!STATE_CHANGING.includes(method) || route.csrf === false) continue;
      for (const token of [undefined, 'forged-token']) {
        const body = token === undefined ? 'x=1' : form({ _csrf: token });
        const res = await t.app.inject({ method: method as 'POST', url, headers: { ...HTML, ...FORM, cookie: sessions.get('admin')! }, body });
        checked++;
        if (res.statusCode !== 403) failures.push(`${method} ${url} (token ${token ?? 'missing'}): ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('lets only public routes opt out of CSRF', () => {
    for (const { route } of routes) if (route.csrf === false) expect(route.auth).toBe('public');
  });

  it("keeps CSRF on campaigners' forms: only the one-click unsubscribe and the mail webhook opt out", () => {
    const of = (method: string, url: string) => routes.find((r) => r.method === method && r.route.url === url)?.route;
    for (const url of ['/unsubscribe/:token/one-click', '/webhooks/mail']) expect(of('POST', url), url).toMatchObject({ auth: 'public', csrf: false });
    for (const url of ['/subscribe', '/subscribe/confirm/:token', '/subscription/:token', '/unsubscribe/:token']) expect(of('POST', url), url).toMatchObject({ auth: 'public', csrf: true });
    expect(of('GET', '/subscribers')?.auth).toBe('press_officer');
    expect(of('GET', '/subscribers.csv')?.auth).toBe('press_officer');
  });

  it('accepts the same request once it carries the session token (the 403s above were the token)', async () => {
    const cookie = sessions.get('admin')!;
    const page = await t.app.inject({ url: '/admin/users', headers: { ...HTML, cookie } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/users',
      headers: { ...HTML, ...FORM, cookie },
      body: form({ _csrf: csrfFrom(page), email: 'new.person@example.org', role: 'editor' }),
    });
    expect(res.statusCode).toBe(201);
    const viaHeader = await t.app.inject({
      method: 'POST',
      url: '/admin/users',
      headers: { ...HTML, ...FORM, cookie, 'x-csrf-token': csrfFrom(page) },
      body: form({ email: 'other.person@example.org', role: 'press_officer' }),
    });
    expect(viaHeader.statusCode).toBe(201);
  });

  it("checks bull-board's JSON API by origin: same origin passes, none or another is refused", async () => {
    const cookie = sessions.get('admin')!;
    const url = '/admin/queues/api/queues/poll-source/pause';
    const other = await t.app.inject({ method: 'PUT', url, headers: { ...JSON_ACCEPT, cookie, origin: 'https://evil.example' } });
    expect(other.statusCode).toBe(403);
    const same = await t.app.inject({ method: 'PUT', url, headers: { ...JSON_ACCEPT, cookie, origin: 'http://pressdesk.test' } });
    expect(same.statusCode).toBe(200);
    expect(await t.queues.get('poll-source').isPaused()).toBe(true);
  });
});

describe('route registration', () => {
  const bare = async () => {
    const app = Fastify();
    app.decorate('pd', { routes: [] } as unknown as WebContext);
    installAuth(app);
    return app;
  };

  it('refuses a route without config.auth, naming it and the fix', async () => {
    const app = await bare();
    expect(() => app.get('/forgotten', async () => 'x')).toThrow(/^auth: route GET \/forgotten declares no valid config\.auth .* add \{ config: \{ auth:/);
  });

  it('refuses a misspelt role and an empty role list', async () => {
    const app = await bare();
    expect(() => app.get('/a', { config: { auth: 'editr' as never } }, async () => 'x')).toThrow(/declares no valid config\.auth/);
    expect(() => app.get('/b', { config: { auth: [] } }, async () => 'x')).toThrow(/declares no valid config\.auth/);
  });

  it('refuses csrf: false on a route that is not public', async () => {
    const app = await bare();
    expect(() => app.post('/c', { config: { auth: 'editor', csrf: false } }, async () => 'x')).toThrow(/only public, self-verifying callbacks/);
    expect(() => app.post('/websub/:id', { config: { auth: 'public', csrf: false } }, async () => 'x')).not.toThrow();
  });

  it('refuses routes registered inside plugins too', async () => {
    const app = await bare();
    await expect(app.register(async (child) => void child.get('/inner', async () => 'x'), { prefix: '/p' })).rejects.toThrow(/GET \/p\/inner/);
  });
});
