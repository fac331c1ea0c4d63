// The press officers' review queue: drafts awaiting a decision (the nearest deadline first), then the most
// recently decided. The web's /drafts and the press officer's home page read it.
import { DRAFT_STATUSES, type DraftStatus } from '../domain/drafts.ts';
import { type DraftListEntry, listDrafts } from '../storage/drafts.ts';
import type { DraftDeps } from './deps.ts';

export interface ReviewQueue {
  /** Awaiting approval, or every draft in `status` when one was asked for. */
  awaiting: DraftListEntry[];
  /** Decided and sent-back drafts, latest first (empty when a status was asked for). */
  recent: DraftListEntry[];
  status?: DraftStatus;
}

const DECIDED: DraftStatus[] = ['approved', 'rejected', 'expired', 'changes_requested', 'drafted'];

export const isDraftStatus = (s: unknown): s is DraftStatus => (DRAFT_STATUSES as readonly unknown[]).includes(s);

export async function reviewDrafts(deps: Pick<DraftDeps, 'db' | 'now'>, opts: { status?: DraftStatus; recent?: number } = {}): Promise<ReviewQueue> {
  const now = deps.now();
  if (opts.status) {
    const order = opts.status === 'awaiting_approval' ? 'deadline' : 'recent';
    return { awaiting: await listDrafts(deps.db, { now, statuses: [opts.status], order, limit: 200 }), recent: [], status: opts.status };
  }
  const awaiting = await listDrafts(deps.db, { now, statuses: ['awaiting_approval'], limit: 200 });
  const recent = opts.recent === 0 ? [] : await listDrafts(deps.db, { now, statuses: DECIDED, order: 'recent', limit: opts.recent ?? 20 });
  return { awaiting, recent };
}
