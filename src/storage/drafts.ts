// Drafts: SQL and row mapping. Every status change goes through transitionDraft: the row is locked
// (SELECT … FOR UPDATE), checked against the allowed-from states and the expected version, changed, and its
// draft_events row written, all in one transaction.
import type { Draft, DraftStatus } from '../domain/drafts.ts';
import type { Db } from './db.ts';
import { MERGE_CHAIN } from './stories.ts';

const COLUMNS = `id, story_id, template, topic, lines_version, version, status, subject, body_html, body_text,
  generated_html, generated_text, last_editor_user_id, decided_by, decided_at, deadline_at, next_chase_at,
  expires_at, reminded_at, escalation_level, created_at, updated_at`;

type DraftRow = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

export const toDraft = (r: DraftRow): Draft => ({
  id: Number(r.id),
  storyId: Number(r.story_id),
  template: r.template as string,
  topic: r.topic as string,
  linesVersion: num(r.lines_version),
  version: Number(r.version),
  status: r.status as DraftStatus,
  subject: r.subject as string,
  bodyHtml: r.body_html as string,
  bodyText: r.body_text as string,
  generatedHtml: r.generated_html as string,
  generatedText: r.generated_text as string,
  lastEditorUserId: num(r.last_editor_user_id),
  decidedBy: num(r.decided_by),
  decidedAt: date(r.decided_at),
  deadlineAt: date(r.deadline_at),
  nextChaseAt: date(r.next_chase_at),
  expiresAt: date(r.expires_at),
  remindedAt: date(r.reminded_at),
  escalationLevel: Number(r.escalation_level),
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
});

export interface NewDraft {
  storyId: number;
  template: string;
  topic: string;
  linesVersion: number | null;
  subject: string;
  html: string;
  text: string;
  /** Who asked (the CLI or the story page's button); null = the pipeline. */
  actorId: number | null;
  now: Date;
}

export type InsertResult =
  | { kind: 'created'; draft: Draft }
  | { kind: 'exists'; draft: Draft }
  | { kind: 'rate_limited'; count: number };

/**
 * Inserts the story's draft unless it has one (UNIQUE story_id) or the topic already had `maxPerHour`
 * drafts in the hour before `now` (undefined = no limit). The count and the insert run under a per-topic
 * advisory lock, so two workers cannot both take the last slot.
 */
export async function insertDraft(db: Db, d: NewDraft, maxPerHour?: number): Promise<InsertResult> {
  return db.tx(async (t) => {
    await t.query(`SELECT pg_advisory_xact_lock(hashtext('drafts:' || $1::text))`, [d.topic]);
    const existing = await getDraftByStory(t, d.storyId);
    if (existing) return { kind: 'exists', draft: existing };
    if (maxPerHour !== undefined) {
      const count = await countDraftsSince(t, d.topic, new Date(d.now.getTime() - 3600_000));
      if (count >= maxPerHour) return { kind: 'rate_limited', count };
    }
    const rows = await t.query<DraftRow>(
      `INSERT INTO drafts (story_id, template, topic, lines_version, subject, body_html, body_text, generated_html,
         generated_text, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7, $8, $8)
       ON CONFLICT (story_id) DO NOTHING RETURNING ${COLUMNS}`,
      [d.storyId, d.template, d.topic, d.linesVersion, d.subject, d.html, d.text, d.now],
    );
    if (!rows[0]) {
      const other = await getDraftByStory(t, d.storyId);
      if (other) return { kind: 'exists', draft: other };
      throw new Error(`drafts: story ${d.storyId} has a draft that vanished during the insert; retry`);
    }
    const draft = toDraft(rows[0]);
    await addDraftEvent(t, { draftId: draft.id, at: d.now, userId: d.actorId, action: 'create', from: null, to: 'drafted', version: 1, comment: `template ${d.template}` });
    return { kind: 'created', draft };
  });
}

export async function getDraft(db: Db, id: number): Promise<Draft | undefined> {
  const rows = await db.query<DraftRow>(`SELECT ${COLUMNS} FROM drafts WHERE id = $1`, [id]);
  return rows[0] && toDraft(rows[0]);
}

export async function getDraftByStory(db: Db, storyId: number): Promise<Draft | undefined> {
  const rows = await db.query<DraftRow>(`SELECT ${COLUMNS} FROM drafts WHERE story_id = $1`, [storyId]);
  return rows[0] && toDraft(rows[0]);
}

/** Of these stories (followed through merges), the ones a draft could still be made for: live, with a topic,
 *  first seen at or after `since`, and no draft yet. Answers the ids as given. One statement for a batch. */
