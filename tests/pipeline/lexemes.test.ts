import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SearchText, STEMMER_PROBE, searchLexemes, searchText, stemmerAgrees } from '../../src/pipeline/lexemes.ts';
import type { Db } from '../../src/storage/db.ts';
import { englishStems, insertItems, saveExtraction } from '../../src/storage/items.ts';
import { addSource } from '../../src/storage/sources.ts';
import { backends, type TestDb } from '../helpers/db.ts';

// One shape of PostgreSQL's parser per line: what it reads as words, hyphenated compounds, signed and plain
// numbers, blanks inside and outside ASCII, and the shapes searchLexemes leaves to SQL.
const SHAPES = [
  'Prison officers, probation staff and HMPPS managers', 'OMiC POA Napo MoJ', 'covid19 5th 2nd MP3 000 007 2026',
  'long-term re-offending probation-led multi-agency-led hm-prison a-level well-being', '5-year-old -year-old 10-year',
  'covid-19 18-25 a-1 -5 +5 1+1', "It's the union's 'quoted' \"q\" (x) [y] {z}", 'a_b _x x_ #tag $5 50% a=b a!b a?b a;b a,b a*b a^b a|b',
  'reading... more, x ... y x .... y x .. y x . . y', 'a&b, a & b, &x and &#1', '-- double - single + plus',
  '£5m, €3 – and — “quoted” ‘single’ it’s … • · ‰ ′ ‹ › « » ¿ ¡ ¬', 'non\u00a0breaking\u2009thin\u202fnarrow',
  'The the THE being Being be', 'i me my myself we our ours ourselves you your s t can will just don should now',
  'a.. b', 'ab.. c', '~x start', 'x ~x', 'e.g. U.S. 3.5 bbc.co.uk', '10:30 x:y', 'http://x.example/a and/or 24/7 a@b.example',
  'x<y a > b', 'AT&T; &amp; &eacute;', 'café naïve Zoë', 'soft\u00adhyphen zero\u200bwidth', '9½ µ ª ™', 'x-5-y a--b x- 5- -5x +x x+',
  'word '.repeat(30) + 'x'.repeat(201),
];

function items(): SearchText[] {
  const out: SearchText[] = SHAPES.map((s) => ({ title: s, summaryHtml: null, bodyText: null }));
  // item_search_text's other branches: a summary with tags and entities blanked, a body instead of it.
  out.push({ title: 'Teaser', summaryHtml: '<p>Prison <b>officers</b> &amp; staff&#8217;s pay</p>', bodyText: null });
  out.push({ title: 'Full', summaryHtml: '<p>ignored</p>', bodyText: 'Probation-led re-offending work, 10-year plan' });
  out.push({ title: '', summaryHtml: null, bodyText: '' });
  // Real UK news, when the shared development set is beside the repo.
  const dev = new URL('../../../shared/eval/dev.jsonl', import.meta.url);
  if (existsSync(dev)) {
    for (const line of readFileSync(dev, 'utf8').split('\n')) {
      if (!line) continue;
      const o = JSON.parse(line) as { title?: string; summary?: string };
      out.push({ title: o.title ?? '', summaryHtml: o.summary ?? null, bodyText: null });
    }
  }
  return out;
}

// What the ingest asks before it sends lexemes: whether the database's stemmer is the one searchLexemes mirrors.
const jsLexemesFit = async (db: Db) => stemmerAgrees(await englishStems(db, STEMMER_PROBE));

