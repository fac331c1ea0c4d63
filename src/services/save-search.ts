// Saves the current /stories search under a name for its person (the same name again replaces it).
import { searchParams } from '../pipeline/search-params.ts';
import { saveSearch as store } from '../storage/saved-searches.ts';
import type { Deps } from './deps.ts';

export type SaveSearchResult = { ok: true; name: string; query: string } | { ok: false; message: string };

export async function saveSearch(deps: Pick<Deps, 'db' | 'now'>, s: { userId: number; name: string; params: Record<string, unknown> }): Promise<SaveSearchResult> {
  const name = s.name.trim().replace(/\s+/g, ' ');
  if (!name) return { ok: false, message: 'stories: give the search a name, e.g. "Probation this week"' };
  if (name.length > 80) return { ok: false, message: 'stories: a saved search name has at most 80 characters' };
  const query = searchParams(s.params).toString();
  const saved = await store(deps.db, { userId: s.userId, name, query, now: deps.now() });
  if (!saved) return { ok: false, message: 'stories: you have 50 saved searches; delete one before saving another' };
  return { ok: true, name: saved.name, query: saved.query };
}
