// Reading urlencoded form bodies: one field as a trimmed string, a repeated field (checkboxes) as a list, a
// length of time in the one duration grammar (src/pipeline/duration.ts) that the CLI's flags use too.
import { DurationError, parseDuration } from '../pipeline/duration.ts';

type Body = Record<string, unknown> | null | undefined;

const asBody = (body: unknown): Body => (body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined);

/** The field's value ('' when absent); the first one if it was sent twice. Trimmed unless `raw`. */
export function field(body: unknown, name: string, raw = false): string {
  const v = asBody(body)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string') return '';
  return raw ? s : s.trim();
}

/** Every value of a repeated field (e.g. several checked boxes named "role"). */
export function fields(body: unknown, name: string): string[] {
  const v = asBody(body)?.[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
}

/** A duration field in milliseconds (undefined when left empty), or the problem to show, naming `label`. */
export function durationField(body: unknown, name: string, label: string): { ms?: number } | { problem: string } {
  const v = field(body, name);
  if (!v) return {};
  try {
    return { ms: parseDuration(v) };
  } catch (err) {
    if (err instanceof DurationError) return { problem: `${label}: ${err.message}.` };
    throw err;
  }
}

/** A same-site path to return to after login; anything else (other hosts, "//evil", "/\\evil") means "/". */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return /[\u0000-\u001f]/.test(next) ? '/' : next;
}
