import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clearAttempts,
  countAttempts,
  createSession,
  deleteExpiredSessions,
  deleteUserSessions,
  findSession,
  recordAttempt,
  touchSession,
} from '../../src/storage/sessions.ts';
import { type User, createUser, setDisabled } from '../../src/storage/users.ts';
import { type TestDb, backends } from '../helpers/db.ts';

const T0 = new Date('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const times = { idleMs: 60 * 60_000, maxMs: 3 * 60 * 60_000 }; // 1 h idle, 3 h in all

for (const b of backends()) {
  describe.skipIf(!b.available)(`sessions storage (${b.name})`, () => {
    let t: TestDb;
    let user: User;
    beforeAll(async () => {
      t = await b.open();
      user = (await createUser(t.db, { email: 's@example.org', roles: ['editor'] }))!;
    });
    afterAll(async () => t?.close());

    it('finds a session by its id, stores only a hash, and ends after the idle time', async () => {
      const id = await createSession(t.db, { userId: user.id, now: T0, times, ip: '127.0.0.1', userAgent: 'test' });
      const stored = await t.db.query<{ id_hash: string }>('SELECT id_hash FROM sessions');
      expect(stored.map((r) => r.id_hash)).not.toContain(id);
      expect((await findSession(t.db, id, at(59)))?.user.email).toBe('s@example.org');
      expect(await findSession(t.db, id, at(61))).toBeUndefined();
      expect(await findSession(t.db, 'not-a-session', T0)).toBeUndefined();
    });

    it('slides on touch, capped at the maximum age', async () => {
      const id = await createSession(t.db, { userId: user.id, now: T0, times });
      await touchSession(t.db, id, at(50), times);
      expect((await findSession(t.db, id, at(100)))?.expiresAt).toEqual(at(110));
      await touchSession(t.db, id, at(100), times);
      await touchSession(t.db, id, at(150), times);
      expect((await findSession(t.db, id, at(170)))?.expiresAt).toEqual(at(180));
      expect(await findSession(t.db, id, at(181))).toBeUndefined();
    });

    it("ends a disabled user's sessions and deletes all but the current one on request", async () => {
      const u = (await createUser(t.db, { email: 'many@example.org', roles: ['admin'] }))!;
      const a = await createSession(t.db, { userId: u.id, now: T0, times });
      const c = await createSession(t.db, { userId: u.id, now: T0, times });
      expect(await deleteUserSessions(t.db, u.id, a)).toBe(1);
      expect(await findSession(t.db, a, T0)).toBeDefined();
      expect(await findSession(t.db, c, T0)).toBeUndefined();
      await setDisabled(t.db, u.id, T0);
      expect(await findSession(t.db, a, T0)).toBeUndefined();
      expect(await deleteExpiredSessions(t.db, at(24 * 60))).toBeGreaterThan(0);
    });

    it('counts login failures per key inside the window and prunes old ones', async () => {
      const window = 15 * 60_000;
      for (let m = 0; m < 3; m++) await recordAttempt(t.db, ['1.2.3.4|a@x', '1.2.3.4'], at(m), window);
      await recordAttempt(t.db, ['1.2.3.4|b@x', '1.2.3.4'], at(3), window);
      const counts = await countAttempts(t.db, ['1.2.3.4|a@x', '1.2.3.4', 'other'], new Date(at(3).getTime() - window));
      expect(counts.get('1.2.3.4|a@x')).toEqual({ n: 3, oldest: at(0) });
      expect(counts.get('1.2.3.4')?.n).toBe(4);
      expect(counts.has('other')).toBe(false);
      expect((await countAttempts(t.db, ['1.2.3.4|a@x'], at(0.5))).get('1.2.3.4|a@x')?.n).toBe(2);
      await clearAttempts(t.db, '1.2.3.4|a@x');
      expect((await countAttempts(t.db, ['1.2.3.4|a@x'], T0)).size).toBe(0);
      await recordAttempt(t.db, ['later'], at(60), window); // prunes everything older than 45 min
      const left = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM login_failures');
      expect(left[0]!.n).toBe(1);
    });
  });
}
