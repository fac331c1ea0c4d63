// duration: the one grammar for lengths of time people type, in every CLI flag and form field: a number and a
// unit, like 90s, 10m, 72h, 30d or 2w. A bare number is refused: "10" could be seconds, minutes or hours.
// Callers prefix the message with where the text came from ("cluster: --window ...").

export class DurationError extends Error {}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const GRAMMAR = 'give a number and a unit, like 10m, 72h, 30d or 2w';

/** "90s", "10m", "72h", "30d", "2w" (decimals allowed, e.g. 1.5h) -> milliseconds, more than zero. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  const ms = m ? Math.round(Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!) : Number.NaN;
  if (!(ms > 0)) throw new DurationError(`"${text}" is not a duration: ${GRAMMAR}`);
  return ms;
}

/** A point in time typed as a duration back from `now` ("30d") or an ISO-8601 date ("2025-03-01"). */
export function parseSince(text: string, now: Date): Date {
  try {
    return new Date(now.getTime() - parseDuration(text));
  } catch {
    const t = /^\s*\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
    if (!Number.isFinite(t)) throw new DurationError(`"${text}" is not a duration or a date: ${GRAMMAR}, or a date like 2025-03-01`);
    return new Date(t);
  }
}
