// The headline item of a story: the one whose title and link lead the story everywhere (alerts, digests,
// drafts). Official sources first — the announcement itself beats any rewrite — then national outlets, then
// the rest, then the earliest. An editor-set priority on a source overrides its tier.
// Sources are matched by feed name or URL; names are matched whole so "Lancashire Telegraph" and
// "Derbyshire Times" stay regional and "Independent Monitoring Board" is not The Independent.

export type SourceTier = 'official' | 'national' | 'other';

/** The priority a tier implies; an editor's `sourcePriority` is on the same scale (higher leads). */
export const TIER_PRIORITY: Record<SourceTier, number> = { official: 3, national: 2, other: 1 };

export interface HeadlineCandidate {
  id: string;
  /** Feed or site name ("BBC News") or a URL ("https://www.gov.uk/government/news/…"). */
  source?: string;
  /** Editor-set priority of the source; replaces the tier's (official 3, national 2, other 1). */
  sourcePriority?: number;
  /** ISO-8601. */
  published?: string;
}

const OFFICIAL_HOSTS = /(^|\.)(gov\.uk|judiciary\.uk|parliament\.uk)$/;
const OFFICIAL_NAMES = /^(gov\.?uk|ministry of justice|moj|hm prison and probation service|hmpps|hm inspectorate of (prisons|probation)|hm courts (and|&) tribunals service|hmcts|judiciary( of england and wales)?|courts and tribunals judiciary|justice\.gov\.uk|judiciary\.uk)$/;
const NATIONAL_HOSTS = /(^|\.)(bbc\.co\.uk|bbc\.com|theguardian\.com|thetimes\.co\.uk|thetimes\.com|telegraph\.co\.uk|independent\.co\.uk|news\.sky\.com|itv\.com|pamediagroup\.com)$/;
const NATIONAL_NAMES = /^(bbc( news)?( \(.*\))?|(the )?guardian|(the )?times|(the )?(daily |sunday )?telegraph|(the )?independent|sky news|itv( news)?|pa|pa media|press association)$/;

function host(source: string): string | undefined {
  const s = source.trim().toLowerCase();
  const m = /^(?:https?:\/\/)?([a-z0-9.-]+\.[a-z]{2,})(?:[/:?#]|$)/.exec(s);
  return m?.[1]?.replace(/^www\./, '');
}

export function sourceTier(source: string | undefined): SourceTier {
  if (!source) return 'other';
  const h = host(source);
  if (h) return OFFICIAL_HOSTS.test(h) ? 'official' : NATIONAL_HOSTS.test(h) ? 'national' : 'other';
  const name = source.trim().toLowerCase().replace(/\s+/g, ' ');
  if (OFFICIAL_NAMES.test(name)) return 'official';
  return NATIONAL_NAMES.test(name) ? 'national' : 'other';
}

/** The id of the item that should head the story. Throws on an empty list (a story has at least one item). */
export function pickHeadline(items: readonly HeadlineCandidate[]): string {
  if (items.length === 0) throw new Error('headline: a story needs at least one item; pass the story\'s items');
  let best = items[0]!;
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const k = key(item);
    if (k.priority > bestKey.priority || (k.priority === bestKey.priority && (k.time < bestKey.time || (k.time === bestKey.time && item.id < best.id)))) {
      best = item;
      bestKey = k;
    }
  }
  return best.id;
}

function key(item: HeadlineCandidate): { priority: number; time: number } {
  const priority = item.sourcePriority ?? TIER_PRIORITY[sourceTier(item.source)];
  const t = item.published ? Date.parse(item.published) : Number.NaN;
  return { priority, time: Number.isFinite(t) ? t : Number.POSITIVE_INFINITY }; // undated items come last
}
