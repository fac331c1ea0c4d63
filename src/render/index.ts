// The one Handlebars environment: every page, email, release and digest is rendered here, with the same
// helpers and partials. `{{x}}` escapes; `{{{x}}}` is only for HTML that went through sanitize().
import { readFileSync, readdirSync } from 'node:fs';
import Handlebars from 'handlebars';
import { registerHelpers } from './helpers.ts';

export const TEMPLATES_DIR = new URL('../../templates/', import.meta.url);

const hbs = Handlebars.create();
registerHelpers(hbs);

for (const f of readdirSync(new URL('partials/', TEMPLATES_DIR))) {
  if (f.endsWith('.hbs')) hbs.registerPartial(f.slice(0, -4), readFileSync(new URL(`partials/${f}`, TEMPLATES_DIR), 'utf8'));
}

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders templates/NAME.hbs (e.g. "web/home"). Compiled once per process. */
export function renderTemplate(name: string, ctx: object): string {
  let t = cache.get(name);
  if (!t) {
    if (!/^[\w-]+(\/[\w.-]+)*$/.test(name)) throw new Error(`render: bad template name ${name}`);
    t = hbs.compile(readFileSync(new URL(`${name}.hbs`, TEMPLATES_DIR), 'utf8'), { strict: false });
    cache.set(name, t);
  }
  return t(ctx);
}

/** A web page: templates/web/NAME.hbs inside templates/web/layout.hbs. */
export function renderPage(name: string, ctx: { title: string } & Record<string, unknown>): string {
  return renderTemplate('web/layout', { ...ctx, body: renderTemplate(`web/${name}`, ctx) });
}

export { hbs };
