// The page helper every route uses: sendPage renders templates/web/NAME.hbs inside the layout, with the
// logged-in user, the navigation for their roles, a CSRF token for forms and any flash messages.
//
//   app.get('/sources', { config: { auth: 'editor' } }, async (req, reply) => {
//     const pager = paginate(await countSources(db), req.query.page, 50);
//     return sendPage(req, reply, 'sources', { title: 'Sources', sources: await listSources(db, pager), pager });
//   });
//
// In templates: `{{> csrf}}` inside every <form method="post">, `{{> pagination pager}}` under a list.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderPage } from '../render/index.ts';
import type { User } from '../storage/users.ts';
import { csrfToken } from './csrf.ts';
import { takeFlash } from './flash.ts';
import { allows } from './roles.ts';
import { loadSession } from './session.ts';

export { flash, type FlashKind } from './flash.ts';

export interface NavEntry {
  href: string;
  label: string;
  /** Shown only to visitors who are not logged in (the public pages staff do not need in their menu). */
  visitorsOnly?: boolean;
}

/**
 * The main navigation, in order. An entry shows only when a GET route exists at its href and the user passes
 * that route's own config.auth, so add your page's line here when you add the page: no role is repeated.
 */
export const NAV: NavEntry[] = [
  { href: '/', label: 'Home' },
  { href: '/sources', label: 'Sources' },
  { href: '/rules', label: 'Rules' },
  { href: '/relevance', label: 'Model' },
  { href: '/stories', label: 'Stories' },
  { href: '/trends', label: 'Trends' },
  { href: '/drafts', label: 'Drafts' },
  { href: '/releases/admin', label: 'Releases' },
  { href: '/templates', label: 'Templates' },
  { href: '/contacts', label: 'Contacts' },
  { href: '/subscribers', label: 'Subscribers' },
  { href: '/subscribe', label: 'News alerts', visitorsOnly: true },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/queues', label: 'Queues' },
  { href: '/admin/audit', label: 'Audit' },
  { href: '/admin/outbox', label: 'Outbox' },
];

// The top-level package.json: two levels up from src/web, three from dist/src/web (npm run build).
const packageJson = new URL(import.meta.url.endsWith('.js') ? '../../../package.json' : '../../package.json', import.meta.url);
const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

function navFor(req: FastifyRequest, user: User | null) {
  const path = req.url.split('?')[0] ?? '/';
  return NAV.filter((e) => {
    if (e.visitorsOnly && user) return false;
    const route = req.server.pd.routes.find((r) => r.url === e.href && r.methods.includes('GET'));
    return route !== undefined && (user ? allows(user.roles, route.auth) : route.auth === 'public');
  }).map(({ href, label }) => ({ href, label, current: href === path || (href !== '/' && path.startsWith(`${href}/`)) }));
}

type PageExtra = (req: FastifyRequest, ctx: Record<string, unknown>) => Promise<Record<string, unknown>>;
const extras = new WeakMap<object, Map<string, PageExtra[]>>();

/** Lets a route module add to a page another module renders, so each keeps its own part: feedback.ts marks
 *  the verdicts already given on the story page's items. The extra's keys win over the route's. */
export function extendPage(app: FastifyInstance, name: string, extra: PageExtra): void {
  const byName = extras.get(app.pd) ?? new Map<string, PageExtra[]>();
  byName.set(name, [...(byName.get(name) ?? []), extra]);
  extras.set(app.pd, byName);
}

/** Renders a page into the reply. The layout's own keys (user, nav, csrfToken, flash) win over ctx's. */
export async function sendPage(
  req: FastifyRequest,
  reply: FastifyReply,
  name: string,
  page: { title: string } & Record<string, unknown>,
): Promise<FastifyReply> {
  const user = await loadSession(req, reply);
  let ctx = page;
  for (const extra of extras.get(req.server.pd)?.get(name) ?? []) ctx = { ...ctx, ...(await extra(req, ctx)) };
  const html = renderPage(name, {
    ...ctx,
    user: user && { id: user.id, email: user.email, roles: user.roles, isAdmin: user.roles.includes('admin') },
    nav: navFor(req, user),
    csrfToken: await csrfToken(req, reply),
    flash: takeFlash(req, reply),
    version,
  });
  return reply.type('text/html; charset=utf-8').send(html);
}

export interface Pagination {
  page: number;
  perPage: number;
  pages: number;
  total: number;
  /** For LIMIT/OFFSET. */
  limit: number;
  offset: number;
  /** 1-based positions of the first and last row shown ("21–40 of 95"). */
  from: number;
  to: number;
  prevHref?: string;
  nextHref?: string;
}

/**
 * Which slice of a list to show. `page` may come straight from the query string: anything that is not a
 * positive integer means page 1, and a page past the end shows the last page.
 */
export function paginate(total: number, page: unknown, perPage: number, href: (page: number) => string = (p) => `?page=${p}`): Pagination {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const asked = typeof page === 'number' ? page : Number.parseInt(String(page ?? ''), 10);
  const p = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, pages) : 1;
  const offset = (p - 1) * perPage;
  return {
    page: p,
    perPage,
    pages,
    total,
    limit: perPage,
    offset,
    from: total === 0 ? 0 : offset + 1,
    to: Math.min(total, offset + perPage),
    ...(p > 1 ? { prevHref: href(p - 1) } : {}),
    ...(p < pages ? { nextHref: href(p + 1) } : {}),
  };
}
