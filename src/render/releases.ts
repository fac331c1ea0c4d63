// Release templates: templates/releases/NAME.hbs, YAML front matter between `---` lines, then the HTML body.
// Editors write these, so compileReleaseTemplate refuses what would fail later: a parse error, an unknown
// helper or an unknown partial, each with its line and column in the file as written (front matter counted).
import { readFileSync, readdirSync } from 'node:fs';
import type { SourceCategory } from '../domain/drafts.ts';
import { parse as parseYaml } from 'yaml';
import { TEMPLATES_DIR, compile, compileOptions, hbs } from './index.ts';

export interface ReleaseTemplate {
  name: string;
  title: string;
  /** Topics it suits; empty = any. */
  topics: string[];
  /** Source kinds it answers (an inspectorate report…); empty = any. */
  sourceKinds: SourceCategory[];
  /** Words in the story that make it the right choice ("serious further offence"). */
  keywords: string[];
  /** When to use it, for people choosing. */
  when: string;
  subject: string;
  source: string;
  render(ctx: object): { subject: string; html: string };
}

export interface TemplateProblem {
  line: number;
  col: number;
  message: string;
}

export type CompileResult = { ok: true; template: ReleaseTemplate } | { ok: false; problems: TemplateProblem[] };

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

interface Loc {
  start: { line: number; column: number };
}
type Node = { type?: string; loc?: Loc; name?: { original?: unknown }; [k: string]: unknown };

/** Partials a template uses that are not registered, with their positions. */
function unknownPartials(ast: unknown, out: { name: string; loc?: Loc }[] = []): { name: string; loc?: Loc }[] {
  if (Array.isArray(ast)) {
    for (const n of ast) unknownPartials(n, out);
  } else if (ast && typeof ast === 'object') {
    const n = ast as Node;
    if ((n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') && typeof n.name?.original === 'string' && !hbs.partials[n.name.original]) {
      out.push({ name: n.name.original, loc: n.loc });
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'loc' && v && typeof v === 'object') unknownPartials(v, out);
  }
  return out;
}

/** Compiles (without running) one Handlebars text, the problem with its position when it does not. */
function check(source: string, lineOffset: number): TemplateProblem | undefined {
  try {
    const ast = hbs.parse(source);
    const missing = unknownPartials(ast)[0];
    if (missing) {
      return { line: (missing.loc?.start.line ?? 1) + lineOffset, col: (missing.loc?.start.column ?? 0) + 1, message: `unknown partial "${missing.name}"` };
    }
    hbs.precompile(ast, compileOptions());
    return undefined;
  } catch (err) {
    const e = err as Error & { lineNumber?: number; column?: number };
    const msg = e.message.split('\n');
    if (typeof e.lineNumber === 'number') {
      return { line: e.lineNumber + lineOffset, col: (e.column ?? 0) + 1, message: msg[0]!.replace(/ - \d+:\d+$/, '').replace('You specified knownHelpersOnly, but used the unknown helper', 'unknown helper') };
    }
    // Parse errors carry no position of their own: the lexer's last token is where parsing stopped.
    const at = (hbs as unknown as { Parser: { lexer: { yylloc?: { first_line: number; first_column: number } } } }).Parser.lexer.yylloc;
    return { line: (at?.first_line ?? 1) + lineOffset, col: (at?.first_column ?? 0) + 1, message: (msg.at(-1) ?? msg[0]!).replace(/^Expecting /, 'expected ') };
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Checks and compiles a release template as an editor wrote it. */
export function compileReleaseTemplate(source: string, fallbackName = 'untitled'): CompileResult {
  const fm = FRONT.exec(source);
  if (!fm) return { ok: false, problems: [{ line: 1, col: 1, message: 'missing front matter: start with ---, name:, subject:, then ---' }] };
  let meta: Record<string, unknown>;
  try {
    meta = (parseYaml(fm[1]!) ?? {}) as Record<string, unknown>;
  } catch (err) {
    const e = err as Error & { linePos?: { line: number; col: number }[] };
    return { ok: false, problems: [{ line: (e.linePos?.[0]?.line ?? 0) + 1, col: e.linePos?.[0]?.col ?? 1, message: `front matter: ${e.message.split('\n')[0]}` }] };
  }
  const problems: TemplateProblem[] = [];
  const subject = typeof meta.subject === 'string' ? meta.subject : '';
  if (!subject) problems.push({ line: 1, col: 1, message: 'front matter: subject: is required (the email subject line, may use {{…}})' });
  const subjectLine = fm[1]!.split(/\r?\n/).findIndex((l) => /^subject\s*:/.test(l)) + 2;
  const sp = subject ? check(subject, subjectLine - 1) : undefined;
  if (sp) problems.push({ ...sp, message: `subject: ${sp.message}` });
  const bodyOffset = fm[0].split('\n').length - 1;
  const body = source.slice(fm[0].length);
  const bp = check(body, bodyOffset);
  if (bp) problems.push(bp);
  if (problems.length > 0) return { ok: false, problems };
  const subjectT = compile(subject, { plainText: true });
  const bodyT = compile(body);
  return {
    ok: true,
    template: {
      name: typeof meta.name === 'string' ? meta.name : fallbackName,
      title: typeof meta.title === 'string' ? meta.title : fallbackName,
      topics: strings(meta.topics),
      sourceKinds: strings(meta.sourceKinds) as SourceCategory[],
      keywords: strings(meta.keywords),
      when: typeof meta.when === 'string' ? meta.when : '',
      subject,
      source,
      render: (ctx) => ({ subject: subjectT(ctx).replace(/\s+/g, ' ').trim(), html: bodyT(ctx) }),
    },
  };
}

let shipped: Map<string, ReleaseTemplate> | undefined;

/** The release templates in templates/releases, by name. A broken one stops start-up with file:line:col. */
export function loadReleaseTemplates(): Map<string, ReleaseTemplate> {
  if (shipped) return shipped;
  const dir = new URL('releases/', TEMPLATES_DIR);
  const out = new Map<string, ReleaseTemplate>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort()) {
    const r = compileReleaseTemplate(readFileSync(new URL(f, dir), 'utf8'), f.slice(0, -4));
    if (!r.ok) throw new Error(`render: templates/releases/${f}:${r.problems[0]!.line}:${r.problems[0]!.col}: ${r.problems[0]!.message}; fix the template`);
    out.set(r.template.name, r.template);
  }
  shipped = out;
  return out;
}
