// The query parser: every construct's tree, and every error with its message and position.
import { describe, expect, it } from 'vitest';
import { checkQuery, parseQuery, RuleSyntaxError } from '../../src/rules/query.ts';
import type { QueryNode } from '../../src/rules/types.ts';

// A compact rendering of a tree so expectations read like the query.
function show(n: QueryNode): string {
  switch (n.type) {
    case 'term': {
      const w = n.words.join(' ');
      return `${n.caseSensitive ? 'case:' : ''}${n.phrase || n.words.length > 1 ? `"${w}"` : w}`;
    }
    case 'and':
    case 'or':
      return `(${n.children.map(show).join(` ${n.type.toUpperCase()} `)})`;
    case 'not':
      return `NOT ${show(n.child)}`;
    case 'near':
      return `(${show(n.left)} ${n.ordered ? 'ONEAR' : 'NEAR'}/${n.distance} ${show(n.right)})`;
    case 'field':
      return `${n.fields.join(',')}:${show(n.child)}`;
  }
}
const p = (q: string) => show(parseQuery(q));

describe('parseQuery: constructs', () => {
  it.each([
    ['prison', 'prison'],
    ['Probat*', 'Probat*'],
    ['"approved premises"', '"approved premises"'],
    ['"prison offic*"', '"prison offic*"'],
    ['case:POA', 'case:POA'],
    ['case:"OMiC"', 'case:"OMiC"'],
    ['case:"HM Prison"', 'case:"HM Prison"'],
    ['prison AND probation', '(prison AND probation)'],
    ['prison probation', '(prison AND probation)'],
    ['prison OR jail', '(prison OR jail)'],
    ['NOT prison a', '(NOT prison AND a)'],
    ['a NOT b', '(a AND NOT b)'],
    ['a AND NOT b', '(a AND NOT b)'],
    ['a OR b c', '(a OR (b AND c))'],
    ['(a OR b) c', '((a OR b) AND c)'],
    ['a b OR c d', '((a AND b) OR (c AND d))'],
    ['prison NEAR/5 officer', '(prison NEAR/5 officer)'],
    ['prison ONEAR/0 officer', '(prison ONEAR/0 officer)'],
    ['(jail OR prison) NEAR/3 "prison officer"', '((jail OR prison) NEAR/3 "prison officer")'],
    ['probat* NEAR/2 (staff OR officer*)', '(probat* NEAR/2 (staff OR officer*))'],
    ['a NEAR/2 b OR c', '((a NEAR/2 b) OR c)'],
    ['title:(prison OR jail)', 'title:(prison OR jail)'],
    ['summary:probation', 'summary:probation'],
    ['body:"unpaid work"', 'body:"unpaid work"'],
    ['source:guardian', 'source:guardian'],
    ['url:case:BBC', 'url:case:BBC'],
    ['title:(a NEAR/3 b)', 'title:(a NEAR/3 b)'],
    ['title:prison officer', '(title:prison AND officer)'],
    ['ex-offender', '"ex offender"'],
    ["prisoner's", '"prisoner s"'],
    ['ex-off*', '"ex off*"'],
    ['and or not', '(and AND or AND not)'],
  ])('%s', (q, want) => expect(p(q)).toBe(want));

  it('keeps offsets of nodes in the query', () => {
    const n = parseQuery('a OR title:(bb NEAR/2 "c d")');
    expect(n.type).toBe('or');
    const field = (n as { children: QueryNode[] }).children[1]!;
    expect(field).toMatchObject({ type: 'field', offset: 5, length: 23 });
  });
});

