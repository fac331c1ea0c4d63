// The schedule's pass over drafts awaiting a decision: past the deadline, a reminder to those already
// emailed; one deadline later, the next press officer; one more, every press officer; past expires_at, the
// draft expires. Emails go first (per-recipient rows skip whoever already had one), then the step is recorded
// under the status lock guarded by the level it read — so a re-run, or two schedulers at once, neither skip
// a step nor email anyone twice.
import type { Draft } from '../domain/drafts.ts';
import { ukClock } from '../pipeline/uk-clock.ts';
import { getDraftPolicy } from '../storage/draft-policies.ts';
import { listNotified } from '../storage/draft-notifications.ts';
import { listDueForChase, transitionDraft } from '../storage/drafts.ts';
import { type PressOfficer, listPressOfficers, pressOfficersOnDuty } from '../storage/duty-rota.ts';
import type { DraftDeps } from './deps.ts';
import { sendDraftEmails } from './send-draft-emails.ts';

export interface ChaseReport {
  reminded: number[];
  escalated: number[];
  expired: number[];
  /** Emails that failed; the next pass retries them. */
  failed: { draftId: number; email: string; error: string }[];
}

const STEPS = ['remind', 'escalate_next', 'escalate_all'] as const;

async function recipientsFor(deps: DraftDeps, d: Draft, level: number): Promise<{ to: PressOfficer[]; kind: 'reminder' | 'escalation' }> {
  const officers = await listPressOfficers(deps.db);
  const notified = await listNotified(deps.db, d.id);
  const asked = new Set(notified.filter((n) => n.kind !== 'escalation').map((n) => n.userId));
  if (level === 0) {
    const to = officers.filter((o) => asked.has(o.id));
    return { to: to.length > 0 ? to : await pressOfficersOnDuty(deps.db, ukClock(deps.now())), kind: 'reminder' };
  }
  if (level === 1) {
    const next = officers.find((o) => !asked.has(o.id));
    return { to: next ? [next] : officers, kind: 'escalation' };
  }
  return { to: officers, kind: 'escalation' };
}

export async function chaseDrafts(deps: DraftDeps, limit = 100): Promise<ChaseReport> {
  const now = deps.now();
  const report: ChaseReport = { reminded: [], escalated: [], expired: [], failed: [] };
  for (const d of await listDueForChase(deps.db, now, limit)) {
    if (d.expiresAt && d.expiresAt <= now) {
      const r = await transitionDraft(deps.db, { draftId: d.id, action: 'expire', actorId: null, from: ['awaiting_approval'], to: 'expired', now, set: { nextChaseAt: null }, comment: 'no decision in time' });
      if (r.ok) report.expired.push(d.id);
      continue;
    }
    const level = d.escalationLevel;
    if (level >= STEPS.length || !d.nextChaseAt || d.nextChaseAt > now) continue;
    const policy = await getDraftPolicy(deps.db, d.topic);
    const { to, kind } = await recipientsFor(deps, d, level);
    const sent = await sendDraftEmails(deps, d, to, kind, policy);
    for (const f of sent.failed) report.failed.push({ draftId: d.id, ...f });
    if (sent.failed.length > 0) continue; // the step stays due: the next pass retries the failed emails
    const next = level + 1 < STEPS.length ? new Date(now.getTime() + policy.deadlineMinutes * 60_000) : null;
    const r = await transitionDraft(deps.db, {
      draftId: d.id,
      action: STEPS[level]!,
      actorId: null,
      from: ['awaiting_approval'],
      now,
      comment: [...sent.sent, ...sent.skipped].join(', ') || null,
      guard: (locked) => (locked.escalationLevel !== level || locked.version !== d.version ? 'chased already' : undefined),
      set: { escalationLevel: level + 1, nextChaseAt: next, ...(level === 0 ? { remindedAt: now } : {}) },
    });
    if (r.ok) (level === 0 ? report.reminded : report.escalated).push(d.id);
  }
  return report;
}
