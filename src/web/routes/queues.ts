// bull-board at /admin/queues over every pressdesk queue, with pressdesk's logo and a "Back to pressdesk" link
// in its menu. Its routes are registered by the plugin and take their rule from MOUNTS in auth.ts (admin;
// same-origin check for its JSON API, which cannot send our token).
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { QUEUE_NAMES } from '../../adapters/queues.ts';
import type { WebDeps } from '../server.ts';

export const QUEUES_PATH = '/admin/queues';

export async function queueRoutes(app: FastifyInstance, deps: WebDeps) {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(deps.queues.get(name))),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'pressdesk queues',
        // Its logo link stays inside the board, so the way back is the menu's link.
        boardLogo: { path: '/favicon.svg', width: 28, height: 28 },
        favIcon: { default: '/favicon.svg', alternative: '/favicon.svg' },
        miscLinks: [{ text: '← Back to pressdesk', url: '/' }],
        hideDocsLink: true,
      },
    },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUES_PATH });
}
