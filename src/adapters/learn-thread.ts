// Learning a relevance model off the event loop: learn() takes seconds of CPU on thousands of items (10,000 in
// ~15 s on a loaded 2-core machine), which on the main thread would stall the web server and every job of the
// process (`pressdesk start` runs them all in one). Each retrain gets a worker thread of its own (learn-worker.ts),
// gone when it answers: retrains are rare, a pool would only hold memory.
import { Worker } from 'node:worker_threads';
import type { LabelledItem, LearnOptions, Learnt } from '../pipeline/relevance/learn.ts';

export type LearnJob = { items: LabelledItem[]; opts: LearnOptions };
export type LearnReply = { learnt: Learnt } | { error: string };

// As parse-pool.ts: compiled, the thread imports learn-worker.js; from the sources it registers tsx first
// (Node 20 loader hooks do not reach a worker's entry).
const COMPILED = import.meta.url.endsWith('.js');
const ENTRY = new URL(COMPILED ? './learn-worker.js' : './learn-worker.ts', import.meta.url).href;
const BOOT = COMPILED
  ? `import(${JSON.stringify(ENTRY)});`
  : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(ENTRY)}); });`;

/** learn(items, opts) in a worker thread; `signal` terminates it. */
export function learnInThread(job: LearnJob, signal?: AbortSignal): Promise<Learnt> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true });
    const stop = () => {
      worker.terminate().catch(() => 0);
      reject(new Error('learn: interrupted'));
    };
    signal?.addEventListener('abort', stop, { once: true });
    const done = () => {
      signal?.removeEventListener('abort', stop);
      worker.removeAllListeners();
      worker.on('error', () => {});
      worker.terminate().catch(() => 0);
    };
    worker.once('message', (m: LearnReply) => {
      done();
      if ('error' in m) reject(new Error(`learn: ${m.error}`));
      else resolve(m.learnt);
    });
    worker.once('error', (err) => {
      done();
      reject(err);
    });
    worker.once('exit', (code) => {
      done();
      reject(new Error(`learn: the thread exited (${code}) before answering`));
    });
    worker.postMessage(job satisfies LearnJob);
  });
}
