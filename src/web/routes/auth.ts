// Logging in and out, choosing a password from a one-time link, and the first-run /setup page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashPassword, passwordProblem } from '../../adapters/passwords.ts';
import { audit } from '../../storage/audit.ts';
import { deleteUserSessions } from '../../storage/sessions.ts';
import { consumePasswordToken, countUsers, createFirstAdmin, isEmail, normalizeEmail, peekPasswordToken } from '../../storage/users.ts';
import { sendError } from '../errors.ts';
import { field, safeNext } from '../form.ts';
import { checkLogin } from '../login.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';
import { endSession, loadSession, startSession } from '../session.ts';

const pub = { config: { auth: 'public' as const } };

type Q = { Querystring: Record<string, string | undefined> };

/** Two password fields: why they are not acceptable, or undefined. */
function newPasswordProblem(body: unknown): string | undefined {
  const password = field(body, 'password', true);
  const problem = passwordProblem(password);
  if (problem) return `The password ${problem}.`;
  if (password !== field(body, 'password2', true)) return 'The two passwords differ: type the same one twice.';
  return undefined;
}

export async function authRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const now = () => app.pd.now();

  const loginPage = async (req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) =>
    sendPage(req, reply, 'login', { title: 'Log in', noUsers: (await countUsers(db)) === 0, ...extra });

  app.get<Q>('/login', pub, async (req, reply) => {
    if (await loadSession(req, reply)) return reply.redirect(safeNext(req.query.next), 303);
    return loginPage(req, reply, { next: safeNext(req.query.next) });
  });

  app.post('/login', pub, async (req, reply) => {
    const email = field(req.body, 'email');
    const next = safeNext(field(req.body, 'next'));
    const r = await checkLogin(db, { email, password: field(req.body, 'password', true), ip: req.ip, now: now() });
    if (!r.ok) {
      if (r.reason === 'limited') {
        const minutes = Math.ceil(r.retryAfterMs / 60_000);
        reply.code(429).header('retry-after', String(Math.ceil(r.retryAfterMs / 1000)));
        flash(req, 'error', `Too many failed attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or ask an admin for a new set-password link.`);
      } else {
        reply.code(401);
        flash(req, 'error', 'That email and password do not match an account. Check both and try again.');
      }
      return loginPage(req, reply, { email, next });
    }
    await startSession(req, reply, r.user);
    await audit(db, { userId: r.user.id, action: 'user.login', objectType: 'user', objectId: r.user.id, detail: { ip: req.ip }, at: now() });
    return reply.redirect(next, 303);
  });

  app.post('/logout', pub, async (req, reply) => {
    const user = await loadSession(req, reply);
    await endSession(req, reply);
    if (user) await audit(db, { userId: user.id, action: 'user.logout', objectType: 'user', objectId: user.id, at: now() });
    flash(req, 'ok', 'You are logged out.');
    return reply.redirect('/login', 303);
  });

  // First run: only while there are no users at all. Afterwards admins add people from /admin/users.
  const setupClosed = (req: FastifyRequest, reply: FastifyReply) =>
    sendError(req, reply, 403, 'setup: pressdesk already has users — log in, or ask an admin to add you (pressdesk users add EMAIL --role ROLE)');

  app.get('/setup', pub, async (req, reply) => {
    if ((await countUsers(db)) > 0) return setupClosed(req, reply);
    return sendPage(req, reply, 'setup', { title: 'Set up pressdesk' });
  });

  app.post('/setup', pub, async (req, reply) => {
    if ((await countUsers(db)) > 0) return setupClosed(req, reply);
    const email = normalizeEmail(field(req.body, 'email'));
    const problem = !isEmail(email) ? 'Enter the email address you will log in with.' : newPasswordProblem(req.body);
    if (problem) {
      flash(req, 'error', problem);
      return sendPage(req, reply.code(400), 'setup', { title: 'Set up pressdesk', email });
    }
    const user = await createFirstAdmin(db, email, await hashPassword(field(req.body, 'password', true)));
    if (!user) return setupClosed(req, reply);
    await audit(db, { userId: user.id, action: 'user.created', objectType: 'user', objectId: user.id, detail: { email, roles: user.roles, via: 'setup' }, at: now() });
    await startSession(req, reply, user);
    flash(req, 'ok', `Welcome. You are the first admin (${email}); add the people who will use pressdesk here.`);
    return reply.redirect('/admin/users', 303);
  });

  const linkDead = (req: FastifyRequest, reply: FastifyReply) =>
    sendError(req, reply, 410, 'set-password: this link has expired or was already used — ask an admin for a new one (they can issue it from the Users page)');

  // GET only shows the form: link scanners in mail systems open links, and must not use them up.
  app.get<Q>('/set-password', pub, async (req, reply) => {
    const token = req.query.token ?? '';
    const user = token && (await peekPasswordToken(db, token, now()));
    if (!user) return linkDead(req, reply);
    return sendPage(req, reply, 'set-password', { title: 'Choose a password', token, email: user.email });
  });

  app.post('/set-password', pub, async (req, reply) => {
    const token = field(req.body, 'token');
    const user = token && (await peekPasswordToken(db, token, now()));
    if (!user) return linkDead(req, reply);
    const problem = newPasswordProblem(req.body);
    if (problem) {
      flash(req, 'error', problem);
      return sendPage(req, reply.code(400), 'set-password', { title: 'Choose a password', token, email: user.email });
    }
    const done = await consumePasswordToken(db, token, await hashPassword(field(req.body, 'password', true)), now());
    if (!done) return linkDead(req, reply);
    await deleteUserSessions(db, done.id); // a new password ends every old session
    await audit(db, { userId: done.id, action: 'user.password_set', objectType: 'user', objectId: done.id, at: now() });
    await startSession(req, reply, done);
    flash(req, 'ok', 'Your password is set and you are logged in.');
    return reply.redirect('/', 303);
  });
}
