// A feature as editors read it in an explanation: the words as the item spells them ("prison officers", not
// the stems "prison offic"; a word and the same word in the title read alike), a cue group by what it means, a
// rule by its topic and id.
import type { ItemText } from '../../domain/types.ts';
import { fold } from '../../rules/text.ts';
import { stripHtml } from '../text.ts';
import { stemOf } from './vocabulary.ts';

const CUE: Record<string, string> = {
  'uk-place': 'UK place name',
  'uk-institution': 'UK institution',
  'uk-spelling': 'British spelling',
  'foreign-place': 'place abroad',
  'us-legal': 'US legal term',
};

// Stems of words as written, remembered (bounded): explanations are built for every decision taken.
const stems = new Map<string, string | null>();
function stemAsWritten(word: string): string | null {
  let s = stems.get(word);
  if (s === undefined) {
    s = stemOf(fold(word));
    if (stems.size >= 50_000) stems.clear();
    stems.set(word, s);
  }
  return s;
}

/** The counted words of the item's title and lead with their stems, in order. */
function wordsOf(item: ItemText): { word: string; stem: string }[] {
  const text = [item.title, item.summary ?? item.body?.slice(0, 1200) ?? ''].map((t) => stripHtml(t)).join(' . ');
  const out: { word: string; stem: string }[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const s = stemAsWritten(m[0]);
    if (s !== null) out.push({ word: m[0], stem: s });
  }
  return out;
}

/** Labels for feature names, in the item's own words where the feature is a word or phrase. */
export function describe(names: readonly string[], item: ItemText): string[] {
  let words: { word: string; stem: string }[] | undefined;
  const spelt = (stems: string[]) => {
    words ??= wordsOf(item);
    for (let i = 0; i + stems.length <= words.length; i++) {
      if (stems.every((s, j) => words![i + j]!.stem === s)) return words.slice(i, i + stems.length).map((w) => w.word).join(' ');
    }
    return stems.join(' ');
  };
  return names.map((name) => {
    const rest = name.slice(2);
    switch (name[0]) {
      case 'w':
      case 'T':
        return spelt([rest]);
      case 'b':
        return `“${spelt(rest.split(' '))}”`;
      case 'c':
        return CUE[rest] ?? rest;
      case 'h':
        return `source ${rest}`;
      case 'u':
        return `URL section “${rest}”`;
      case 't':
        return rest === '-' ? 'no topic by the rules' : `the rules' topic ${rest}`;
      case 'r':
        return `rule ${rest}`;
      case 'x':
        return `exclude ${rest.replace(/^\*\//, '')}`;
      default:
        return name;
    }
  });
}
