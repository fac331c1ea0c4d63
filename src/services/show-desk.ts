// The desk: what each role should act on first, for the home page (and its live refresh).
//   press officer: drafts awaiting a decision; today's relevant stories by topic; topics spiking now;
//   editor: failing sources; rules that fire too much or never; verdicts given since the rules last changed;
//   admin: jobs per queue (the route adds the health checks, which live in the web layer).
import { QUEUE_NAMES, type QueueName } from '../adapters/queues.ts';
import type { DraftListEntry } from '../storage/drafts.ts';
import { type DeskStory, type FailingSource, failingSources, feedbackSince, relevantStoriesSince, topicHourCounts } from '../storage/desk.ts';
import { rulePrecision } from '../storage/feedback.ts';
import { activeRuleVersion, ruleHits } from '../storage/rules.ts';
import { type Spike, findSpikes } from '../pipeline/spikes.ts';
import { ukDayStart } from '../pipeline/uk-clock.ts';
import { activeRules } from './active-rules.ts';
import type { Deps } from './deps.ts';
import { reviewDrafts } from './review-drafts.ts';

export type Role = 'admin' | 'editor' | 'press_officer';

export interface TopicDay {
  id: string;
  name: string;
  stories: DeskStory[];
  /** Stories of the topic today, shown or not. */
  count: number;
}

export interface RuleFlag {
  topic: string;
  rule: string;
  query: string;
  hits7: number;
  /** "12 of 20 judged not relevant", "no hits in 30 days". */
  why: string;
}

export interface Desk {
  pressOfficer?: { drafts: DraftListEntry[]; today: TopicDay[]; spikes: (Spike & { name: string })[] };
  editor?: { failing: { rows: FailingSource[]; total: number }; noisy: RuleFlag[]; silent: RuleFlag[]; feedback: { relevant: number; notRelevant: number; since: Date | null } };
  admin?: { queues: { name: QueueName; waiting: number; active: number; delayed: number; failed: number }[] };
}

const PER_TOPIC = 5;
/** A rule is noisy when at least this many of its judged hits were judged, and most were not relevant. */
const MIN_JUDGED = 5;
const MAX_PRECISION = 0.5;
/** …or when it tags more than this many items a week on its own (worth a look, not necessarily wrong). */
const LOUD_PER_WEEK = 200;


export async function showDesk(deps: Pick<Deps, 'db' | 'queues' | 'now'>, roles: readonly Role[]): Promise<Desk> {
  const now = deps.now();
  const has = (r: Role) => roles.includes(r) || roles.includes('admin');
  const desk: Desk = {};
  const rules = has('press_officer') || has('editor') ? await activeRules(deps.db) : undefined;
  const names = new Map(rules?.ruleSet.topics.map((t) => [t.id, t.name]));
  if (has('press_officer') && rules) {
    const topics = rules.ruleSet.topics.map((t) => t.id);
    const [drafts, stories, counts] = await Promise.all([
      reviewDrafts(deps, { recent: 0 }),
      relevantStoriesSince(deps.db, ukDayStart(now), 500),
      topicHourCounts(deps.db, new Date(now.getTime() - 15 * 86_400_000), now),
    ]);
    const today = topics.map((id) => {
      const all = stories.filter((s) => s.topics.includes(id));
      return { id, name: names.get(id) ?? id, stories: all.slice(0, PER_TOPIC), count: all.length };
    });
    desk.pressOfficer = {
      drafts: drafts.awaiting,
      today: today.filter((t) => t.count > 0),
      spikes: findSpikes(counts, topics, now).map((s) => ({ ...s, name: names.get(s.topic) ?? s.topic })),
    };
  }
  if (has('editor') && rules) {
    const [failing, hits, precision, version] = await Promise.all([failingSources(deps.db, 10), ruleHits(deps.db, now), rulePrecision(deps.db), activeRuleVersion(deps.db)]);
    const key = (t: string, r: string) => `${t}\u0000${r}`;
    const hitBy = new Map(hits.map((h) => [key(h.topic, h.rule), h]));
    const precBy = new Map(precision.map((p) => [key(p.topic, p.rule), p]));
    const noisy: RuleFlag[] = [];
    const silent: RuleFlag[] = [];
    for (const t of rules.ruleSet.topics) {
      for (const r of t.rules) {
        const h = hitBy.get(key(t.id, r.id));
        const p = precBy.get(key(t.id, r.id));
        const flag = { topic: t.id, rule: r.id, query: r.query, hits7: h?.hits7 ?? 0 };
        if (p && p.judged >= MIN_JUDGED && (p.precision ?? 1) < MAX_PRECISION) noisy.push({ ...flag, why: `${p.judged - p.relevant} of ${p.judged} judged not relevant` });
        else if ((h?.hits7 ?? 0) > LOUD_PER_WEEK) noisy.push({ ...flag, why: `${h!.hits7} items in 7 days` });
        else if (!h || h.hits30 === 0) silent.push({ ...flag, why: 'no hits in 30 days' });
      }
    }
    const since = version?.createdAt ?? null;
    desk.editor = { failing, noisy, silent, feedback: { ...(await feedbackSince(deps.db, since)), since } };
  }
  if (has('admin')) {
    desk.admin = {
      queues: await Promise.all(
        QUEUE_NAMES.map(async (name) => {
          const c = await deps.queues.get(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
          return { name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
        }),
      ),
    };
  }
  return desk;
}
