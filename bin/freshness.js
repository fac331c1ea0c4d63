// Whether bin/pressdesk.js may run the compiled dist/ (npm run build) instead of the TypeScript sources: only
// when dist/.stamp, the newest mtime under src/ and workers/ when it was built, is not older than anything
// there now. A stale dist after an edit never runs. The check is a stat walk of ~250 entries: a few ms.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What dist/ is compiled (or copied) from. templates/ and package.json are read from the top level at run time. */
export const WATCHED = ['src', 'workers'];

/** The newest mtime (ms) of the directories and files under dirs; directories count, so a deleted file does too. */
export function newestMtime(dirs) {
  let newest = 0;
  const walk = (dir) => {
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) walk(d);
  return newest;
}

/** dist may run when it has a stamp and nothing in the sources is newer than it. */
export const isFresh = (stamp, newest) => typeof stamp === 'number' && Number.isFinite(stamp) && newest <= stamp;

/** isFresh for the checkout at root (a directory path); false when dist/.stamp or the sources cannot be read. */
export function distIsFresh(root) {
  try {
    const text = readFileSync(join(root, 'dist', '.stamp'), 'utf8').trim();
    return text !== '' && isFresh(Number(text), newestMtime(WATCHED.map((d) => join(root, d))));
  } catch {
    return false;
  }
}
