// The reads behind each role's home and the trends page: topic volume by hour, the day's relevant stories,
// failing sources, feedback since the rules last changed.
import type { HourCount } from '../pipeline/topic-volume.ts';
import type { Db } from './db.ts';

const at = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

/** Tagged items per topic per hour in [since, until] (an item's time: its feed date, else when it was fetched;
 *  a feed date in the future counts at `until`'s side of the window only if it is not after it). Duplicates of
 *  another item do not count twice. */
export async function topicHourCounts(db: Db, since: Date, until: Date): Promise<HourCount[]> {
  const rows = await db.query<{ topic: string; hour: unknown; n: number }>(
    `SELECT it.topic, date_trunc('hour', coalesce(i.published_at, i.fetched_at)) AS hour, count(*)::int AS n
     FROM items i JOIN item_topics it ON it.item_id = i.id
     WHERE coalesce(i.published_at, i.fetched_at) >= $1 AND coalesce(i.published_at, i.fetched_at) <= $2 AND i.duplicate_of IS NULL
     GROUP BY 1, 2`,
    [since, until],
  );
  return rows.map((r) => ({ topic: String(r.topic), hour: at(r.hour)!, n: Number(r.n) }));
}

export interface DeskStory {
  id: number;
  headline: string;
  topics: string[];
  sourceCount: number;
  itemCount: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** Stories with a topic seen since `since`, most sources first. */
export async function relevantStoriesSince(db: Db, since: Date, limit: number): Promise<DeskStory[]> {
  const rows = await db.query(
    `SELECT s.id, coalesce(i.title, '(no headline)') AS headline, s.topics, s.source_count, s.item_count, s.first_seen, s.last_seen
     FROM stories s LEFT JOIN items i ON i.id = coalesce(s.headline_override, s.headline_item_id)
     WHERE s.merged_into IS NULL AND cardinality(s.topics) > 0 AND s.last_seen >= $1
     ORDER BY s.source_count DESC, s.last_seen DESC LIMIT $2`,
    [since, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    headline: String(r.headline),
    topics: r.topics as string[],
    sourceCount: Number(r.source_count),
    itemCount: Number(r.item_count),
    firstSeen: at(r.first_seen)!,
    lastSeen: at(r.last_seen)!,
  }));
}

export interface FailingSource {
  id: number;
  name: string;
  url: string;
  lastError: string | null;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
}

/** Enabled sources whose last poll failed, longest failing first, and how many there are. */
export async function failingSources(db: Db, limit: number): Promise<{ rows: FailingSource[]; total: number }> {
  const rows = await db.query(
    `SELECT id, name, url, last_error, failing_since, last_success_at, count(*) OVER ()::int AS total
     FROM sources WHERE enabled AND consecutive_failures > 0
     ORDER BY failing_since NULLS LAST, id LIMIT $1`,
    [limit],
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map((r) => ({
      id: Number(r.id),
      name: String(r.name),
      url: String(r.url),
      lastError: r.last_error == null ? null : String(r.last_error),
      failingSince: at(r.failing_since),
      lastSuccessAt: at(r.last_success_at),
    })),
  };
}

/** Verdicts given since `since` (the active rules' date): how many said relevant and not relevant. */
export async function feedbackSince(db: Db, since: Date | null): Promise<{ relevant: number; notRelevant: number }> {
  const [r] = await db.query<{ yes: number; no: number }>(
    `SELECT count(*) FILTER (WHERE relevant)::int AS yes, count(*) FILTER (WHERE NOT relevant)::int AS no
     FROM feedback WHERE $1::timestamptz IS NULL OR created_at > $1`,
    [since],
  );
  return { relevant: Number(r?.yes ?? 0), notRelevant: Number(r?.no ?? 0) };
}

/** Records today's alert for each spiking topic not alerted yet today; answers the topics recorded now. */
export async function claimSpikeAlerts(db: Db, day: string, spikes: { topic: string; recent: number; usual: number }[], now: Date): Promise<string[]> {
  if (!spikes.length) return [];
  const rows = await db.query<{ topic: string }>(
    `INSERT INTO spike_alerts (topic, day, recent, usual, sent_at)
     SELECT x.topic, $1::date, x.recent, x.usual, $5 FROM unnest($2::text[], $3::int[], $4::real[]) AS x(topic, recent, usual)
     ON CONFLICT DO NOTHING RETURNING topic`,
    [day, spikes.map((s) => s.topic), spikes.map((s) => s.recent), spikes.map((s) => s.usual), now],
  );
  return rows.map((r) => String(r.topic));
}

/** Forgets a claim whose email could not be sent, so the next run tries again. */
export async function releaseSpikeAlert(db: Db, day: string, topic: string): Promise<void> {
  await db.query('DELETE FROM spike_alerts WHERE topic = $1 AND day = $2::date', [topic, day]);
}

/** Press officers' (and admins') addresses. */
export async function pressOfficerEmails(db: Db): Promise<string[]> {
  const rows = await db.query<{ email: string }>(`SELECT email FROM users WHERE roles && ARRAY['press_officer', 'admin']::text[] ORDER BY email`);
  return rows.map((r) => r.email);
}
