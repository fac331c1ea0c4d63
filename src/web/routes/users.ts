// The users admin page: list, add (shows the set-password link once), change roles, disable, new link;
// and the audit log. Every change is audited. Nobody can remove the last enabled admin.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../domain/types.ts';
import { actorWords, auditWords } from '../../pipeline/audit-words.ts';
import { audit, countAudit, listAudit } from '../../storage/audit.ts';
import { deleteUserSessions } from '../../storage/sessions.ts';
import {
  ROLES,
  type User,
  countOtherAdmins,
  countUsers,
  createPasswordToken,
  getUser,
  inviteUser,
  isEmail,
  isRole,
  listUsers,
  normalizeEmail,
  setDisabled,
  setPasswordUrl,
  setRoles,
} from '../../storage/users.ts';
import { sendError } from '../errors.ts';
import { field, fields } from '../form.ts';
import { flash, paginate, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

const admin = { config: { auth: 'admin' as const } };
const PER_PAGE = 50;

type Q = { Querystring: { page?: string } };
type P = { Params: { id: string } };

const roleChoices = (has: readonly Role[] = []) => ROLES.map((r) => ({ value: r, label: r.replace('_', ' '), checked: has.includes(r) }));

export async function userRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const now = () => app.pd.now();

  app.get<Q>('/admin/users', admin, async (req, reply) => {
    const pager = paginate(await countUsers(db), req.query.page, PER_PAGE);
    const users = (await listUsers(db, pager)).map((u) => ({ ...u, self: u.id === req.user!.id, choices: roleChoices(u.roles) }));
    return sendPage(req, reply, 'users', { title: 'Users', users, pager, choices: roleChoices(['editor']) });
  });

  /** Shows a set-password link exactly once: it is never stored in clear, so it cannot be shown again. */
  const showLink = (req: FastifyRequest, reply: FastifyReply, user: User, token: string, isNew: boolean) =>
    sendPage(req, reply.code(isNew ? 201 : 200), 'user-link', { title: isNew ? 'User added' : 'New set-password link', person: user, link: setPasswordUrl(deps.config.publicUrl, token), isNew });

  app.post('/admin/users', admin, async (req, reply) => {
    const email = normalizeEmail(field(req.body, 'email'));
    const roles = fields(req.body, 'role').filter(isRole);
    if (!isEmail(email) || roles.length === 0) {
      flash(req, 'error', !isEmail(email) ? `"${email}" is not an email address.` : 'Tick at least one role.');
      return reply.redirect('/admin/users', 303);
    }
    const made = await inviteUser(db, { email, roles, actorId: req.user!.id, now: now(), via: 'web' });
    if (!made) {
      flash(req, 'error', `${email} already has an account. Use "New link" beside it if they cannot log in.`);
      return reply.redirect('/admin/users', 303);
    }
    return showLink(req, reply, made.user, made.token, true);
  });

  /** The user named in the URL, or a 404 already sent. */
  const target = async (req: FastifyRequest<P>, reply: FastifyReply): Promise<User | undefined> => {
    const id = Number(req.params.id);
    const user = Number.isSafeInteger(id) && id > 0 ? await getUser(db, id) : undefined;
    if (!user) await sendError(req, reply, 404, `users: no user ${req.params.id} — go back to the users page`);
    return user;
  };

  /** True when taking admin away from `user` (or disabling them) would leave nobody who can manage users. */
  const lastAdmin = async (user: User) => user.roles.includes('admin') && !user.disabledAt && (await countOtherAdmins(db, user.id)) === 0;

  app.post<P>('/admin/users/:id/roles', admin, async (req, reply) => {
    const user = await target(req, reply);
    if (!user) return reply;
    const roles = fields(req.body, 'role').filter(isRole);
    if (roles.length === 0) flash(req, 'error', `Tick at least one role for ${user.email} (disable the account to shut them out).`);
    else if (!roles.includes('admin') && (await lastAdmin(user))) flash(req, 'error', `${user.email} is the last admin: make someone else admin first.`);
    else {
      await db.tx(async (t) => {
        await setRoles(t, user.id, roles);
        await audit(t, { userId: req.user!.id, action: 'user.roles_changed', objectType: 'user', objectId: user.id, detail: { from: user.roles, to: roles }, at: now() });
      });
      flash(req, 'ok', `${user.email} now has: ${roles.join(', ')}.`);
    }
    return reply.redirect('/admin/users', 303);
  });

  app.post<P>('/admin/users/:id/disable', admin, async (req, reply) => {
    const user = await target(req, reply);
    if (!user) return reply;
    if (await lastAdmin(user)) flash(req, 'error', `${user.email} is the last admin and cannot be disabled.`);
    else {
      await db.tx(async (t) => {
        await setDisabled(t, user.id, now());
        await deleteUserSessions(t, user.id);
        await audit(t, { userId: req.user!.id, action: 'user.disabled', objectType: 'user', objectId: user.id, at: now() });
      });
      flash(req, 'ok', `${user.email} is disabled and logged out everywhere.`);
    }
    return reply.redirect(user.id === req.user!.id ? '/login' : '/admin/users', 303);
  });

  app.post<P>('/admin/users/:id/enable', admin, async (req, reply) => {
    const user = await target(req, reply);
    if (!user) return reply;
    await db.tx(async (t) => {
      await setDisabled(t, user.id, null);
      await audit(t, { userId: req.user!.id, action: 'user.enabled', objectType: 'user', objectId: user.id, at: now() });
    });
    flash(req, 'ok', `${user.email} can log in again.`);
    return reply.redirect('/admin/users', 303);
  });

  app.post<P>('/admin/users/:id/link', admin, async (req, reply) => {
    const user = await target(req, reply);
    if (!user) return reply;
    const token = await db.tx(async (t) => {
      const tok = await createPasswordToken(t, user.id, now());
      await audit(t, { userId: req.user!.id, action: 'user.link_issued', objectType: 'user', objectId: user.id, at: now() });
      return tok;
    });
    return showLink(req, reply, user, token, false);
  });

  app.get<Q>('/admin/audit', admin, async (req, reply) => {
    const pager = paginate(await countAudit(db), req.query.page, PER_PAGE);
    const entries = (await listAudit(db, { limit: pager.limit, offset: pager.offset })).map((e) => ({ ...e, who: actorWords(e), words: auditWords(e) }));
    return sendPage(req, reply, 'audit', { title: 'Audit log', entries, pager });
  });
}
