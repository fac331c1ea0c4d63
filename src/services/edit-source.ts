// Changes a source's settings (the source's page): what changed goes to the audit log, from and to. A name
// left empty is the host again, and the feed's title replaces it at its next read.
import type { Source } from '../domain/types.ts';
import { type SourceEdit, getSource, updateSource } from '../storage/sources.ts';
import type { Actor, SourceDeps } from './deps.ts';
import { auditSource } from './source-audit.ts';

export type EditSourceResult = { ok: true; source: Source; changed: string[] } | { ok: false; message: string };

const FIELDS = ['name', 'kind', 'selectors', 'minIntervalS', 'maxIntervalS', 'charset', 'dedupPolicy', 'topics'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export async function editSource(deps: SourceDeps, id: number, edit: SourceEdit, actor: Actor): Promise<EditSourceResult> {
  return deps.db.tx(async (t) => {
    const before = await getSource(t, id);
    if (!before || before.removedAt) return { ok: false, message: `sources: there is no source ${id}` };
    // The same name kept is not a person naming it: a host-named source still follows its feed's title.
    const naming = edit.name === undefined || edit.name === before.name ? { name: undefined, nameIsDefault: undefined } : { nameIsDefault: edit.nameIsDefault ?? false };
    const after = (await updateSource(t, id, { ...edit, ...naming }))!;
    const changes = Object.fromEntries(FIELDS.filter((f) => !same(before[f], after[f])).map((f) => [f, { from: before[f], to: after[f] }]));
    const changed = Object.keys(changes);
    if (changed.length) await auditSource(t, actor, 'source.edited', after, deps.now(), { changes });
    return { ok: true, source: after, changed };
  });
}
