// uk-local-time: a UK wall-clock time as typed in an <input type="datetime-local"> ("2026-03-29T09:30") ->
// the instant it names in Europe/London, summer time included. Press officers think in UK time whatever the
// server's zone. A time that does not exist (the hour skipped when the clocks go forward) is refused rather
// than guessed; one that happens twice (the hour repeated in October) means the first, still in BST.
const wall = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

/** The instant as a datetime-local value in UK time ("YYYY-MM-DDTHH:mm"): the inverse, for form fields. */
export function toUkLocal(at: Date): string {
  const p = Object.fromEntries(wall.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The instant `value` names in UK time; undefined when it is malformed or does not exist in the UK. */
export function parseUkLocal(value: string): Date | undefined {
  const m = LOCAL.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const want = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`;
  // The UK is UTC+1 (BST) or UTC+0 (GMT); the earlier instant first, so a repeated hour means BST.
  for (const offsetHours of [1, 0]) {
    const at = new Date(asUtc - offsetHours * 3_600_000);
    if (toUkLocal(at) === want) return at;
  }
  return undefined;
}
