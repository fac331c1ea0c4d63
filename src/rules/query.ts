/*
The rule language: a query says which words an item must (and must not) contain.

  prison                 the word, whole, in any case and with accents ignored: Prison, PRISON, prisons? no
  probat*                any word starting with "probat" (probation, probationer); at least 3 letters before *
  "approved premises"    the words next to each other, in this order; a phrase may end in a wildcard: "prison offic*"
  case:POA  case:"OMiC"  the word or phrase with exactly this case (POA but not poa)
  a AND b   a b          both (writing two terms side by side means AND)
  a OR b                 either
  NOT a     a NOT b      without; a rule needs at least one term that must be present
  ( … )                  grouping; without parentheses NOT binds tightest, then AND, then OR
  a NEAR/5 b             a and b in the same field with at most 5 other words between them, in either order
  a ONEAR/5 b            the same, with a before b
                         NEAR operands: words, wildcards, phrases or a parenthesised OR group: (jail OR prison)
  title:( … )            only in the title; also summary:, body:, source: (the source's name) and url:
                         a scope covers the one term or ( … ) group after it; no scope = title, summary and body

Words are runs of letters and digits: apostrophes, hyphens and other punctuation split them, so `ex-offender`
is the phrase "ex offender" and `prisoner` matches "prisoner's". Operators are written in capitals; `and`,
`or`, `not` in lower case are ordinary words. Text is matched after HTML is stripped and entities decoded,
never inside tags or attributes. Errors give the offset of the problem in the query.
*/
import { MAX_DISTANCE, RuleSyntaxError, type Token, lex } from './lexer.ts';
import { eachToken } from './text.ts';
import type { Field, OrNode, QueryNode, TermNode } from './types.ts';

export { MAX_DISTANCE, RuleSyntaxError };

export const MIN_PREFIX = 3;

/** Parses one query; throws RuleSyntaxError with the offset and length of the first problem. */
export function parseQuery(src: string): QueryNode {
  return parse(src);
}

/** Every problem of a query, in the order they occur, for editors: problems of words, scopes, NEAR distances,
 *  quotes and brackets are recorded and the parse goes on past them; any other problem ends the check (what
 *  follows it cannot be read reliably). Empty when the query parses. */
export function checkQuery(src: string): RuleSyntaxError[] {
  const found: RuleSyntaxError[] = [];
  try {
    parse(src, found);
  } catch (err) {
    if (!(err instanceof RuleSyntaxError)) throw err;
    found.push(err);
  }
  return found.sort((a, b) => a.offset - b.offset);
}

function parse(src: string, found?: RuleSyntaxError[]): QueryNode {
  const p = new Parser(src, lex(src, found), found);
  if (p.peek().kind === 'EOF') throw new RuleSyntaxError('query: the query is empty; write at least one word', 0, src.length);
  let node = p.or(false);
  // Only an unmatched ")" stops the parse before the end; a check reads on after it.
  for (let t = p.peek(); t.kind === ')'; t = p.peek()) {
    p.soft(new RuleSyntaxError('query: ")" has no matching "("; remove it or add a "(" before it', t.offset, 1));
    p.skip();
    if (p.peek().kind !== 'EOF') {
      const more = p.or(false);
      node = { type: 'and', children: [node, more], ...span(node, more) };
    }
  }
  if (!found?.length && matchesNothing(node)) {
    throw new RuleSyntaxError('query: this query matches items without any of its words (it only says NOT); add a word that must be present', 0, src.length);
  }
  return node;
}

// True when the query holds for a text containing none of its terms; the matcher only looks at rules whose
// terms occur, so such a query would silently never match (and would match nearly everything if it did).
function matchesNothing(n: QueryNode): boolean {
  switch (n.type) {
    case 'term':
    case 'near':
      return false;
    case 'not':
      return !matchesNothing(n.child);
    case 'and':
      return n.children.every(matchesNothing);
    case 'or':
      return n.children.some(matchesNothing);
    case 'field':
      return matchesNothing(n.child);
  }
}

