// The structured editor's rows: one topic's rules and excludes and the global excludes, as typed (a query
// verbatim, never through YAML). Every problem of every row, with the column in the query where it has one,
// so the editor can show them beside the row; a blank row (no id, no query) is left out.
import { checkQuery } from './query.ts';
import { ID } from './ruleset.ts';
import type { Rule } from './types.ts';
import type { TopicEdit } from './write.ts';

export const SECTIONS = ['rules', 'exclude', 'global'] as const;
export type Section = (typeof SECTIONS)[number];

export interface Row {
  id: string;
  query: string;
}
export type Rows = Record<Section, Row[]>;

export interface RowProblem {
  field: 'id' | 'query';
  message: string;
  /** In the query, from 1, and how many characters the problem spans. */
  col?: number;
  length?: number;
}

export interface RowsCheck {
  /** Per section, per row (same order as given), its problems. */
  rows: Record<Section, RowProblem[][]>;
  /** Problems of a whole section (a topic without rules). */
  sections: Partial<Record<Section, string>>;
  count: number;
}

export const isBlank = (r: Row) => !r.id.trim() && !r.query.trim();

export function checkRows(rows: Rows): RowsCheck {
  const out: RowsCheck = { rows: { rules: [], exclude: [], global: [] }, sections: {}, count: 0 };
  // Rule ids are unique within a topic (its rules and excludes together), and within the global excludes.
  const taken = { topic: new Set<string>(), global: new Set<string>() };
  for (const section of SECTIONS) {
    const seen = section === 'global' ? taken.global : taken.topic;
    for (const row of rows[section]) {
      const problems: RowProblem[] = [];
      out.rows[section].push(problems);
      if (isBlank(row)) continue;
      const id = row.id.trim();
      if (!id) problems.push({ field: 'id', message: 'id: give the rule an id of lower-case letters, digits and hyphens, e.g. approved-premises' });
      else if (!ID.test(id)) problems.push({ field: 'id', message: `id: "${id}" may hold only lower-case letters, digits and hyphens, and starts with a letter or digit, e.g. approved-premises` });
      else if (seen.has(id)) problems.push({ field: 'id', message: `id: "${id}" is used twice ${section === 'global' ? 'in the global excludes' : 'in this topic'}; rename one` });
      seen.add(id);
      for (const e of checkQuery(row.query)) problems.push({ field: 'query', message: e.message, col: e.offset + 1, length: e.length });
      out.count += problems.length;
    }
  }
  if (!rows.rules.some((r) => !isBlank(r))) {
    out.sections.rules = 'rules: a topic needs at least one rule; add one, or remove the topic in the YAML view';
    out.count++;
  }
  return out;
}

const kept = (rows: Row[]): Rule[] => rows.filter((r) => !isBlank(r)).map((r) => ({ id: r.id.trim(), query: r.query }));

/** The rows as an edit of `topic` (blank rows left out; ids trimmed, queries exactly as typed). */
export function rowsEdit(topic: string, rows: Rows): TopicEdit {
  return { topic, rules: kept(rows.rules), exclude: kept(rows.exclude), globalExclude: kept(rows.global) };
}
