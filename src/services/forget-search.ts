// Deletes one of a person's saved searches (another person's id does nothing).
import { forgetSearch as remove } from '../storage/saved-searches.ts';
import type { Deps } from './deps.ts';

export function forgetSearch(deps: Pick<Deps, 'db'>, s: { userId: number; id: number }): Promise<boolean> {
  return remove(deps.db, s.userId, s.id);
}
