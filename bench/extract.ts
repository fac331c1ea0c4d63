// `npm run bench -- extract [rounds]`: ms per page for three page sizes, built from the extract fixtures.
// Rows: full extract() (Readability over linkedom + cheerio metadata + sanitise), Readability over linkedom
// alone, and the baseline measured in the same run: cheerio-only text of <article>/<main>/<body>.
import { readFileSync } from 'node:fs';
import { Readability } from '@mozilla/readability';
import { load } from 'cheerio';
import { parseHTML } from 'linkedom';
import { extract } from '../src/pipeline/extract.ts';

const dir = new URL('../tests/fixtures/pages/extract/', import.meta.url);
const rounds = Number(process.argv[2] ?? 30);

/** A page of roughly `kb` kilobytes: the newspaper fixture with its body paragraphs repeated up to a quarter
 *  of the size and its page chrome (link rails) for the rest — real pages grow mostly in markup. */
function page(kb: number): string {
  const base = readFileSync(new URL('newspaper-jsonld.html', dir), 'utf8');
  const paras = /<div class="article-body" itemprop="articleBody">([\s\S]*?)<\/div>\s*<\/article>/.exec(base)![1]!;
  const nav = /<aside class="most-read">[\s\S]*?<\/aside>/.exec(base)![0]!;
  let html = base;
  for (let i = 0; html.length < kb * 1024; i++) {
    if (html.length < kb * 256) html = html.replace('</div>\n</article>', `${paras}</div>\n</article>`);
    html = html.replace('</footer>', `</footer>${nav}`);
    if (i > 10_000) break;
  }
  return html;
}

function cheerioText(html: string): string {
  const $ = load(html, { xml: { xmlMode: false, decodeEntities: true } }); // htmlparser2, as extract() uses
  $('script, style, nav, header, footer, aside').remove();
  const root = $('article').first().length ? $('article').first() : $('main').first().length ? $('main').first() : $('body');
  return root.text().replace(/\s+/g, ' ').trim();
}

function readabilityOnly(html: string): string {
  const { document } = parseHTML(html);
  return new Readability(document).parse()?.textContent ?? '';
}

function msPer(fn: (html: string) => unknown, html: string): number {
  for (let i = 0; i < 3; i++) fn(html); // warm the JIT
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn(html);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const url = 'https://www.dailyledger.example/uk-news/story';
console.log(`extract bench: median of ${rounds} rounds per cell, Node ${process.version}`);
console.log('page      | cheerio text (baseline) | Readability+linkedom    | extract() total         | text chars');
for (const kb of [10, 75, 400]) {
  const html = page(kb);
  const base = msPer(cheerioText, html);
  const rd = msPer(readabilityOnly, html);
  const full = msPer((h) => extract(h, { url }), html);
  const chars = extract(html, { url }).text.length;
  const cell = (ms: number) => `${ms.toFixed(2).padStart(7)} ms (${(ms / base).toFixed(2)}×)`.padEnd(23);
  console.log(`${`${Math.round(html.length / 1024)} KB`.padEnd(9)} | ${cell(base)} | ${cell(rd)} | ${cell(full)} | ${chars}`);
}
