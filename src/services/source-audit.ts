// The audit row of a change to a source, shared by the source services so every change reads the same way.
import type { Source } from '../domain/types.ts';
import { audit } from '../storage/audit.ts';
import type { Db } from '../storage/db.ts';
import type { Actor } from './deps.ts';

export type SourceAction = 'source.added' | 'source.edited' | 'source.enabled' | 'source.disabled' | 'source.removed';

export function auditSource(db: Db, actor: Actor, action: SourceAction, s: Source, now: Date, detail: Record<string, unknown> = {}): Promise<void> {
  return audit(db, {
    userId: actor.userId,
    action,
    objectType: 'source',
    objectId: s.id,
    // The name and URL at the time: the audit log still reads after the source is renamed or removed.
    detail: { name: s.name, url: s.url, ...detail, ...(actor.via === 'cli' && { via: 'cli' }) },
    at: now,
  });
}
