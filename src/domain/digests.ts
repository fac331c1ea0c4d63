// The digest vocabulary: campaigners' subscriptions and the digests sent to them. Imports nothing.

export const FREQUENCIES = ['instant', 'daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'suppressed'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/** Why an address is on the suppression list (never mailed again, digests or releases). */
export const SUPPRESSION_REASONS = ['bounce', 'complaint', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Subscriber {
  id: number;
  email: string;
  topics: string[];
  frequency: Frequency;
  status: SubscriberStatus;
  skipEmpty: boolean;
  consentText: string;
  /** In every signed link; an unsubscribe bumps it, retiring the links sent before. */
  linkVersion: number;
  /** A form post's choices awaiting its confirmation link. */
  pendingTopics: string[] | null;
  pendingFrequency: Frequency | null;
  confirmSentAt: Date | null;
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  /** The cut-off of the last digest built for this subscriber (or the confirmation time). */
  lastCutoff: Date | null;
  updatedAt: Date;
}

export const DIGEST_STATUSES = ['empty', 'pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type DigestStatus = (typeof DIGEST_STATUSES)[number];

export interface Digest {
  id: number;
  subscriberId: number;
  frequency: Frequency;
  period: string;
  since: Date;
  cutoff: Date;
  storyIds: number[];
  releaseIds: number[];
  status: DigestStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  claimedAt: Date | null;
  claimedUntil: Date | null;
  sentAt: Date | null;
  createdAt: Date;
}

/** A story as a digest shows it. */
export interface DigestStory {
  id: number;
  headline: string;
  url: string | null;
  outlet: string | null;
  /** Other sources carrying the story ("+N more sources"). */
  moreSources: number;
  at: Date;
  /** Plain text from the headline item: the first few hundred characters, cut by the sender. */
  snippet: string;
  topics: string[];
  /** "09:15, Monday 2 March 2026" (UK time), set once per story by the sender. */
  when?: string;
}

/** A union release as a digest shows it (at the top). */
export interface DigestRelease {
  id: number;
  subject: string;
  slug: string;
  sentAt: Date;
}

/** When a story first carried a topic: the digests' clock. */
export interface TopicSighting {
  storyId: number;
  topic: string;
  firstAt: Date;
}
