// What services take from a process's runtime. Each service names the parts it uses (Pick), so tests and
// benchmarks build only those, and no service reaches for a global.
import type { Mailer } from '../adapters/mailer.ts';
import type { Queues } from '../adapters/queues.ts';
import type { Config } from '../config.ts';
import type { Runtime } from '../runtime.ts';
import type { Db } from '../storage/db.ts';

export type Deps = Pick<Runtime, 'db' | 'queues' | 'config' | 'now' | 'mailer' | 'secret'>;

/** The ingest services' part: polls, page fetches, tagging, stories. */
export type IngestDeps = Pick<Runtime, 'db' | 'queues' | 'config' | 'now' | 'mailer' | 'parsePool'> & {
  /** Polls between unconditional fetches (tests lower it); default FULL_FETCH_EVERY. */
  fullFetchEvery?: number;
  /** The window of PAGE_FETCHES_PER_HOST_PER_MINUTE (tests shorten it); default a minute. */
  pageWindowMs?: number;
};

/** Who asked for a change, for the audit log: a logged-in user, or the command line (no user). */
export interface Actor {
  userId: number | null;
  via: 'web' | 'cli';
}

/** What the source services need: the database and a clock; queues when the caller has them (the web does),
 *  so new and re-enabled sources are claimed for polling at once rather than at a polling process's next check. */
export interface SourceDeps {
  db: Db;
  now: () => Date;
  queues?: Queues;
  config?: Pick<Config, 'pollPerHost' | 'pollHostDelayMs'>;
}

/** How pressdesk names itself to the servers it fetches from. */
export const userAgent = (deps: Pick<Runtime, 'config'>) => `pressdesk/0.1 (media monitoring; +${deps.config.publicUrl})`;

/** What the draft services need: web, CLI and workers pass their Runtime (which has all of it), tests pass a
 *  database, an outbox mailer and a fake clock. */
export interface DraftDeps {
  db: Db;
  mailer: Pick<Mailer, 'send'>;
  config: Pick<Config, 'publicUrl'>;
  /** Signs approval links (SECRET_KEY). */
  secret: Buffer;
  now: () => Date;
}

/** The page a signed link opens (GET: confirm; POST: act). */
export const draftLinkUrl = (publicUrl: string, token: string) => `${publicUrl}/drafts/link/${token}`;
/** The draft's page in the web UI (log-in required). */
export const draftPageUrl = (publicUrl: string, draftId: number) => `${publicUrl}/drafts/${draftId}`;

/** What the release services need: approval, scheduling, distribution and each email. Web, CLI and workers
 *  pass their Runtime; tests pass a database, real queues, a mailer on a loopback SMTP server and a fake clock. */
export interface ReleaseDeps {
  db: Db;
  queues: Pick<Queues, 'add' | 'get'>;
  mailer: Pick<Mailer, 'send'>;
  config: Pick<Config, 'publicUrl' | 'sendPerMinute'>;
  now: () => Date;
  /** Waits out the send limit (default: a real timer); tests advance their fake clock instead. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A release's page in the public archive. */
export const releaseUrl = (publicUrl: string, slug: string) => `${publicUrl}/releases/${encodeURIComponent(slug)}`;

/** What the digest services need: campaigners' sign-up, their links, building and sending digests. Web, CLI
 *  and workers pass their Runtime; tests pass a database, a mailer on a loopback SMTP server and a fake clock. */
export interface DigestDeps {
  db: Db;
  mailer: Pick<Mailer, 'send'>;
  config: Pick<Config, 'publicUrl' | 'digestPerMinute' | 'mailFrom'>;
  /** Signs subscribers' links (SECRET_KEY). */
  secret: Buffer;
  now: () => Date;
  /** Waits out the send limit (default: a real timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Campaigners' pages, reached by signed links. */
export const subscriberUrls = (publicUrl: string) => ({
  confirm: (token: string) => `${publicUrl}/subscribe/confirm/${token}`,
  preferences: (token: string) => `${publicUrl}/subscription/${token}`,
  unsubscribe: (token: string) => `${publicUrl}/unsubscribe/${token}`,
  /** The List-Unsubscribe URL: RFC 8058 one-click POST. */
  oneClick: (token: string) => `${publicUrl}/unsubscribe/${token}/one-click`,
});

/** Who campaigners' emails are from, in words: MAIL_FROM's display name ("Probation Union <press@…>"). */
export const senderName = (mailFrom: string) => /^\s*"?([^"<]+?)"?\s*</.exec(mailFrom)?.[1]?.trim() || mailFrom.replace(/^.*@/, '').replace(/>.*$/, '');

/** MAIL_FROM's bare address (for the mailto: in List-Unsubscribe). */
export const senderAddress = (mailFrom: string) => /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom.trim();
