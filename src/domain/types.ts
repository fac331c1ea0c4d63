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

/** Where the items are on a listing page without a feed (kind 'html'): CSS selectors an editor typed. */
export interface ScrapeSelectors {
  /** One element per item on the page. */
  item: string;
  /** Inside an item: the link (an <a>, or an element containing one). */
  link: string;
  title?: string;
  date?: string;
  summary?: string;
}

/** A source as a person or a file describes it (the add form, OPML, a source pack); the rest is defaulted. */
export interface SourceSpec {
  url: string;
  name: string;
  /** The name is the host, given by pressdesk, not a person: the feed's title replaces it at its first read. */
  nameIsDefault?: boolean;
  kind?: SourceKind;
  selectors?: ScrapeSelectors | null;
  minIntervalS?: number;
  maxIntervalS?: number;
  charset?: string | null;
  dedupPolicy?: DedupPolicy;
  topics?: string[];
  enabled?: boolean;
}

/** A stored source: its spec, plus what polling learnt (validators, health, next poll time, WebSub). */
export interface Source {
  id: number;
  url: string;
  host: string;
  name: string;
  kind: SourceKind;
  selectors: ScrapeSelectors | null;
  minIntervalS: number;
  maxIntervalS: number;
  charset: string | null;
  dedupPolicy: DedupPolicy;
  topics: string[];
  enabled: boolean;
  /** See SourceSpec.nameIsDefault. */
  nameIsDefault: boolean;
  /** Removed by a person: no longer polled or listed; its items stay. */
  removedAt: Date | null;
  createdAt: Date;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  pollsSinceFull: number;
  intervalS: number | null;
  nextPollAt: Date;
  nextPollReason: string | null;
  lastFetchAt: Date | null;
  lastSuccessAt: Date | null;
  lastNewItemAt: Date | null;
  consecutiveFailures: number;
  errorScore: number;
  lastError: string | null;
  lastStatus: number | null;
  itemsPerDay: number | null;
  /** Entries the feed carried when a poll last read it, and how many of them that poll left out
   *  (MAX_ITEMS_PER_POLL keeps the newest). */
  lastFeedItems: number | null;
  lastSkippedItems: number;
  failingSince: Date | null;
  failingNotifiedAt: Date | null;
  websubHub: string | null;
  websubTopic: string | null;
  websubSecret: string | null;
  websubState: string | null;
  websubLeaseUntil: Date | null;
}

/** What narrows an archive search (web /stories, `pressdesk stories search`, the CSV export). */
export interface SearchFilters {
  /** A tsquery for to_tsquery('english', …), from searchQuery(); none lists the newest stories. */
  tsquery?: string;
  /** searchQuery()'s screen for the index; without one the tsquery is checked on every item (same results). */
  screen?: string | null;
  topic?: string;
  /** A source's name (any case), host or id. */
  source?: string;
  since?: Date;
  until?: Date;
  /** Only items that carry a topic (the desk's "relevant"); unset lists everything fetched. */
  relevant?: boolean;
}

/** One matched item of a story in the archive. */
export interface ItemHit {
  id: number;
  title: string;
  url: string | null;
  source: string;
  /** The item's time: its feed date unless that is after we fetched it. */
  time: Date;
}

/** One story (or an item not clustered yet) in the archive, with its matched items. */
export interface StoryHit {
  /** Null for an item not clustered yet: it is its own group. */
  storyId: number | null;
  headline: string;
  headlineUrl: string | null;
  topics: string[];
  firstSeen: Date;
  lastSeen: Date;
  sourceCount: number;
  itemCount: number;
  /** Items of the story that match, and the first few of them. */
  matched: number;
  items: ItemHit[];
}
export type Role = 'admin' | 'editor' | 'press_officer';

/** A topic an item has, credited to the rule that gave it, with the terms to highlight. */
export interface TopicMatch {
  topic: string;
  rule?: string | null;
  matches?: unknown;
}
