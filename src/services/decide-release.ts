// A press officer's decision on the draft page: decideDraft, and when it approved, the release made and its
// distribution queued (approveRelease) with the recipients, send time and embargo they chose (omitted: the
// draft's topic, now, no embargo). Should this process die in between, release-approved makes it with the
// defaults.
import { type ApproveReleaseInput, type ApproveReleaseResult, approveRelease } from './approve-release.ts';
import { type DecideInput, type DecideResult, decideDraft } from './decide-draft.ts';
import type { ReleaseDeps } from './deps.ts';

export type ReleaseChoices = Pick<ApproveReleaseInput, 'sendAt' | 'embargoUntil' | 'recipients'>;

export async function decideRelease(
  deps: Pick<ReleaseDeps, 'db' | 'queues' | 'now'>,
  input: DecideInput,
  choices: ReleaseChoices = {},
): Promise<DecideResult & { release?: ApproveReleaseResult }> {
  const r = await decideDraft(deps, input);
  if (!r.ok || !r.approved) return r;
  return { ...r, release: await approveRelease(deps, { draftId: r.draft.id, approvedBy: input.userId, ...choices }) };
}
