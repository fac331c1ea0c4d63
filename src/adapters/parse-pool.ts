// Parsing off the event loop, with a time limit. parse() is linear-time, but a fetched document is whatever a
// server sends and the parser underneath is not ours: one feed must never stall the web server and every
// other poll. Documents go to a few worker threads (parse-worker.ts); a parse that outlives the limit has its
// thread terminated and replaced, and fails with a ParseError that says so, recorded on the source like any
// other. Threads start on first use and, idle, do not keep the process alive.
import { Worker } from 'node:worker_threads';
import type { ParsedFeed } from '../domain/types.ts';
import { ParseError, type ParseOptions } from '../pipeline/parse.ts';

/** What the pool posts to a worker, and what a worker answers (`ready` once, after loading). */
export type ParseJob = { id: number; text: string; url: string };
export type ParseReply = { ready: true } | { id: number; feed: ParsedFeed } | { id: number; error: string; parseError: boolean };

export interface ParsePoolOptions {
  /** Worker threads at most. */
  size: number;
  /** How long one parse may take once a worker has it, plus perMbMs for every started MB of the document. */
  timeLimitMs: number;
  /** Extra time per MB (default PER_MB_MS; tests set 0): big legitimate feeds take longer, crafted ones no
   *  longer do, now that parsing is linear. */
  perMbMs?: number;
}

/** A 50,000-entry, 9.5 MB feed took 1.7–7.8 s on a loaded 2-core machine: 5 s flat refused it. */
export const PER_MB_MS = 1000;

export interface ParsePool {
  /** parse() in a worker; rejects with ParseError when the document is not a usable feed or takes too long. */
  parse(text: string, opts: ParseOptions): Promise<ParsedFeed>;
  /** Terminates the workers; parses not finished are rejected. */
  close(): Promise<void>;
}

type Pending = ParseJob & { resolve: (f: ParsedFeed) => void; reject: (e: Error) => void };
type Slot = { worker: Worker; ready: boolean; job?: Pending; timer?: NodeJS.Timeout };

// Compiled (dist/, npm run build), this file is parse-pool.js and the thread imports parse-worker.js directly.
// From the sources: Node 20 cannot load TypeScript in a worker by itself, and loader hooks (--import tsx) do not
// reach a worker's entry there: the thread registers tsx, then imports the entry.
const COMPILED = import.meta.url.endsWith('.js');
const ENTRY = new URL(COMPILED ? './parse-worker.js' : './parse-worker.ts', import.meta.url).href;
const BOOT = COMPILED
  ? `import(${JSON.stringify(ENTRY)});`
  : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(ENTRY)}); });`;

const readable = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`);

export function createParsePool(opts: ParsePoolOptions): ParsePool {
  const slots = new Set<Slot>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const retire = (slot: Slot): Promise<unknown> => {
    slots.delete(slot);
    if (slot.timer) clearTimeout(slot.timer);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {}); // a late error from a terminated thread is of no interest
    return slot.worker.terminate().catch(() => 0);
  };

  const finish = (slot: Slot) => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    slot.worker.unref();
    pump();
  };

  const spawn = () => {
    const slot: Slot = { worker: new Worker(BOOT, { eval: true }), ready: false };
    slots.add(slot);
    slot.worker.on('message', (m: ParseReply) => {
      if ('ready' in m) {
        slot.ready = true;
        slot.worker.unref(); // idle threads do not keep the process alive; start() refs a busy one
        return pump();
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      finish(slot);
      if ('feed' in m) job.resolve(m.feed);
      else job.reject(m.parseError ? new ParseError(m.error) : new Error(m.error));
    });
    // The thread died. During a parse (out of memory, say) the document did it: a ParseError, recorded on the
    // source. Before it was ready (start-up failed) it is our fault: the parses waiting fail as errors.
    const died = (err: Error) => {
      if (!slots.has(slot)) return;
      const job = slot.job;
      const waiting = job || slot.ready ? [] : queue.splice(0);
      void retire(slot);
      job?.reject(new ParseError(`parse: the parser stopped on this feed (${err.message}) — check the feed in a browser or ask its publisher`));
      for (const w of waiting) w.reject(new Error(`parse: the parse worker could not start (${err.message})`));
      pump();
    };
    slot.worker.on('error', died);
    slot.worker.on('exit', (code) => died(new Error(`exit code ${code}`)));
  };

  const limitFor = (job: Pending) => opts.timeLimitMs + Math.ceil(job.text.length / 1_048_576) * (opts.perMbMs ?? PER_MB_MS);

  const start = (slot: Slot, job: Pending) => {
    const limit = limitFor(job);
    slot.job = job;
    slot.worker.ref(); // a parse in flight keeps the process alive, as any pending I/O would
    slot.timer = setTimeout(() => {
      // When this thread was busy past the limit (a long embedded-database statement), the timer runs before
      // the worker's answer that arrived meanwhile: let pending messages in first, then judge the parse.
      setImmediate(() => {
        if (slot.job !== job) return;
        void retire(slot);
        job.reject(
          new ParseError(
            `parse: the feed took longer than ${readable(limit)} to parse (${Math.round(job.text.length / 1024)} KB): pressdesk gave up on it; check the feed in a browser or ask its publisher`,
          ),
        );
        pump();
      });
    }, limit);
    slot.worker.postMessage({ id: job.id, text: job.text, url: job.url } satisfies ParseJob);
  };

  function pump() {
    if (closed) return;
    for (const slot of slots) {
      if (!queue.length) break;
      if (slot.ready && !slot.job) start(slot, queue.shift()!);
    }
    const starting = [...slots].filter((s) => !s.ready).length;
    if (queue.length > starting && slots.size < opts.size) spawn();
  }

  return {
    parse(text, { url }) {
      if (closed) return Promise.reject(new Error('parse: the parse pool is closed'));
      return new Promise<ParsedFeed>((resolve, reject) => {
        queue.push({ id: nextId++, text, url, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      const gone = new Error('parse: the parse pool is closed');
      const busy = [...slots].flatMap((s) => (s.job ? [s.job] : []));
      const exits = [...slots].map(retire);
      for (const j of [...busy, ...queue.splice(0)]) j.reject(gone);
      await Promise.all(exits);
    },
  };
}
