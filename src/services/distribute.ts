// distribute: a release to its recipients. Under the status lock (scheduled -> sending, once due) the
// recipients are chosen and one delivery row written per contact (UNIQUE release + contact), then one
// send-email job is queued per unsettled row. A job that died after the rows and before (or during) the
// queueing runs again on a release already `sending`: it adds only missing rows and queues the rest again
// under the same job ids, so nobody is mailed twice and nobody is missed.
import { SEND_JOB_OPTIONS } from '../adapters/queues.ts';
import { selectRecipients } from '../pipeline/recipients.ts';
import { contactsFor, suppressedAmong } from '../storage/contacts.ts';
import { insertDeliveries, unsettledDeliveryIds } from '../storage/deliveries.ts';
import { beginSending, completeRelease, getRelease } from '../storage/releases.ts';
import type { ReleaseDeps } from './deps.ts';

export type DistributeResult =
  | { kind: 'queued'; releaseId: number; added: number; queued: number; doNotContact: number; suppressed: number; resumed: boolean }
  | { kind: 'not_due'; sendAt: Date }
  | { kind: 'skipped'; reason: 'missing' | 'cancelled' | 'sent' };

export const sendJobId = (deliveryId: number) => `send-${deliveryId}`;

export async function distribute(deps: Pick<ReleaseDeps, 'db' | 'queues' | 'now'>, releaseId: number): Promise<DistributeResult> {
  const now = deps.now();
  const before = await getRelease(deps.db, releaseId);
  if (!before) return { kind: 'skipped', reason: 'missing' };
  if (before.status === 'cancelled' || before.status === 'sent') return { kind: 'skipped', reason: before.status };
  let resumed = before.status === 'sending';
  const release = resumed ? before : await beginSending(deps.db, releaseId, now);
  if (!release) {
    const again = await getRelease(deps.db, releaseId);
    if (again?.status === 'scheduled' && again.sendAt && again.sendAt > now) return { kind: 'not_due', sendAt: again.sendAt };
    if (again?.status !== 'sending') return { kind: 'skipped', reason: again ? (again.status as 'cancelled' | 'sent') : 'missing' };
    resumed = true; // another job started it a moment ago: help it along, the ids make it harmless
  }
  const spec = (release ?? before).recipients;
  const candidates = await contactsFor(deps.db, spec.topics, spec.contactIds ?? []);
  const suppressed = await suppressedAmong(deps.db, candidates.map((c) => c.email));
  const sel = selectRecipients(candidates, spec, suppressed);
  const added = await insertDeliveries(deps.db, releaseId, sel.recipients.map((c) => ({ contactId: c.id, email: c.email })), now);
  const ids = await unsettledDeliveryIds(deps.db, releaseId);
  const queue = deps.queues.get('send-email');
  for (let i = 0; i < ids.length; i += 500) {
    await queue.addBulk(ids.slice(i, i + 500).map((id) => ({ name: 'send-email', data: { deliveryId: id }, opts: { ...SEND_JOB_OPTIONS, jobId: sendJobId(id) } })));
  }
  // Nobody to mail (or all settled already): the release is done now.
  if (ids.length === 0) await completeRelease(deps.db, releaseId, now);
  return { kind: 'queued', releaseId, added, queued: ids.length, doNotContact: sel.doNotContact, suppressed: sel.suppressed, resumed };
}
