// contacts-csv: a press office's spreadsheet of media contacts -> contacts to import, and the rows that
// cannot be, each with its line in the file and why. RFC 4180 fields (quotes, doubled quotes, line breaks
// inside quotes); a header row with at least `name` and `email`, optionally `outlet`, `topics` (topic ids
// separated by `;`), `do_not_contact` and `notes`. Rows for the same address (any case) merge into one.
import type { ContactInput } from '../domain/releases.ts';

export interface CsvProblem {
  /** 1-based line of the file where the row starts. */
  line: number;
  message: string;
}

export interface ParsedContacts {
  contacts: ContactInput[];
  problems: CsvProblem[];
  /** Rows folded into an earlier row with the same address. */
  merged: number;
}

const KNOWN = ['name', 'email', 'outlet', 'topics', 'do_not_contact', 'notes'] as const;
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const TOPIC = /^[a-z0-9][a-z0-9_-]*$/;
const YES = new Set(['true', 'yes', 'y', '1', 'x']);
const NO = new Set(['false', 'no', 'n', '0', '']);

interface Record_ {
  line: number;
  fields: string[];
}

/** Splits CSV text into records with the line each starts on; an unclosed quote is reported, not guessed. */
function records(text: string): { rows: Record_[]; unclosed?: number } {
  const rows: Record_[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) rows.push({ line: start, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      start = line;
    } else {
      field += c;
    }
    i += 1;
  }
  if (quoted) return { rows, unclosed: start };
  if (field !== '' || fields.length) endRecord();
  return { rows };
}

/** Parses the file; never throws on a bad row, only when the header is unusable (then `problems` says so). */
export function parseContactsCsv(input: string): ParsedContacts {
  const text = input.replace(/^\uFEFF/, '');
  const { rows, unclosed } = records(text);
  const problems: CsvProblem[] = [];
  const header = rows.shift();
  if (!header) return { contacts: [], problems: [{ line: 1, message: 'the file is empty; the first row must name the columns (at least name,email)' }], merged: 0 };
  const cols = header.fields.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const missing = ['name', 'email'].filter((c) => !cols.includes(c));
  if (missing.length) {
    return { contacts: [], problems: [{ line: header.line, message: `the header has no ${missing.join(' or ')} column; the first row must name the columns (at least name,email)` }], merged: 0 };
  }
  const at = Object.fromEntries(KNOWN.map((k) => [k, cols.indexOf(k)])) as Record<(typeof KNOWN)[number], number>;
  const byEmail = new Map<string, ContactInput>();
  let merged = 0;
  for (const r of rows) {
    if (r.fields.length > cols.length) {
      problems.push({ line: r.line, message: `${r.fields.length} fields but the header has ${cols.length}; quote fields that contain commas` });
      continue;
    }
    const get = (k: (typeof KNOWN)[number]) => (at[k] >= 0 ? (r.fields[at[k]] ?? '').trim() : '');
    const name = get('name');
    const email = get('email').toLowerCase();
    if (!email) {
      problems.push({ line: r.line, message: 'no email address' });
      continue;
    }
    if (!EMAIL.test(email)) {
      problems.push({ line: r.line, message: `"${get('email')}" is not an email address` });
      continue;
    }
    if (!name) {
      problems.push({ line: r.line, message: 'no name' });
      continue;
    }
    const topics = get('topics').split(';').map((t) => t.trim().toLowerCase()).filter(Boolean);
    const badTopic = topics.find((t) => !TOPIC.test(t));
    if (badTopic) {
      problems.push({ line: r.line, message: `"${badTopic}" is not a topic id (letters, digits and -; separate topics with ;)` });
      continue;
    }
    const dnc = get('do_not_contact').toLowerCase();
    if (!YES.has(dnc) && !NO.has(dnc)) {
      problems.push({ line: r.line, message: `do_not_contact must be yes or no, not "${get('do_not_contact')}"` });
      continue;
    }
    const row: ContactInput = { name, email, outlet: get('outlet') || null, topics, doNotContact: YES.has(dnc), notes: get('notes') || null };
    const seen = byEmail.get(email);
    if (seen) {
      merged += 1;
      byEmail.set(email, mergeContact(seen, row));
    } else {
      byEmail.set(email, row);
    }
  }
  if (unclosed !== undefined) problems.push({ line: unclosed, message: 'a quoted field is never closed; the rest of the file was not read' });
  return { contacts: [...byEmail.values()], problems, merged };
}

/** Two rows for one address: topics together, opted out if either says so, the first non-empty of the rest. */
export function mergeContact(a: ContactInput, b: ContactInput): ContactInput {
  return {
    name: a.name || b.name,
    email: a.email,
    outlet: a.outlet || b.outlet || null,
    topics: [...new Set([...(a.topics ?? []), ...(b.topics ?? [])])],
    doNotContact: Boolean(a.doNotContact || b.doNotContact),
    notes: [a.notes, b.notes].filter(Boolean).join('\n') || null,
  };
}
