// The users admin page: add (link shown once), change roles, disable/enable, new link; all audited; the last
// admin cannot be removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/storage/audit.ts';
import { findSession } from '../../src/storage/sessions.ts';
import { findUserByEmail, getUser } from '../../src/storage/users.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from './app.ts';

// Handlebars escapes "=" in attribute values; a browser reads it back as "=".
const unescapeAttr = (html: string) => html.replaceAll('&#x3D;', '=');

describe('users admin page', () => {
  let t: TestApp;
  let admin: { cookie: string; user: { id: number } };
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(['admin'], 'boss@example.org');
    token = csrfFrom(await t.app.inject({ url: '/admin/users', headers: { ...HTML, cookie: admin.cookie } }));
  });
  afterAll(() => t.close());

  const post = (url: string, body: Record<string, string | string[]>, cookie = admin.cookie) =>
    t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie }, body: form({ _csrf: token, ...body }) });
  const page = (cookie: string) => t.app.inject({ url: '/admin/users', headers: { ...HTML, cookie } });

  it('adds a user with several roles and shows a working set-password link once', async () => {
    const res = await post('/admin/users', { email: 'Press.Editor@example.org', role: ['editor', 'press_officer'] });
    expect(res.statusCode).toBe(201);
    const link = /value="(http:\/\/pressdesk\.test\/set-password\?token=[^"]+)"/.exec(unescapeAttr(res.body))?.[1];
    expect(link).toBeDefined();
    const u = (await findUserByEmail(t.db, 'press.editor@example.org'))!;
    expect(u.roles.sort()).toEqual(['editor', 'press_officer']);
    expect(u.hasPassword).toBe(false);
    expect((await t.app.inject({ url: new URL(link!).pathname + new URL(link!).search, headers: HTML })).statusCode).toBe(200);
    const list = await page(admin.cookie);
    expect(list.body).toContain('press.editor@example.org');
    expect(list.body).not.toContain(link!); // never shown again
    expect((await listAudit(t.db, { limit: 1, objectType: 'user', objectId: u.id }))[0]).toMatchObject({ action: 'user.created', userId: admin.user.id });
  });

  it('refuses a duplicate email and an empty role list with a flash after the redirect', async () => {
    const dup = await post('/admin/users', { email: 'press.editor@example.org', role: 'editor' });
    expect(dup.statusCode).toBe(303);
    const shown = await page(`${admin.cookie}; ${cookiesFrom(dup)}`);
    expect(shown.body).toContain('already has an account');
    const none = await post('/admin/users', { email: 'someone@example.org' });
    expect((await page(`${admin.cookie}; ${cookiesFrom(none)}`)).body).toContain('Tick at least one role');
    expect(await findUserByEmail(t.db, 'someone@example.org')).toBeUndefined();
  });

  it('changes roles and audits from/to', async () => {
    const u = (await findUserByEmail(t.db, 'press.editor@example.org'))!;
    const res = await post(`/admin/users/${u.id}/roles`, { role: 'press_officer' });
    expect(res.statusCode).toBe(303);
    expect((await getUser(t.db, u.id))!.roles).toEqual(['press_officer']);
    const [entry] = await listAudit(t.db, { limit: 1, objectType: 'user', objectId: u.id });
    expect(entry).toMatchObject({ action: 'user.roles_changed', detail: { from: ['editor', 'press_officer'], to: ['press_officer'] } });
  });

  it('will not take admin from, or disable, the last enabled admin', async () => {
    const r1 = await post(`/admin/users/${admin.user.id}/roles`, { role: 'editor' });
    expect((await page(`${admin.cookie}; ${cookiesFrom(r1)}`)).body).toContain('is the last admin');
    await post(`/admin/users/${admin.user.id}/disable`, {});
    expect((await getUser(t.db, admin.user.id))!).toMatchObject({ roles: ['admin'], disabledAt: null });
  });

  it('disables a user: their sessions end at once; enabling lets them log in again', async () => {
    const victim = await t.login(['editor'], 'leaver@example.org');
    const res = await post(`/admin/users/${victim.user.id}/disable`, {});
    expect(res.statusCode).toBe(303);
    expect((await getUser(t.db, victim.user.id))!.disabledAt).toBeInstanceOf(Date);
    const sid = decodeURIComponent(victim.cookie.split('=')[1]!).replace(/\.[^.]+$/, '');
    expect(await findSession(t.db, sid, t.clock.now)).toBeUndefined();
    expect((await t.app.inject({ url: '/', headers: { ...HTML, cookie: victim.cookie } })).body).not.toContain('leaver@example.org');
    await post(`/admin/users/${victim.user.id}/enable`, {});
    expect((await getUser(t.db, victim.user.id))!.disabledAt).toBeNull();
    const actions = (await listAudit(t.db, { limit: 5, objectType: 'user', objectId: victim.user.id })).map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['user.enabled', 'user.disabled']);
  });

  it('issues a new link that replaces the old one', async () => {
    const made = await post('/admin/users', { email: 'forgetful@example.org', role: 'editor' });
    const first = /token=([^"]+)"/.exec(unescapeAttr(made.body))![1]!;
    const u = (await findUserByEmail(t.db, 'forgetful@example.org'))!;
    const again = await post(`/admin/users/${u.id}/link`, {});
    expect(again.statusCode).toBe(200);
    const second = /token=([^"]+)"/.exec(unescapeAttr(again.body))![1]!;
    expect(second).not.toBe(first);
    expect((await t.app.inject({ url: `/set-password?token=${first}`, headers: HTML })).statusCode).toBe(410);
    expect((await t.app.inject({ url: `/set-password?token=${second}`, headers: HTML })).statusCode).toBe(200);
  });

  it('answers 404 for a user that does not exist', async () => {
    expect((await post('/admin/users/999999/disable', {})).statusCode).toBe(404);
    expect((await post('/admin/users/abc/roles', { role: 'editor' })).statusCode).toBe(404);
  });

  it('lists the audit log for admins, in words: who by email, whom by email, no JSON', async () => {
    const res = await t.app.inject({ url: '/admin/audit', headers: { ...HTML, cookie: admin.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('user.roles_changed');
    expect(res.body).toMatch(/<td class="who-cell">boss@example\.org<\/td><td>changed the roles of [\w.@]+ from [\w ]+ to [\w ]+ <small/);
    expect(res.body).not.toMatch(/\buser \d+\b(?! \(deleted\))/);
    expect(res.body).not.toMatch(/\{&quot;/);
  });
});
