// Template helpers. Dates are shown in the UK's wall-clock time, which is what press officers read.
import type Handlebars from 'handlebars';

const fmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

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
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hbs.registerHelper('date', (v: unknown) => {
    const d = asDate(v);
    return d ? fmt.format(d) : '';
  });
  hbs.registerHelper('iso', (v: unknown) => asDate(v)?.toISOString() ?? '');
  hbs.registerHelper('plural', (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`);
  hbs.registerHelper('join', (xs: unknown, sep: unknown) => (Array.isArray(xs) ? xs.join(typeof sep === 'string' ? sep : ', ') : ''));
}
