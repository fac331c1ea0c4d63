// npm run build: compiles src/ and workers/ to dist/src and dist/workers (tsconfig.build.json), copies the
// non-TypeScript files under src/ (migrations, packs, static) beside them, and writes dist/.stamp last, so a
// failed build leaves no stamp and bin/pressdesk.js keeps running the sources. The stamp is the newest mtime of
// the sources taken before compiling: an edit made during the build makes dist stale, never fresh.
// With --if-possible (npm's prepare) it skips, not fails, when TypeScript or src/ is absent: `npm ci
// --omit=dev` (the Dockerfile) then runs the sources through tsx as before.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { newestMtime, WATCHED } from '../bin/freshness.js';

process.chdir(fileURLToPath(new URL('../', import.meta.url)));
const optional = process.argv.includes('--if-possible');

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {}
if (!tsc || !existsSync('src')) {
  const why = !tsc ? 'TypeScript is not installed (dev dependencies omitted)' : 'no src/';
  if (!optional) {
    console.error(`build: ${why}`);
    process.exit(1);
  }
  console.log(`build: skipped, ${why}; bin/pressdesk.js runs the sources through tsx`);
  process.exit(0);
}

const started = Date.now();
const newest = newestMtime(WATCHED);
rmSync('dist', { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
cpSync('src', 'dist/src', { recursive: true, filter: (p) => !p.endsWith('.ts') });
writeFileSync('dist/.stamp', `${newest}\n`);
console.log(`build: dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
