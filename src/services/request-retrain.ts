// An editor asks for the relevance model to be learnt again now (the hourly run only learns after new
// verdicts): one retrain-relevance job; the worker runs one at a time.
import type { Deps } from './deps.ts';

export async function requestRetrain(deps: Pick<Deps, 'queues' | 'now'>, requestedBy: number | null): Promise<void> {
  await deps.queues.add('retrain-relevance', { requestedBy, force: true }, { jobId: `retrain-${deps.now().getTime()}-${requestedBy ?? 0}`, attempts: 1 });
}
