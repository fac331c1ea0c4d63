// Reading urlencoded form bodies: one field as a trimmed string, a repeated field (checkboxes) as a list.
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

/** A same-site path to return to after login; anything else (other hosts, "//evil", "/\\evil") means "/". */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return /[\u0000-\u001f]/.test(next) ? '/' : next;
}
