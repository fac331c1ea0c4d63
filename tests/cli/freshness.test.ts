// bin/pressdesk.js runs dist/ only when it is not older than the sources: a stale build after an edit must
// fall back to the TypeScript sources. Fake mtimes (utimesSync), no sleeps.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { distIsFresh, isFresh, newestMtime } from '../../bin/freshness.js';

describe('isFresh', () => {
  it('runs dist when nothing is newer than its stamp', () => {
    expect(isFresh(2000, 1000)).toBe(true);
    expect(isFresh(2000, 2000)).toBe(true);
  });
  it('falls back to the sources when a file is newer than the stamp, or there is no usable stamp', () => {
    expect(isFresh(2000, 2000.5)).toBe(false);
    expect(isFresh(undefined, 0)).toBe(false);
    expect(isFresh(Number.NaN, 0)).toBe(false);
  });
});

describe('distIsFresh on a checkout', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  /** A checkout whose every entry has mtime 1000 s, with dist/.stamp saying 1000 s. */
  function checkout() {
    const root = mkdtempSync(join(tmpdir(), 'pressdesk-fresh-'));
    roots.push(root);
    for (const d of ['src/render', 'workers', 'dist']) mkdirSync(join(root, d), { recursive: true });
    for (const f of ['src/cli.ts', 'src/render/index.ts', 'workers/index.ts']) writeFileSync(join(root, f), '');
    for (const p of ['src/cli.ts', 'src/render/index.ts', 'src/render', 'src', 'workers/index.ts', 'workers']) at(join(root, p), 1000);
    writeFileSync(join(root, 'dist/.stamp'), `${newestMtime([join(root, 'src'), join(root, 'workers')])}\n`);
    return root;
  }

  it('is fresh right after a build', () => {
    expect(distIsFresh(checkout())).toBe(true);
  });
  it('is stale when a nested source file is newer than the stamp', () => {
    const root = checkout();
    at(join(root, 'src/render/index.ts'), 1001);
    expect(distIsFresh(root)).toBe(false);
  });
  it('is stale when a worker file is newer, and when there is no stamp', () => {
    const root = checkout();
    at(join(root, 'workers/index.ts'), 1001);
    expect(distIsFresh(root)).toBe(false);
    const other = checkout();
    rmSync(join(other, 'dist/.stamp'));
    expect(distIsFresh(other)).toBe(false);
  });
});
