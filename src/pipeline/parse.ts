// parse: decoded feed text -> ParsedFeed (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, RDF, JSON Feed).
// feedsmith does the XML/JSON work (measured fastest and most forgiving: docs/parsing.md). Around it we:
// refuse HTML pages and other non-feeds with a message that says what to do; drop any DOCTYPE so no entity is
// ever declared, let alone expanded (billion laughs, external entities); salvage truncated or slightly broken
// feeds item by item; and map the result onto our types (parse/map.ts). Time is linear in the document: no
// regex here or in parse/ can restart a scan to the end of the text from every opener (parse/scan.ts).
import { type AnyFeed, parseFeed } from 'feedsmith';
import type { ParsedFeed } from '../domain/types.ts';
import { xmlBases } from './parse/bases.ts';
import { toParsedFeed } from './parse/map.ts';
import { salvage } from './parse/salvage.ts';
import { type Noise, stripNoise } from './parse/scan.ts';

/** The input is not a feed we can read; the message says why and what to do next. */
export class ParseError extends Error {
  override name = 'ParseError';
}

export interface ParseOptions {
  /** The URL the document was fetched from: base for relative links when the feed sets no xml:base. */
  url: string;
}

const DOCTYPE_OPEN = /<!DOCTYPE\s/i;
const SUBSET_END = /\]\s*>/g;
const FIRST_ELEMENT = /<([A-Za-z_][\w:.-]*)/;
const PROLOG_NOISE: Noise[] = [
  { open: /<!--/y, close: '-->' },
  { open: /<\?/y, close: '?>' },
  { open: /<!/y, close: '>' },
];

/** `t` without its first DOCTYPE (and any internal subset); unchanged when that DOCTYPE never ends. */
function withoutDoctype(t: string): string {
  const at = t.search(DOCTYPE_OPEN);
  if (at < 0) return t;
  const gt = t.indexOf('>', at);
  const subset = t.indexOf('[', at);
  if (gt >= 0 && (subset < 0 || gt < subset)) return t.slice(0, at) + t.slice(gt + 1);
  if (subset < 0) return t;
  SUBSET_END.lastIndex = subset + 1;
  return SUBSET_END.exec(t) ? t.slice(0, at) + t.slice(SUBSET_END.lastIndex) : t;
}

/** The first element's name, skipping the prolog, comments, PIs and doctype. */
function rootName(text: string): string | undefined {
  return FIRST_ELEMENT.exec(stripNoise(text.slice(0, 65536), PROLOG_NOISE))?.[1];
}

function refuse(text: string): never {
  const root = rootName(text)?.toLowerCase();
  if (root === 'html' || /^\s*<!doctype html/i.test(text) || (!root && /<(?:head|body)\b/i.test(text))) {
    throw new ParseError('parse: this is an HTML page, not a feed — check the source URL or add it as an html source');
  }
  if (root === 'opml') {
    throw new ParseError('parse: this is an OPML subscription list, not a feed — import it with `pressdesk sources import FILE.opml`');
  }
  if (root) {
    throw new ParseError(`parse: unable to detect feed format (root element <${root}>) — expected RSS, Atom, RDF or JSON Feed; check the source URL`);
  }
  throw new ParseError('parse: unable to detect feed format (no XML or JSON found) — check the source URL');
}

function tryFeedsmith(text: string): AnyFeed<string> | Error {
  try {
    return parseFeed(text);
  } catch (err) {
    return err as Error;
  }
}

function parseJson(text: string): AnyFeed<string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ParseError(`parse: invalid JSON (${(err as Error).message}) — the source is not a valid JSON Feed`);
  }
  const r = tryFeedsmith(value as never);
  if (r instanceof Error) {
    throw new ParseError('parse: JSON but not a JSON Feed (no "version"/"items") — check the source URL');
  }
  return r;
}

function parseXml(text: string): AnyFeed<string> {
  const first = tryFeedsmith(text);
  if (!(first instanceof Error)) return first;
  if (first.name === 'DetectError') refuse(text);
  // A recognised root with nothing feedsmith could use is an empty feed, not an error.
  const root = rootName(text)?.replace(/^[\w-]+:/, '').toLowerCase();
  const format = root === 'feed' ? 'atom' : root === 'rdf' ? 'rdf' : 'rss';
  const accepts = (xml: string) => !(tryFeedsmith(xml) instanceof Error);
  const repaired = salvage(text, accepts);
  if (repaired) return parseFeed(repaired.xml);
  if (first.name === 'ParseError' && (root === 'rss' || root === 'feed' || root === 'rdf')) {
    return { format, feed: {} } as AnyFeed<string>;
  }
  throw new ParseError(`parse: malformed ${format === 'atom' ? 'Atom' : format.toUpperCase()} feed that could not be repaired — the source is sending broken XML; check it in a browser or validator`);
}

/** Parse a decoded feed document. Throws ParseError (never anything else) when it is not a usable feed. */
export function parse(text: string, opts: ParseOptions): ParsedFeed {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (!t) throw new ParseError('parse: empty document — the source returned no content; check the source URL');
  try {
    if (t.startsWith('{')) return toParsedFeed(parseJson(t), { feed: opts.url, entries: [] });
    if (!t.startsWith('<')) refuse(t);
    // Entities are never declared, so never expanded: drop the whole DOCTYPE before the parser sees it.
    const doc = t.slice(0, 4096).search(/<!DOCTYPE/i) >= 0 || t.includes('<!ENTITY') ? withoutDoctype(t) : t;
    return toParsedFeed(parseXml(doc), xmlBases(doc, opts.url));
  } catch (err) {
    if (err instanceof ParseError) throw err;
    // feedsmith or the mapper tripped over something odd (deep nesting, unexpected shapes): still a refusal.
    throw new ParseError(`parse: unreadable feed (${(err as Error)?.message ?? String(err)}) — check the source URL`);
  }
}
