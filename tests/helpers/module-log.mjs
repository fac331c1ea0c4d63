// `node --import ./tests/helpers/module-log.mjs …` appends the URL of every module the process imports (after
// this one) to the file named by MODULE_LOG: what a command loads, to check that registering stays light.
// The same file is the hooks module: module.register() runs it again in the loader thread.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url, { data: process.env.MODULE_LOG });

let log;
export function initialize(file) {
  log = file;
}

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, `${r.url}\n`);
  return r;
}