export async function storiesStillDraftable(db: Db, storyIds: readonly number[], since: Date): Promise<Set<number>> {
  if (!storyIds.length) return new Set();
  const rows = await db.query<{ orig: number }>(
    `${MERGE_CHAIN}
     SELECT c.orig FROM chain c JOIN stories s ON s.id = c.id
     WHERE c.next IS NULL AND cardinality(s.topics) > 0 AND s.first_seen >= $2
       AND NOT EXISTS (SELECT 1 FROM drafts d WHERE d.story_id = s.id)`,
    [[...new Set(storyIds)], since],
  );
  return new Set(rows.map((r) => Number(r.orig)));
}

/** Drafts made for a topic at or after `since` (the per-hour limit). */
export async function countDraftsSince(db: Db, topic: string, since: Date): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM drafts WHERE topic = $1 AND created_at >= $2', [topic, since]);
  return rows[0]?.n ?? 0;
}

/** Columns a transition (or an edit) may set besides the status. */
export interface DraftPatch {
  subject?: string;
  bodyHtml?: string;
  bodyText?: string;
  lastEditorUserId?: number | null;
  decidedBy?: number | null;
  decidedAt?: Date | null;
  deadlineAt?: Date | null;
  nextChaseAt?: Date | null;
  expiresAt?: Date | null;
  remindedAt?: Date | null;
  escalationLevel?: number;
  /** version + 1: links for the old text stop working. */
  bumpVersion?: boolean;
}

const PATCH_COLUMNS: Record<Exclude<keyof DraftPatch, 'bumpVersion'>, string> = {
  subject: 'subject',
  bodyHtml: 'body_html',
  bodyText: 'body_text',
  lastEditorUserId: 'last_editor_user_id',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  deadlineAt: 'deadline_at',
  nextChaseAt: 'next_chase_at',
  expiresAt: 'expires_at',
  remindedAt: 'reminded_at',
  escalationLevel: 'escalation_level',
};

export interface Transition {
  draftId: number;
  /** The audit row's action: approve, reject, edit, remind… */
  action: string;
  /** null = the system (chaseDrafts, the pipeline). */
  actorId: number | null;
  from: readonly DraftStatus[];
  /** Omitted: the status stays (an edit, a reminder). */
  to?: DraftStatus;
  /** The version the actor saw; a different one refuses with 'version'. */
  expectedVersion?: number;
  comment?: string | null;
  now: Date;
  set?: DraftPatch | ((d: Draft) => DraftPatch);
  /** Runs on the locked row; a string refuses the transition with that message (reason 'refused'). */
  guard?: (d: Draft) => string | undefined;
}

export type TransitionResult =
  | { ok: true; draft: Draft; before: Draft }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'state' | 'version' | 'refused'; draft: Draft; message?: string };

