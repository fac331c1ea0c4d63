// Story vocabulary shared by clustering (pipeline), its orchestration (services) and storage. Types only.

/** The stored, comparable form of one item. Plain JSON; `minhash` is int4[] in Postgres. */
export interface Signature {
  v: 1;
  /** Folded title terms, no stopwords, no duplicates. */
  title: string[];
  /** Folded names, places and numbers from the title and text, title ones first. */
  names: string[];
  /** 64 signed 32-bit MinHash values over word 2-shingles of title + text. */
  minhash: number[];
  /** Number of distinct shingles the MinHash was taken over. */
  size: number;
  /** The text's first distinctive terms beyond the title and names (stemmed): whether it mentions the other
   *  item's title words. Absent in signatures stored before it was added. */
  words?: string[];
  /** A roundup or service piece (briefing, podcast, live page, photos of the day, how-to guide, tips): a story
   *  of its own, which neither joins, nor is joined by, nor bridges others. */
  standalone?: true;
}

export interface StoryCandidate {
  id: string;
  /** ISO-8601: the published time of the story's latest item. */
  lastSeen: string;
  /** Representative signatures: the first item, the headline item, the latest few. */
  sigs: Signature[];
}

/** A stored story, as storage's candidate lookup found it. */
export interface StoredStory extends StoryCandidate {
  /** ISO-8601: the earliest item's time (a backfilled item earlier than this becomes the first representative). */
  firstSeen?: string;
  /** Stories an editor split apart from this one: never merged with it automatically. */
  apart?: readonly string[];
}

/** Where an item went when it was put into a story. */
export type Assignment =
  | { kind: 'kept'; storyId: number }
  | { kind: 'new'; storyId: number }
  | { kind: 'join'; storyId: number; score: number }
  | { kind: 'merge'; storyId: number; merged: number[]; score: number };

/** Who did an editor's action on a story, and when. */
export interface EditorAction {
  /** The editor's email, kept in story_decisions. */
  actor: string;
  /** The editor's user id for the audit log (null from the CLI). */
  userId: number | null;
  now: Date;
  note?: string;
}
