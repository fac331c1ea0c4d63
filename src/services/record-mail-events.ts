// recordMailEvents: the mail provider's bounce and complaint webhook. Each hard bounce or complaint puts its
// address on the suppression list (suppressAddress); a repeat of the same event changes nothing.
import { readMailEvents } from '../pipeline/mail-events.ts';
import type { DigestDeps } from './deps.ts';
import { suppressAddress } from './suppress-address.ts';

export type MailEventsResult = { ok: true; suppressed: number; ignored: number } | { ok: false; status: 400 | 401 | 404; message: string };

export async function recordMailEvents(
  deps: Pick<DigestDeps, 'db' | 'now'> & { secret?: string },
  headers: { timestamp?: string; signature?: string },
  body: string,
): Promise<MailEventsResult> {
  if (!deps.secret) return { ok: false, status: 404, message: 'webhook: not configured (set MAIL_WEBHOOK_SECRET to turn it on)' };
  const r = readMailEvents(deps.secret, headers, body, deps.now());
  if (!r.ok) return r;
  for (const e of r.events) await suppressAddress(deps, e.email, e.type);
  return { ok: true, suppressed: r.events.length, ignored: r.ignored };
}
