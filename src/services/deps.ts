// What services take from a process's runtime. Each service names the parts it uses (Pick), so tests and
// benchmarks build only those, and no service reaches for a global.
import type { Runtime } from '../runtime.ts';

export type Deps = Pick<Runtime, 'db' | 'queues' | 'config' | 'now' | 'mailer' | 'secret'>;

/** The ingest services' part: polls, page fetches, tagging, stories. */
export type IngestDeps = Pick<Runtime, 'db' | 'queues' | 'config' | 'now' | 'mailer'> & {
  /** Polls between unconditional fetches (tests lower it); default FULL_FETCH_EVERY. */
  fullFetchEvery?: number;
};

/** How pressdesk names itself to the servers it fetches from. */
export const userAgent = (deps: Pick<Runtime, 'config'>) => `pressdesk/0.1 (media monitoring; +${deps.config.publicUrl})`;
