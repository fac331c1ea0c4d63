// Newsroom formats around the news: a title's byline, the boilerplate a feed repeats under every item, and
// items that are not one event — roundups (briefings, podcasts, rolling live pages, photos of the day, letters,
// call-outs, newsletters, quizzes) and service pieces (how-to guides, tips, start times, odds) that recur with
// every fixture or tax year. The patterns are English newsroom conventions; extend them here.

// " | Marina Hyde", " | Letters", " | Editorial": the writer or the column, not the event.
const BYLINE = /\s+\|\s+[^|]{1,60}$/;

// A related-link label ("Russia-Ukraine war: latest updates", "UK politics live – latest updates"), "See all
// our coronavirus coverage", "Continue reading...": shared by every item of a section, whatever it reports.
// Each pattern runs only where its last word occurs: most text has none, and a regex scan costs more.
const BOILERPLATE: [string, RegExp][] = [
  ['updates', /(?:[^\s.!?]+\s+){0,2}[^\s.!?]+\s*[–:-]\s*(?:latest|live) updates/giu],
  ['coverage', /\bsee all our [\p{L} -]{1,30} coverage\b/giu],
  ['reading', /\bcontinue reading\b\.*/giu],
];

const STANDALONE_PATTERNS = [
  // Roundups: many events at once.
  /\bbriefing\b/i,
  /\bpodcast\b/i,
  /\bweekly\s*$/i,
  /^\s*live\s*(?:[:–|-]|updates\b|news\b|blog\b)/i,
  /\b(?:politics|news|business|markets|world|war|election|budget|sport|coronavirus|covid)\s+live\s*:/i,
  /[–:-]\s*(?:uk |us |europe |business |politics )?live(?: updates| news| blog)?!?\s*$/i,
  /\b(?:live|latest) (?:updates|news)\b/i,
  /\blatest\s*:/i,
  /\bas it happened\b/i,
  /\b(?:photos?|pictures?) of the (?:day|week)\b/i,
  /\b(?:best|top) photos\b/i,
  /\bweek in pictures\b/i,
  /\btop (?:\w+ )?stories\b/i,
  /\|\s*letters\s*$/i,
  /^\s*(?:tell us|share your)\b/i,
  /\bnewsletter\b/i,
  /\b(?:quiz|crossword|sudoku|wordle)\b/i,
  // Service pieces: guides, not news of one event.
  /\bhow to\b/i,
  /\b(?:when is it|when are they|what time|start times?|tee times|tv channel|sweepstake|tips|latest odds|best bets|what are the odds|guide to|full calendar|fixture dates)\b/i,
  /\b(?:best|where)\b[^:|]{0,40}\bto buy\b/i,
  /\b(?:can|should|do|will|must) (?:i|you)\b/i,
];
// One pass over a title instead of one per pattern.
const STANDALONE_TITLE = new RegExp(STANDALONE_PATTERNS.map((re) => re.source).join('|'), 'i');
// Where a feed puts the format in the address (the Guardian's /live/ and /audio/ pages).
const STANDALONE_URL = /\/(?:live|audio|podcasts?)\//i;

// "US" the country, before folding makes it the pronoun "us", a stopword.
const US = /\bU\.?S\.?(?=$|[^\p{L}.])/gu;

const usa = (s: string) => (s.includes('U') ? s.replace(US, 'USA') : s);

/** The title as evidence of what happened: without a trailing byline or column name. */
export function cleanTitle(title: string): string {
  return usa(title.includes('|') ? title.replace(BYLINE, '') : title);
}

/** Summary or body text without the section boilerplate a feed repeats under every item. */
export function cleanText(text: string): string {
  let out = text;
  for (const [word, re] of BOILERPLATE) if (out.includes(word)) out = out.replace(re, ' ');
  return usa(out);
}

/** A roundup or a service piece: a story of its own, which neither joins, nor is joined by, nor bridges others. */
export function isStandalone(title: string, url?: string): boolean {
  return STANDALONE_TITLE.test(title) || (url !== undefined && STANDALONE_URL.test(url));
}
