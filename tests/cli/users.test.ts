// `pressdesk users ...` in a real child process: alone (on PostgreSQL when there is one), and beside a running
// start on the embedded database (through its admin socket), where the printed link is then used in the
// browser flow.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliInstallation, runCli, startCli } from '../helpers/cli.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const prefixes: string[] = [];
const embeddedEnv = (extra: Record<string, string> = {}) => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return { PRESSDESK_DATA_DIR: mkdtempSync(join(tmpdir(), 'pd-users-')), PORT: '0', QUEUE_PREFIX: prefix, REDIS_URL: testRedisUrl(), ...extra };
};
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(p);
});

describe('pressdesk users', () => {
  it('adds users with several roles, prints a set-password link, lists them, and refuses bad input in one line', async () => {
    const { env } = await cliInstallation({ PUBLIC_URL: 'https://press.example.org' });
    const empty = runCli(['users', 'list'], env);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('nobody yet — add the first admin with: pressdesk users add EMAIL --role admin');

    const add = runCli(['users', 'add', 'Chief@Example.org', '--role', 'admin', '--role', 'editor'], env);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^https:\/\/press\.example\.org\/set-password\?token=[\w-]{43}\n$/);
    expect(add.stderr).toContain('added chief@example.org (admin, editor)');

    const dup = runCli(['users', 'add', 'chief@example.org', '--role', 'editor'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim()).toBe('users: chief@example.org already has an account — to let them choose a new password, run: pressdesk users link chief@example.org');

    for (const [args, line] of [
      [['users', 'add', 'x@example.org'], /^users: give at least one --role \(admin, editor, press_officer\)/],
      [['users', 'add', 'x@example.org', '--role', 'boss'], /^users: unknown role boss — choose from admin, editor, press_officer$/],
      [['users', 'add', 'not-an-email', '--role', 'editor'], /^users: "not-an-email" is not an email address$/],
      [['users', 'link', 'nobody@example.org'], /^users: no user nobody@example\.org — add them with/],
    ] as const) {
      const r = runCli([...args], env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(line);
    }

    const link = runCli(['users', 'link', 'chief@example.org'], env);
    expect(link.code).toBe(0);
    expect(link.stdout).toMatch(/^https:\/\/press\.example\.org\/set-password\?token=/);
    expect(link.stdout).not.toBe(add.stdout);

    const list = runCli(['users', 'list'], env);
    expect(list.stdout).toMatch(/^EMAIL\s+ROLES\s+STATUS\nchief@example\.org\s+admin,editor\s+invited\n$/);
  }, 120_000);

  it('works beside a running start, and the printed link lets the first admin choose a password and log in', async () => {
    const env = embeddedEnv();
    const app = await startCli(['start'], env);
    try {
      const add = runCli(['users', 'add', 'first@example.org', '--role', 'admin'], env);
      expect(add.code).toBe(0);
      const link = new URL(add.stdout.trim());
      // No PUBLIC_URL and PORT=0: the link names the port the server really listens on, as \`start\` says.
      expect(link.origin).toBe(`http://localhost:${new URL(app.url).port}`);
      expect(app.stderr()).toContain(`(public URL ${link.origin})`);
      const page = await fetch(`${app.url}${link.pathname}${link.search}`);
      expect(page.status).toBe(200);
      const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const token = link.searchParams.get('token')!;
      const set = await fetch(`${app.url}/set-password`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: csrf, token, password: 'a long enough passphrase', password2: 'a long enough passphrase' }),
      });
      expect(set.status).toBe(303);
      const session = set.headers.getSetCookie().find((c) => c.startsWith('pd_session='))!.split(';')[0]!;
      const users = await fetch(`${app.url}/admin/users`, { headers: { cookie: session, accept: 'text/html' } });
      expect(users.status).toBe(200);
      expect(await users.text()).toContain('first@example.org');
      const list = runCli(['users', 'list'], env);
      expect(list.stdout).toMatch(/first@example\.org\s+admin\s+active/);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
  }, 120_000);
});
