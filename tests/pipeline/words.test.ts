import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ItemText, itemWords } from '../../src/pipeline/words.ts';
import { insertItems, saveExtraction } from '../../src/storage/items.ts';
import { addSource } from '../../src/storage/sources.ts';
import { backends, type TestDb } from '../helpers/db.ts';

// Pieces chosen to hit every branch of backtest_exact and every way a word can start or end: SAFE ones keep an
// item exact, RISKY ones may not.
const SAFE = [
  'Prison', 'probation', 'OMiC', 'HMPPS', '2026', 'covid-19', "officer's", 'a.b', ' ', ' ', '  ', '\n', '-', '/',
  '\u00a0', '\u2019', '\u2014', '£', '€', '×', '&amp;', '&#8217;', '&#39;', '&#x2019;', '&nbsp;', '&', '<p>', '</p>',
  '<br/>', '<', '>', 'x'.repeat(199), 'y'.repeat(201), 'Z'.repeat(450),
];
const RISKY = [
  'café', 'Ünited', 'İstanbul', '\u212a', 'ß', 'µ', 'ª', '½', '💡', '&eacute;', '&#233;', '&#xe9;', '&foo;', '&Pound;',
  '&#', '<b>', '</b>', '<!-- note -->', '<a href="https://x.example/Path?q=1">', '</a>',
];

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

function corpus(n: number): ItemText[] {
  const r = rng(7);
  const pick = (list: string[]) => list[Math.floor(r() * list.length)];
  const text = (k: number) => Array.from({ length: k }, () => (r() < 0.025 ? pick(RISKY) : pick(SAFE))).join('');
  const out: ItemText[] = [
    { title: 'Plain ASCII title', summaryHtml: null, bodyText: null, url: null },
    { title: '', summaryHtml: '', bodyText: '', url: '' },
    { title: 'Long', summaryHtml: null, bodyText: `${'word '.repeat(40_000)}tail`, url: null },
    { title: 'Just over', summaryHtml: 'a'.repeat(199_990), bodyText: 'bbbbbbbbbbbbbbbbbbbb', url: null },
    // Where the parts are joined: a tag's [^<]* runs on across the space, an entity does not.
    { title: 'Jail<b', summaryHtml: 'x>break', bodyText: null, url: null },
    { title: 'Jail<b', summaryHtml: null, bodyText: '>break', url: null },
    { title: 'Jail<', summaryHtml: 'b>break', bodyText: null, url: null },
    { title: 'Parole &#', summaryHtml: '8217;', bodyText: null, url: null },
    { title: 'Parole&amp', summaryHtml: ';board', bodyText: null, url: null },
    // Repeats in other cases and parts, and words that are one once cut to 200 characters.
    { title: 'PRISON Court', summaryHtml: '<p>prison COURT</p>', bodyText: 'Prison court', url: 'https://news.example/Prison' },
    { title: `${'x'.repeat(200)}a`, summaryHtml: null, bodyText: `${'X'.repeat(200)}b`, url: null },
  ];
  for (let i = 0; i < n; i++) {
    out.push({ title: text(3), summaryHtml: r() < 0.2 ? null : text(12), bodyText: r() < 0.2 ? null : text(12), url: r() < 0.3 ? null : `https://news.example/${text(2)}` });
  }
  return out;
}

describe('item words', () => {
  const item = (title: string, summaryHtml: string | null, bodyText: string | null = null, url: string | null = null) =>
    itemWords({ title, summaryHtml, bodyText, url });

  it('lists each word once, lower-case, in the order of first occurrence across title, summary, body and url', () => {
    expect(item('Prison COURT', '<p>court Prison parole</p>', 'Parole, prison; court.', 'https://news.example/Court/2'))
      .toEqual({ words: 'prison court p parole https news example 2', exact: true });
    expect(item('', null)).toEqual({ words: '', exact: true });
  });

  it('ends a word where the parts are joined, and cuts it at 200 characters', () => {
    expect(item('ab', null, 'cd', 'ab').words).toBe('ab cd');
    expect(item(`${'x'.repeat(200)}a`, null, `${'X'.repeat(200)}b`)).toEqual({ words: 'x'.repeat(200), exact: true });
  });

  it('is inexact for a tag inside a word, also one running on across the space that joins two parts', () => {
    expect(item('pro<b>bation</b>', null)).toEqual({ words: 'pro b bation', exact: false });
    expect(item('Jail<b', 'x>break').exact).toBe(false);
    expect(item('Jail<', 'b>break').exact).toBe(true);
    expect(item('Jail</b>', null).exact).toBe(true);
  });

  it('keeps thousands of distinct words, and forgets them for the next item', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `w${i}`);
    expect(item('Many', many.join(' '), many.join(' ').toUpperCase()).words).toBe(`many ${many.join(' ')}`);
    expect(item('W1 w2', null, 'Fresh')).toEqual({ words: 'w1 w2 fresh', exact: true });
  });
});

