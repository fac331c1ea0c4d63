import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, detectCharset } from '../../src/pipeline/decode.ts';

const fx = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url)));

describe('decode', () => {
  it('decodes windows-1252 0x80-0x9F right (€, curly quotes, en dash)', () => {
    const text = decode(fx('windows-1252.xml'));
    expect(text).toContain('“Probation” pay – €5 rise’s due');
    expect(text).toContain('Café € news');
  });

  it('decodes an ISO-8859-1 prolog', () => {
    expect(decode(fx('iso-8859-1.xml'))).toContain('Façade naïve £100');
  });

  it('decodes a KOI8-R prolog', () => {
    expect(decode(fx('koi8-r.xml'))).toContain('Привет, мир');
  });

  it('strips a UTF-8 BOM and the whitespace before the prolog', () => {
    const text = decode(fx('bom-utf8.xml'));
    expect(text.startsWith('<?xml')).toBe(true);
    expect(text).toContain('Naïve café');
  });

  it('follows a UTF-16LE BOM', () => {
    const text = decode(fx('utf16le-bom.xml'));
    expect(text.startsWith('<?xml')).toBe(true);
    expect(text).toContain('Sixteen €');
  });

  it('prefers the HTTP charset over the prolog, and the override over both', () => {
    const bytes = fx('iso-8859-1.xml');
    expect(detectCharset(bytes, { contentType: 'text/xml; charset=KOI8-R' }).charset).toBe('koi8-r');
    expect(detectCharset(bytes, { contentType: 'text/xml; charset=KOI8-R', override: 'windows-1251' }).charset).toBe('windows-1251');
    expect(detectCharset(bytes).charset).toBe('windows-1252');
  });

  it('falls back to utf-8 on unknown charset names without throwing', () => {
    const bytes = new TextEncoder().encode('<?xml version="1.0" encoding="bogus-9"?><rss>é</rss>');
    expect(detectCharset(bytes, { contentType: 'text/xml; charset=nonsense', override: 'also-nonsense' }).charset).toBe('utf-8');
    expect(decode(bytes)).toContain('<rss>é</rss>');
  });

  it('trusts valid UTF-8 over a Latin-1 label, and reads invalid UTF-8 as windows-1252', () => {
    const mislabelled = new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><t>Café</t>');
    expect(decode(mislabelled)).toContain('<t>Café</t>');
    const raw = new Uint8Array([...new TextEncoder().encode('<?xml version="1.0" encoding="utf-8"?><t>'), 0x93, 0x41, 0x94, ...new TextEncoder().encode('</t>')]);
    expect(decode(raw)).toContain('<t>“A”</t>');
  });

  it('cuts leading junk before the prolog and before JSON', () => {
    expect(decode(new TextEncoder().encode('Warning: x in <b>y.php</b>\n<?xml version="1.0"?><rss/>'))).toBe('<?xml version="1.0"?><rss/>');
    expect(decode(new TextEncoder().encode('\n\n  {"version":"x"}'))).toBe('{"version":"x"}');
  });

  it('drops control characters XML forbids', () => {
    expect(decode(new TextEncoder().encode('<t>a\u0001b\u000bc</t>'))).toBe('<t>abc</t>');
  });
});

const mf = new URL('../../../shared/feeds/miniflux/internal/reader/encoding/testdata/', import.meta.url);
describe.skipIf(!existsSync(mf))('decode on miniflux encoding fixtures', () => {
  const read = (n: string) => decode(new Uint8Array(readFileSync(new URL(n, mf))));
  it('handles wrong and invalid prologs', () => {
    expect(read('utf8-incorrect-prolog.xml')).toContain('Café');
    expect(read('invalid-prolog.xml')).toContain('Café');
    expect(read('windows-1252-incorrect-prolog.xml')).toContain('Euro €');
    expect(read('koi8r.xml')).toMatch(/[А-я]/);
  });
});
