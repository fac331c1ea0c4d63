// A press officer's decision on a draft awaiting approval: approve, request changes (with a comment) or
// reject (with a reason). Used by the signed link's POST and by the draft page. The status lock makes the
// decision happen once: a second approve finds the draft approved and changes nothing.
import type { Decision, Draft } from '../domain/drafts.ts';
import { TRANSITIONS, checkTransition, statusLabel } from '../pipeline/transitions.ts';
import { approverMustNotBeLastEditor, transitionDraft } from '../storage/drafts.ts';
import { getUser } from '../storage/users.ts';
import type { DraftDeps } from './deps.ts';

export interface DecideInput {
  draftId: number;
  action: Decision;
  userId: number;
  /** The version the person read; another version refuses with 'version'. */
  expectedVersion: number;
  comment?: string;
}

export type DecideResult =
  /** approved: the seam where distribution is enqueued (the caller does it, after this returns). */
  | { ok: true; draft: Draft; approved: boolean }
  | { ok: false; reason: 'missing' | 'forbidden' | 'state' | 'version' | 'last_editor' | 'comment_required'; message: string; draft?: Draft };

export async function decideDraft(deps: Pick<DraftDeps, 'db' | 'now'>, d: DecideInput): Promise<DecideResult> {
  const user = await getUser(deps.db, d.userId);
  const actor = { id: d.userId, roles: user?.roles ?? [], disabled: !user || user.disabledAt !== null };
  if (!user || actor.disabled || !actor.roles.includes('press_officer')) {
    return { ok: false, reason: 'forbidden', message: 'drafts: only press officers may decide on drafts; ask an admin for the press_officer role' };
  }
  const comment = d.comment?.trim() || undefined;
  if (d.action !== 'approve' && !comment) {
    return { ok: false, reason: 'comment_required', message: d.action === 'reject' ? 'drafts: say why the draft is rejected' : 'drafts: say what should change' };
  }
  const settings = { approverNotLastEditor: await approverMustNotBeLastEditor(deps.db) };
  let refusal: DecideResult | undefined;
  const now = deps.now();
  const rule = TRANSITIONS[d.action];
  const r = await transitionDraft(deps.db, {
    draftId: d.draftId,
    action: d.action,
    actorId: d.userId,
    from: rule.from,
    to: rule.to,
    expectedVersion: d.expectedVersion,
    comment,
    now,
    guard: (draft) => {
      const c = checkTransition(d.action, draft, actor, settings);
      if (c.ok) return undefined;
      refusal = { ok: false, reason: c.reason === 'last_editor' ? 'last_editor' : c.reason === 'state' ? 'state' : 'forbidden', message: c.message, draft };
      return c.message;
    },
    set: d.action === 'request_changes' ? { deadlineAt: null, nextChaseAt: null } : { decidedBy: d.userId, decidedAt: now, nextChaseAt: null },
  });
  if (r.ok) return { ok: true, draft: r.draft, approved: r.draft.status === 'approved' };
  if (r.reason === 'missing') return { ok: false, reason: 'missing', message: `drafts: draft ${d.draftId} does not exist` };
  if (r.reason === 'refused') return refusal!;
  if (r.reason === 'version') {
    return { ok: false, reason: 'version', draft: r.draft, message: `drafts: the draft has changed since you read it (it is now version ${r.draft.version}); read the new text and decide again` };
  }
  return { ok: false, reason: 'state', draft: r.draft, message: `drafts: the draft is already ${statusLabel(r.draft.status)}; nothing was changed` };
}
