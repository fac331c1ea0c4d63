// drafted (or changes requested) → awaiting approval, then the approval email to the press officers on duty
// (everyone with the role when nobody is). Safe to run again: the transition happens once, and a version's
// email goes to each person once; a re-run only sends what a failed run did not.
import type { Draft } from '../domain/drafts.ts';
import { ukClock } from '../pipeline/uk-clock.ts';
import { getDraftPolicy } from '../storage/draft-policies.ts';
import { getDraft, transitionDraft } from '../storage/drafts.ts';
import { listPressOfficers, pressOfficersOnDuty } from '../storage/duty-rota.ts';
import type { DraftDeps } from './deps.ts';
import { type SendReport, sendDraftEmails } from './send-draft-emails.ts';

export type RequestApprovalResult =
  | ({ ok: true; draft: Draft; onDuty: boolean } & SendReport)
  | { ok: false; reason: 'missing' | 'state' | 'no_press_officers'; message: string; draft?: Draft };

export async function requestApproval(deps: DraftDeps, draftId: number, actorId: number | null = null): Promise<RequestApprovalResult> {
  const now = deps.now();
  let draft = await getDraft(deps.db, draftId);
  if (!draft) return { ok: false, reason: 'missing', message: `drafts: draft ${draftId} does not exist` };
  const policy = await getDraftPolicy(deps.db, draft.topic);
  if (draft.status === 'drafted' || draft.status === 'changes_requested') {
    const t = await transitionDraft(deps.db, {
      draftId,
      action: 'request_approval',
      actorId,
      from: ['drafted', 'changes_requested'],
      to: 'awaiting_approval',
      now,
      set: {
        deadlineAt: new Date(now.getTime() + policy.deadlineMinutes * 60_000),
        nextChaseAt: new Date(now.getTime() + policy.deadlineMinutes * 60_000),
        expiresAt: new Date(now.getTime() + policy.expireHours * 3600_000),
        remindedAt: null,
        escalationLevel: 0,
      },
    });
    draft = t.ok ? t.draft : await getDraft(deps.db, draftId);
  }
  if (draft?.status !== 'awaiting_approval') {
    return { ok: false, reason: 'state', draft, message: `drafts: draft ${draftId} is ${draft?.status ?? 'gone'}; only a drafted draft or one sent back for changes can be sent for approval` };
  }
  const onDuty = await pressOfficersOnDuty(deps.db, ukClock(now));
  const recipients = onDuty.length > 0 ? onDuty : await listPressOfficers(deps.db);
  if (recipients.length === 0) {
    return { ok: false, reason: 'no_press_officers', draft, message: 'drafts: nobody has the press_officer role; add one with `pressdesk users add EMAIL --role press_officer`' };
  }
  const report = await sendDraftEmails(deps, draft, recipients, 'approval', policy);
  return { ok: true, draft, onDuty: onDuty.length > 0, ...report };
}
