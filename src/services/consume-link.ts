// A signed link from an approval email. GET (confirm: false) only says what the confirmation page shows —
// mail scanners open links, so a GET never acts. POST (confirm: true) verifies again, uses the link's
// nonce and makes the decision in one transaction: a refused decision leaves the link usable.
import type { Decision, Draft } from '../domain/drafts.ts';
import { type LinkClaims, verifyLink } from '../pipeline/links.ts';
import { statusLabel } from '../pipeline/transitions.ts';
import { consumeLinkNonce, linkUsedAt } from '../storage/draft-notifications.ts';
import { getDraft } from '../storage/drafts.ts';
import type { DraftDeps } from './deps.ts';
import { type DecideResult, decideDraft } from './decide-draft.ts';

export type LinkRefusal = {
  ok: false;
  reason: 'malformed' | 'tampered' | 'expired' | 'other_recipient' | 'missing' | 'changed' | 'used' | 'decided';
  message: string;
  draft?: Draft;
};

export type UseLinkResult =
  | LinkRefusal
  /** GET: what to confirm. */
  | { ok: true; confirmed: false; action: Decision; draft: Draft; claims: LinkClaims }
  /** POST: the decision's outcome (approved: the seam where distribution is enqueued). */
  | { ok: true; confirmed: true; action: Decision; decision: DecideResult; claims: LinkClaims };

class Refused extends Error {
  constructor(readonly result: UseLinkResult) {
    super('consume-link: refused');
  }
}

async function check(deps: DraftDeps, token: string, viewerUserId?: number): Promise<LinkRefusal | { ok: true; claims: LinkClaims; draft: Draft }> {
  const v = verifyLink(deps.secret, token, deps.now(), { viewerUserId });
  if (!v.ok) return { ok: false, reason: v.reason, message: v.message };
  const draft = await getDraft(deps.db, v.claims.draftId);
  if (!draft) return { ok: false, reason: 'missing', message: 'This draft no longer exists.' };
  const usedAt = await linkUsedAt(deps.db, v.claims.nonce);
  if (usedAt) return { ok: false, reason: 'used', draft, message: `This link was already used (links work once). The draft is ${statusLabel(draft.status)}.` };
  if (draft.version !== v.claims.version) {
    return { ok: false, reason: 'changed', draft, message: `The draft has changed since this email was sent (it is now version ${draft.version}). Read the new text before deciding: open the draft in pressdesk, or use the links in the newer email.` };
  }
  if (draft.status !== 'awaiting_approval') {
    return { ok: false, reason: 'decided', draft, message: `The draft is already ${statusLabel(draft.status)}; nothing more to decide.` };
  }
  return { ok: true, claims: v.claims, draft };
}

export async function useLink(
  deps: DraftDeps,
  token: string,
  opts: { confirm: boolean; comment?: string; viewerUserId?: number },
): Promise<UseLinkResult> {
  const c = await check(deps, token, opts.viewerUserId);
  if (!c.ok) return c;
  if (!opts.confirm) return { ok: true, confirmed: false, action: c.claims.action, draft: c.draft, claims: c.claims };
  const { claims } = c;
  try {
    return await deps.db.tx(async (t) => {
      const fresh = await consumeLinkNonce(t, { nonce: claims.nonce, draftId: claims.draftId, userId: claims.userId, action: claims.action, now: deps.now() });
      if (!fresh) throw new Refused({ ok: false, reason: 'used', message: 'This link was already used (links work once).' });
      const decision = await decideDraft({ db: t, now: deps.now }, {
        draftId: claims.draftId,
        action: claims.action,
        userId: claims.userId,
        expectedVersion: claims.version,
        comment: opts.comment,
      });
      // A refused decision gives the link back (rollback), so the person can fix the comment and confirm.
      if (!decision.ok) throw new Refused({ ok: true, confirmed: true, action: claims.action, decision, claims });
      return { ok: true as const, confirmed: true as const, action: claims.action, decision, claims };
    });
  } catch (err) {
    if (err instanceof Refused) return err.result;
    throw err;
  }
}
