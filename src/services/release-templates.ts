// Release templates as drafts use them: the shipped files in templates/releases/, each replaced by its latest
// version saved from the web UI. Saving refuses a template that does not compile (with line and column); a
// preview renders a template text against a stored story exactly as a draft would, without storing anything.
import { DEFAULT_UNION, type UnionProfile, renderDraft } from '../pipeline/draft.ts';
import { type ReleaseTemplate, type TemplateProblem, compileReleaseTemplate, loadReleaseTemplates } from '../render/releases.ts';
import { loadDraftSource } from '../storage/draft-sources.ts';
import { getUnionSetting } from '../storage/drafts.ts';
import { getLinesToTake } from '../storage/lines-to-take.ts';
import { latestTemplates, saveTemplateVersion } from '../storage/release-templates.ts';
import type { DraftDeps } from './deps.ts';

/** Compiled saved versions, by "name@version": a version never changes once saved. */
const compiled = new Map<string, ReleaseTemplate | null>();

export async function currentReleaseTemplates(db: DraftDeps['db']): Promise<Map<string, ReleaseTemplate>> {
  const out = new Map(loadReleaseTemplates());
  for (const s of await latestTemplates(db)) {
    const key = `${s.name}@${s.version}`;
    if (!compiled.has(key)) {
      const r = compileReleaseTemplate(s.source, s.name);
      // Refused at save; null only if a helper it used has since gone. The shipped file then stays in use.
      compiled.set(key, r.ok ? { ...r.template, name: s.name } : null);
    }
    const t = compiled.get(key);
    if (t) out.set(s.name, t);
  }
  return out;
}

export type TemplateCheck = { ok: true; template: ReleaseTemplate } | { ok: false; problems: TemplateProblem[] };

/** Compiles an editor's text for the template `name`; the front matter may not rename it. */
export function checkTemplate(name: string, source: string): TemplateCheck {
  const r = compileReleaseTemplate(source, name);
  if (!r.ok) return r;
  if (r.template.name !== name) return { ok: false, problems: [{ line: 2, col: 1, message: `front matter: name must stay "${name}" (to make another template, copy a file in templates/releases/)` }] };
  return r;
}

export async function saveReleaseTemplate(
  deps: Pick<DraftDeps, 'db' | 'now'>,
  t: { name: string; source: string; userId: number },
): Promise<{ ok: true; version: number } | { ok: false; problems: TemplateProblem[] }> {
  const c = checkTemplate(t.name, t.source);
  if (!c.ok) return c;
  return { ok: true, version: await saveTemplateVersion(deps.db, { name: t.name, source: t.source, createdBy: t.userId, now: deps.now() }) };
}

export type PreviewResult = { ok: true; subject: string; html: string; text: string } | { ok: false; problems: TemplateProblem[] };

/** The draft `source` would make for a stored story (its first topic's lines to take), not stored. */
export async function previewRelease(deps: Pick<DraftDeps, 'db' | 'now'>, p: { name: string; source: string; storyId: number }): Promise<PreviewResult> {
  const c = checkTemplate(p.name, p.source);
  if (!c.ok) return c;
  const story = await loadDraftSource(deps.db, p.storyId);
  if (!story || story.items.length === 0) return { ok: false, problems: [{ line: 1, col: 1, message: `story ${p.storyId} has no items to preview with; choose another` }] };
  const topic = story.topics[0] ?? 'general';
  const union = { ...DEFAULT_UNION, ...((await getUnionSetting(deps.db)) as Partial<UnionProfile> | undefined) };
  try {
    const r = renderDraft({ story, items: story.items, topic, template: c.template, lines: await getLinesToTake(deps.db, topic), union, now: deps.now() });
    return { ok: true, ...r };
  } catch (err) {
    // A template that compiles can still fail on this story's data (a helper given the wrong thing).
    return { ok: false, problems: [{ line: 1, col: 1, message: `rendering failed: ${(err as Error).message}` }] };
  }
}
