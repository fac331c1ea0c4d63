// The work of `pressdesk cluster` (src/cli/cluster.ts registers it): the same signature / bandKeys / cluster
// code the workers use, over an in-memory index; a story's id is the id of its first item.
import type { ItemText } from '../domain/types.ts';
import { clusterBatch, WINDOW_HOURS } from '../pipeline/cluster.ts';
import { fail } from './context.ts';

/** JSON lines in, JSON lines out; blank lines are skipped. Errors name the line and say what to fix. */
export function clusterLines(text: string, windowHours = WINDOW_HOURS): string {
  const items: ItemText[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      fail(`cluster: line ${i + 1} is not JSON; give one object per line with id, title, summary, body, published, source`);
    }
    const o = v as Record<string, unknown>;
    if (!o || typeof o !== 'object' || (typeof o.id !== 'string' && typeof o.id !== 'number')) fail(`cluster: line ${i + 1} has no "id"; every item needs one`);
    const id = String(o.id);
    if (seen.has(id)) fail(`cluster: line ${i + 1} repeats id "${id}"; ids must be unique`);
    seen.add(id);
    if (typeof o.published !== 'string' || !Number.isFinite(Date.parse(o.published))) {
      fail(`cluster: line ${i + 1} (id "${id}") has no valid "published"; give an ISO-8601 date like 2025-03-10T09:00:00Z`);
    }
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    items.push({ id, title: str('title') ?? '', summary: str('summary'), body: str('body') ?? str('content'), source: str('source'), published: o.published });
  });
  const stories = clusterBatch(items, { windowHours });
  return items.map((item) => `${JSON.stringify({ id: item.id, story: stories.get(item.id) })}\n`).join('');
}
