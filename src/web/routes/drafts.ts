// Press officers' drafts: the review queue, one draft beside its story (history, diff against the generated
// text), edit, approve / request changes / reject, send back for approval, and the story page's "Draft a
// release" button. Decisions and edits carry the version the person read; a stale one is refused.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Decision } from '../../domain/drafts.ts';
import { DECISIONS } from '../../domain/drafts.ts';
import { sanitize } from '../../pipeline/sanitize.ts';
import { ukDateTime } from '../../render/helpers.ts';
import { collapseDiff } from '../../pipeline/textdiff.ts';
import { statusLabel } from '../../pipeline/transitions.ts';
import { activeRules } from '../../services/active-rules.ts';
import { decideRelease } from '../../services/decide-release.ts';
import { draftRelease } from '../../services/draft-release.ts';
import { editDraft } from '../../services/edit-draft.ts';
import { isDraftStatus, reviewDrafts } from '../../services/review-drafts.ts';
import { previewRecipients } from '../../services/preview-recipients.ts';
import { showDraft } from '../../services/show-draft.ts';
import { getReleaseByDraft } from '../../storage/releases.ts';
import { sendError } from '../errors.ts';
import { field, fields } from '../form.ts';
import { flash, sendPage } from '../page.ts';
import { allows } from '../roles.ts';
import type { WebDeps } from '../server.ts';
import { draftStatus, queueRow, storyPanel } from './draft-view.ts';
import { type KeptChoices, keptChoices, readChoices } from './release-form.ts';

const officer = { config: { auth: 'press_officer' as const } };
const drafter = { config: { auth: ['press_officer', 'editor'] as const } };

type P = { Params: { id: string } };

const idOf = (s: string) => {
  const n = Number(s);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};
const plain = (m: string) => m.replace(/^drafts: /, '');
const ACTION_DONE: Record<Decision, string> = { approve: 'approved', request_changes: 'sent back for changes', reject: 'rejected' };

/** What the person typed, put back in the edit form when saving was refused. */
interface Kept {
  subject: string;
  html: string;
}

