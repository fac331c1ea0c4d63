// A draft from a story: story + items + template + lines to take + now → { subject, html, text }. Everything
// from feeds reaches the template as plain text and is escaped by it; the text part is made from the HTML.
import type { DraftSourceItem, LinesToTake } from '../domain/drafts.ts';
import { excerpt, keySentences } from '../render/helpers.ts';
import type { ReleaseTemplate } from '../render/releases.ts';
import { sourceKind } from './draft-policy.ts';
import { htmlToText } from './text.ts';

/** What a draft reads of each item (storage's DraftSourceItem has more). */
export type DraftItem = Omit<DraftSourceItem, 'id' | 'publishedAt'>;

export interface DraftInput {
  story: { id: number; headline: string | null; topics: readonly string[]; firstSeen: Date; headlineItemId?: number | null };
  /** In time order; the headline item is the one whose title is the headline (else the first). */
  items: readonly DraftItem[];
  topic: string;
  template: ReleaseTemplate;
  lines: LinesToTake | undefined;
  union: UnionProfile;
  now: Date;
  embargoUntil?: Date;
}

export interface UnionProfile {
  name: string;
  about: string;
  pressOffice: { name: string; email: string; phone?: string; outOfHours?: string };
}

/** Placeholder contacts until an admin sets the `drafts.union` setting: drafts say so rather than invent. */
export const DEFAULT_UNION: UnionProfile = {
  name: 'Napo',
  about:
    'Napo is the trade union and professional association for probation and family court staff in England and Wales, ' +
    'including Cafcass and the Probation Service. It campaigns for safe workloads, fair pay and a justice system that works.',
  pressOffice: { name: 'Press office', email: 'press@example.org (set the union profile in pressdesk)' },
};

const TOPIC_LABELS: Record<string, string> = {
  probation: 'probation',
  prisons: 'prison',
  courts: 'court',
  parole: 'parole',
  'youth-justice': 'youth justice',
  'family-courts': 'family court',
  workforce: 'justice',
};

/** The terms the topic's rules matched in an item (TermHit.text), lower-cased and unique. */
function matchedTerms(items: readonly DraftItem[], topic: string): string[] {
  const out = new Set<string>();
  for (const it of items) {
    for (const m of it.matches) {
      if (m.topic !== topic || !Array.isArray(m.matches)) continue;
      for (const hit of m.matches) {
        const text = hit && typeof hit === 'object' ? (hit as { text?: unknown }).text : undefined;
        if (typeof text === 'string' && text.trim()) out.add(text.trim().toLowerCase());
      }
    }
  }
  return [...out];
}

/** The template for a story: keywords in its text first, then its source kinds, then the topic; else the first. */
export function pickTemplate(
  templates: readonly ReleaseTemplate[],
  story: { topic: string; items: readonly Pick<DraftItem, 'title' | 'bodyText' | 'summaryHtml' | 'sourceCategory' | 'sourceUrl'>[] },
): ReleaseTemplate {
  if (templates.length === 0) throw new Error('drafts: there are no release templates; add one to templates/releases');
  const text = story.items.map((i) => `${i.title} ${i.bodyText ?? htmlToText(i.summaryHtml ?? '')}`).join(' ').toLowerCase();
  const kinds = new Set(story.items.map((i) => sourceKind({ category: i.sourceCategory, url: i.sourceUrl })));
  const fits = (t: ReleaseTemplate) => t.topics.length === 0 || t.topics.includes(story.topic);
  const score = (t: ReleaseTemplate) =>
    (fits(t) ? 1 : 0) +
    (t.keywords.some((k) => new RegExp(`\\b${k.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text)) ? 4 : 0) +
    (t.sourceKinds.some((k) => kinds.has(k)) ? 2 : 0);
  let best = templates[0]!;
  for (const t of templates.slice(1)) if (score(t) > score(best)) best = t;
  return best;
}

/** Readable plain text of a release: paragraphs and list items on their own lines. */
export function releaseText(html: string): string {
  return html
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<br\s*\/?>/gi, '\n')
    .split(/<\/?(?:p|h[1-6]|ul|ol|blockquote|div)\b[^>]*>/i)
    .map((block) => block.split('\n').map(htmlToText).filter(Boolean).join('\n'))
    .filter(Boolean)
    .join('\n\n');
}

export function renderDraft(input: DraftInput): { subject: string; html: string; text: string } {
  const items = input.items;
  if (items.length === 0) throw new Error(`drafts: story ${input.story.id} has no items; nothing to draft from`);
  const lead = items.find((i) => i.title === input.story.headline) ?? items[0]!;
  const leadText = lead.bodyText ?? htmlToText(lead.summaryHtml ?? '');
  const terms = matchedTerms(items, input.topic);
  const quotes = input.lines?.quotes ?? [];
  const ctx = {
    union: input.union,
    issuedAt: input.now,
    embargo: input.embargoUntil ? { until: input.embargoUntil } : undefined,
    topic: { id: input.topic, label: TOPIC_LABELS[input.topic] ?? input.topic },
    story: {
      id: input.story.id,
      headline: input.story.headline ?? lead.title,
      url: lead.url,
      source: lead.source,
      firstSeen: input.story.firstSeen,
      summary: excerpt(leadText, 320),
      keySentences: keySentences(leadText, terms, 3),
      terms,
      sources: items.map((i) => ({ name: i.source, title: i.title, url: i.url })),
      otherSources: items.filter((i) => i !== lead).map((i) => ({ name: i.source, title: i.title, url: i.url })),
    },
    lines: input.lines
      ? { version: input.lines.version, position: input.lines.position, quotes, firstQuote: quotes[0], otherQuotes: quotes.slice(1) }
      : undefined,
  };
  const { subject, html } = input.template.render(ctx);
  const clean = html.replace(/\n{3,}/g, '\n\n').trim();
  return { subject, html: clean, text: releaseText(clean) };
}
