// The parse pool's worker thread (parse-pool.ts starts it): parse() on each document posted to it, one at a
// time, answering with the feed or the error's message. It says when it is ready, so the pool's time limit
// never counts the thread's start-up.
import { parentPort } from 'node:worker_threads';
import { ParseError, parse } from '../pipeline/parse.ts';
import type { ParseJob, ParseReply } from './parse-pool.ts';

const port = parentPort!;
port.on('message', ({ id, text, url }: ParseJob) => {
  let reply: ParseReply;
  try {
    reply = { id, feed: parse(text, { url }) };
  } catch (err) {
    reply = { id, error: (err as Error)?.message ?? String(err), parseError: err instanceof ParseError };
  }
  port.postMessage(reply);
});
// One tiny feed first, so the first real parse is not charged for the parser's lazy set-up.
parse('<rss version="2.0"><channel><item><title>t</title><description>&lt;p&gt;t&lt;/p&gt;</description></item></channel></rss>', { url: 'https://localhost/' });
port.postMessage({ ready: true } satisfies ParseReply);
