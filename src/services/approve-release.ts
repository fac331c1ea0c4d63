// An approved draft becomes its release: the text as approved (sanitised once more, since the public archive
// shows it), the recipients chosen (default: the contacts covering the draft's topic), and distribution
// queued for now or for the scheduled time. Called after decideDraft / useLink return `approved: true`.
// Idempotent: the release is UNIQUE per draft, so a second approval click, or a retry, finds the release
// already made and queues the same job id again (BullMQ ignores it), sending nothing more.
import type { RecipientSpec, Release } from '../domain/releases.ts';
import { sanitize } from '../pipeline/sanitize.ts';
import { releaseSlug } from '../pipeline/slug.ts';
import { getDraft } from '../storage/drafts.ts';
import { insertRelease } from '../storage/releases.ts';
import type { ReleaseDeps } from './deps.ts';
import { queueDistribute } from './queue-distribute.ts';

export interface ApproveReleaseInput {
  draftId: number;
  /** The press officer who approved; null = the system. */
  approvedBy: number | null;
  /** When distribution starts; omitted or null = now. */
  sendAt?: Date | null;
  /** The embargo line in the email; omitted = none (for immediate release). */
  embargoUntil?: Date | null;
  /** Omitted = every contact covering the draft's topic. */
  recipients?: RecipientSpec;
}

export type ApproveReleaseResult =
  | { ok: true; release: Release; created: boolean }
  | { ok: false; reason: 'missing' | 'not_approved' | 'invalid'; message: string };

export async function approveRelease(deps: Pick<ReleaseDeps, 'db' | 'queues' | 'now'>, input: ApproveReleaseInput): Promise<ApproveReleaseResult> {
  const draft = await getDraft(deps.db, input.draftId);
  if (!draft) return { ok: false, reason: 'missing', message: `releases: draft ${input.draftId} does not exist` };
  if (draft.status !== 'approved') {
    return { ok: false, reason: 'not_approved', message: `releases: draft ${draft.id} is ${draft.status.replace('_', ' ')}, not approved; approve it first` };
  }
  const recipients = input.recipients ?? { topics: [draft.topic] };
  if (recipients.topics.length === 0 && !recipients.contactIds?.length) {
    return { ok: false, reason: 'invalid', message: 'releases: choose at least one topic or contact to send the release to' };
  }
  const now = deps.now();
  const { created, release } = await insertRelease(deps.db, {
    draftId: draft.id,
    slug: releaseSlug(draft.subject, draft.id),
    subject: draft.subject,
    html: sanitize(draft.bodyHtml),
    text: draft.bodyText,
    topics: [...new Set([draft.topic, ...recipients.topics])],
    sendAt: input.sendAt ?? null,
    embargoUntil: input.embargoUntil ?? null,
    recipients,
    approvedBy: input.approvedBy,
    now,
  });
  // Also when it existed: the first call may have died between the insert and the queue.
  if (release.status === 'scheduled') await queueDistribute(deps, release);
  return { ok: true, release, created };
}
