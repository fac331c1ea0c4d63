// The JS twin of backtest_words and backtest_exact (migrations 008, 010): what insertItems stores in
// items.words / items.words_exact, so PostgreSQL does not run those regular expressions on every insert.
// Contract (tested against the SQL functions): when this says exact, so does SQL, and then the words here are
// exactly SQL's. Inexact items are always read by a backtest, whatever their words.

const MAX_TEXT = 200_000;
const MAX_WORD = 200;
// Allowed outside ASCII in an exact item: punctuation and symbols that are not word characters (see 008).
const NOT_EXACT_CHAR = /[^\x01-\x7f\u0080-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u2000-\u206f\u20a0-\u20cf]/;
const UNKNOWN_ENTITY =
  /&(#(?!(0?39|0?34|0?38|160|821[6-9]|822[0-2]|821[12]|8230|x27|x2019|x201[cd]);)|(?!(amp|lt|gt|quot|apos|nbsp|lsquo|rsquo|sbquo|ldquo|rdquo|bdquo|ndash|mdash|hellip|bull|middot|laquo|raquo|pound|euro|cent|yen|copy|reg|trade|deg|times|divide|sect|thinsp|ensp|emsp|prime|dagger);)[a-z][a-z0-9]{1,31};)/i;
const TAG_IN_WORD = /[A-Za-z0-9](<[A-Za-z/!?][^<]*>)+[A-Za-z0-9]/;

export interface ItemText {
  title: string;
  summaryHtml: string | null;
  bodyText: string | null;
  url: string | null;
}

export interface ItemWords {
  words: string;
  exact: boolean;
}

/** The item's lower-case ASCII words, space-separated and distinct, and whether they are all the matcher
 *  can see (false: the item is read by every backtest). */
export function itemWords(it: ItemText): ItemWords {
  // concat_ws skips NULLs.
  const t = [it.title, it.summaryHtml, it.bodyText, it.url].filter((x) => x != null).join(' ');
  const exact =
    t.length <= MAX_TEXT &&
    !NOT_EXACT_CHAR.test(t) &&
    !(t.includes('&') && UNKNOWN_ENTITY.test(t)) &&
    !(t.includes('<') && TAG_IN_WORD.test(t));
  // A hand loop, not a global regular expression: this runs on every stored item.
  const seen = new Set<string>();
  const end = Math.min(t.length, MAX_TEXT);
  let start = -1;
  let lower = true;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? t.charCodeAt(i) : 0;
    const upper = c >= 65 && c <= 90;
    if (upper || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) {
        start = i;
        lower = true;
      }
      if (upper) lower = false;
    } else if (start >= 0) {
      const w = t.slice(start, Math.min(i, start + MAX_WORD));
      seen.add(lower ? w : w.toLowerCase());
      start = -1;
    }
  }
  return { words: [...seen].join(' '), exact };
}
