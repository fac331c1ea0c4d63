// Removes a source (after a confirmation on the web, `--yes` on the command line): it is no longer polled or
// listed, but its row stays, so its items, and the stories and digests made of them, keep their source.
// Adding its URL again brings it back (add-sources.ts).
import type { Source } from '../domain/types.ts';
import { getSource, itemCount, markRemoved } from '../storage/sources.ts';
import type { Actor, SourceDeps } from './deps.ts';
import { auditSource } from './source-audit.ts';

export type RemoveSourceResult = { ok: true; source: Source; items: number } | { ok: false; message: string };

export async function removeSource(deps: SourceDeps, id: number, actor: Actor): Promise<RemoveSourceResult> {
  return deps.db.tx(async (t) => {
    const before = await getSource(t, id);
    if (!before) return { ok: false, message: `sources: there is no source ${id}` };
    if (before.removedAt) return { ok: false, message: `sources: "${before.name}" was already removed` };
    const source = (await markRemoved(t, id, deps.now()))!;
    const items = await itemCount(t, id);
    await auditSource(t, actor, 'source.removed', source, deps.now(), { items });
    return { ok: true, source, items };
  });
}
