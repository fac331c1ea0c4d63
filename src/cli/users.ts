// `pressdesk users add EMAIL --role ROLE [--role ROLE]`, `users list`, `users link EMAIL`: accounts from the
// command line. The first admin of a fresh install comes from `users add` (or the /setup page). Works beside a
// running `pressdesk start` through its admin socket. Storage loads inside the actions (src/cli/context.ts).
import type { Command } from 'commander';
import type { Role } from '../domain/types.ts';
import { fail, publicUrl, say, withStorage } from './context.ts';

const collect = (v: string, prev: string[]) => [...prev, v];
const users = () => import('../storage/users.ts');

function parseRoles(given: string[], { ROLES, isRole }: Awaited<ReturnType<typeof users>>): Role[] {
  if (given.length === 0) fail(`users: give at least one --role (${ROLES.join(', ')}); repeat --role for several`);
  const bad = given.filter((r) => !isRole(r));
  if (bad.length) fail(`users: unknown role ${bad.join(', ')} — choose from ${ROLES.join(', ')}`);
  return given as Role[];
}

export function register(program: Command) {
  const group = program.command('users').description('people who log in to the web UI, and their roles');

  group
    .command('add <email>')
    .description('add a user and print a one-time link (72 hours) for them to choose a password')
    .option('--role <role>', `admin, editor or press_officer (repeat for several)`, collect, [])
    .action(async (email: string, o: { role: string[] }) => {
      const u = await users();
      const { inviteUser, isEmail, normalizeEmail, setPasswordUrl } = u;
      const roles = parseRoles(o.role, u);
      const clean = normalizeEmail(email);
      if (!isEmail(clean)) fail(`users: "${email}" is not an email address`);
      const made = await withStorage(async (s) => {
        const user = await inviteUser(s.db, { email: clean, roles, actorId: null, now: new Date(), via: 'cli' });
        return user && { link: setPasswordUrl(await publicUrl(s.db), user.token) };
      });
      if (!made) fail(`users: ${clean} already has an account — to let them choose a new password, run: pressdesk users link ${clean}`);
      say(`users: added ${clean} (${roles.join(', ')}); send them this link, it works once within 72 hours:`);
      process.stdout.write(`${made.link}\n`);
    });

  group
    .command('link <email>')
    .description('print a new one-time set-password link (forgotten password, expired link); earlier links stop working')
    .action(async (email: string) => {
      const [{ createPasswordToken, findUserByEmail, normalizeEmail, setPasswordUrl }, { audit }] = await Promise.all([users(), import('../storage/audit.ts')]);
      const link = await withStorage(async (s) => {
        const user = await findUserByEmail(s.db, email);
        if (!user) fail(`users: no user ${normalizeEmail(email)} — add them with: pressdesk users add ${normalizeEmail(email)} --role ROLE`);
        if (user.disabledAt) fail(`users: ${user.email} is disabled — enable them on the Users page first`);
        const token = await s.db.tx(async (t) => {
          const tok = await createPasswordToken(t, user.id, new Date());
          await audit(t, { userId: null, action: 'user.link_issued', objectType: 'user', objectId: user.id, detail: { via: 'cli' } });
          return tok;
        });
        return setPasswordUrl(await publicUrl(s.db), token);
      });
      say('users: send this link; it works once within 72 hours:');
      process.stdout.write(`${link}\n`);
    });

  group
    .command('list')
    .description('list users, their roles and status')
    .action(async () => {
      const { listUsers } = await users();
      const all = await withStorage((s) => listUsers(s.db));
      if (all.length === 0) {
        say('users: nobody yet — add the first admin with: pressdesk users add EMAIL --role admin');
        return;
      }
      const width = Math.max(5, ...all.map((u) => u.email.length));
      const lines = [`${'EMAIL'.padEnd(width)}  ${'ROLES'.padEnd(26)}  STATUS`];
      for (const u of all) {
        const status = u.disabledAt ? 'disabled' : u.hasPassword ? 'active' : 'invited';
        lines.push(`${u.email.padEnd(width)}  ${u.roles.join(',').padEnd(26)}  ${status}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
