// A story -> a draft release, and the draft on its way to the press officers: draftStory decides and stores
// (one draft per story, UNIQUE), then request-approval is queued. The draft-release worker, `pressdesk drafts
// create` and the story page's button all come through here.
import type { Queues } from '../adapters/queues.ts';
import type { DraftDeps } from './deps.ts';
import { type DraftStoryOptions, type DraftStoryResult, draftStory } from './draft-story.ts';

export async function draftRelease(deps: Pick<DraftDeps, 'db' | 'now'> & { queues: Pick<Queues, 'add'> }, storyId: number, opts: DraftStoryOptions = {}): Promise<DraftStoryResult> {
  const r = await draftStory(deps, storyId, opts);
  // The request is idempotent (a status lock and one email per person and version), so a draft found
  // already made is sent on too: a worker that died between the two steps loses nothing.
  const draft = r.ok ? r.draft : r.reason === 'exists' ? r.draft : undefined;
  if (draft && (draft.status === 'drafted' || r.ok)) {
    await deps.queues.add('request-approval', { draftId: draft.id }, { jobId: `approval-${draft.id}-v${draft.version}` });
  }
  return r;
}
