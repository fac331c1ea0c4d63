// Glossary types shared by every stage. Imports nothing: the domain is the vocabulary, not behaviour.

/** The seven topic ids of the shipped UK-justice rule pack; editors may add their own. */
export type TopicId = string;

/** One entry of a parsed feed or scraped page, before it is stored. HTML fields are already sanitised. */
export interface FeedEntry {
  guid?: string;
  url?: string;
  title: string;
  summary?: string;
  content?: string;
  author?: string;
  /** ISO-8601 UTC. */
  published?: string;
  categories: string[];
}

/** What a parse of one document yields. */
export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json' | 'html';
  title?: string;
  siteUrl?: string;
  /** WebSub hub advertised by the feed itself. */
  hub?: string;
  selfUrl?: string;
  /** Minutes, from <ttl> or sy:updatePeriod/sy:updateFrequency. */
  ttlMinutes?: number;
  entries: FeedEntry[];
}

/** The text of one item as the tagger and clusterer see it. Fields may hold HTML; stages strip it. */
export interface ItemText {
  id: string;
  title: string;
  summary?: string;
  body?: string;
  url?: string;
  source?: string;
  published?: string;
}

export type SourceKind = 'feed' | 'html';
export type DedupPolicy = 'guid' | 'link' | 'title_link';
export type Role = 'admin' | 'editor' | 'press_officer';

/** A topic an item has, credited to the rule that gave it, with the terms to highlight. */
export interface TopicMatch {
  topic: string;
  rule?: string | null;
  matches?: unknown;
}
