// The draft vocabulary shared by storage, pipeline stages and services. Imports nothing.

export const DRAFT_STATUSES = ['drafted', 'awaiting_approval', 'changes_requested', 'approved', 'rejected', 'expired'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

/** What a press officer decides about a draft awaiting approval. */
export const DECISIONS = ['approve', 'request_changes', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Every action that changes a draft (the audit's `action`). */
export type DraftAction = Decision | 'request_approval' | 'edit' | 'expire';

/** What kind of publisher a source is (sources.category). */
export const SOURCE_CATEGORIES = ['official', 'inspectorate', 'news', 'blog', 'campaign'] as const;
export type SourceCategory = (typeof SOURCE_CATEGORIES)[number];

export interface Quote {
  speaker: string;
  role?: string;
  text: string;
}

/** The union's position on a topic, one saved version. */
export interface LinesToTake {
  topic: string;
  version: number;
  position: string;
  quotes: Quote[];
  createdBy: number | null;
  createdAt: Date;
}

export interface DraftPolicy {
  topic: string;
  enabled: boolean;
  minSources: number;
  /** Empty = any source. */
  sourceKinds: SourceCategory[];
  /** UK local minutes of the day; both null = no quiet hours. */
  quietStart: number | null;
  quietEnd: number | null;
  maxPerHour: number;
  deadlineMinutes: number;
  expireHours: number;
  template: string | null;
}

export interface Draft {
  id: number;
  storyId: number;
  template: string;
  topic: string;
  linesVersion: number | null;
  version: number;
  status: DraftStatus;
  subject: string;
  bodyHtml: string;
  bodyText: string;
  generatedHtml: string;
  generatedText: string;
  lastEditorUserId: number | null;
  decidedBy: number | null;
  decidedAt: Date | null;
  deadlineAt: Date | null;
  nextChaseAt: Date | null;
  expiresAt: Date | null;
  remindedAt: Date | null;
  escalationLevel: number;
  createdAt: Date;
  updatedAt: Date;
}

/** An item of the story a draft is written from, with its source. */
export interface DraftSourceItem {
  id: number;
  title: string;
  url: string | null;
  source: string;
  sourceUrl: string;
  sourceCategory: SourceCategory | null;
  summaryHtml: string | null;
  bodyText: string | null;
  publishedAt: Date | null;
  /** The item's time: its feed date unless after we fetched it. */
  time: Date;
  /** item_topics.matches per topic (TermHit[] as stored by the tagger). */
  matches: { topic: string; matches: unknown }[];
}
