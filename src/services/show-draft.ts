// Everything the draft page shows: the draft, the story it answers (sources, matched terms), its history,
// and what people changed against the generated text.
import type { Draft } from '../domain/drafts.ts';
import { type DiffPart, diffText } from '../pipeline/textdiff.ts';
import { type DraftSourceStory, loadDraftSource } from '../storage/draft-sources.ts';
import { type DraftEvent, getDraft, listDraftEvents } from '../storage/drafts.ts';
import type { DraftDeps } from './deps.ts';

export interface DraftView {
  draft: Draft;
  story: DraftSourceStory | undefined;
  /** The words the topic rules matched in the story's items, each once. */
  terms: string[];
  events: DraftEvent[];
  /** generated text → current text; undefined when nobody changed it. */
  diff: DiffPart[] | undefined;
}

/** The distinct `text` of stored term hits (item_topics.matches: TermHit[]). */
function termsOf(story: DraftSourceStory | undefined): string[] {
  const seen = new Map<string, string>();
  for (const item of story?.items ?? []) {
    for (const m of item.matches) {
      for (const hit of Array.isArray(m.matches) ? m.matches : []) {
        const text = hit && typeof hit === 'object' ? (hit as { text?: unknown }).text : undefined;
        if (typeof text === 'string' && text.trim() && !seen.has(text.toLowerCase())) seen.set(text.toLowerCase(), text.trim());
      }
    }
  }
  return [...seen.values()];
}

export async function showDraft(deps: Pick<DraftDeps, 'db'>, draftId: number): Promise<DraftView | undefined> {
  const draft = await getDraft(deps.db, draftId);
  if (!draft) return undefined;
  const [story, events] = await Promise.all([loadDraftSource(deps.db, draft.storyId), listDraftEvents(deps.db, draft.id)]);
  const changed = draft.bodyText !== draft.generatedText;
  return { draft, story, terms: termsOf(story), events, diff: changed ? diffText(draft.generatedText, draft.bodyText) : undefined };
}
