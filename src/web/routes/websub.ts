// WebSub callbacks: /websub/:sourceId. Public and without CSRF because hubs, not people, call them; each
// request proves itself instead: a verification GET must name the topic we asked for, a push must carry an
// X-Hub-Signature made with the source's own secret. A verified push is treated as "poll this now".
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { verifyChallenge, verifySignature } from '../../pipeline/websub.ts';
import { setWebsub } from '../../storage/websub.ts';
import { getSource } from '../../storage/sources.ts';
import type { WebDeps } from '../server.ts';

const hub = { config: { auth: 'public' as const, csrf: false as const } };
type P = { Params: { id: string } };
const MAX_PUSH_BYTES = 10 * 1024 * 1024;

export async function websubRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const now = () => app.pd.now();
  // A removed source is no subscription: its hub hears 404 / 410 and stops.
  const sourceOf = async (id: string) => {
    const s = /^\d{1,15}$/.test(id) ? await getSource(db, Number(id)) : undefined;
    return s?.removedAt ? undefined : s;
  };

  app.get<P>('/websub/:id', hub, async (req, reply) => {
    const s = await sourceOf(req.params.id);
    if (!s) return reply.code(404).type('text/plain').send('websub: no such subscription');
    const v = verifyChallenge(req.query as Record<string, unknown>, { topic: s.websubTopic, state: s.websubState }, now());
    if (!v.ok) return reply.code(404).type('text/plain').send(v.reason);
    if (v.mode === 'subscribe') await setWebsub(db, s.id, { state: 'active', leaseUntil: v.leaseUntil });
    else if (v.mode === 'unsubscribe') await setWebsub(db, s.id, { state: null, leaseUntil: null });
    else await setWebsub(db, s.id, { state: 'denied', leaseUntil: null });
    return reply.code(200).type('text/plain').send(v.challenge);
  });

  // Pushes need the exact bytes the hub signed, so this scope reads every body raw.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_PUSH_BYTES }, (_req, body, done) => done(null, body));
    scope.post<P>('/websub/:id', hub, async (req, reply) => {
      const s = await sourceOf(req.params.id);
      if (!s) return reply.code(410).type('text/plain').send('websub: no such subscription; unsubscribe'); // 410 tells hubs to stop
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const sig = req.headers['x-hub-signature-256'] ?? req.headers['x-hub-signature'];
      // WebSub: acknowledge with 2xx even when the signature is wrong, and ignore the content.
      if (!s.enabled || !s.websubSecret || !verifySignature(String(sig ?? ''), body, s.websubSecret)) {
        req.log.warn({ sourceId: s.id }, 'websub: push ignored: missing or wrong X-Hub-Signature');
        return reply.code(202).send();
      }
      const digest = createHash('sha1').update(body).digest('hex').slice(0, 16);
      await deps.queues.add('poll-source', { sourceId: s.id, force: true }, { jobId: `push-${s.id}-${digest}` });
      return reply.code(202).send();
    });
  });
}
