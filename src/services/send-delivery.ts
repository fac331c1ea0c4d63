// sendDelivery: one release email to one contact. The delivery is claimed first (pending -> sending, under
// the sliding-window send limit, counted in the database so it holds across every worker process), the
// contact checked again (opted out or suppressed since the rows were written: skipped, not mailed), the
// email rendered once per release and addressed late, and the row settled by what the server said:
//   accepted -> sent (with the Message-ID);  5xx -> failed with the server's words, never retried;
//   4xx or no answer -> pending again with the reason, and `retry` so the job is tried later with backoff;
//   on the last attempt a 4xx is recorded as failed too.
// Nothing is marked sent that the server did not accept. When the last delivery settles the release is sent.
import { setTimeout as delay } from 'node:timers/promises';
import { type MailMessage, replyClass, replyText as reason } from '../adapters/mailer.ts';
import type { Release } from '../domain/releases.ts';
import { sendWait } from '../pipeline/send-window.ts';
import { renderEmail } from '../render/index.ts';
import { getContact, suppressedAmong } from '../storage/contacts.ts';
import { claimDelivery, getDelivery, lockSendWindow, nthRecentClaim, settleDelivery } from '../storage/deliveries.ts';
import { completeRelease, getRelease } from '../storage/releases.ts';
import { type ReleaseDeps, releaseUrl } from './deps.ts';

/** How long a claim lasts: longer than any SMTP conversation, so only a dead sender's claim lapses. */
export const CLAIM_MS = 5 * 60_000;
const WINDOW_MS = 60_000;

export type SendResult =
  | { kind: 'sent'; messageId: string; releaseSent: boolean }
  | { kind: 'failed'; error: string; releaseSent: boolean }
  | { kind: 'retry'; error: string }
  | { kind: 'skipped'; reason: 'do_not_contact' | 'suppressed'; releaseSent: boolean }
  /** Settled already, or claimed by a sender that is still within its lease (`busy`: try again later). */
  | { kind: 'done' | 'busy' | 'missing' };

// Rendered once per release per process: the text is fixed at approval, only the envelope differs.
const rendered = new Map<number, { subject: string; html: string; text: string }>();
function renderRelease(publicUrl: string, release: Release) {
  let r = rendered.get(release.id);
  if (!r) {
    // No images in the email: a remote image is a read receipt the journalist did not agree to.
    const html = release.html.replace(/<img\b[^>]*>/gi, '');
    r = renderEmail('release', { release, html, embargoUntil: release.embargoUntil, url: releaseUrl(publicUrl, release.slug) });
    if (rendered.size >= 50) rendered.delete(rendered.keys().next().value!);
    rendered.set(release.id, r);
  }
  return r;
}

export async function sendDelivery(
  deps: ReleaseDeps,
  deliveryId: number,
  opts: { finalAttempt?: boolean; signal?: AbortSignal } = {},
): Promise<SendResult> {
  const limit = deps.config.sendPerMinute;
  const sleep = deps.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  // Claim under the send window: wait (outside the transaction) while the window is full.
  let claimed: Awaited<ReturnType<typeof claimDelivery>>;
  for (;;) {
    const now = deps.now();
    const r = await deps.db.tx(async (t) => {
      if (limit > 0) {
        await lockSendWindow(t);
        const wait = sendWait(await nthRecentClaim(t, new Date(now.getTime() - WINDOW_MS), now, limit), now.getTime(), WINDOW_MS);
        if (wait > 0) return { wait, claimed: undefined };
      }
      return { wait: 0, claimed: await claimDelivery(t, deliveryId, now, new Date(now.getTime() + CLAIM_MS)) };
    });
    if (r.wait > 0) {
      await sleep(r.wait, opts.signal);
      continue;
    }
    claimed = r.claimed;
    break;
  }
  if (!claimed) {
    const d = await getDelivery(deps.db, deliveryId);
    if (!d) return { kind: 'missing' };
    return { kind: d.status === 'sending' ? 'busy' : 'done' };
  }
  const d = claimed;
  const settle = async (s: Parameters<typeof settleDelivery>[2]) => {
    await settleDelivery(deps.db, d.id, s);
    return Boolean(await completeRelease(deps.db, d.releaseId, deps.now()));
  };
  const [release, contact] = await Promise.all([getRelease(deps.db, d.releaseId), getContact(deps.db, d.contactId)]);
  if (!release || !contact) return { kind: 'failed', error: 'the release or contact was deleted', releaseSent: await settle({ status: 'failed', error: 'the release or contact was deleted', now: deps.now() }) };
  if (contact.doNotContact) return { kind: 'skipped', reason: 'do_not_contact', releaseSent: await settle({ status: 'skipped', error: 'do not contact', now: deps.now() }) };
  if ((await suppressedAmong(deps.db, [d.email])).size) return { kind: 'skipped', reason: 'suppressed', releaseSent: await settle({ status: 'skipped', error: 'suppressed', now: deps.now() }) };

  const body = renderRelease(deps.config.publicUrl, release);
  const host = new URL(deps.config.publicUrl).hostname || 'pressdesk.invalid';
  // Fixed per delivery: a resend after a crash mid-send is the same message to the reader's mail program.
  const messageId = `<release-${release.id}.delivery-${d.id}@${host}>`;
  const msg: MailMessage = {
    to: { name: contact.name, address: d.email },
    subject: body.subject,
    html: body.html,
    text: body.text,
    messageId,
    headers: { 'X-Pressdesk-Release': String(release.id) },
  };
  try {
    const info = await deps.mailer.send(msg);
    return { kind: 'sent', messageId: info.messageId, releaseSent: await settle({ status: 'sent', messageId: info.messageId, now: deps.now() }) };
  } catch (err) {
    const why = reason(err);
    const cls = replyClass(err);
    if (cls === 5 || opts.finalAttempt) return { kind: 'failed', error: why, releaseSent: await settle({ status: 'failed', error: why, now: deps.now() }) };
    await settleDelivery(deps.db, d.id, { status: 'pending', error: why, now: deps.now() });
    return { kind: 'retry', error: why };
  }
}
