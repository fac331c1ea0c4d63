// sendDigests: sends digests already built, a chunk at a time. Each chunk is claimed in one statement
// (pending -> sending with a lease, under the digest send window counted in the database so it holds across
// every process), its subscribers, stories and releases read in one go, and each email sent through the
// pooled transport and settled by what the server said:
//   accepted -> sent (with the Message-ID);   5xx -> failed with the server's words, never retried;
//   4xx or no answer -> pending again with the reason (the caller tries again later; on its final attempt
//   a 4xx is recorded as failed);  the subscriber gone, unsubscribed or suppressed since -> skipped.
// Nothing is marked sent that the server did not accept. A sender killed mid-chunk leaves its rows claimed
// until the lease lapses; the next run takes them over and sends them with the same Message-ID.
import { setTimeout as delay } from 'node:timers/promises';
import { lanes } from '../adapters/coalesce.ts';
import { replyClass, replyText as reason } from '../adapters/mailer.ts';
import type { Digest, DigestRelease, DigestStory, Subscriber } from '../domain/digests.ts';
import { composeDigest } from '../pipeline/digest-content.ts';
import { sendWait } from '../pipeline/send-window.ts';
import { signSubscriberLink } from '../pipeline/subscriber-links.ts';
import { excerpt, ukWhen } from '../render/helpers.ts';
import { renderEmail } from '../render/index.ts';
import { suppressedAmong } from '../storage/contacts.ts';
import { type DigestOutcome, busyDigests, claimDigests, digestReleases, digestStories, lockDigestWindow, recentDigestClaims, settleDigests } from '../storage/digests.ts';
import { subscribersByIds } from '../storage/subscribers.ts';
import { type DigestDeps, releaseUrl, senderAddress, senderName, subscriberUrls } from './deps.ts';
import { FREQUENCY_LABELS, subscribableTopics } from './subscribe.ts';

/** How long a claim lasts: longer than any chunk's SMTP conversations, so only a dead sender's claim lapses. */
export const DIGEST_CLAIM_MS = 5 * 60_000;
const WINDOW_MS = 60_000;
const CHUNK = 50;
const IN_FLIGHT = 10;
/** Outcomes written together: one UPDATE per ten emails instead of one each (PGlite spent more on those
 *  statements than on the emails). A sender killed between an accepted email and the write resends at most
 *  this many plus those in flight, with their own Message-IDs. */
const SETTLE_EVERY = 10;

const TITLES = { instant: 'News alert', daily: 'Daily news digest', weekly: 'Weekly news digest' } as const;

export interface SendDigestsResult {
  sent: number;
  failed: number;
  skipped: number;
  /** Back to pending after a 4xx or no answer: try again later. */
  retry: number;
  /** Claimed by another sender still within its lease. */
  busy: number;
  lastError?: string;
}

