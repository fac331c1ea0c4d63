// The signed links in approval emails. No login: the HMAC-signed, recipient-bound, single-use, expiring token
// is the credential. GET only shows what the link would do (mail scanners open links); only the POST from its
// one button acts. That POST opts out of the session CSRF check the way src/web/auth.ts allows for signed
// links: a cross-site page cannot forge the token, and a leaked one works once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Decision } from '../../domain/drafts.ts';
import { sanitize } from '../../pipeline/sanitize.ts';
import { actOnLink } from '../../services/act-on-link.ts';
import { type LinkRefusal, useLink } from '../../services/consume-link.ts';
import { draftPageUrl } from '../../services/deps.ts';
import { loadDraftSource } from '../../storage/draft-sources.ts';
import { field } from '../form.ts';
import { sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';
import { loadSession } from '../session.ts';
import { draftStatus, storyPanel } from './draft-view.ts';

type P = { Params: { token: string } };

const LABELS: Record<Decision, { verb: string; button: string; done: string; commentLabel?: string }> = {
  approve: { verb: 'approve', button: 'Approve this draft', done: 'approved' },
  request_changes: { verb: 'send back for changes', button: 'Request changes', done: 'sent back for changes', commentLabel: 'What should change' },
  reject: { verb: 'reject', button: 'Reject this draft', done: 'rejected', commentLabel: 'Why it is rejected' },
};

const REFUSAL_TITLE: Record<LinkRefusal['reason'], string> = {
  malformed: 'This link is incomplete',
  tampered: 'This link is not valid',
  expired: 'This link has expired',
  other_recipient: 'This link is for someone else',
  missing: 'This draft no longer exists',
  changed: 'The draft has changed',
  used: 'This link was already used',
  decided: 'Already decided',
};

const linkOpts = { config: { auth: 'public' as const, csrf: false as const } };

export async function draftLinkRoutes(app: FastifyInstance, deps: WebDeps) {
  const svc = { db: deps.db, queues: deps.queues, mailer: deps.mailer, config: deps.config, secret: deps.secret, now: () => app.pd.now() };

  const refused = (req: FastifyRequest, reply: FastifyReply, r: LinkRefusal) => {
    reply.code(r.reason === 'missing' ? 404 : r.reason === 'tampered' || r.reason === 'malformed' || r.reason === 'other_recipient' ? 403 : r.reason === 'expired' ? 410 : 409);
    return sendPage(req, reply, 'draft-link', {
      title: REFUSAL_TITLE[r.reason],
      refused: { reason: r.reason, message: r.message },
      draftHref: r.draft ? draftPageUrl('', r.draft.id) : '/drafts',
      status: r.draft && draftStatus(r.draft),
    });
  };

  /** A logged-in viewer is checked against the link's recipient; without a session the token alone counts. */
  const viewer = async (req: FastifyRequest, reply: FastifyReply) => (await loadSession(req, reply))?.id;

  app.get<P>('/drafts/link/:token', linkOpts, async (req, reply) => {
    // The token is in the address: keep the page out of caches and history stores.
    reply.header('cache-control', 'no-store');
    return confirmPage(req, reply);
  });

  /** The confirmation page: what the link will do, the draft and its story, one button. Acts on nothing. */
  const confirmPage = async (req: FastifyRequest<P>, reply: FastifyReply, error?: string, comment = '') => {
    const r = await useLink(svc, req.params.token, { confirm: false, viewerUserId: await viewer(req, reply) });
    if (!r.ok) return refused(req, reply, r);
    if (r.confirmed) throw new Error('draft-links: a confirmation page must never act');
    const { action, draft: d } = r;
    const story = await loadDraftSource(deps.db, d.storyId);
    return sendPage(req, reply, 'draft-link', {
      title: `Confirm: ${LABELS[action].verb}`,
      confirm: { ...LABELS[action], action, commentText: comment, error, expires: new Date(r.claims.expires * 1000) },
      formAction: `/drafts/link/${req.params.token}`,
      draftHref: draftPageUrl('', d.id),
      draft: { id: d.id, version: d.version, subject: d.subject, html: sanitize(d.bodyHtml), topic: d.topic, deadlineAt: d.deadlineAt, status: draftStatus(d) },
      story: storyPanel(story),
    });
  };

  app.post<P>('/drafts/link/:token', linkOpts, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const comment = field(req.body, 'comment');
    const r = await actOnLink(svc, req.params.token, { confirm: true, comment, viewerUserId: await viewer(req, reply) });
    if (!r.ok) return refused(req, reply, r);
    if (!r.confirmed) throw new Error('draft-links: a POST must act');
    const d = r.decision;
    if (!d.ok) {
      // The link was given back (the decision rolled back): say why and let the person try again.
      if (d.reason === 'comment_required') {
        reply.code(422);
        return confirmPage(req, reply, d.message.replace(/^drafts: /, ''), comment);
      }
      reply.code(409);
      return sendPage(req, reply, 'draft-link', {
        title: 'Not decided',
        refused: { reason: d.reason, message: d.message.replace(/^drafts: /, '') },
        draftHref: draftPageUrl('', r.claims.draftId),
      });
    }
    return sendPage(req, reply, 'draft-link', {
      title: `Draft ${LABELS[r.action].done}`,
      done: { label: LABELS[r.action].done, approved: d.approved, released: r.release?.ok === true, subject: d.draft.subject, version: d.draft.version },
      draftHref: draftPageUrl('', d.draft.id),
      status: draftStatus(d.draft),
    });
  });
}
