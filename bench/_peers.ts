// The reference clients the benches race on the same loopback feeds, in the same run: newsboat and rss2email
// (Debian: apt-get install newsboat rss2email). Each returns seconds and items stored, or why it was not run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PeerResult = { s: number; items: number; peakRssMb?: number } | { error: string };

/** Runs a command to its end; with `rss`, also samples the child's peak resident set (VmHWM). */
function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number | null; out: string; peakRssMb: number }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let peak = 0;
    const sample = () => {
      try {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
        if (kb) peak = Math.max(peak, kb / 1024);
      } catch {
        // the process has gone
      }
    };
    const timer = setInterval(sample, 200);
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    child.once('error', (e) => {
      clearInterval(timer);
      resolve({ code: -1, out: e.message, peakRssMb: 0 });
    });
    child.once('exit', (code) => {
      clearInterval(timer);
      resolve({ code, out, peakRssMb: peak });
    });
  });
}

/** newsboat's cold refresh of these feed URLs into a fresh cache, 8 reload threads. */
export async function newsboatCold(urls: string[]): Promise<PeerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pressdesk-newsboat-'));
  const files = ['-u', join(dir, 'urls'), '-c', join(dir, 'cache.db'), '-C', join(dir, 'config')];
  try {
    writeFileSync(join(dir, 'urls'), `${urls.join('\n')}\n`);
    writeFileSync(join(dir, 'config'), 'reload-threads 8\n');
    const t = performance.now();
    const reload = await run('newsboat', ['-x', 'reload', ...files]);
    const s = (performance.now() - t) / 1000;
    if (reload.code !== 0) return { error: `newsboat -x reload: ${reload.out.trim() || `exit ${reload.code}`} (Debian: apt-get install newsboat)` };
    const unread = await run('newsboat', ['-x', 'print-unread', ...files]);
    const items = Number(/^(\d+)/.exec(unread.out.trim())?.[1]);
    return Number.isFinite(items) ? { s, items, peakRssMb: reload.peakRssMb } : { error: `newsboat -x print-unread said: ${unread.out.trim()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** rss2email's first run over these feeds (`r2e run --no-send`: fetch, parse, remember, mail nothing). */
export async function rss2emailCold(urls: string[]): Promise<PeerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pressdesk-r2e-'));
  const files = ['-c', join(dir, 'r2e.cfg'), '-d', join(dir, 'r2e.json')];
  try {
    const init = await run('r2e', [...files, 'new', 'bench@localhost']);
    if (init.code !== 0) return { error: `r2e new: ${init.out.trim() || `exit ${init.code}`} (Debian: apt-get install rss2email)` };
    // Adding a thousand feeds one `r2e add` at a time costs minutes of Python start-up: write its files directly.
    writeFileSync(join(dir, 'r2e.cfg'), `${readFileSync(join(dir, 'r2e.cfg'), 'utf8')}\n${urls.map((u, i) => `[feed.f${i}]\nurl = ${u}\n`).join('\n')}`);
    writeFileSync(join(dir, 'r2e.json'), JSON.stringify({ version: 2, feeds: urls.map((_, i) => ({ name: `f${i}`, etag: null, modified: null, seen: {} })) }));
    const t = performance.now();
    const r = await run('r2e', [...files, 'run', '--no-send']);
    const s = (performance.now() - t) / 1000;
    if (r.code !== 0) return { error: `r2e run --no-send: exit ${r.code}: ${r.out.trim().split('\n').slice(-3).join(' ')}` };
    const data = JSON.parse(readFileSync(join(dir, 'r2e.json'), 'utf8')) as { feeds: { seen: Record<string, unknown> }[] };
    return { s, items: data.feeds.reduce((n, f) => n + Object.keys(f.seen).length, 0), peakRssMb: r.peakRssMb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