for (const b of backends()) {
  describe.skipIf(!b.available)(`item words (${b.name})`, () => {
    let t: TestDb;
    let source: number;
    beforeAll(async () => {
      t = await b.open();
      source = (await addSource(t.db, { url: 'http://a.example/feed', name: 'a' })).source.id;
    });
    afterAll(async () => t?.close());

    const sqlWords = async (texts: ItemText[]) =>
      t.db.query<{ words: string[]; exact: boolean }>(
        `SELECT tsvector_to_array(backtest_words(x.title, x."summaryHtml", x."bodyText", x.url)) AS words,
                backtest_exact(x.title, x."summaryHtml", x."bodyText", x.url) AS exact
         FROM jsonb_to_recordset($1::jsonb) AS x(title text, "summaryHtml" text, "bodyText" text, url text, n int)
         ORDER BY x.n`,
        [JSON.stringify(texts.map((x, n) => ({ ...x, n })))],
      );

    it('says what the SQL functions say: exact alike, and then the same words', async () => {
      const texts = corpus(1_500);
      const sql = await sqlWords(texts);
      let exact = 0;
      texts.forEach((x, i) => {
        const js = itemWords(x);
        const want = sql[i]!;
        expect({ i, exact: js.exact }).toEqual({ i, exact: want.exact });
        if (js.exact) {
          exact++;
          expect(js.words.split(' ').filter(Boolean).sort()).toEqual([...want.words].sort());
        }
      });
      // The corpus exercises both kinds.
      expect(exact).toBeGreaterThan(100);
      expect(texts.length - exact).toBeGreaterThan(100);
    });

    it('stores them on insert, and the trigger fills or refreshes them for writers that do not', async () => {
      const [a] = await insertItems(t.db, source, [{
        identity: 'w1', canonicalUrl: 'https://news.example/w1', guid: null, url: 'https://news.example/w1', title: 'Jail<b>break</b> café',
        summaryHtml: '<p>Officers &amp; staff</p>', contentHtml: null, bodyText: 'Officers & staff', author: null, publishedAt: null,
        categories: [], extractStatus: 'pending',
      }], new Date('2026-11-20T10:00:00Z'));
      const stored = async (id: number) =>
        (await t.db.query<{ words: string[]; exact: boolean; want: string[]; wantExact: boolean }>(
          `SELECT tsvector_to_array(words) AS words, words_exact AS exact,
                  tsvector_to_array(backtest_words(title, summary_html, body_text, url)) AS want,
                  backtest_exact(title, summary_html, body_text, url) AS "wantExact"
           FROM items WHERE id = $1`, [id]))[0]!;
      let row = await stored(a!.id);
      expect(row.words).toEqual(row.want);
      expect([row.exact, row.wantExact]).toEqual([false, false]);

      // An extraction rewrites the body: the trigger recomputes.
      await t.db.query(`UPDATE items SET body_text = 'Probation officers strike', title = 'Strike' WHERE id = $1`, [a!.id]);
      row = await stored(a!.id);
      expect(row.words).toContain('strike');
      expect(row.words).not.toContain('jail');
      expect([row.words, row.exact]).toEqual([row.want, row.wantExact]);
      expect(row.exact).toBe(true);

      // A writer that knows nothing of the columns.
      const [{ id }] = await t.db.query<{ id: number }>(
        `INSERT INTO items (source_id, identity, title, summary_html, url) VALUES ($1, 'w2', 'Parole board', '<p>Hearing</p>', 'https://news.example/w2') RETURNING id`,
        [source],
      ) as [{ id: number }];
      row = await stored(Number(id));
      expect(row.words.sort()).toEqual(['board', 'example', 'hearing', 'https', 'news', 'p', 'parole', 'w2']);
      expect(row.exact).toBe(true);
    });

    it('stores the words the caller sends on insert', async () => {
      const item = { title: 'Prison places', summaryHtml: '<p>Teaser</p>', bodyText: 'Teaser', url: 'https://news.example/w4' };
      const words = itemWords(item);
      // Marked, so that a trigger recomputing them would show.
      const [x] = await insertItems(t.db, source, [{ ...item, identity: 'w4', canonicalUrl: item.url, guid: null, contentHtml: null,
        author: null, publishedAt: null, categories: [], extractStatus: 'pending', words: { ...words, words: `${words.words} jsmark` } }], new Date('2026-11-20T10:00:00Z'));
      const [row] = await t.db.query<{ words: string[]; want: string[] }>(
        `SELECT tsvector_to_array(words) AS words, tsvector_to_array(backtest_words(title, summary_html, body_text, url)) AS want
         FROM items WHERE id = $1`, [x!.id]);
      expect(row!.words).toContain('jsmark');
      expect(row!.words.filter((w) => w !== 'jsmark')).toEqual(row!.want);
    });

    it('keeps the words an extraction computed in JS, which are what SQL would compute', async () => {
      const item = { title: 'Prison places', summaryHtml: '<p>Teaser</p>', url: 'https://news.example/w3' };
      const [x] = await insertItems(t.db, source, [{ ...item, identity: 'w3', canonicalUrl: item.url, guid: null, contentHtml: null,
        bodyText: 'Teaser', author: null, publishedAt: null, categories: [], extractStatus: 'pending' }], new Date('2026-11-20T10:00:00Z'));
      const body = `${'The minister announced 10,000 prison places. '.repeat(40)}Probation staff were not consulted.`;
      const words = itemWords({ ...item, bodyText: body });
      // Marked, so that a trigger recomputing them would show: JS and SQL agree on the real words otherwise.
      await saveExtraction(t.db, x!.id, { status: 'done', bodyText: body, words: { ...words, words: `${words.words} jsmark` } });
      const [row] = await t.db.query<{ words: string[]; want: string[] }>(
        `SELECT tsvector_to_array(words) AS words, tsvector_to_array(backtest_words(title, summary_html, body_text, url)) AS want
         FROM items WHERE id = $1`, [x!.id]);
      expect(row!.words).toContain('jsmark');
      expect(row!.words.filter((w) => w !== 'jsmark')).toEqual(row!.want);
      expect(row!.want).toContain('consulted');
    });
  });
}
