// The one Handlebars environment: every page, email, release and digest is rendered here, with the same
// helpers and partials. `{{x}}` escapes; `{{{x}}}` is only for HTML that went through sanitize().
// Hardened: templates compile with knownHelpersOnly (a helper nobody registered is a compile error, not a
// silent property lookup), and run with prototype access off (explicitly, not only by Handlebars' default),
// so `{{constructor}}`-style lookups from an editor's template read nothing.
import { readFileSync, readdirSync } from 'node:fs';
import Handlebars from 'handlebars';
import { registerHelpers, registerReleaseHelpers } from './helpers.ts';

// templates/ is at the top level, read at run time: two levels up from src/render, three from dist/src/render.
export const TEMPLATES_DIR = new URL(import.meta.url.endsWith('.js') ? '../../../templates/' : '../../templates/', import.meta.url);

const hbs = Handlebars.create();
registerHelpers(hbs);
registerReleaseHelpers(hbs);

/** Registered partials: templates/partials/NAME.hbs as NAME, templates/releases/partials/NAME.hbs as releases/NAME. */
function registerPartials(dir: string, prefix: string) {
  let files: string[];
  try {
    files = readdirSync(new URL(dir, TEMPLATES_DIR));
  } catch {
    return;
  }
  for (const f of files) {
    if (f.endsWith('.hbs')) hbs.registerPartial(`${prefix}${f.slice(0, -4)}`, readFileSync(new URL(`${dir}${f}`, TEMPLATES_DIR), 'utf8'));
  }
}
registerPartials('partials/', '');
registerPartials('releases/partials/', 'releases/');

/** Every helper registered above, plus Handlebars' built-ins. */
export const KNOWN_HELPERS: Readonly<Record<string, true>> = Object.freeze(Object.fromEntries(Object.keys(hbs.helpers).map((h) => [h, true as const])));

// Functions, not constants: Handlebars writes into the options objects it is given.
export const compileOptions = (): CompileOptions => ({ strict: false, knownHelpers: { ...KNOWN_HELPERS }, knownHelpersOnly: true });
export const runtimeOptions = (): Handlebars.RuntimeOptions => ({ allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;

/** Compiles with the hardened options; the result runs with prototype access off. */
export function compile(source: string, opts: { plainText?: boolean } = {}): (ctx: object) => string {
  // Plain text (an email's text part, a subject line) is not HTML: escaping would show "&amp;" to readers.
  const t = hbs.compile(source, { ...compileOptions(), noEscape: Boolean(opts.plainText) });
  return (ctx) => t(ctx, runtimeOptions());
}

const cache = new Map<string, (ctx: object) => string>();

/** Renders templates/NAME.hbs (e.g. "web/home"). Compiled once per process. NAME ending in .text or .subject
 *  is plain text and not HTML-escaped. */
export function renderTemplate(name: string, ctx: object): string {
  let t = cache.get(name);
  if (!t) {
    if (!/^[\w-]+(\/[\w.-]+)*$/.test(name)) throw new Error(`render: bad template name ${name}`);
    t = compile(readFileSync(new URL(`${name}.hbs`, TEMPLATES_DIR), 'utf8'), { plainText: /\.(text|subject)$/.test(name) });
    cache.set(name, t);
  }
  return t(ctx);
}

/** A web page: templates/web/NAME.hbs inside templates/web/layout.hbs. */
export function renderPage(name: string, ctx: { title: string } & Record<string, unknown>): string {
  return renderTemplate('web/layout', { ...ctx, body: renderTemplate(`web/${name}`, ctx) });
}

/** An email: templates/emails/NAME.{subject,html,text}.hbs, or DIR/NAME.… when NAME has a directory
 *  (digests/digest). The subject is one line. */
export function renderEmail(name: string, ctx: object): { subject: string; html: string; text: string } {
  const base = name.includes('/') ? name : `emails/${name}`;
  return {
    subject: renderTemplate(`${base}.subject`, ctx).replace(/\s+/g, ' ').trim(),
    html: renderTemplate(`${base}.html`, ctx),
    text: renderTemplate(`${base}.text`, ctx),
  };
}

export { hbs };
