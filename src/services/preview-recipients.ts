// Who a release would reach, before it is sent: the same choice distribute makes (contacts covering the
// topics, minus do-not-contact and suppressed addresses), counted, with the first few names to check.
import type { Contact, RecipientSpec } from '../domain/releases.ts';
import { selectRecipients } from '../pipeline/recipients.ts';
import type { Db } from '../storage/db.ts';
import { contactsFor, suppressedAmong } from '../storage/contacts.ts';

export interface RecipientPreview {
  count: number;
  doNotContact: number;
  suppressed: number;
  /** The first `sample` recipients by name. */
  first: Pick<Contact, 'id' | 'name' | 'outlet'>[];
}

export async function previewRecipients(deps: { db: Db }, spec: RecipientSpec, sample = 10): Promise<RecipientPreview> {
  const candidates = await contactsFor(deps.db, spec.topics, spec.contactIds ?? []);
  const sel = selectRecipients(candidates, spec, await suppressedAmong(deps.db, candidates.map((c) => c.email)));
  const byName = [...sel.recipients].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  return {
    count: sel.recipients.length,
    doNotContact: sel.doNotContact,
    suppressed: sel.suppressed,
    first: byName.slice(0, sample).map((c) => ({ id: c.id, name: c.name, outlet: c.outlet })),
  };
}
