import { parseFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { salvage } from '../../../src/pipeline/parse/salvage.ts';

const accepts = (xml: string) => {
  try {
    parseFeed(xml);
    return true;
  } catch {
    return false;
  }
};
const HEAD = '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title><!-- <x> -->';

describe('salvage', () => {
  it('keeps the head, drops the broken item, closes what the head left open', () => {
    const text = `${HEAD}<item><dc:creator>A</dc:creator><title>ok 1</title></item><item><title><!-- x</title></item><item><title>ok 2</title></item>`;
    const r = salvage(text, accepts);
    expect(r).toMatchObject({ kept: 2, dropped: 1 });
    expect(r?.xml.startsWith(HEAD)).toBe(true);
    expect(r?.xml.endsWith('<item><title>ok 2</title></item></channel></rss>')).toBe(true);
  });

  it('tries each item inside the elements that enclose it, not after the whole head', () => {
    const tried: string[] = [];
    const head = `${HEAD}<description>${'long '.repeat(1000)}</description>`;
    salvage(`${head}<item><title>ok</title></item><item><title><!-- x</title></item>`, (xml) => {
      tried.push(xml);
      return accepts(xml);
    });
    const trials = tried.filter((x) => !x.startsWith(head));
    expect(trials).toEqual([
      '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><title>ok</title></item></channel></rss>',
      '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><title><!-- x</title></item></channel></rss>',
    ]);
  });

  it('gives up when items were begun but none was finished', () => {
    expect(salvage(`${HEAD}${'<item>'.repeat(1000)}`, accepts)).toBeUndefined();
  });
});
