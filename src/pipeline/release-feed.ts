// release-feed: sent releases -> an Atom 1.0 feed (RFC 4287) for the public archive, /releases.atom.
// Every text goes through xml() (the five entities, and characters XML 1.0 forbids removed), and each
// release's HTML is carried as escaped text in <content type="html">, never as markup.

export interface FeedRelease {
  slug: string;
  subject: string;
  html: string;
  text: string;
  sentAt: Date;
}

export interface FeedInput {
  title: string;
  /** The archive page, /releases (absolute). */
  siteUrl: string;
  /** The feed's own address, /releases.atom (absolute): also its id. */
  selfUrl: string;
  author: string;
  /** Newest first. */
  releases: readonly FeedRelease[];
  /** For an empty feed's <updated>. */
  now: Date;
}

// Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/FFFF).
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const xml = (s: string) =>
  s.replace(INVALID, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

const summary = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299).replace(/\s+\S*$/, '')}…` : flat;
};

export function releaseFeed(f: FeedInput): string {
  const base = f.siteUrl.replace(/\/+$/, '');
  const updated = (f.releases[0]?.sentAt ?? f.now).toISOString();
  const entries = f.releases.map((r) => {
    const url = `${base}/${encodeURIComponent(r.slug)}`;
    return `  <entry>
    <id>${xml(url)}</id>
    <title type="text">${xml(r.subject)}</title>
    <link rel="alternate" type="text/html" href="${xml(url)}"/>
    <published>${r.sentAt.toISOString()}</published>
    <updated>${r.sentAt.toISOString()}</updated>
    <summary type="text">${xml(summary(r.text))}</summary>
    <content type="html">${xml(r.html)}</content>
  </entry>
`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(f.selfUrl)}</id>
  <title type="text">${xml(f.title)}</title>
  <updated>${updated}</updated>
  <author><name>${xml(f.author)}</name></author>
  <link rel="self" type="application/atom+xml" href="${xml(f.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${xml(base)}"/>
${entries.join('')}</feed>
`;
}
