// ROUTE PROTECTION CONTRACT — every route in pressdesk follows it; tests/web/routes.test.ts walks them all.
//
// 1. Every route declares who may use it, in its route options:
//      app.get('/sources', { config: { auth: 'editor' } }, handler)
//      app.post('/drafts/:id/approve', { config: { auth: ['press_officer'] } }, handler)
//      app.get('/login', { config: { auth: 'public' } }, handler)
//    auth is 'public' | Role | Role[] (any one of them suffices); ANY_ROLE = any logged-in user.
//    A route WITHOUT a valid config.auth is refused when it is registered (the server will not start).
//    Apps mounted whole (bull-board) get their rule from MOUNTS below instead.
// 2. A global onRequest hook enforces it before the handler runs:
//      not logged in  -> 302 /login?next=<path> for browsers (Accept: text/html), else 401 JSON
//      wrong role     -> 403 page or JSON. admin implies every role.
//    Inside a protected handler req.user is the logged-in user (non-null).
// 3. Every POST/PUT/PATCH/DELETE must carry a CSRF token (form field `_csrf`, via `{{> csrf}}` in the
//    template, or header `x-csrf-token`); missing or wrong -> 403. See src/web/csrf.ts.
//    `config: { auth: 'public', csrf: false }` opts out, and is accepted ONLY with auth 'public': use it only
//    for requests that prove themselves another way (HMAC-signed links from emails, WebSub callbacks with a
//    verified signature). Never for anything a logged-in person does in a browser.
// 4. Public: /healthz, /static/*, /favicon.svg (and .ico), /login, /logout, /setup, /set-password, the release archive, campaigners'
//    pages (routes/subscriptions.ts), and / (the home page shows the system status only to logged-in users). /metrics is public to direct loopback requests only (Prometheus
//    on the same machine); anything else, including requests relayed by a proxy, gets 404 (see system.ts).
import type { FastifyInstance } from 'fastify';
import { sendError, wantsHtml } from './errors.ts';
import { type AuthRule, allows, describeRule, isAuthRule } from './roles.ts';
import { STATE_CHANGING, csrfValid } from './csrf.ts';
import { loadSession } from './session.ts';

export { ANY_ROLE, type AuthRule, allows, type RouteEntry } from './roles.ts';

/** Apps registered as a whole, whose routes we cannot annotate one by one. */
export const MOUNTS: { prefix: string; auth: AuthRule; csrf: 'origin' }[] = [{ prefix: '/admin/queues', auth: 'admin', csrf: 'origin' }];

const under = (url: string, prefix: string) => url === prefix || url.startsWith(`${prefix}/`);

/** Installs the registration check and the request hooks. Call before any route is registered. */
export function installAuth(app: FastifyInstance) {
  const routes = app.pd.routes;

  app.addHook('onRoute', (r) => {
    const methods = ([] as string[]).concat(r.method);
    const mount = MOUNTS.find((m) => under(r.url, m.prefix));
    if (mount && r.config?.auth === undefined) r.config = { ...r.config, auth: mount.auth, csrf: mount.csrf };
    const auth = r.config?.auth;
    const where = `${methods.join(',')} ${r.url}`;
    if (!isAuthRule(auth)) {
      throw new Error(
        `auth: route ${where} declares no valid config.auth (got ${JSON.stringify(auth)}) — add { config: { auth: 'public' | 'admin' | 'editor' | 'press_officer' | [roles] } } to its options (see src/web/auth.ts)`,
      );
    }
    const csrf = r.config?.csrf ?? true;
    if (csrf === false && auth !== 'public') {
      throw new Error(`auth: route ${where} turns CSRF off but is not public — only public, self-verifying callbacks may use csrf: false`);
    }
    routes.push({ methods, url: r.url, auth, csrf });
  });

  app.addHook('onRequest', async (req, reply) => {
    const rule = req.routeOptions.config.auth;
    if (rule === undefined || rule === 'public') return; // undefined: no route matched, the 404 page follows
    const user = await loadSession(req, reply);
    if (!user) {
      if (wantsHtml(req)) {
        const next = req.method === 'GET' ? req.url : '/';
        return reply.redirect(`/login?next=${encodeURIComponent(next)}`, 302);
      }
      return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'auth: log in first (POST /login with email and password)' });
    }
    if (!allows(user.roles, rule)) {
      return sendError(req, reply, 403, `auth: this needs the ${describeRule(rule)} role; you have ${user.roles.join(', ')} — ask an admin if you need it`);
    }
  });

  // After the body is parsed (the token may be a form field), before any handler runs.
  app.addHook('preValidation', async (req, reply) => {
    if (!STATE_CHANGING.has(req.method) || req.is404) return;
    if (await csrfValid(req, reply)) return;
    return sendError(req, reply, 403, 'csrf: this form has expired or did not come from pressdesk — go back, reload the page and try again');
  });
}
