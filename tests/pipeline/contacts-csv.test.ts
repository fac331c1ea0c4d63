import { describe, expect, it } from 'vitest';
import { parseContactsCsv } from '../../src/pipeline/contacts-csv.ts';
import { contactsCsv } from '../../src/pipeline/contacts-export.ts';

describe('contacts CSV', () => {
  it('reads the columns in any order, quoted fields with commas, quotes and line breaks', () => {
    const csv = [
      '\uFEFFEmail,Name,Outlet,Topics,Do Not Contact,notes',
      'ann@example.org,"Reed, Ann","The ""Justice"" Gazette",probation;prisons,no,"line one',
      'line two"',
      'bob@example.org,Bob Smith,,courts,yes,',
      '',
    ].join('\r\n');
    const r = parseContactsCsv(csv);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toEqual([
      { name: 'Reed, Ann', email: 'ann@example.org', outlet: 'The "Justice" Gazette', topics: ['probation', 'prisons'], doNotContact: false, notes: 'line one\r\nline two' },
      { name: 'Bob Smith', email: 'bob@example.org', outlet: null, topics: ['courts'], doNotContact: true, notes: null },
    ]);
  });

  it('reports each bad row with its line and reason and keeps the rest', () => {
    const csv = [
      'name,email,topics,do_not_contact',
      'Good One,good@example.org,probation,',
      'No Email,,probation,', // line 3
      'Bad Email,not-an-address,probation,', // 4
      ',noname@example.org,probation,', // 5
      '"Multi',
      'line",ok@example.org,Bad Topic!,', // starts on line 6
      'Too,many@example.org,a,b,c', // 8
      'Maybe,maybe@example.org,courts,perhaps', // 9
    ].join('\n');
    const r = parseContactsCsv(csv);
    expect(r.contacts.map((c) => c.email)).toEqual(['good@example.org']);
    expect(r.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 8, 9]);
    expect(r.problems.map((p) => p.message)).toEqual([
      'no email address',
      '"not-an-address" is not an email address',
      'no name',
      '"bad topic!" is not a topic id (letters, digits and -; separate topics with ;)',
      '5 fields but the header has 4; quote fields that contain commas',
      'do_not_contact must be yes or no, not "perhaps"',
    ]);
  });

  it('merges rows for the same address whatever the case', () => {
    const r = parseContactsCsv('name,email,outlet,topics,do_not_contact\nAnn,Ann@Example.org,,probation,\nAnn Reed,ann@example.org,BBC,courts;probation,yes\n');
    expect(r.merged).toBe(1);
    expect(r.contacts).toEqual([{ name: 'Ann', email: 'ann@example.org', outlet: 'BBC', topics: ['probation', 'courts'], doNotContact: true, notes: null }]);
  });

  it('refuses a file without name and email columns, and says where an unclosed quote starts', () => {
    expect(parseContactsCsv('email,outlet\na@b.org,X\n').problems).toEqual([{ line: 1, message: expect.stringMatching(/no name column/) }]);
    expect(parseContactsCsv('').problems[0]!.message).toMatch(/empty/);
    const r = parseContactsCsv('name,email\nA,a@example.org\n"B,b@example.org\nC,c@example.org\n');
    expect(r.contacts.map((c) => c.email)).toEqual(['a@example.org']);
    expect(r.problems).toEqual([{ line: 3, message: expect.stringMatching(/never closed/) }]);
  });

  it('exports what it imports, with formula cells defused', () => {
    const contacts = [
      { name: '=HYPERLINK("x")', email: 'a@example.org', outlet: 'Reed, Ann & Co', topics: ['probation', 'courts'], doNotContact: true, notes: 'two\nlines' },
      { name: 'Bob', email: 'b@example.org', outlet: null, topics: [], doNotContact: false, notes: null },
    ];
    const csv = contactsCsv(contacts);
    expect(csv.split('\r\n')[0]).toBe('name,email,outlet,topics,do_not_contact,notes');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    const back = parseContactsCsv(csv);
    expect(back.problems).toEqual([]);
    expect(back.contacts).toEqual([{ ...contacts[0], name: `'=HYPERLINK("x")` }, contacts[1]]);
  });
});
