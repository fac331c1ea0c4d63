// An item as a poll stores it, with everything a test does not name left empty: tests say only what matters.
import type { NewItem } from '../../src/storage/items.ts';

export const newItem = (o: Pick<NewItem, 'identity' | 'title'> & Partial<NewItem>): NewItem => ({
  canonicalUrl: null,
  guid: null,
  url: null,
  summaryHtml: null,
  contentHtml: null,
  bodyText: null,
  author: null,
  publishedAt: null,
  categories: [],
  extractStatus: 'done',
  ...o,
});
