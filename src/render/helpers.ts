// Template helpers. Dates are shown in the UK's wall-clock time, which is what press officers read.
import type Handlebars from 'handlebars';
import { type ChartModel, barChart } from './chart.ts';

const fmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** "2 Mar 2026, 09:00" in UK time: what the `date` helper shows, for messages built in code. */
export const ukDateTime = (d: Date) => fmt.format(d);

const asDate = (v: unknown): Date | undefined => {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
};

export function registerHelpers(hbs: typeof Handlebars) {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hbs.registerHelper('date', (v: unknown) => {
    const d = asDate(v);
    return d ? fmt.format(d) : '';
  });
  hbs.registerHelper('iso', (v: unknown) => asDate(v)?.toISOString() ?? '');
  hbs.registerHelper('plural', (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`);
  hbs.registerHelper('join', (xs: unknown, sep: unknown) => (Array.isArray(xs) ? xs.join(typeof sep === 'string' ? sep : ', ') : ''));
  // {{chart model}}: an inline SVG bar chart (render/chart.ts escapes every text in it).
  hbs.registerHelper('chart', (m: unknown) => {
    const ok = m && typeof m === 'object' && Array.isArray((m as ChartModel).bars);
    return new hbs.SafeString(ok ? barChart(m as ChartModel) : '');
  });
}

// --- release helpers: UK dates and times, excerpts, key sentences, quotes, lists ------------------------
// They return plain strings, so `{{…}}` still escapes whatever a feed put in them.

const ukDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const ukClockFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const asText = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/** "09:15, Monday 2 March 2026" in UK time: what {{ukTime d}}, {{ukDate d}} print, as one call. */
export const ukWhen = (d: Date): string => `${ukClockFmt.format(d)}, ${ukDay.format(d)}`;

/** At most `max` characters, cut at a word boundary, with an ellipsis when cut. */
export function excerpt(text: string, max = 280): string {
  const s = text.replace(/\s+/g, ' ').trim();
  if (s.length <= max) return s;
  const cut = s.slice(0, max + 1);
  const at = cut.lastIndexOf(' ');
  return `${(at > max * 0.5 ? cut.slice(0, at) : s.slice(0, max)).replace(/[\s,;:.–-]+$/, '')}…`;
}

/** Sentences holding any of the terms (whole words, any case), in text order, at most `max`. */
export function keySentences(text: string, terms: readonly string[], max = 3): string[] {
  const words = terms.map((t) => t.trim()).filter(Boolean).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (words.length === 0) return [];
  const re = new RegExp(`(^|[^\\p{L}\\p{N}])(${words.join('|')})(?=$|[^\\p{L}\\p{N}])`, 'iu');
  const sentences = text.replace(/\s+/g, ' ').match(/[^.!?]+(?:[.!?]+["”’)]*|$)/g) ?? [];
  return sentences.map((s) => s.trim()).filter((s) => s && re.test(s)).slice(0, max);
}

/** "a", "a and b", "a, b and c". */
export function listOf(xs: readonly unknown[]): string {
  const s = xs.map(asText).filter(Boolean);
  return s.length <= 1 ? (s[0] ?? '') : `${s.slice(0, -1).join(', ')} and ${s.at(-1)}`;
}

/** “Text,” said Speaker, Role. — the text's own closing punctuation kept inside the quotes. */
export function quoteLine(q: unknown): string {
  if (!q || typeof q !== 'object') return '';
  const { text, speaker, role } = q as { text?: unknown; speaker?: unknown; role?: unknown };
  const t = asText(text).trim().replace(/^[“"]|[”"]$/g, '');
  if (!t) return '';
  const who = [asText(speaker).trim(), asText(role).trim()].filter(Boolean).join(', ');
  // British style: a full stop closing the quotation becomes a comma before "said".
  return who ? `“${t.replace(/\.$/, ',')}” said ${who}.` : `“${t}”`;
}

export function registerReleaseHelpers(hbs: typeof Handlebars) {
  hbs.registerHelper('ukDate', (v: unknown) => {
    const d = asDate(v);
    return d ? ukDay.format(d) : '';
  });
  hbs.registerHelper('ukTime', (v: unknown) => {
    const d = asDate(v);
    return d ? ukClockFmt.format(d) : '';
  });
  hbs.registerHelper('excerpt', (v: unknown, max: unknown) => excerpt(asText(v), typeof max === 'number' ? max : 280));
  hbs.registerHelper('keySentences', (v: unknown, terms: unknown, max: unknown) =>
    keySentences(asText(v), Array.isArray(terms) ? terms.map(asText) : [], typeof max === 'number' ? max : 3),
  );
  hbs.registerHelper('quote', (q: unknown) => quoteLine(q));
  hbs.registerHelper('list', (xs: unknown) => (Array.isArray(xs) ? listOf(xs) : asText(xs)));
}