function error(q: string): RuleSyntaxError {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected "${q}" to fail`);
}

describe('parseQuery: errors say where and what to do', () => {
  it.each([
    ['', /^query: the query is empty; write at least one word$/, 0],
    ['   ', /^query: the query is empty/, 0],
    ['a "approved premises', /^query: this phrase has no closing "; add one at its end$/, 2],
    ['titel:prison', /^query: unknown field "titel:"; use title:, summary:, body:, source:, url: or case:$/, 0],
    ['a NEAR b', /^query: NEAR needs a distance in words; write NEAR\/5$/, 2],
    ['a ONEAR b', /^query: ONEAR needs a distance in words; write ONEAR\/5$/, 2],
    ['a NEAR/x b', /^query: "NEAR\/x" needs a whole number of words after \/; write NEAR\/5$/, 2],
    ['a NEAR/99 b', /^query: NEAR\/99 is too far; use at most NEAR\/50, or AND/, 2],
    ['a OR b)', /^query: "\)" has no matching "\("; remove it or add a "\(" before it$/, 6],
    [') a', /^query: "\)" has no matching "\("/, 0],
    ['a AND', /^query: AND needs a term on both sides; add one or remove the AND$/, 2],
    ['AND a', /^query: AND needs a term on both sides/, 0],
    ['a OR', /^query: OR needs a term on both sides; add one or remove the OR$/, 2],
    ['OR a', /^query: OR needs a term on both sides/, 0],
    ['a OR AND b', /^query: OR needs a term on both sides/, 2],
    ['NEAR/3 b', /^query: NEAR\/3 needs a term on both sides$/, 0],
    ['a NEAR/3', /^query: NEAR needs a term on both sides; add one after it$/, 2],
    ['a ONEAR/3', /^query: ONEAR needs a term on both sides; add one after it$/, 2],
    ['a NOT', /^query: NOT needs a term after it; add one or remove the NOT$/, 2],
    ['a NOT NEAR/2 b', /^query: NOT needs a term after it/, 2],
    ['a NEAR/2 b NEAR/2 c', /^query: NEAR\/ONEAR cannot be chained; join two of them with AND/, 11],
    ['(a AND b) NEAR/2 c', /^query: NEAR cannot take this as a side; use a word, wildcard, phrase or an \(a OR b\) group of them$/, 0],
    ['a ONEAR/2 NOT b', /^query: expected a term here, not NOT$/, 10],
    ['title:a NEAR/2 b', /^query: NEAR cannot take this as a side; put the field scope around the whole NEAR: title:\(a NEAR\/5 b\)$/, 0],
    ['a () b', /^query: empty parentheses; put terms inside or remove them$/, 2],
    ['(a OR b', /^query: this "\(" is never closed; add a "\)"$/, 0],
    ['(', /^query: the query ends too early; add a term$/, 1],
    ['title:(a OR summary:b)', /^query: summary: is inside another field scope; list both fields in one scope instead/, 12],
    ['a title:', /^query: title: needs a word, "phrase" or \( … \) right after it$/, 2],
    ['title:AND a', /^query: title: needs a word/, 0],
    ['case:(POA)', /^query: case: applies to one word or "phrase" written right after it, e\.g\. case:POA$/, 0],
    ['a AND NEAR/2 b', /^query: expected a term here, not NEAR\/2$/, 6],
    ['a & b', /^query: "&" has no letters or digits; write words made of letters or digits$/, 2],
    ['a "" b', /^query: this phrase has no words; write words/, 2],
    ['pro*bation', /^query: "\*" may only end a word, as in probat\*; "pro\*bation" has one inside$/, 3],
    ['pr*', /^query: a wildcard needs at least 3 letters before "\*" \(like probat\*\); "pr\*" is too short$/, 0],
    ['"the pr*"', /^query: a wildcard needs at least 3 letters/, 5],
    ['*', /^query: a wildcard needs at least 3 letters/, 0],
    ['ex-*', /^query: a wildcard needs at least 3 letters/, 0],
    ['NOT prison', /^query: this query matches items without any of its words \(it only says NOT\); add a word that must be present$/, 0],
    ['a OR NOT b', /^query: this query matches items without any of its words/, 0],
  ])('%j', (q, message, offset) => {
    const e = error(q);
    expect(e.message).toMatch(message);
    expect(e.offset).toBe(offset);
    expect(e.length).toBeGreaterThanOrEqual(0);
    expect(e.offset + e.length).toBeLessThanOrEqual(q.length);
  });

  it('marks the whole offending token', () => {
    expect(error('prison NEAR/77 staff')).toMatchObject({ offset: 7, length: 7 });
    expect(error('xyz:prison')).toMatchObject({ offset: 0, length: 4 });
  });
});

describe('checkQuery: every problem, for editors', () => {
  it('lists problems of words, scopes, distances, quotes and brackets all at once, in order', () => {
    const found = checkQuery('titel:prison AND pr* OR (jail NEAR x OR "hostel');
    expect(found.map((e) => [e.offset, e.message.replace(/;.*$/, '')])).toEqual([
      [0, 'query: unknown field "titel:"'],
      [17, 'query: a wildcard needs at least 3 letters before "*" (like probat*)'],
      [24, 'query: this "(" is never closed'],
      [30, 'query: NEAR needs a distance in words'],
      [40, 'query: this phrase has no closing "'],
    ]);
    expect(checkQuery('a) b) pro*bation')).toMatchObject([{ offset: 1 }, { offset: 4 }, { offset: 9 }]);
    expect(checkQuery('"probation service" OR probat*')).toEqual([]);
  });

  it('stops at a problem it cannot read past, keeping those before it', () => {
    expect(checkQuery('pr* AND').map((e) => e.offset)).toEqual([0, 4]);
    expect(checkQuery('NOT a')).toMatchObject([{ message: expect.stringMatching(/only says NOT/) }]);
  });

  it('finds what parseQuery throws, and nothing when it parses, on thousands of generated queries', () => {
    const words = ['a', 'pr*', 'probat*', '"x y"', '"', '(', ')', 'AND', 'OR', 'NOT', 'NEAR/3', 'NEAR', 'NEAR/99', 'title:', 'titel:', 'case:', '&', '*', 'b'];
    let seed = 5;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 2000; n++) {
      const q = Array.from({ length: 1 + Math.floor(next() * 7) }, () => words[Math.floor(next() * words.length)]!).join(next() < 0.8 ? ' ' : '');
      let thrown: RuleSyntaxError | undefined;
      try {
        parseQuery(q);
      } catch (e) {
        thrown = e as RuleSyntaxError;
      }
      const found = checkQuery(q);
      if (!thrown) expect(found, q).toEqual([]);
      else expect(found.map((e) => [e.offset, e.message]), q).toContainEqual([thrown.offset, thrown.message]);
      for (const e of found) expect(e.offset + e.length, q).toBeLessThanOrEqual(q.length);
    }
  });
});

