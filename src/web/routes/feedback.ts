// Feedback on tagging: press officers and editors mark an item (or a whole story) relevant or not relevant,
// from the story page (POST /feedback) or from a signed link in an approval email. The link opens a page
// with one button, so mail scanners that follow links record nothing; the button's POST proves itself with
// the link's HMAC (no session, no CSRF token) and only until the link expires. The story page's buttons show the
// verdict already given: the viewer's own as the pressed button, else the latest anyone gave, by whom.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type GivenVerdict, itemVerdict, recordFeedback, storyItemIds, verdictsGiven } from '../../storage/feedback.ts';
import { getItem } from '../../storage/items.ts';
import { ANY_ROLE } from '../auth.ts';
import { sendError, wantsHtml } from '../errors.ts';
import { field, safeNext } from '../form.ts';
import { extendPage, flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

export type Verdict = 'relevant' | 'not_relevant';
const isVerdict = (v: string): v is Verdict => v === 'relevant' || v === 'not_relevant';

const sign = (secret: Buffer | string, itemId: number, verdict: Verdict, expiresS: number) =>
  createHmac('sha256', secret).update(`feedback\0${itemId}\0${verdict}\0${expiresS}`).digest('base64url');

/** A link that records a verdict on an item until `expires`; prefix it with PUBLIC_URL in emails. */
export function feedbackLink(secret: Buffer | string, itemId: number, verdict: Verdict, expires: Date): string {
  const e = Math.floor(expires.getTime() / 1000);
  return `/feedback/link?item=${itemId}&verdict=${verdict}&expires=${e}&sig=${sign(secret, itemId, verdict, e)}`;
}

type Signed = { item: number; verdict: Verdict; expires: number; sig: string };

/** The link's fields when its signature holds and it has not expired; otherwise why not. */
function checkLink(secret: Buffer, q: Record<string, string>, now: Date): Signed | { error: string } {
  const item = Number(q.item);
  const expires = Number(q.expires);
  const verdict = q.verdict ?? '';
  const sig = q.sig ?? '';
  if (!Number.isSafeInteger(item) || !Number.isSafeInteger(expires) || !isVerdict(verdict)) return { error: 'feedback: this link is incomplete — open it from the email again' };
  const want = Buffer.from(sign(secret, item, verdict, expires));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { error: 'feedback: this link is not valid — open it from the email again' };
  if (expires * 1000 < now.getTime()) return { error: 'feedback: this link has expired — give your verdict on the story page instead' };
  return { item, verdict, expires, sig };
}

/** One item's buttons: which is pressed (the viewer's verdict), and a note on someone else's latest one. */
function verdictView(given: GivenVerdict[], viewer: number) {
  const word = (relevant: boolean) => (relevant ? 'relevant' : 'not relevant');
  const mine = given.find((g) => g.userId === viewer);
  const other = given.find((g) => g.userId !== viewer);
  const note = mine
    ? `You marked this ${word(mine.relevant)}.`
    : other
      ? `Marked ${word(other.relevant)} by ${other.email ?? (other.userId === null ? 'an email link' : 'a former user')}.`
      : '';
  return { relevant: mine?.relevant === true, notRelevant: mine?.relevant === false, note };
}

export async function feedbackRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const now = () => app.pd.now();

  extendPage(app, 'story', async (req, ctx) => {
    const items = ctx.items as { id: number }[] | undefined;
    if (!req.user || !items?.length) return {};
    const given = await verdictsGiven(db, items.map((i) => i.id));
    return { items: items.map((i) => ({ ...i, verdict: verdictView(given.filter((g) => g.itemId === i.id), req.user!.id) })) };
  });

  app.post('/feedback', { config: { auth: ANY_ROLE } }, async (req, reply) => {
    const verdict = field(req.body, 'verdict');
    const item = Number(field(req.body, 'item'));
    const story = Number(field(req.body, 'story'));
    if (!isVerdict(verdict)) return sendError(req, reply, 400, 'feedback: verdict must be "relevant" or "not_relevant"');
    const ids = Number.isSafeInteger(item) && item > 0 ? [item] : Number.isSafeInteger(story) && story > 0 ? await storyItemIds(db, story) : [];
    const n = await recordFeedback(db, { itemIds: ids, userId: req.user!.id, relevant: verdict === 'relevant', via: 'web', now: now() });
    if (!n) return sendError(req, reply, 404, 'feedback: no such item or story — reload the page you came from');
    if (!wantsHtml(req)) return reply.send({ recorded: n, verdict });
    flash(req, 'ok', `Thanks: marked ${verdict === 'relevant' ? 'relevant' : 'not relevant'}${n > 1 ? ` (${n} items)` : ''}.`);
    return reply.redirect(safeNext(field(req.body, 'next')), 303);
  });

  const linkPage = async (req: FastifyRequest, reply: FastifyReply, q: Record<string, string>, record: boolean) => {
    const ok = checkLink(deps.secret, q, now());
    if ('error' in ok) return sendError(req, reply, 403, ok.error);
    const item = await getItem(db, ok.item);
    if (!item) return sendError(req, reply, 404, 'feedback: this item no longer exists');
    if (record) await recordFeedback(db, { itemIds: [item.id], userId: null, relevant: ok.verdict === 'relevant', via: 'link', now: now() });
    return sendPage(req, reply, 'rules-feedback', {
      title: 'Feedback',
      item: { title: item.title, url: item.url },
      link: ok,
      relevant: ok.verdict === 'relevant',
      done: record,
      previous: record ? undefined : await itemVerdict(db, item.id),
    });
  };

  app.get<{ Querystring: Record<string, string> }>('/feedback/link', { config: { auth: 'public' } }, (req, reply) => linkPage(req, reply, req.query, false));
  app.post('/feedback/link', { config: { auth: 'public', csrf: false } }, (req, reply) => {
    const b = req.body as Record<string, unknown>;
    const q = Object.fromEntries(['item', 'verdict', 'expires', 'sig'].map((k) => [k, field(b, k)]));
    return linkPage(req, reply, q, true);
  });
}
