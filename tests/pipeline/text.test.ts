// The one HTML-to-text stage: stripHtml (offsets kept, what the rule matcher and clustering read) and
// htmlToText (whitespace collapsed, what titles and bodies store), and its agreement with the word index.
import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText, stripHtml } from '../../src/pipeline/text.ts';
import { itemWords } from '../../src/pipeline/words.ts';
import { fold, tokens } from '../../src/rules/text.ts';

describe('stripHtml', () => {
  it('drops tags, comments, scripts and styles; block tags separate words, inline tags do not', () => {
    expect(stripHtml('<p>Prison</p><p>officers</p>')).toBe(' Prison  officers ');
    expect(stripHtml('pro<b>bation</b>')).toBe('probation');
    expect(stripHtml('a<!-- probation -->b<script>var probation = 1;</script>c<style>.x{}</style>d')).toBe('a b c d');
    expect(stripHtml('<a href="/probation" title="a > b">link</a>')).toBe('link');
    expect(stripHtml('a<noscript>probation</noscript>b<template><p>x</p></template>c')).toBe('a b c');
  });

  it('decodes named and numeric entities, and leaves unknown ones and a lone "<" as written', () => {
    expect(stripHtml('Caf&eacute; &amp; &#8217;s &#x41; &nbsp;x &bogus; a < b')).toBe('Café & ’s A \u00a0x &bogus; a < b');
    expect(stripHtml('HM Prison &amp; Probation Service')).toBe('HM Prison & Probation Service');
  });

  it('decodes the whole HTML5 table, only with the ";", and drops the joiners references spell', () => {
    expect(stripHtml('&hearts; &frac34; &Dagger; &#146; &AMP; &copy 2024 AT&T &#65x')).toBe('♥ ¾ ‡ ’ & &copy 2024 AT&T &#65x');
    expect(stripHtml('pro&shy;bation &#173;re&zwj;offend')).toBe('probation reoffend');
    // Typed as characters they stay: the word index counts them as separators.
    expect(stripHtml('pro\u00adbation &amp;')).toBe('pro\u00adbation &');
  });

  it('drops a tag cut off at the end of the text', () => {
    expect(stripHtml('recaptured in west London <a href="https://www.theguardian.com/uk')).toBe('recaptured in west London ');
  });
});

describe('htmlToText', () => {
  it('strips tags, decodes entities and keeps block boundaries as spaces', () => {
    expect(htmlToText('<p>AT&amp;T &ldquo;q&rdquo;</p><p>next&nbsp;one</p><script>x()</script>')).toBe('AT&T “q” next one');
  });

  it('collapses whitespace in plain text', () => {
    expect(htmlToText('  Probation\n\n  staff   strike ')).toBe('Probation staff strike');
    expect(htmlToText('')).toBe('');
  });
});

describe('entity decoding', () => {
  it('decodes numeric and rare named entities, leaves bare ampersands and escaped tags as text', () => {
    expect(htmlToText('AT&T &#8217;s &#x2014; &hearts; &bogus; R&D')).toBe('AT&T ’s — ♥ &bogus; R&D');
    expect(htmlToText('&lt;b&gt;not a tag&lt;/b&gt; a < b')).toBe('<b>not a tag</b> a < b');
    expect(decodeEntities('pro&shy;bation')).toBe('pro\u00adbation');
  });
});

describe('the word index and the matcher', () => {
  // backtest_exact (migration 008) calls an item exact when its references are only ones on its list; the
  // index then holds the raw text's words, so the matcher must not read a word those references make.
  const LISTED = ['amp', 'lt', 'gt', 'quot', 'apos', 'nbsp', 'lsquo', 'rsquo', 'sbquo', 'ldquo', 'rdquo', 'bdquo', 'ndash', 'mdash',
    'hellip', 'bull', 'middot', 'laquo', 'raquo', 'pound', 'euro', 'cent', 'yen', 'copy', 'reg', 'trade', 'deg', 'times', 'divide',
    'sect', 'thinsp', 'ensp', 'emsp', 'prime', 'dagger', '#39', '#039', '#34', '#034', '#38', '#038', '#160', '#8216', '#8217',
    '#8218', '#8219', '#8220', '#8221', '#8222', '#8211', '#8212', '#8230', '#x27', '#x2019', '#x201c', '#x201d'];
  const cases = LISTED.flatMap((e) => [e, e.toUpperCase(), e[0]!.toUpperCase() + e.slice(1)]);

  it("reads, in an exact item, no word the item's raw text does not spell", () => {
    let exact = 0;
    for (const e of cases) {
      const text = `pro&${e};bation x&${e}; &${e};y`;
      const w = itemWords({ title: text, summaryHtml: null, bodyText: null, url: null });
      if (!w.exact) continue;
      exact++;
      const index = new Set(w.words.split(' '));
      for (const t of tokens(stripHtml(text))) expect({ e, word: fold(t), indexed: index.has(fold(t)) }).toEqual({ e, word: fold(t), indexed: true });
    }
    expect(exact).toBe(cases.length);
  });
});
