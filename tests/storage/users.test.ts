import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/storage/audit.ts';
import {
  consumePasswordToken,
  countOtherAdmins,
  countUsers,
  createFirstAdmin,
  createPasswordToken,
  createUser,
  findLogin,
  inviteUser,
  listUsers,
  peekPasswordToken,
  setDisabled,
  setRoles,
} from '../../src/storage/users.ts';
import { type TestDb, backends } from '../helpers/db.ts';

const T0 = new Date('2026-11-20T10:00:00Z');
const HOUR = 3600_000;

for (const b of backends()) {
  describe.skipIf(!b.available)(`users storage (${b.name})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await b.open();
    });
    afterAll(async () => t?.close());

    it('creates the first admin only while there are no users, even when two try at once', async () => {
      expect(await countUsers(t.db)).toBe(0);
      const both = await Promise.all([createFirstAdmin(t.db, 'One@Example.org', 'h1'), createFirstAdmin(t.db, 'two@example.org', 'h2')]);
      expect(both.filter(Boolean)).toHaveLength(1);
      expect(await countUsers(t.db)).toBe(1);
      expect(await createFirstAdmin(t.db, 'three@example.org', 'h3')).toBeUndefined();
    });

    it('stores emails lower-cased, refuses duplicates, and keeps several roles', async () => {
      const u = await createUser(t.db, { email: ' Mixed.Case@Example.ORG ', roles: ['editor', 'press_officer', 'editor'] });
      expect(u).toMatchObject({ email: 'mixed.case@example.org', roles: ['editor', 'press_officer'], hasPassword: false, disabledAt: null });
      expect(await createUser(t.db, { email: 'MIXED.case@example.org', roles: ['admin'] })).toBeUndefined();
      expect((await findLogin(t.db, 'mixed.CASE@example.org'))?.id).toBe(u!.id);
    });

    it('refuses unknown roles and an empty role list at the database', async () => {
      await expect(createUser(t.db, { email: 'x@example.org', roles: ['superuser' as never] })).rejects.toThrow();
      await expect(createUser(t.db, { email: 'y@example.org', roles: [] })).rejects.toThrow();
      const u = (await createUser(t.db, { email: 'z@example.org', roles: ['editor'] }))!;
      await expect(setRoles(t.db, u.id, [])).rejects.toThrow();
    });

    it('counts the other enabled admins (the last-admin guard)', async () => {
      const [admin] = (await listUsers(t.db)).filter((u) => u.roles.includes('admin'));
      expect(await countOtherAdmins(t.db, admin!.id)).toBe(0);
      const second = (await createUser(t.db, { email: 'second.admin@example.org', roles: ['admin'] }))!;
      expect(await countOtherAdmins(t.db, admin!.id)).toBe(1);
      await setDisabled(t.db, second.id, T0);
      expect(await countOtherAdmins(t.db, admin!.id)).toBe(0);
    });

    it('set-password tokens: stored hashed, single use, 72 h, a new one revokes the old', async () => {
      const made = (await inviteUser(t.db, { email: 'invitee@example.org', roles: ['editor'], actorId: null, now: T0, via: 'cli' }))!;
      const raw = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM password_tokens WHERE user_id = $1', [made.user.id]);
      expect(raw[0]!.token_hash).not.toContain(made.token);
      expect((await peekPasswordToken(t.db, made.token, T0))?.email).toBe('invitee@example.org');
      expect(await peekPasswordToken(t.db, made.token, new Date(T0.getTime() + 72 * HOUR + 1))).toBeUndefined();

      const used = await consumePasswordToken(t.db, made.token, 'scrypt$hash', new Date(T0.getTime() + HOUR));
      expect(used).toMatchObject({ id: made.user.id, hasPassword: true });
      expect(await consumePasswordToken(t.db, made.token, 'other', new Date(T0.getTime() + 2 * HOUR))).toBeUndefined();
      expect((await findLogin(t.db, 'invitee@example.org'))?.passwordHash).toBe('scrypt$hash');

      const first = await createPasswordToken(t.db, made.user.id, T0);
      const second = await createPasswordToken(t.db, made.user.id, T0);
      expect(await peekPasswordToken(t.db, first, T0)).toBeUndefined();
      expect(await peekPasswordToken(t.db, second, T0)).toBeDefined();
      await setDisabled(t.db, made.user.id, T0);
      expect(await consumePasswordToken(t.db, second, 'x', T0)).toBeUndefined();
    });

    it('audits the invitation in the same transaction', async () => {
      const made = (await inviteUser(t.db, { email: 'audited@example.org', roles: ['press_officer'], actorId: null, now: T0, via: 'web' }))!;
      const [entry] = await listAudit(t.db, { limit: 1, objectType: 'user', objectId: made.user.id });
      expect(entry).toMatchObject({ action: 'user.created', userId: null, detail: { email: 'audited@example.org', roles: ['press_officer'], via: 'web' } });
      expect(await inviteUser(t.db, { email: 'audited@example.org', roles: ['editor'], actorId: null, now: T0, via: 'web' })).toBeUndefined();
    });
  });
}
