// Splits a query into tokens for the parser (src/rules/query.ts documents the language).
import { FIELDS, type Field } from './text.ts';

export class RuleSyntaxError extends Error {
  constructor(
    message: string,
    /** Where the problem is in the query text, in characters. */
    readonly offset: number,
    readonly length: number,
  ) {
    super(message);
    this.name = 'RuleSyntaxError';
  }
}

export type Token =
  | { kind: '(' | ')' | 'AND' | 'OR' | 'NOT' | 'EOF'; offset: number; length: number }
  | { kind: 'NEAR'; distance: number; ordered: boolean; offset: number; length: number }
  | { kind: 'FIELD'; field: Field; offset: number; length: number }
  | { kind: 'CASE'; offset: number; length: number }
  | { kind: 'WORD' | 'PHRASE'; text: string; offset: number; length: number };

export const MAX_DISTANCE = 50;
const SPACE = /\s/;
const STOP = /[\s()"]/;
const SCOPE = /^([A-Za-z]+):/;

/** The query's tokens. Throws the first problem; with `found`, records each problem there instead and goes on
 *  with a stand-in (the phrase runs to the end, an unknown scope is skipped, a bad NEAR distance becomes 5), so
 *  a check can list them all. */
export function lex(src: string, found?: RuleSyntaxError[]): Token[] {
  const fail = (e: RuleSyntaxError) => {
    if (!found) throw e;
    found.push(e);
  };
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (SPACE.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c, offset: i, length: 1 });
      i++;
    } else if (c === '"') {
      let close = src.indexOf('"', i + 1);
      if (close < 0) {
        fail(new RuleSyntaxError('query: this phrase has no closing "; add one at its end', i, src.length - i));
        close = src.length;
      }
      out.push({ kind: 'PHRASE', text: src.slice(i + 1, close), offset: i, length: Math.min(close + 1, src.length) - i });
      i = close + 1;
    } else {
      let j = i;
      while (j < src.length && !STOP.test(src[j]!)) j++;
      const scope = SCOPE.exec(src.slice(i, j));
      if (scope) {
        // "title:" scopes what follows; a scope may be followed by "(", a phrase or a word.
        const name = scope[1]!;
        const len = name.length + 1;
        if (name === 'case') out.push({ kind: 'CASE', offset: i, length: len });
        else if ((FIELDS as readonly string[]).includes(name)) out.push({ kind: 'FIELD', field: name as Field, offset: i, length: len });
        else fail(new RuleSyntaxError(`query: unknown field "${name}:"; use title:, summary:, body:, source:, url: or case:`, i, len));
        i += len;
        continue;
      }
      out.push(keyword(src.slice(i, j), i, fail));
      i = j;
    }
  }
  out.push({ kind: 'EOF', offset: src.length, length: 0 });
  return out;
}

function keyword(text: string, offset: number, fail: (e: RuleSyntaxError) => void): Token {
  const length = text.length;
  if (text === 'AND' || text === 'OR' || text === 'NOT') return { kind: text, offset, length };
  const near = /^(O?)NEAR(?:\/(.*))?$/.exec(text);
  if (!near) return { kind: 'WORD', text, offset, length };
  const op = near[1] ? 'ONEAR' : 'NEAR';
  const token = (distance: number): Token => ({ kind: 'NEAR', distance, ordered: op === 'ONEAR', offset, length });
  if (near[2] === undefined) {
    fail(new RuleSyntaxError(`query: ${op} needs a distance in words; write ${op}/5`, offset, length));
    return token(5);
  }
  if (!/^\d+$/.test(near[2])) {
    fail(new RuleSyntaxError(`query: "${text}" needs a whole number of words after /; write ${op}/5`, offset, length));
    return token(5);
  }
  const distance = Number(near[2]);
  if (distance > MAX_DISTANCE) fail(new RuleSyntaxError(`query: ${op}/${distance} is too far; use at most ${op}/${MAX_DISTANCE}, or AND for anywhere in the field`, offset, length));
  return token(Math.min(distance, MAX_DISTANCE));
}
