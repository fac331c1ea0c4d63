// suppressAddress: an address never to be mailed again (a hard bounce, a complaint, an operator's decision).
// The suppression list covers every kind of mail (digests and releases); a subscriber with that address is
// marked suppressed, and only a new confirmed opt-in after the suppression is lifted brings them back.
import type { SuppressionReason } from '../domain/digests.ts';
import { addSuppression } from '../storage/contacts.ts';
import { suppressSubscriber } from '../storage/subscribers.ts';
import type { DigestDeps } from './deps.ts';

export { SUPPRESSION_REASONS, type SuppressionReason } from '../domain/digests.ts';

export async function suppressAddress(deps: Pick<DigestDeps, 'db' | 'now'>, email: string, reason: SuppressionReason): Promise<{ subscriber: boolean }> {
  const now = deps.now();
  return deps.db.tx(async (t) => {
    await addSuppression(t, email, reason, now);
    return { subscriber: Boolean(await suppressSubscriber(t, email, now)) };
  });
}
