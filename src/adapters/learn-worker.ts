// The learning thread (learn-thread.ts starts one per retrain): learn() on the one job posted to it.
import { parentPort } from 'node:worker_threads';
import { learn } from '../pipeline/relevance/learn.ts';
import type { LearnJob, LearnReply } from './learn-thread.ts';

const port = parentPort!;
port.once('message', ({ items, opts }: LearnJob) => {
  let reply: LearnReply;
  try {
    reply = { learnt: learn(items, opts) };
  } catch (err) {
    reply = { error: (err as Error)?.message ?? String(err) };
  }
  port.postMessage(reply);
});
