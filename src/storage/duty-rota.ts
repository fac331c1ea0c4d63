// Who is on duty when (a weekly table in UK local time), and the press officers drafts go to.
import type { Db } from './db.ts';

export interface RotaSlot {
  id: number;
  userId: number;
  /** 0 = Sunday. */
  weekday: number;
  startMinute: number;
  /** Exclusive. */
  endMinute: number;
}

export interface PressOfficer {
  id: number;
  email: string;
}

export async function addRotaSlot(db: Db, s: Omit<RotaSlot, 'id'>): Promise<RotaSlot> {
  const [r] = await db.query<{ id: number }>(
    'INSERT INTO duty_rota (user_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4) RETURNING id',
    [s.userId, s.weekday, s.startMinute, s.endMinute],
  );
  return { id: Number(r!.id), ...s };
}

export async function removeRotaSlot(db: Db, id: number): Promise<void> {
  await db.query('DELETE FROM duty_rota WHERE id = $1', [id]);
}

export async function listRota(db: Db): Promise<RotaSlot[]> {
  const rows = await db.query<{ id: number; user_id: number; weekday: number; start_minute: number; end_minute: number }>(
    'SELECT id, user_id, weekday, start_minute, end_minute FROM duty_rota ORDER BY weekday, start_minute, id',
  );
  return rows.map((r) => ({ id: Number(r.id), userId: Number(r.user_id), weekday: r.weekday, startMinute: r.start_minute, endMinute: r.end_minute }));
}

/** Enabled press officers on duty at a UK local weekday and minute, in rota order. */
export async function pressOfficersOnDuty(db: Db, at: { weekday: number; minute: number }): Promise<PressOfficer[]> {
  const rows = await db.query<{ id: number; email: string }>(
    `SELECT u.id, u.email FROM users u
     WHERE 'press_officer' = ANY(u.roles) AND u.disabled_at IS NULL AND EXISTS (
       SELECT 1 FROM duty_rota r WHERE r.user_id = u.id AND r.weekday = $1 AND r.start_minute <= $2 AND $2 < r.end_minute)
     ORDER BY (SELECT min(r.id) FROM duty_rota r WHERE r.user_id = u.id AND r.weekday = $1 AND r.start_minute <= $2 AND $2 < r.end_minute), u.id`,
    [at.weekday, at.minute],
  );
  return rows.map((r) => ({ id: Number(r.id), email: r.email }));
}

/** Every enabled press officer, by id (the escalation order and the fallback when nobody is on duty). */
export async function listPressOfficers(db: Db): Promise<PressOfficer[]> {
  const rows = await db.query<{ id: number; email: string }>(
    `SELECT id, email FROM users WHERE 'press_officer' = ANY(roles) AND disabled_at IS NULL ORDER BY id`,
  );
  return rows.map((r) => ({ id: Number(r.id), email: r.email }));
}
