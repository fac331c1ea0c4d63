// limit-words: what the limits on one feed's work left out of a poll, in the words the sources page, the fetch
// log, `pressdesk sources list` and `pressdesk poll --once` show. '' when they left out nothing.
const n = (x: number) => x.toLocaleString('en-GB');

export function limitWords(o: { feedItems: number | null; skippedItems: number; pagesNotFetched?: number }): string {
  const parts: string[] = [];
  if (o.skippedItems > 0 && o.feedItems !== null) {
    parts.push(`kept the newest ${n(o.feedItems - o.skippedItems)} of ${n(o.feedItems)} entries (MAX_ITEMS_PER_POLL)`);
  }
  if (o.pagesNotFetched) {
    parts.push(`${n(o.pagesNotFetched)} teaser${o.pagesNotFetched === 1 ? '' : 's'} tagged on the feed's text, page not fetched (MAX_PAGE_FETCHES_PER_POLL)`);
  }
  return parts.join('; ');
}
