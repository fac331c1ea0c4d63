// The approve form's release choices (topics, send time, embargo), read and checked before the draft is
// approved, so a mistyped time never leaves an approved draft without its release. Times are UK wall-clock
// values from <input type="datetime-local">.
import type { ReleaseChoices } from '../../services/decide-release.ts';
import { parseUkLocal } from '../../pipeline/uk-local-time.ts';
import { field, fields } from '../form.ts';

/** What the person chose, as typed: put back in the form when something is refused, and for the preview. */
export interface KeptChoices {
  topics: string[];
  sendAt: string;
  embargoUntil: string;
}

export function keptChoices(body: unknown): KeptChoices {
  return { topics: [...new Set(fields(body, 'topics').filter(Boolean))], sendAt: field(body, 'send_at'), embargoUntil: field(body, 'embargo_until') };
}

export function readChoices(kept: KeptChoices, now: Date, knownTopics: ReadonlySet<string>): { choices: ReleaseChoices } | { problem: string } {
  if (kept.topics.length === 0) return { problem: 'Choose at least one topic whose contacts get the release.' };
  const unknown = kept.topics.filter((t) => !knownTopics.has(t));
  if (unknown.length) return { problem: `No such topic: ${unknown.join(', ')}. Choose from the list.` };
  const times = readTimes(kept, now);
  return 'problem' in times ? times : { choices: { recipients: { topics: kept.topics }, ...times } };
}

/** The send time (null = now) and embargo (null = none) typed in UK time, or what is wrong with them. */
export function readTimes(kept: Pick<KeptChoices, 'sendAt' | 'embargoUntil'>, now: Date): { sendAt: Date | null; embargoUntil: Date | null } | { problem: string } {
  const sendAt = kept.sendAt ? parseUkLocal(kept.sendAt) : null;
  if (sendAt === undefined) return { problem: 'Send at: give a date and time in UK time that exists (the clocks skip an hour in March).' };
  // A minute's grace: a time typed as "now" is sent now, not refused.
  if (sendAt && sendAt.getTime() < now.getTime() - 60_000) return { problem: 'Send at: that time has passed. Leave it empty to send now.' };
  const embargoUntil = kept.embargoUntil ? parseUkLocal(kept.embargoUntil) : null;
  if (embargoUntil === undefined) return { problem: 'Embargo: give a date and time in UK time that exists (the clocks skip an hour in March).' };
  if (embargoUntil && embargoUntil.getTime() < (sendAt ?? now).getTime()) return { problem: 'Embargo: it would lift before the release is sent. Leave it empty for immediate release.' };
  return { sendAt: sendAt && sendAt > now ? sendAt : null, embargoUntil };
}
