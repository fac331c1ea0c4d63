// A press officer's edit of a draft awaiting approval or sent back for changes: the HTML is sanitised, the
// text made from it, the version bumped (links in earlier emails then say "the draft has changed").
import type { Draft } from '../domain/drafts.ts';
import { releaseText } from '../pipeline/draft.ts';
import { sanitize } from '../pipeline/sanitize.ts';
import { TRANSITIONS, checkTransition } from '../pipeline/transitions.ts';
import { transitionDraft } from '../storage/drafts.ts';
import { getUser } from '../storage/users.ts';
import type { DraftDeps } from './deps.ts';

export interface EditInput {
  draftId: number;
  userId: number;
  subject: string;
  html: string;
  expectedVersion: number;
}

export type EditResult =
  /** resendApproval: the draft is awaiting approval at a new version — the caller enqueues requestApproval. */
  | { ok: true; draft: Draft; resendApproval: boolean }
  | { ok: false; reason: 'missing' | 'forbidden' | 'state' | 'version' | 'empty'; message: string; draft?: Draft };

export async function editDraft(deps: Pick<DraftDeps, 'db' | 'now'>, e: EditInput): Promise<EditResult> {
  const user = await getUser(deps.db, e.userId);
  const actor = { id: e.userId, roles: user?.roles ?? [], disabled: !user || user.disabledAt !== null };
  const subject = e.subject.replace(/\s+/g, ' ').trim();
  const html = sanitize(e.html);
  const text = releaseText(html);
  if (!subject || !text) return { ok: false, reason: 'empty', message: 'drafts: a draft needs a subject and some text' };
  let refusal: EditResult | undefined;
  const r = await transitionDraft(deps.db, {
    draftId: e.draftId,
    action: 'edit',
    actorId: e.userId,
    from: TRANSITIONS.edit.from,
    expectedVersion: e.expectedVersion,
    now: deps.now(),
    guard: (d) => {
      const c = checkTransition('edit', d, actor, { approverNotLastEditor: false });
      if (c.ok) return undefined;
      refusal = { ok: false, reason: c.reason === 'state' ? 'state' : 'forbidden', message: c.message, draft: d };
      return c.message;
    },
    set: { subject, bodyHtml: html, bodyText: text, lastEditorUserId: e.userId, bumpVersion: true },
  });
  if (r.ok) return { ok: true, draft: r.draft, resendApproval: r.draft.status === 'awaiting_approval' };
  if (r.reason === 'missing') return { ok: false, reason: 'missing', message: `drafts: draft ${e.draftId} does not exist` };
  if (r.reason === 'refused') return refusal!;
  if (r.reason === 'version') {
    return { ok: false, reason: 'version', draft: r.draft, message: `drafts: someone saved the draft while you edited it (now version ${r.draft.version}); copy your changes, reload and edit again` };
  }
  return { ok: false, reason: 'state', draft: r.draft, message: `drafts: the draft is ${r.draft.status} and can no longer be edited` };
}