/** Changes a draft under its status lock and writes the audit row in the same transaction. */
export async function transitionDraft(db: Db, tr: Transition): Promise<TransitionResult> {
  return db.tx(async (t) => {
    const rows = await t.query<DraftRow>(`SELECT ${COLUMNS} FROM drafts WHERE id = $1 FOR UPDATE`, [tr.draftId]);
    if (!rows[0]) return { ok: false, reason: 'missing' };
    const before = toDraft(rows[0]);
    if (!tr.from.includes(before.status)) return { ok: false, reason: 'state', draft: before };
    if (tr.expectedVersion !== undefined && tr.expectedVersion !== before.version) return { ok: false, reason: 'version', draft: before };
    const refusal = tr.guard?.(before);
    if (refusal) return { ok: false, reason: 'refused', draft: before, message: refusal };
    const patch = typeof tr.set === 'function' ? tr.set(before) : (tr.set ?? {});
    const params: unknown[] = [tr.draftId, tr.to ?? before.status, tr.now];
    const sets = ['status = $2', 'updated_at = $3'];
    for (const [k, col] of Object.entries(PATCH_COLUMNS) as [keyof typeof PATCH_COLUMNS, string][]) {
      if (patch[k] !== undefined) sets.push(`${col} = $${params.push(patch[k])}`);
    }
    if (patch.bumpVersion) sets.push('version = version + 1');
    const [row] = await t.query<DraftRow>(`UPDATE drafts SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
    const draft = toDraft(row!);
    await addDraftEvent(t, {
      draftId: draft.id,
      at: tr.now,
      userId: tr.actorId,
      action: tr.action,
      from: before.status,
      to: draft.status,
      version: draft.version,
      comment: tr.comment ?? null,
    });
    return { ok: true, draft, before };
  });
}

export interface DraftEvent {
  id: number;
  draftId: number;
  at: Date;
  userId: number | null;
  userEmail: string | null;
  action: string;
  from: DraftStatus | null;
  to: DraftStatus | null;
  version: number;
  comment: string | null;
}

export async function addDraftEvent(
  db: Db,
  e: { draftId: number; at: Date; userId: number | null; action: string; from: DraftStatus | null; to: DraftStatus | null; version: number; comment?: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO draft_events (draft_id, at, user_id, action, from_status, to_status, version, comment)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.draftId, e.at, e.userId, e.action, e.from, e.to, e.version, e.comment ?? null],
  );
}

/** The draft's history, oldest first. */
export async function listDraftEvents(db: Db, draftId: number): Promise<DraftEvent[]> {
  const rows = await db.query<DraftRow>(
    `SELECT e.id, e.draft_id, e.at, e.user_id, u.email, e.action, e.from_status, e.to_status, e.version, e.comment
     FROM draft_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.draft_id = $1 ORDER BY e.at, e.id`,
    [draftId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    draftId: Number(r.draft_id),
    at: new Date(r.at as string),
    userId: num(r.user_id),
    userEmail: (r.email as string | null) ?? null,
    action: r.action as string,
    from: (r.from_status as DraftStatus | null) ?? null,
    to: (r.to_status as DraftStatus | null) ?? null,
    version: Number(r.version),
    comment: (r.comment as string | null) ?? null,
  }));
}

export interface DraftListEntry {
  draft: Draft;
  headline: string | null;
  /** now − created_at, in minutes. */
  ageMinutes: number;
  /** deadline_at − now, in minutes (negative once overdue); null without a deadline. */
  minutesToDeadline: number | null;
}

/** Drafts in the given states (default: awaiting a decision), the oldest deadline first ('recent': the
 *  latest change first, for decided drafts). */
export async function listDrafts(
  db: Db,
  q: { now: Date; statuses?: readonly DraftStatus[]; limit?: number; offset?: number; order?: 'deadline' | 'recent' },
): Promise<DraftListEntry[]> {
  const order = q.order === 'recent' ? 'd.updated_at DESC, d.id DESC' : 'd.deadline_at ASC NULLS LAST, d.created_at, d.id';
  const rows = await db.query<DraftRow & { headline: string | null }>(
    `SELECT ${COLUMNS.replace(/(\w+)/g, 'd.$1')}, h.title AS headline
     FROM drafts d LEFT JOIN stories s ON s.id = d.story_id LEFT JOIN items h ON h.id = coalesce(s.headline_override, s.headline_item_id)
     WHERE d.status = ANY($1::text[])
     ORDER BY ${order} LIMIT $2 OFFSET $3`,
    [q.statuses ?? ['awaiting_approval'], q.limit ?? 100, q.offset ?? 0],
  );
  const t = q.now.getTime();
  return rows.map((r) => {
    const draft = toDraft(r);
    return {
      draft,
      headline: r.headline,
      ageMinutes: Math.floor((t - draft.createdAt.getTime()) / 60_000),
      minutesToDeadline: draft.deadlineAt ? Math.floor((draft.deadlineAt.getTime() - t) / 60_000) : null,
    };
  });
}

/** Drafts awaiting a decision whose next chase (reminder, escalation) or expiry is due at `now`. */
export async function listDueForChase(db: Db, now: Date, limit = 100): Promise<Draft[]> {
  const rows = await db.query<DraftRow>(
    `SELECT ${COLUMNS} FROM drafts WHERE status = 'awaiting_approval' AND (next_chase_at <= $1 OR expires_at <= $1)
     ORDER BY coalesce(least(next_chase_at, expires_at), $1), id LIMIT $2`,
    [now, limit],
  );
  return rows.map(toDraft);
}

// --- the four-eyes setting ---------------------------------------------------------------------------

const NOT_LAST_EDITOR = 'drafts.approver_not_last_editor';

export async function approverMustNotBeLastEditor(db: Db): Promise<boolean> {
  const rows = await db.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [NOT_LAST_EDITOR]);
  return rows[0]?.value === true;
}

export async function setApproverMustNotBeLastEditor(db: Db, on: boolean): Promise<void> {
  await db.query(
    `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [NOT_LAST_EDITOR, JSON.stringify(on)],
  );
}

/** The union's profile for releases (settings key drafts.union), as stored; undefined when not set. */
export async function getUnionSetting(db: Db): Promise<Record<string, unknown> | undefined> {
  const rows = await db.query<{ value: unknown }>(`SELECT value FROM settings WHERE key = 'drafts.union'`);
  const v = rows[0]?.value;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}
