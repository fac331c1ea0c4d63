// Starts or stops polling a source (the sources page, `pressdesk sources enable|disable`). Enabling makes it
// due at once with its failures forgotten, and queues its poll when queues are at hand. A change of state is
// audited; asking for the state it already has is not a change.
import type { Source } from '../domain/types.ts';
import { getSource, setSourceEnabled } from '../storage/sources.ts';
import { startPolls } from './add-sources.ts';
import type { Actor, SourceDeps } from './deps.ts';
import { auditSource } from './source-audit.ts';

export type EnableSourceResult = { ok: true; source: Source; changed: boolean } | { ok: false; message: string };

export async function enableSource(deps: SourceDeps, id: number, enabled: boolean, actor: Actor): Promise<EnableSourceResult> {
  const r = await deps.db.tx(async (t): Promise<EnableSourceResult> => {
    const before = await getSource(t, id);
    if (!before || before.removedAt) return { ok: false, message: `sources: there is no source ${id}` };
    const source = (await setSourceEnabled(t, id, enabled, deps.now()))!;
    const changed = before.enabled !== enabled;
    if (changed) await auditSource(t, actor, enabled ? 'source.enabled' : 'source.disabled', source, deps.now());
    return { ok: true, source, changed };
  });
  if (r.ok && enabled) await startPolls(deps);
  return r;
}
