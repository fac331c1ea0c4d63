// Synthesised RSS feeds for the ingest and e2e benches: deterministic, so every peer reads the same bytes.
//
// mix 'news' (default): items read like a news day. Most stories are about something else, 1 in 7 is a
// justice story (a few of the words below among the rest), and 3 in 10 items are syndicated copies of a story
// another feed also carries, with a word or two changed. mix 'dense': every word from the justice list, as
// the earlier runs in docs/ingestion.md had (every item matches every topic; the titles make a handful of
// giant stories).
import { VOCAB } from './_vocab.ts';

export type Mix = 'news' | 'dense';

const WORDS = ('probation officer prison governor court hearing parole board youth justice family court cafcass caseload staff ' +
  'union napo inspectorate report minister announcement funding crisis shortage recruitment violence drugs release licence ' +
  'sentence magistrates crown tribunal backlog reform council housing hospital school transport weather football').split(' ');

function rng(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0;
  return () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x;
  };
}

function dense(seed: number, words: number): string {
  const next = rng(seed);
  return Array.from({ length: words }, () => WORDS[next() % WORDS.length]!).join(' ');
}

/** `words` words of story `story`, as item `item` tells it: ~1 word in 8 its own. */
function news(story: number, item: number, words: number): string {
  const base = rng(story);
  const own = rng(item + 1e9);
  const justice = story % 7 === 0;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const b = base();
    if (justice && b % 11 === 0) out.push(WORDS[(b >>> 8) % 30]!);
    else out.push(VOCAB[(own() % 8 === 0 ? own() : b >>> 4) % VOCAB.length]!);
  }
  return out.join(' ');
}

/** feed(f) is feed f's RSS; feed(f, true) reads as after one more story, which pushes the oldest out. */
export function feedMaker(o: { feeds: number; items: number; mix?: Mix }) {
  const { feeds, items } = o;
  const item = (n: number): { title: string; description: string } => {
    if (o.mix === 'dense') return { title: dense(n, 9), description: dense(n + 7, 90) };
    const r = rng(n)();
    const story = r % 10 < 3 ? 1e8 + ((r >>> 8) % Math.max(1, Math.floor((feeds * items) / 20))) : n;
    return { title: news(story, n, 9), description: news(story + 5e8, n, 90) };
  };
  const feed = (f: number, grown = false): string => {
    const out: string[] = [];
    const entry = (n: number, i: number | string) => {
      const it = item(n);
      return (
        `<item><guid isPermaLink="false">bench-${n}</guid><title>${it.title}</title><link>https://news.example/${f}/${i}</link>` +
        `<description>&lt;p&gt;${it.description}&lt;/p&gt;</description><pubDate>Thu, 19 Nov 2026 08:${String(Number(i) % 60 || 0).padStart(2, '0')}:00 GMT</pubDate>` +
        `<category>Justice</category></item>`
      );
    };
    if (grown) out.push(entry(feeds * items + f, 'new'));
    for (let i = 0; i < items - (grown ? 1 : 0); i++) out.push(entry(f * items + i, i));
    return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed ${f}</title><link>https://news.example/${f}</link>${out.join('')}</channel></rss>`;
  };
  return { feed };
}
