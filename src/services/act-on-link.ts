// A signed link's POST: useLink decides (once), and when it approved, the release is made and its
// distribution queued (approveRelease). Should this process die in between, release-approved makes it.
import { type ApproveReleaseResult, approveRelease } from './approve-release.ts';
import { type UseLinkResult, useLink } from './consume-link.ts';
import type { DraftDeps, ReleaseDeps } from './deps.ts';

export async function actOnLink(
  deps: DraftDeps & Pick<ReleaseDeps, 'queues'>,
  token: string,
  opts: { confirm: boolean; comment?: string; viewerUserId?: number },
): Promise<UseLinkResult & { release?: ApproveReleaseResult }> {
  const r = await useLink(deps, token, opts);
  if (!r.ok || !r.confirmed || !('decision' in r) || !r.decision.ok || !r.decision.approved) return r;
  return { ...r, release: await approveRelease(deps, { draftId: r.decision.draft.id, approvedBy: r.claims.userId }) };
}