export async function draftRoutes(app: FastifyInstance, deps: WebDeps) {
  const svc = { db: deps.db, queues: deps.queues, now: () => app.pd.now() };

  app.get<{ Querystring: { status?: string } }>('/drafts', officer, async (req, reply) => {
    const status = isDraftStatus(req.query.status) ? req.query.status : undefined;
    const q = await reviewDrafts(svc, { status });
    return sendPage(req, reply, 'drafts', {
      title: status ? `Drafts ${statusLabel(status)}` : 'Drafts',
      filtered: Boolean(status),
      statusLabel: status && statusLabel(status),
      statuses: [{ value: '', label: 'awaiting approval, then recent', selected: !status }].concat(
        (['awaiting_approval', 'changes_requested', 'approved', 'rejected', 'expired', 'drafted'] as const).map((s) => ({ value: s, label: statusLabel(s), selected: s === status })),
      ),
      awaiting: q.awaiting.map(queueRow),
      recent: q.recent.map(queueRow),
    });
  });

  /** The topics a release may go to: the active rules' topics, and the draft's own even if its rule is gone. */
  const topicChoices = async (draftTopic: string) => {
    const topics = (await activeRules(deps.db)).ruleSet.topics.map((t) => ({ id: t.id, name: t.name }));
    return topics.some((t) => t.id === draftTopic) ? topics : [{ id: draftTopic, name: draftTopic }, ...topics];
  };

  const page = async (
    req: FastifyRequest<P>,
    reply: FastifyReply,
    extra: { error?: string; kept?: Kept; code?: number; choices?: KeptChoices; previewed?: boolean } = {},
  ) => {
    const id = idOf(req.params.id);
    const v = id && (await showDraft(svc, id));
    if (!v) return sendError(req, reply, 404, `drafts: no draft ${req.params.id}; see the review queue at /drafts`);
    const d = v.draft;
    // Editors may read a draft (they start them from the story page); only press officers act on it.
    const acts = allows(req.user!.roles, 'press_officer');
    const editable = acts && (d.status === 'awaiting_approval' || d.status === 'changes_requested');
    const canDecide = acts && d.status === 'awaiting_approval';
    // The approve form: recipients by topic (the draft's by default), previewed with counts before sending.
    const choices = extra.choices ?? { topics: [d.topic], sendAt: '', embargoUntil: '' };
    const chosen = new Set(choices.topics);
    const topics = canDecide ? (await topicChoices(d.topic)).map((t) => ({ ...t, checked: chosen.has(t.id) })) : [];
    const preview = canDecide && choices.topics.length ? await previewRecipients(svc, { topics: choices.topics }) : undefined;
    const release = d.status === 'approved' ? await getReleaseByDraft(deps.db, d.id) : undefined;
    if (extra.code) reply.code(extra.code);
    return sendPage(req, reply, 'draft', {
      title: `Draft ${d.id}: ${d.subject}`,
      error: extra.error,
      draft: {
        id: d.id,
        version: d.version,
        subject: d.subject,
        topic: d.topic,
        template: d.template,
        status: draftStatus(d),
        // Stored sanitised; sanitised again here because this is the only place it is shown unescaped.
        html: sanitize(d.bodyHtml),
        text: d.bodyText,
        createdAt: d.createdAt,
        deadlineAt: d.status === 'awaiting_approval' ? d.deadlineAt : null,
        expiresAt: d.status === 'awaiting_approval' ? d.expiresAt : null,
        decidedAt: d.decidedAt,
      },
      approved: d.status === 'approved',
      canDecide,
      topics,
      choices,
      preview,
      previewed: Boolean(extra.previewed),
      release: release && { id: release.id, status: release.status, sendAt: release.sendAt, embargoUntil: release.embargoUntil },
      canEdit: editable,
      canResubmit: acts && (d.status === 'changes_requested' || d.status === 'drafted'),
      edit: extra.kept ?? { subject: d.subject, html: d.bodyHtml },
      editOpen: Boolean(extra.kept),
      diff: v.diff && collapseDiff(v.diff),
      story: storyPanel(v.story),
      terms: v.terms,
      // A status change reads "(from → to)"; an edit or a reminder keeps the status and says nothing of it.
      events: v.events.map((e) => ({ ...e, moved: e.from !== null && e.to !== null && e.from !== e.to, fromLabel: e.from && statusLabel(e.from), toLabel: e.to && statusLabel(e.to), action: e.action.replace(/_/g, ' ') })),
    });
  };

  app.get<P>('/drafts/:id', drafter, (req, reply) => page(req, reply));

  const version = (req: FastifyRequest) => {
    const n = Number(field(req.body, 'version'));
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  };

  app.post<P>('/drafts/:id/edit', officer, async (req, reply) => {
    const id = idOf(req.params.id);
    if (!id) return sendError(req, reply, 404, `drafts: no draft ${req.params.id}`);
    const kept = { subject: field(req.body, 'subject'), html: field(req.body, 'html', true) };
    const r = await editDraft(svc, { draftId: id, userId: req.user!.id, subject: kept.subject, html: kept.html, expectedVersion: version(req) });
    if (!r.ok) {
      if (r.reason === 'missing') return sendError(req, reply, 404, r.message);
      return page(req, reply, { error: plain(r.message), kept, code: r.reason === 'version' ? 409 : r.reason === 'forbidden' ? 403 : 422 });
    }
    if (r.resendApproval) {
      // The new version goes to the press officers on duty; emails for the old one now say "changed".
      await deps.queues.add('request-approval', { draftId: r.draft.id }, { jobId: `approval-${r.draft.id}-v${r.draft.version}` });
      flash(req, 'ok', `Saved as version ${r.draft.version}; it has been sent for approval again.`);
    } else flash(req, 'ok', `Saved as version ${r.draft.version}. Send it for approval when it is ready.`);
    return reply.redirect(`/drafts/${id}`, 303);
  });

  app.post<P>('/drafts/:id/decide', officer, async (req, reply) => {
    const id = idOf(req.params.id);
    if (!id) return sendError(req, reply, 404, `drafts: no draft ${req.params.id}`);
    const action = field(req.body, 'action') as Decision | 'preview';
    const choices = keptChoices(req.body);
    // Preview: the same page, the recipients counted for the topics chosen; nothing is decided.
    if (action === 'preview') return page(req, reply, { choices, previewed: true });
    if (!DECISIONS.includes(action)) return sendError(req, reply, 400, 'drafts: choose approve, request changes or reject');
    let chosen = {};
    if (action === 'approve') {
      const draft = await showDraft(svc, id);
      if (!draft) return sendError(req, reply, 404, `drafts: no draft ${req.params.id}`);
      // The approve form says it offered topics (all unticked is then refused); a bare approve (an older
      // page, a script) means the draft's own topic, now.
      const known = new Set((await topicChoices(draft.draft.topic)).map((t) => t.id));
      const offered = field(req.body, 'choose_recipients') === '1';
      const read = readChoices(offered ? choices : { ...choices, topics: [draft.draft.topic] }, svc.now(), known);
      if ('problem' in read) return page(req, reply, { error: read.problem, choices, code: 422 });
      chosen = read.choices;
    }
    const r = await decideRelease(svc, { draftId: id, action, userId: req.user!.id, expectedVersion: version(req), comment: field(req.body, 'comment') }, chosen);
    if (!r.ok) {
      if (r.reason === 'missing') return sendError(req, reply, 404, r.message);
      return page(req, reply, { error: plain(r.message), code: r.reason === 'version' || r.reason === 'state' ? 409 : r.reason === 'comment_required' ? 422 : 403 });
    }
    if (r.release?.ok) {
      const rel = r.release.release;
      flash(req, 'ok', `Draft approved. The release ${rel.sendAt ? `is scheduled for ${ukDateTime(rel.sendAt)} (UK time)` : 'is going to the media list now'}.`);
      return reply.redirect(`/drafts/${id}`, 303); // the banner there links the release page
    }
    const failed = r.release && ` The release was not made: ${r.release.message}`;
    flash(req, r.release ? 'error' : 'ok', `Draft ${ACTION_DONE[action]}.${failed ?? ''}`);
    return reply.redirect(`/drafts/${id}`, 303);
  });

  // The recipient preview as JSON: { count, doNotContact, suppressed, first: [{ id, name, outlet }] }.
  app.get<P & { Querystring: { topics?: string | string[] } }>('/drafts/:id/recipients', officer, async (req, reply) => {
    const id = idOf(req.params.id);
    const v = id && (await showDraft(svc, id));
    if (!v) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `drafts: no draft ${req.params.id}` });
    const topics = fields({ topics: req.query.topics }, 'topics').flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    return previewRecipients(svc, { topics: topics.length ? topics : [v.draft.topic] });
  });

  app.post<P>('/drafts/:id/submit', officer, async (req, reply) => {
    const id = idOf(req.params.id);
    if (!id) return sendError(req, reply, 404, `drafts: no draft ${req.params.id}`);
    // The job is idempotent (status lock, one email per person and version); the time keeps a resubmission
    // of an unchanged version from being taken for the first request's job.
    await deps.queues.add('request-approval', { draftId: id }, { jobId: `approval-${id}-v${version(req)}-${svc.now().getTime()}` });
    flash(req, 'ok', 'Sent for approval: the press officers on duty get an email.');
    return reply.redirect(`/drafts/${id}`, 303);
  });

  app.post<P>('/stories/:id/draft', drafter, async (req, reply) => {
    const storyId = idOf(req.params.id);
    if (!storyId) return sendError(req, reply, 404, `drafts: no story ${req.params.id}`);
    const templateName = field(req.body, 'template') || undefined;
    const r = await draftRelease({ ...svc, queues: deps.queues }, storyId, { force: true, templateName, actorId: req.user!.id });
    if (r.ok) {
      flash(req, 'ok', 'Draft written and sent for approval.');
      return reply.redirect(`/drafts/${r.draft.id}`, 303);
    }
    if (r.reason === 'missing') return sendError(req, reply, 404, r.message);
    if (r.reason === 'exists' && r.draft) {
      flash(req, 'info', 'This story already has a draft (one per story).');
      return reply.redirect(`/drafts/${r.draft.id}`, 303);
    }
    flash(req, 'error', plain(r.message));
    return reply.redirect(`/stories/${storyId}`, 303);
  });
}
