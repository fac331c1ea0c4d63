// source-name: a feed's <title> -> the name a source nobody named takes (the sources page, digests, stories'
// coverage). Plain text on one line, short enough for a table cell; nothing when the feed has no title.
import { stripHtml } from './text.ts';

const MAX = 100;

export function sourceName(title: string | undefined): string | undefined {
  const text = stripHtml(title ?? '').replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  if (text.length <= MAX) return text;
  const cut = text.slice(0, MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
