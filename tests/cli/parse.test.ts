// `pressdesk parse`: the item lines, directory mode that never stops at a bad file, and real runs of the
// command on a file, a directory and a loopback URL.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, parseDirectory, parseDocument } from '../../src/cli/parse-document.ts';
import { runCli, runCliAsync } from '../helpers/cli.ts';

const FX = fileURLToPath(new URL('../fixtures/feeds/', import.meta.url));
const NOW = new Date('2025-06-05T00:00:00Z');
const KEYS = ['guid', 'url', 'title', 'summary', 'content', 'author', 'published', 'categories'];
const tmp = mkdtempSync(join(tmpdir(), 'pressdesk-parse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseDocument', () => {
  it('prints exactly the documented keys, normalised', () => {
    const items = parseDocument(new Uint8Array(readFileSync(join(FX, 'bare-ampersand.rss'))), { url: 'https://att.example.com/feed', now: NOW });
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0] as object)).toEqual(KEYS);
    expect(items[0]).toMatchObject({ guid: 'att-1', title: 'AT&T buys Q&A site & more ’s —', published: '2025-06-02T13:05:00.000Z', author: null });
  });

  it('resolves a local file’s relative links against the feed’s self URL', () => {
    const items = parseDocument(new Uint8Array(readFileSync(join(FX, 'feed.json'))), { url: 'file:///tmp/feed.json', now: NOW });
    expect(items[0]?.url).toBe('https://union.example.org/news/one');
  });

  it('honours a charset override', () => {
    const items = parseDocument(new Uint8Array(readFileSync(join(FX, 'koi8-r.xml'))), { url: 'https://example.org/', charset: 'windows-1251', now: NOW });
    expect(items[0]?.title).not.toBe('Привет, мир');
  });
});

describe('parseDirectory', () => {
  it('writes one line per file, recursing, and carries on past bad and oversized files', () => {
    const dir = join(tmp, 'dir');
    mkdirSync(join(dir, 'nested'), { recursive: true });
    writeFileSync(join(dir, 'a.rss'), readFileSync(join(FX, 'truncated.rss')));
    writeFileSync(join(dir, 'b.html'), readFileSync(join(FX, 'html-error-page.html')));
    writeFileSync(join(dir, 'c-big.xml'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
    writeFileSync(join(dir, 'nested', 'd.json'), readFileSync(join(FX, 'feed.json')));
    const lines: { file: string; ok: boolean; error: string | null; items: unknown[] }[] = [];
    const r = parseDirectory(dir, { now: NOW }, (l) => lines.push(JSON.parse(l)));
    expect(r).toEqual({ ok: 2, failed: 2 });
    expect(lines.map((l) => [l.file.slice(dir.length + 1), l.ok, l.items.length])).toEqual([
      ['a.rss', true, 2],
      ['b.html', false, 0],
      ['c-big.xml', false, 0],
      ['nested/d.json', true, 2],
    ]);
    expect(lines[1]?.error).toMatch(/^parse: this is an HTML page/);
    expect(lines[2]?.error).toMatch(/over the 10 MB limit/);
    for (const l of lines) expect(Object.keys(l)).toEqual(['file', 'ok', 'error', 'items']);
  });
});


describe('pressdesk parse (real command)', () => {
  it('prints JSON lines for a feed file and exits 1 with one line for an HTML page', () => {
    const ok = runCli(['parse', join(FX, 'xml-base.atom')], {});
    expect(ok.code).toBe(0);
    const lines = ok.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.url)).toEqual(['https://justice.example.org/news/2025/06/probation-reform', 'https://other.example.com/blog/post-2']);
    const bad = runCli(['parse', join(FX, 'html-error-page.html')], {});
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual(['parse: this is an HTML page, not a feed — check the source URL or add it as an html source']);
  }, 120_000);

  it('fetches a loopback URL through the fetch adapter and decodes by the HTTP charset', async () => {
    const body = readFileSync(join(FX, 'windows-1252.xml'));
    const server = createServer((req, res) => {
      if (req.url === '/feed') {
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=windows-1252' }).end(body);
      } else {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>nope</body></html>');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await runCliAsync(['parse', `${base}/feed`], { FETCH_ALLOW_PRIVATE: 'true' });
      expect(ok.stderr).toBe('');
      expect(JSON.parse(ok.stdout.trim()).title).toBe('“Probation” pay – €5 rise’s due');
      const missing = await runCliAsync(['parse', `${base}/gone`], { FETCH_ALLOW_PRIVATE: 'true' });
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toBe(`parse: HTTP 404 from ${base}/gone — check the URL`);
    } finally {
      server.close();
    }
  }, 120_000);
});
