// Drafts a release for a story: the topic's policy decides whether (unless forced from the CLI or the story
// page), a template is chosen, rendered with the topic's lines to take, and stored — at most one draft per
// story (UNIQUE), so a retried or duplicated job finds the draft instead of making a second.
import type { Draft } from '../domain/drafts.ts';
import { DEFAULT_UNION, type UnionProfile, pickTemplate, renderDraft } from '../pipeline/draft.ts';
import { refuseEarly, shouldDraft } from '../pipeline/draft-policy.ts';
import { getDraftPolicies } from '../storage/draft-policies.ts';
import { loadDraftSource } from '../storage/draft-sources.ts';
import { countDraftsSince, getDraftByStory, getUnionSetting, insertDraft } from '../storage/drafts.ts';
import { getLinesToTake } from '../storage/lines-to-take.ts';
import { storyState } from '../storage/stories.ts';
import type { DraftDeps } from './deps.ts';
import { currentReleaseTemplates } from './release-templates.ts';

export interface DraftStoryOptions {
  templateName?: string;
  /** Skip the policy (a person asked: CLI `drafts create`, the story page's button). */
  force?: boolean;
  actorId?: number | null;
}

export type DraftStoryResult =
  /** requestApproval: the seam — the caller enqueues request-approval for draft.id. */
  | { ok: true; draft: Draft; requestApproval: true }
  | { ok: false; reason: 'missing' | 'exists' | 'policy' | 'template' | 'empty'; message: string; draft?: Draft };

export async function draftStory(deps: Pick<DraftDeps, 'db' | 'now'>, storyId: number, opts: DraftStoryOptions = {}): Promise<DraftStoryResult> {
  const now = deps.now();
  // The cheap answers first: a story gains a job per relevant item, and loading a big story's items for each
  // one that already has its draft, or is too old, was most of a cold poll's database time (e2e bench).
  const missing = { ok: false, reason: 'missing', message: `drafts: story ${storyId} does not exist; pass a story id from \`pressdesk stories search\`` } as const;
  const state = await storyState(deps.db, storyId);
  if (!state) return missing;
  const existing = await getDraftByStory(deps.db, state.id);
  if (existing) return { ok: false, reason: 'exists', draft: existing, message: `drafts: story ${state.id} already has draft ${existing.id}` };
  const early = opts.force ? undefined : refuseEarly(state, now);
  if (early) return { ok: false, reason: 'policy', message: `drafts: not drafted: ${early}` };
  const story = await loadDraftSource(deps.db, state.id, state);
  if (!story) return missing;
  if (story.items.length === 0) return { ok: false, reason: 'empty', message: `drafts: story ${story.id} has no items left` };

  const templates = await currentReleaseTemplates(deps.db);
  if (opts.templateName && !templates.has(opts.templateName)) {
    return { ok: false, reason: 'template', message: `drafts: no release template "${opts.templateName}"; choose one of ${[...templates.keys()].join(', ')}` };
  }
  const policies = await getDraftPolicies(deps.db, story.topics);
  let topic = story.topics[0] ?? 'general';
  let maxPerHour: number | undefined;
  if (!opts.force) {
    const since = new Date(now.getTime() - 3600_000);
    const counts = new Map(await Promise.all(story.topics.map(async (t) => [t, await countDraftsSince(deps.db, t, since)] as const)));
    const sources = story.items.map((i) => ({ category: i.sourceCategory, url: i.sourceUrl, name: i.source }));
    const decision = shouldDraft({ topics: story.topics, sourceCount: story.sourceCount, sources, firstSeen: story.firstSeen }, policies, counts, now);
    if (!decision.draft) return { ok: false, reason: 'policy', message: `drafts: not drafted: ${decision.reason}` };
    topic = decision.topic;
    maxPerHour = decision.policy.maxPerHour;
  }
  const policyTemplate = policies.get(topic)?.template;
  const template =
    (opts.templateName && templates.get(opts.templateName)) ||
    (policyTemplate && templates.get(policyTemplate)) ||
    pickTemplate([...templates.values()], { topic, items: story.items });
  const lines = await getLinesToTake(deps.db, topic);
  const union = { ...DEFAULT_UNION, ...((await getUnionSetting(deps.db)) as Partial<UnionProfile> | undefined) };
  const rendered = renderDraft({ story, items: story.items, topic, template, lines, union, now });
  const r = await insertDraft(
    deps.db,
    { storyId: story.id, template: template.name, topic, linesVersion: lines?.version ?? null, ...rendered, actorId: opts.actorId ?? null, now },
    maxPerHour,
  );
  if (r.kind === 'created') return { ok: true, draft: r.draft, requestApproval: true };
  if (r.kind === 'exists') return { ok: false, reason: 'exists', draft: r.draft, message: `drafts: story ${story.id} already has draft ${r.draft.id}` };
  return { ok: false, reason: 'policy', message: `drafts: not drafted: ${topic} already had ${r.count} drafts in the last hour` };
}