export async function sendDigests(
  deps: DigestDeps,
  digestIds: readonly number[],
  opts: { finalAttempt?: boolean; signal?: AbortSignal; onProgress?: (r: SendDigestsResult) => void } = {},
): Promise<SendDigestsResult> {
  const out: SendDigestsResult = { sent: 0, failed: 0, skipped: 0, retry: 0, busy: 0 };
  const unsettled: DigestOutcome[] = [];
  const limit = deps.config.digestPerMinute;
  const sleep = deps.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const stories = new Map<number, DigestStory | null>();
  const releases = new Map<number, DigestRelease | null>();
  const topicNames = new Map((await subscribableTopics(deps)).map((t) => [t.id, t.name]));
  const host = new URL(deps.config.publicUrl).hostname || 'pressdesk.invalid';
  const urls = subscriberUrls(deps.config.publicUrl);
  const site = senderName(deps.config.mailFrom);
  const mailto = senderAddress(deps.config.mailFrom);

  for (let i = 0; i < digestIds.length; i += CHUNK) {
    let left = digestIds.slice(i, i + CHUNK);
    while (left.length > 0) {
      opts.signal?.throwIfAborted();
      const now = deps.now();
      const r = await deps.db.tx(async (t) => {
        let room = left.length;
        if (limit > 0) {
          await lockDigestWindow(t);
          const recent = await recentDigestClaims(t, new Date(now.getTime() - WINDOW_MS), now, limit);
          room = Math.min(room, limit - recent.n);
          if (room <= 0) return { wait: sendWait(recent.limitThNewest, now.getTime(), WINDOW_MS), room, claimed: [] as Digest[] };
        }
        return { wait: 0, room, claimed: await claimDigests(t, left, room, now, new Date(now.getTime() + DIGEST_CLAIM_MS)) };
      });
      if (r.wait > 0) {
        await sleep(r.wait, opts.signal);
        continue;
      }
      const claimed = new Set(r.claimed.map((d) => d.id));
      const rest = left.filter((id) => !claimed.has(id));
      // Claims take the claimable rows in id order: a claim that did not fill its room leaves only rows that
      // are settled already or another sender's.
      if (r.claimed.length < r.room) {
        out.busy += await busyDigests(deps.db, rest, now);
        left = [];
      } else left = rest;
      await sendChunk(r.claimed);
      opts.onProgress?.(out);
    }
  }
  return out;

  async function sendChunk(claimed: Digest[]) {
    if (claimed.length === 0) return;
    const subs = new Map((await subscribersByIds(deps.db, claimed.map((d) => d.subscriberId))).map((s) => [s.id, s]));
    const suppressed = await suppressedAmong(deps.db, [...subs.values()].map((s) => s.email));
    await load(stories, claimed.flatMap((d) => d.storyIds), async (ids) => (await digestStories(deps.db, ids)).map(prepare));
    await load(releases, claimed.flatMap((d) => d.releaseIds), (ids) => digestReleases(deps.db, ids));
    try {
      const inFlight = lanes(IN_FLIGHT);
      await Promise.all(claimed.map((d) => inFlight(async () => {
        const sub = subs.get(d.subscriberId);
        if (sub?.status !== 'active' || suppressed.has(sub.email)) {
          await settle(d, { status: 'skipped', error: !sub ? 'subscriber deleted' : sub.status !== 'active' ? sub.status : 'suppressed' });
          out.skipped++;
          return;
        }
        const messageId = `<digest-${d.id}@${host}>`;
        let outcome: Omit<DigestOutcome, 'id'>;
        try {
          // One unsubscribe token for the body's link and the List-Unsubscribe header.
          const unsub = signSubscriberLink(deps.secret, { action: 'unsub', subscriberId: sub.id, linkVersion: sub.linkVersion, now: deps.now() });
          const info = await deps.mailer.send({ to: sub.email, messageId, ...render(d, sub, unsub), headers: headers(unsub) });
          outcome = { status: 'sent', messageId: info.messageId };
          out.sent++;
        } catch (err) {
          const why = reason(err);
          out.lastError = why;
          const final = replyClass(err) === 5 || opts.finalAttempt;
          outcome = { status: final ? 'failed' : 'pending', error: why };
          if (final) out.failed++;
          else out.retry++;
        }
        // Outside the try: a database error while recording must not pass for the server's refusal.
        await settle(d, outcome);
      })));
    } finally {
      await flush();
    }
  }

  function render(d: Digest, sub: Subscriber, unsub: string) {
    const now = deps.now();
    const content = composeDigest({
      topics: sub.topics,
      stories: d.storyIds.map((id) => stories.get(id)).filter((s): s is DigestStory => Boolean(s)),
      releases: d.releaseIds.map((id) => releases.get(id)).filter((r): r is DigestRelease => Boolean(r)),
      topicNames,
    });
    const prefs = signSubscriberLink(deps.secret, { action: 'prefs', subscriberId: sub.id, linkVersion: sub.linkVersion, now });
    return renderEmail('digests/digest', {
      site,
      since: d.since,
      frequencyTitle: TITLES[d.frequency],
      frequencyLabel: FREQUENCY_LABELS[sub.frequency],
      topicNames: sub.topics.map((t) => topicNames.get(t) ?? t),
      groupNames: content.groups.map((g) => g.name),
      content: { ...content, releases: content.releases.map((r) => ({ ...r, url: releaseUrl(deps.config.publicUrl, r.slug) })) },
      preferencesUrl: urls.preferences(prefs),
      unsubscribeUrl: urls.unsubscribe(unsub),
    });
  }

  function headers(token: string): Record<string, string> {
    return {
      // RFC 2369 and RFC 8058: mail programs show an unsubscribe button that POSTs to the https URL.
      'List-Unsubscribe': `<${urls.oneClick(token)}>, <mailto:${mailto}?subject=unsubscribe%20${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `${site.replace(/[^\w .-]/g, '')} news alerts <alerts.${host}>`,
      Precedence: 'bulk',
      'Auto-Submitted': 'auto-generated',
    };
  }

  async function settle(d: Digest, s: Omit<DigestOutcome, 'id'>) {
    unsettled.push({ id: d.id, ...s });
    if (unsettled.length >= SETTLE_EVERY) await flush();
  }

  async function flush() {
    const batch = unsettled.splice(0, unsettled.length);
    await settleDigests(deps.db, batch, deps.now());
  }
}

/** What every digest shows of a story, worked out once per story and process rather than once per digest:
 *  with ten thousand subscribers the same story is shown thousands of times. */
const prepare = (s: DigestStory): DigestStory => ({ ...s, snippet: excerpt(s.snippet, 220), when: ukWhen(s.at) });

async function load<T extends { id: number }>(cache: Map<number, T | null>, ids: readonly number[], read: (ids: number[]) => Promise<T[]>) {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id));
  if (missing.length === 0) return;
  for (const id of missing) cache.set(id, null);
  for (const x of await read(missing)) cache.set(x.id, x);
}
