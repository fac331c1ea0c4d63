// Adds sources (the sources page's form, `pressdesk sources add` and `import`): each with its audit row in one
// transaction. A URL that is already a source is left alone; a removed source's URL brings that source back,
// items and all. New sources are due at once; with queues at hand their first polls are queued now.
import type { Source, SourceSpec } from '../domain/types.ts';
import { addSource, restoreSource, updateSource } from '../storage/sources.ts';
import type { Actor, SourceDeps } from './deps.ts';
import { schedulePolls } from './schedule-polls.ts';
import { auditSource } from './source-audit.ts';

export interface AddedSource {
  source: Source;
  /** added: new; restored: a removed source back; existing: already a source, unchanged. */
  outcome: 'added' | 'restored' | 'existing';
}

export async function addSources(deps: SourceDeps, specs: SourceSpec[], actor: Actor, progress?: (done: number) => void): Promise<AddedSource[]> {
  // One transaction for the lot: beside a running embedded server each transaction over its admin socket
  // waits its turn behind the polls it starts, so one per source made a 1,000-feed import take many minutes.
  const out = await deps.db.tx(async (t) => {
    const done: AddedSource[] = [];
    for (const spec of specs) {
      done.push(await addOne(t, deps.now(), spec, actor));
      progress?.(done.length);
    }
    return done;
  });
  if (deps.queues && out.some((r) => r.outcome !== 'existing')) await startPolls(deps);
  return out;
}

async function addOne(db: SourceDeps['db'], now: Date, spec: SourceSpec, actor: Actor): Promise<AddedSource> {
  const r = await addSource(db, spec, now);
  if (r.created) {
    await auditSource(db, actor, 'source.added', r.source, now);
    return { source: r.source, outcome: 'added' };
  }
  if (!r.source.removedAt) return { source: r.source, outcome: 'existing' };
  await restoreSource(db, r.source.id, spec, now);
  const { name: _n, nameIsDefault: _d, url: _u, enabled: _e, ...settings } = spec;
  const source = (await updateSource(db, r.source.id, settings))!;
  await auditSource(db, actor, 'source.added', source, now, { restored: true });
  return { source, outcome: 'restored' };
}

/** Claims the due sources for polling now. A failure loses nothing: every polling process checks each second. */
export async function startPolls(deps: SourceDeps): Promise<void> {
  if (!deps.queues) return;
  await schedulePolls({ db: deps.db, queues: deps.queues, now: deps.now, config: deps.config }).catch(() => []);
}
