// export-stories: the archive search as CSV, every matching story with all its matched items. Shared by the
// web /stories.csv route and `pressdesk stories search --csv`.
import type { SearchFilters } from '../domain/types.ts';
import { storiesCsv } from '../pipeline/csv.ts';
import type { Db } from '../storage/db.ts';
import { searchStories } from '../storage/search.ts';

/** Stories per export: a spreadsheet of the archive, not a dump of it. */
export const EXPORT_LIMIT = 1000;

export async function exportStories(deps: { db: Db }, filters: SearchFilters): Promise<string> {
  const res = await searchStories(deps.db, filters, { limit: EXPORT_LIMIT, itemsPerStory: EXPORT_LIMIT });
  return storiesCsv(res.hits);
}
