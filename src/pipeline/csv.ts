// csv: rows -> CSV for the press office's spreadsheet. csvCell and csvLines are the one writer every export
// uses (stories, contacts, subscribers); storiesCsv is archive search results, one row per matched item under
// its story's columns (the export service: web /stories.csv and `pressdesk stories search --csv`).
import type { StoryHit } from '../domain/types.ts';

const HEADER = ['story', 'headline', 'topics', 'first_seen', 'last_seen', 'sources', 'items', 'item', 'title', 'source', 'time', 'url'];

// Spreadsheets run a cell starting with = + - @ (or a tab / carriage return) as a formula: such cells get a
// leading apostrophe, so a headline from a feed or an address typed into a public form can never execute in
// the press office's Excel.
const FORMULA = /^[=+\-@\t\r]/;

/** One cell: dates as ISO 8601, null as empty, formulas defused, quoted when it holds " , CR or LF. */
export function csvCell(v: unknown): string {
  let s = v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : String(v);
  if (FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header and rows as CSV text with CRLF line ends (RFC 4180). */
export function csvLines(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header.map(csvCell), ...rows.map((r) => r.map(csvCell))].map((r) => `${r.join(',')}\r\n`).join('');
}

/** One row per matched item, under its story's columns; CRLF line ends (RFC 4180). */
export function storiesCsv(hits: StoryHit[]): string {
  const rows: unknown[][] = [];
  for (const h of hits) {
    const story = [h.storyId ?? '', h.headline, h.topics.join(' '), h.firstSeen, h.lastSeen, h.sourceCount, h.itemCount];
    for (const i of h.items) rows.push([...story, i.id, i.title, i.source, i.time, i.url]);
  }
  return csvLines(HEADER, rows);
}