const span = (a: { offset: number }, b: { offset: number; length: number }) => ({ offset: a.offset, length: b.offset + b.length - a.offset });

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Token[],
    /** Given in a check: problems the parse can go on past are recorded here instead of thrown. */
    private readonly found?: RuleSyntaxError[],
  ) {}

  peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    return this.toks[this.i++]!;
  }
  skip(): void {
    this.i++;
  }
  /** Throws the problem, or in a check records it so the caller can go on with a stand-in. */
  soft(e: RuleSyntaxError): void {
    if (!this.found) throw e;
    this.found.push(e);
  }

  or(scoped: boolean): QueryNode {
    const first = this.and(scoped);
    const children = [first];
    while (this.peek().kind === 'OR') {
      const op = this.next();
      if (this.ends()) throw this.missing(op, 'OR');
      children.push(this.and(scoped));
    }
    return children.length === 1 ? first : { type: 'or', children, ...span(first, children.at(-1)!) };
  }

  private ends(): boolean {
    const k = this.peek().kind;
    return k === 'EOF' || k === ')' || k === 'OR' || k === 'AND';
  }

  private missing(op: Token, name: string): RuleSyntaxError {
    return new RuleSyntaxError(`query: ${name} needs a term on both sides; add one or remove the ${name}`, op.offset, op.length);
  }

  private and(scoped: boolean): QueryNode {
    const t = this.peek();
    if (t.kind === 'AND' || t.kind === 'OR') throw this.missing(t, t.kind);
    if (t.kind === 'NEAR') throw new RuleSyntaxError(`query: ${this.src.slice(t.offset, t.offset + t.length)} needs a term on both sides`, t.offset, t.length);
    const first = this.unary(scoped);
    const children = [first];
    for (;;) {
      const k = this.peek().kind;
      if (k === 'AND') {
        const op = this.next();
        if (this.ends()) throw this.missing(op, 'AND');
      } else if (k === 'EOF' || k === ')' || k === 'OR') break;
      children.push(this.unary(scoped));
    }
    return children.length === 1 ? first : { type: 'and', children, ...span(first, children.at(-1)!) };
  }

  private unary(scoped: boolean): QueryNode {
    const t = this.peek();
    if (t.kind === 'NOT') {
      this.next();
      if (this.ends() || this.peek().kind === 'NEAR') throw new RuleSyntaxError('query: NOT needs a term after it; add one or remove the NOT', t.offset, t.length);
      const child = this.unary(scoped);
      return { type: 'not', child, ...span(t, child) };
    }
    const left = this.primary(scoped);
    const op = this.peek();
    if (op.kind !== 'NEAR') return left;
    this.next();
    const name = op.ordered ? 'ONEAR' : 'NEAR';
    if (this.ends()) throw new RuleSyntaxError(`query: ${name} needs a term on both sides; add one after it`, op.offset, op.length);
    const right = this.primary(scoped);
    const node = { type: 'near' as const, left: this.operand(left, name), right: this.operand(right, name), distance: op.distance, ordered: op.ordered, ...span(left, right) };
    const again = this.peek();
    if (again.kind === 'NEAR') {
      throw new RuleSyntaxError('query: NEAR/ONEAR cannot be chained; join two of them with AND: (a NEAR/5 b) AND (b NEAR/5 c)', again.offset, again.length);
    }
    return node;
  }

  // NEAR compares word positions, so each side must be something with positions: terms or an OR of terms.
  private operand(n: QueryNode, name: string): TermNode | OrNode {
    if (n.type === 'term') return n;
    if (n.type === 'or' && n.children.every((c) => c.type === 'term')) return n;
    const why = n.type === 'field' ? `put the field scope around the whole ${name}: title:(a ${name}/5 b)` : 'use a word, wildcard, phrase or an (a OR b) group of them';
    throw new RuleSyntaxError(`query: ${name} cannot take this as a side; ${why}`, n.offset, n.length);
  }

  private primary(scoped: boolean): QueryNode {
    const t = this.next();
    switch (t.kind) {
      case '(': {
        if (this.peek().kind === ')') throw new RuleSyntaxError('query: empty parentheses; put terms inside or remove them', t.offset, this.peek().offset + 1 - t.offset);
        const inner = this.or(scoped);
        const close = this.peek();
        if (close.kind !== ')') {
          this.soft(new RuleSyntaxError('query: this "(" is never closed; add a ")"', t.offset, 1));
          return { ...inner, ...span(t, inner) };
        }
        this.next();
        return { ...inner, ...span(t, close) };
      }
      case 'FIELD': {
        if (scoped) throw new RuleSyntaxError(`query: ${t.field}: is inside another field scope; list both fields in one scope instead, e.g. (title:x OR summary:x)`, t.offset, t.length);
        const next = this.peek();
        if (next.kind !== '(' && next.kind !== 'WORD' && next.kind !== 'PHRASE' && next.kind !== 'CASE') {
          throw new RuleSyntaxError(`query: ${t.field}: needs a word, "phrase" or ( … ) right after it`, t.offset, t.length);
        }
        const child = this.primary(true);
        const fields: Field[] = [t.field];
        return { type: 'field', fields, child, ...span(t, child) };
      }
      case 'CASE': {
        const next = this.next();
        if (next.kind !== 'WORD' && next.kind !== 'PHRASE') throw new RuleSyntaxError('query: case: applies to one word or "phrase" written right after it, e.g. case:POA', t.offset, t.length);
        return { ...this.term(next, true), ...span(t, next) };
      }
      case 'WORD':
      case 'PHRASE':
        return this.term(t, false);
      case ')':
        this.soft(new RuleSyntaxError('query: ")" has no matching "("; remove it or add a "(" before it', t.offset, 1));
        return this.primary(scoped);
      case 'EOF':
        throw new RuleSyntaxError('query: the query ends too early; add a term', t.offset, 0);
      default:
        throw new RuleSyntaxError(`query: expected a term here, not ${this.src.slice(t.offset, t.offset + t.length)}`, t.offset, t.length);
    }
  }

  private term(t: Token & { text: string }, caseSensitive: boolean): TermNode {
    const quoted = t.kind === 'PHRASE';
    const base = t.offset + (quoted ? 1 : 0);
    const words: string[] = [];
    // A phrase is split at spaces into chunks; each chunk is split into words the way item text is.
    for (const m of t.text.matchAll(/\S+/g)) words.push(...chunkWords(m[0], base + m.index, (e) => this.soft(e)));
    if (!words.length) {
      const what = quoted ? 'this phrase has no words' : `"${t.text}" has no letters or digits`;
      this.soft(new RuleSyntaxError(`query: ${what}; write words made of letters or digits`, t.offset, t.length));
      words.push('x'); // a check's stand-in
    }
    return { type: 'term', words, phrase: quoted, caseSensitive, offset: t.offset, length: t.length };
  }
}

function chunkWords(chunk: string, offset: number, soft: (e: RuleSyntaxError) => void): string[] {
  const star = chunk.indexOf('*');
  if (star >= 0 && star !== chunk.length - 1) {
    soft(new RuleSyntaxError(`query: "*" may only end a word, as in probat*; "${chunk}" has one inside`, offset + star, 1));
    return chunkWords(chunk.replaceAll('*', ' '), offset, soft); // a check goes on with the stars as spaces
  }
  const prefix = star >= 0;
  const body = prefix ? chunk.slice(0, -1) : chunk;
  const words: string[] = [];
  let lastEnd = 0;
  eachToken(body, (s, e) => {
    words.push(body.slice(s, e));
    lastEnd = e;
  });
  if (prefix) {
    const last = words.at(-1);
    if (last === undefined || lastEnd !== body.length || [...last].length < MIN_PREFIX) {
      soft(new RuleSyntaxError(`query: a wildcard needs at least ${MIN_PREFIX} letters before "*" (like probat*); "${chunk}" is too short`, offset, chunk.length));
      return words;
    }
    words[words.length - 1] = `${last}*`;
  }
  return words;
}
