// Who may use a route: the rule a route declares in config.auth and the one check that reads it.
import type { Role } from '../domain/types.ts';

export type AuthRule = 'public' | Role | readonly Role[];

/** Any logged-in user (everyone holds at least one role). */
export const ANY_ROLE: readonly Role[] = ['admin', 'editor', 'press_officer'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route: see the contract at the top of src/web/auth.ts. */
    auth?: AuthRule;
    /** false: no CSRF check (public, self-verifying callbacks only); 'origin': same-origin check only. */
    csrf?: false | 'origin';
  }
}

export function isAuthRule(v: unknown): v is AuthRule {
  const ok = (r: unknown) => r === 'admin' || r === 'editor' || r === 'press_officer';
  return v === 'public' || ok(v) || (Array.isArray(v) && v.length > 0 && v.every(ok));
}

/** Admin implies every role. A public rule admits anyone, logged in or not. */
export function allows(roles: readonly Role[] | undefined, rule: AuthRule): boolean {
  if (rule === 'public') return true;
  if (!roles?.length) return false;
  if (roles.includes('admin')) return true;
  const need: readonly Role[] = typeof rule === 'string' ? [rule] : rule;
  return need.some((r) => roles.includes(r));
}

/** "editor or press_officer", for refusal messages. */
export const describeRule = (rule: AuthRule) => (typeof rule === 'string' ? rule : rule.join(' or '));

/** One registered route, as the onRoute hook in auth.ts records it (the route-table test walks these). */
export interface RouteEntry {
  methods: string[];
  url: string;
  auth: AuthRule;
  csrf: true | false | 'origin';
}
