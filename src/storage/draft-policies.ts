// Per-topic draft policies. A topic without a row gets DEFAULT_POLICY (the column defaults of migration 012).
import type { DraftPolicy, SourceCategory } from '../domain/drafts.ts';
import type { Db } from './db.ts';

export const DEFAULT_POLICY: Omit<DraftPolicy, 'topic'> = {
  enabled: true,
  minSources: 1,
  sourceKinds: ['official', 'inspectorate'],
  quietStart: null,
  quietEnd: null,
  maxPerHour: 3,
  deadlineMinutes: 30,
  expireHours: 12,
  template: null,
};

type Row = Record<string, unknown>;
const toPolicy = (r: Row): DraftPolicy => ({
  topic: r.topic as string,
  enabled: r.enabled as boolean,
  minSources: Number(r.min_sources),
  sourceKinds: r.source_kinds as SourceCategory[],
  quietStart: r.quiet_start === null ? null : Number(r.quiet_start),
  quietEnd: r.quiet_end === null ? null : Number(r.quiet_end),
  maxPerHour: Number(r.max_per_hour),
  deadlineMinutes: Number(r.deadline_minutes),
  expireHours: Number(r.expire_hours),
  template: (r.template as string | null) ?? null,
});
const COLUMNS = 'topic, enabled, min_sources, source_kinds, quiet_start, quiet_end, max_per_hour, deadline_minutes, expire_hours, template';

/** The policy of each topic asked for, the default where none is stored. */
export async function getDraftPolicies(db: Db, topics: readonly string[]): Promise<Map<string, DraftPolicy>> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM draft_policies WHERE topic = ANY($1::text[])`, [topics]);
  const stored = new Map(rows.map((r) => [r.topic as string, toPolicy(r)]));
  return new Map(topics.map((t) => [t, stored.get(t) ?? { topic: t, ...DEFAULT_POLICY }]));
}

export async function getDraftPolicy(db: Db, topic: string): Promise<DraftPolicy> {
  return (await getDraftPolicies(db, [topic])).get(topic)!;
}

export async function listDraftPolicies(db: Db): Promise<DraftPolicy[]> {
  return (await db.query<Row>(`SELECT ${COLUMNS} FROM draft_policies ORDER BY topic`)).map(toPolicy);
}

export async function saveDraftPolicy(db: Db, p: DraftPolicy, updatedBy: number | null): Promise<DraftPolicy> {
  const [row] = await db.query<Row>(
    `INSERT INTO draft_policies (topic, enabled, min_sources, source_kinds, quiet_start, quiet_end, max_per_hour,
       deadline_minutes, expire_hours, template, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (topic) DO UPDATE SET enabled = $2, min_sources = $3, source_kinds = $4, quiet_start = $5,
       quiet_end = $6, max_per_hour = $7, deadline_minutes = $8, expire_hours = $9, template = $10,
       updated_by = $11, updated_at = now()
     RETURNING ${COLUMNS}`,
    [p.topic, p.enabled, p.minSources, p.sourceKinds, p.quietStart, p.quietEnd, p.maxPerHour, p.deadlineMinutes, p.expireHours, p.template, updatedBy],
  );
  return toPolicy(row!);
}
