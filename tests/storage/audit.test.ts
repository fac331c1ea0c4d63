import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, countAudit, listAudit } from '../../src/storage/audit.ts';
import { createUser } from '../../src/storage/users.ts';
import { type TestDb, backends } from '../helpers/db.ts';

for (const b of backends()) {
  describe.skipIf(!b.available)(`audit log (${b.name})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await b.open();
    });
    afterAll(async () => t?.close());

    it('records who did what to which object, newest first, filterable by object', async () => {
      const u = (await createUser(t.db, { email: 'actor@example.org', roles: ['editor'] }))!;
      await audit(t.db, { userId: u.id, action: 'rule.published', objectType: 'rule', objectId: 7, detail: { version: 3 }, at: new Date('2026-01-01T10:00:00Z') });
      await audit(t.db, { userId: null, action: 'user.created', objectType: 'user', objectId: u.id, at: new Date('2026-01-01T11:00:00Z') });
      await audit(t.db, { userId: u.id, action: 'rule.published', objectType: 'rule', objectId: '8' });
      expect(await countAudit(t.db)).toBe(3);
      const all = await listAudit(t.db, { limit: 10 });
      expect(all.map((e) => e.action)).toEqual(['rule.published', 'user.created', 'rule.published']);
      expect(all[2]).toMatchObject({ userId: u.id, userEmail: 'actor@example.org', objectType: 'rule', objectId: '7', detail: { version: 3 } });
      expect(all[1]).toMatchObject({ userId: null, userEmail: null, detail: {} });
      const one = await listAudit(t.db, { limit: 10, objectType: 'rule', objectId: 7 });
      expect(one).toHaveLength(1);
      expect((await listAudit(t.db, { limit: 1, offset: 1 }))[0]!.action).toBe('user.created');
    });

    it('keeps entries when the user is deleted', async () => {
      const u = (await createUser(t.db, { email: 'gone@example.org', roles: ['editor'] }))!;
      await audit(t.db, { userId: u.id, action: 'user.login', objectType: 'user', objectId: u.id });
      await t.db.query('DELETE FROM users WHERE id = $1', [u.id]);
      const [entry] = await listAudit(t.db, { limit: 1, objectType: 'user', objectId: u.id });
      expect(entry).toMatchObject({ action: 'user.login', userId: null });
    });
  });
}
