// Release templates for editors: the list, and an editor with a preview against a recent stored story.
// Saving a template that does not compile is refused with its line and column; every save is a version.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sanitize } from '../../pipeline/sanitize.ts';
import { type PreviewResult, currentReleaseTemplates, previewRelease, saveReleaseTemplate } from '../../services/release-templates.ts';
import type { TemplateProblem } from '../../render/releases.ts';
import { latestTemplates, listTemplateVersions } from '../../storage/release-templates.ts';
import { searchStories } from '../../storage/search.ts';
import { sendError } from '../errors.ts';
import { field } from '../form.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

const editor = { config: { auth: 'editor' as const } };
type P = { Params: { name: string }; Querystring: { story?: string } };

export async function templateRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const svc = { db, now: () => app.pd.now() };

  app.get('/templates', editor, async (req, reply) => {
    const [all, saved] = await Promise.all([currentReleaseTemplates(db), latestTemplates(db)]);
    const versions = new Map(saved.map((s) => [s.name, s]));
    return sendPage(req, reply, 'templates', {
      title: 'Release templates',
      templates: [...all.values()].map((t) => ({ name: t.name, title: t.title, when: t.when, topics: t.topics, saved: versions.get(t.name) })),
    });
  });

  const editorPage = async (
    req: FastifyRequest<P>,
    reply: FastifyReply,
    opts: { source?: string; storyId?: number; problems?: TemplateProblem[]; preview?: PreviewResult } = {},
  ) => {
    const name = req.params.name;
    const current = (await currentReleaseTemplates(db)).get(name);
    if (!current) return sendError(req, reply, 404, `templates: no release template "${name}"; see the list at /templates`);
    const [versions, recent] = await Promise.all([listTemplateVersions(db, name), searchStories(db, {}, { limit: 15, itemsPerStory: 1 })]);
    const stories = recent.hits.filter((h) => h.storyId !== null).map((h) => ({ id: h.storyId, headline: h.headline, selected: h.storyId === opts.storyId }));
    const preview = opts.preview?.ok ? { subject: opts.preview.subject, html: sanitize(opts.preview.html) } : undefined;
    const problems = opts.problems ?? (opts.preview && !opts.preview.ok ? opts.preview.problems : undefined);
    return sendPage(req, reply, 'template-edit', {
      title: `Template: ${current.title}`,
      name,
      template: { title: current.title, when: current.when },
      source: opts.source ?? current.source,
      stories,
      versions,
      preview,
      problems,
    });
  };

  app.get<P>('/templates/:name', editor, (req, reply) => editorPage(req, reply));

  app.post<P>('/templates/:name', editor, async (req, reply) => {
    const name = req.params.name;
    const source = field(req.body, 'source', true).replace(/\r\n/g, '\n');
    const storyId = Number(field(req.body, 'story')) || undefined;
    if (field(req.body, 'action') === 'save') {
      const r = await saveReleaseTemplate(svc, { name, source, userId: req.user!.id });
      if (!r.ok) {
        reply.code(422);
        return editorPage(req, reply, { source, storyId, problems: r.problems });
      }
      flash(req, 'ok', `Template saved as version ${r.version}; new drafts use it.`);
      return reply.redirect(`/templates/${encodeURIComponent(name)}`, 303);
    }
    if (!storyId) return editorPage(req, reply, { source, problems: [{ line: 1, col: 1, message: 'choose a story to preview with' }] });
    const preview = await previewRelease(svc, { name, source, storyId });
    if (!preview.ok) reply.code(422);
    return editorPage(req, reply, { source, storyId, preview });
  });
}
