// What the draft services need, as an object so web, CLI and workers pass their Runtime (which has all of
// it) and tests pass a database, an outbox mailer and a fake clock.
import type { Mailer } from '../adapters/mailer.ts';
import type { Config } from '../config.ts';
import type { Db } from '../storage/db.ts';

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
