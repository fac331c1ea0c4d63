// Archive search speaks the rule language (src/rules/query.ts) and runs on PostgreSQL text search, so a query
// an editor tests in a rule also finds the archive's stories. The translation, node by node:
//   word -> 'word'          prefix* -> 'prefix':*        "a b" -> 'a' <-> 'b'
//   a AND b -> a & b        a OR b -> a | b              NOT a -> !a
//   a NEAR/n b -> a & b     (text search has no "within n words" in either order: noted, looser)
//   title:/summary:/body:   -> searched in title and text together (noted); source:/url: -> an error that
//                              points at the source filter; case: -> case ignored (noted)
// PostgreSQL's english configuration stems words, so `prison` here also finds "prisons": looser than a rule.
import { parseQuery } from '../rules/query.ts';
import type { QueryNode, TermNode } from '../rules/types.ts';

export interface SearchQuery {
  /** For to_tsquery('english', …); only quoted lexemes and operators, never raw user text. */
  tsquery: string;
  /** The same words without phrases or negations, for the position-less index (items.search_lexemes): every
   *  item the tsquery matches also matches this. (Null only for a query of NOTs, which parseQuery refuses.) */
  screen: string | null;
  /** What the archive does differently from a rule, one line each, for the page or the terminal. */
  notes: string[];
}

export class SearchQueryError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number,
  ) {
    super(message);
    this.name = 'SearchQueryError';
  }
}

/** Rule-language text -> a tsquery. Throws SearchQueryError (with the offset of the problem) on bad syntax. */
export function searchQuery(text: string): SearchQuery {
  let node: QueryNode;
  try {
    node = parseQuery(text);
  } catch (err) {
    const e = err as Error & { offset?: number; length?: number };
    throw new SearchQueryError(`searchquery: ${e.message.replace(/^query: /, '')}`, e.offset ?? 0, e.length ?? text.length);
  }
  const notes = new Set<string>();
  const tsquery = translate(node, notes);
  return { tsquery, screen: screen(node), notes: [...notes] };
}

// A looser query the index can answer without positions: a phrase becomes AND, and a NOT (which a screen cannot
// decide without the text) is left out — as an AND's child it only narrows; under an OR it leaves nothing.
function screen(n: QueryNode): string | null {
  switch (n.type) {
    case 'term':
      return group(n.words.map(lexeme), ' & ');
    case 'and':
    case 'near': {
      const parts = (n.type === 'and' ? n.children : [n.left, n.right]).map(screen).filter((x) => x !== null);
      return parts.length ? group(parts, ' & ') : null;
    }
    case 'or': {
      const parts = n.children.map(screen);
      return parts.every((x) => x !== null) ? group(parts as string[], ' | ') : null;
    }
    case 'not':
      return null;
    case 'field':
      return screen(n.child);
  }
}

function translate(n: QueryNode, notes: Set<string>): string {
  switch (n.type) {
    case 'term':
      return term(n, notes);
    case 'and':
      return group(n.children.map((c) => translate(c, notes)), ' & ');
    case 'or':
      return group(n.children.map((c) => translate(c, notes)), ' | ');
    case 'not':
      return `!${wrap(translate(n.child, notes))}`;
    case 'near':
      notes.add(`NEAR/${n.distance} is searched as AND: the archive finds both words anywhere in the item`);
      return group([translate(n.left, notes), translate(n.right, notes)], ' & ');
    case 'field': {
      const other = n.fields.filter((f) => f === 'source' || f === 'url');
      if (other.length > 0) {
        throw new SearchQueryError(
          `searchquery: ${other[0]}: cannot be searched in the archive; use the source filter (--source, or the Source box) instead`,
          n.offset,
          n.length,
        );
      }
      notes.add(`${n.fields.map((f) => `${f}:`).join(' ')} is searched in the title and text together`);
      return translate(n.child, notes);
    }
  }
}

function term(n: TermNode, notes: Set<string>): string {
  if (n.caseSensitive) notes.add('case: is ignored: the archive search does not tell capitals apart');
  return group(n.words.map(lexeme), ' <-> ');
}

function lexeme(w: string): string {
  const prefix = w.endsWith('*');
  // Words are letters and digits already (the rule lexer splits at everything else); the quote is doubled
  // anyway so nothing a user types can become tsquery syntax.
  const word = (prefix ? w.slice(0, -1) : w).toLowerCase().replace(/'/g, "''");
  return `'${word}'${prefix ? ':*' : ''}`;
}

const group = (parts: string[], op: string) => (parts.length === 1 ? parts[0]! : `(${parts.join(op)})`);
const wrap = (s: string) => (s.startsWith('(') || !s.includes(' ') ? s : `(${s})`);
