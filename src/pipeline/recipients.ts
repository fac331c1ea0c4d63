// recipients: who a release goes to. Contacts covering one of the chosen topics, plus the ones named, minus
// every contact marked do-not-contact and every suppressed address: those are counted, never returned.
import type { Contact, RecipientSpec } from '../domain/releases.ts';

export interface RecipientSelection {
  recipients: Contact[];
  /** Matched but left out, and why: the preview shows these counts before sending. */
  doNotContact: number;
  suppressed: number;
}

export function selectRecipients(candidates: readonly Contact[], spec: RecipientSpec, suppressed: ReadonlySet<string>): RecipientSelection {
  const topics = new Set(spec.topics);
  const named = new Set(spec.contactIds ?? []);
  const out: RecipientSelection = { recipients: [], doNotContact: 0, suppressed: 0 };
  const seen = new Set<string>();
  for (const c of candidates) {
    if (!named.has(c.id) && !c.topics.some((t) => topics.has(t))) continue;
    const email = c.email.toLowerCase();
    if (seen.has(email)) continue;
    seen.add(email);
    if (c.doNotContact) out.doNotContact += 1;
    else if (suppressed.has(email)) out.suppressed += 1;
    else out.recipients.push(c);
  }
  return out;
}