for (const b of backends()) {
  describe.skipIf(!b.available)(`search lexemes (${b.name})`, () => {
    let t: TestDb;
    let source: number;
    beforeAll(async () => {
      t = await b.open();
      source = (await addSource(t.db, { url: 'http://a.example/feed', name: 'a' })).source.id;
    });
    afterAll(async () => t?.close());

    it("holds exactly PostgreSQL's lexemes whenever it answers (where the stemmers agree), and the search text is item_search_text", async () => {
      const fits = await jsLexemesFit(t.db);
      const list = items();
      const sql = await t.db.query<{ text: string; lexemes: string[] }>(
        `SELECT item_search_text(x.title, x."summaryHtml", x."bodyText") AS text,
                tsvector_to_array(to_tsvector('english', item_search_text(x.title, x."summaryHtml", x."bodyText"))) AS lexemes
         FROM jsonb_to_recordset($1::jsonb) AS x(title text, "summaryHtml" text, "bodyText" text, n int) ORDER BY x.n`,
        [JSON.stringify(list.map((x, n) => ({ ...x, n })))],
      );
      let answered = 0;
      list.forEach((x, i) => {
        expect(searchText(x)).toBe(sql[i]!.text);
        const js = searchLexemes(x);
        if (js === null || !fits) return;
        answered++;
        expect({ i, lexemes: js.split(' ').filter(Boolean).sort() }).toEqual({ i, lexemes: [...sql[i]!.lexemes].sort() });
      });
      // Both kinds are exercised: the shapes it reads, and those it leaves to SQL. (PostgreSQL 18's Snowball 3 —
      // PGlite's — stems a few words otherwise: there the trigger computes every item's lexemes.)
      if (fits) expect(answered).toBeGreaterThan(15);
      if (fits) expect(list.length - answered).toBeGreaterThan(10);
    });

    it('stores them on insert; the trigger computes them for what JS leaves, and again when the text changes', async () => {
      const stored = async (id: number) =>
        (await t.db.query<{ got: string[]; want: string[] }>(
          `SELECT tsvector_to_array(search_lexemes) AS got,
                  tsvector_to_array(strip(to_tsvector('english', item_search_text(title, summary_html, body_text)))) AS want
           FROM items WHERE id = $1`, [id]))[0]!;
      const fits = await jsLexemesFit(t.db);
      // Lexemes as the poll worker sends them: computed in JS where the stemmers agree.
      const item = (identity: string, title: string, bodyText: string) => ({
        identity, canonicalUrl: `https://news.example/${identity}`, guid: null, url: `https://news.example/${identity}`, title,
        summaryHtml: null, contentHtml: null, bodyText, author: null, publishedAt: null, categories: [], extractStatus: 'pending' as const,
        lexemes: fits ? searchLexemes({ title, summaryHtml: null, bodyText }) : null,
      });
      const [a, u] = await insertItems(t.db, source, [
        item('l1', 'Prison places added', 'The minister announced 10,000 prison places.'),
        item('l2', 'See gov.uk', 'Read it at https://www.gov.uk/news and e.g. 3.5 per cent'),
      ], new Date('2026-11-20T10:00:00Z'));
      expect(searchLexemes({ title: 'See gov.uk', summaryHtml: null, bodyText: 'https://www.gov.uk/news' })).toBeNull();
      for (const id of [a!.id, u!.id]) {
        const row = await stored(id);
        expect(row.got).toEqual(row.want);
      }
      expect((await stored(u!.id)).got).toContain('gov.uk');

      // An extraction with lexemes computed in JS, one without, and a writer that only changes the text.
      await saveExtraction(t.db, a!.id, { status: 'done', bodyText: 'Probation officers strike over caseloads', lexemes: fits ? searchLexemes({ title: 'Prison places added', summaryHtml: null, bodyText: 'Probation officers strike over caseloads' }) : null });
      let row = await stored(a!.id);
      expect(row.got).toEqual(row.want);
      expect(row.got).toContain('strike');
      expect(row.got).not.toContain('minist');
      await saveExtraction(t.db, a!.id, { status: 'done', bodyText: 'Parole board hearing' });
      row = await stored(a!.id);
      expect([row.got.includes('parol'), row.got]).toEqual([true, row.want]);
      await t.db.query(`UPDATE items SET title = 'Jail escape' WHERE id = $1`, [a!.id]);
      row = await stored(a!.id);
      expect([row.got.includes('escap'), row.got]).toEqual([true, row.want]);

      // Lexemes a writer sends stand where the stemmers agree (marked so that a recomputation would show).
      await saveExtraction(t.db, a!.id, { status: 'done', bodyText: 'Court backlog', lexemes: fits ? 'court backlog jsmark' : null });
      expect((await stored(a!.id)).got.includes('jsmark')).toBe(await jsLexemesFit(t.db));
    });
  });
}
