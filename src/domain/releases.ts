// The release vocabulary: contacts, releases and their deliveries. Imports nothing.

export interface Contact {
  id: number;
  name: string;
  outlet: string | null;
  email: string;
  /** Topic ids the contact covers: the "lists" a release goes to. */
  topics: string[];
  doNotContact: boolean;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A contact as imported or edited, before it has an id. */
export interface ContactInput {
  name: string;
  email: string;
  outlet?: string | null;
  topics?: string[];
  doNotContact?: boolean;
  notes?: string | null;
}

export const RELEASE_STATUSES = ['scheduled', 'sending', 'sent', 'cancelled'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** Who receives a release: every contact covering one of the topics, plus the contacts named. */
export interface RecipientSpec {
  topics: string[];
  contactIds?: number[];
}

export interface Release {
  id: number;
  draftId: number;
  slug: string;
  subject: string;
  html: string;
  text: string;
  topics: string[];
  status: ReleaseStatus;
  /** When distribution starts; null = at approval. */
  sendAt: Date | null;
  /** The embargo line in the email; null = for immediate release. */
  embargoUntil: Date | null;
  recipients: RecipientSpec;
  approvedBy: number | null;
  createdAt: Date;
  sendingAt: Date | null;
  sentAt: Date | null;
  cancelledAt: Date | null;
}

export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  id: number;
  releaseId: number;
  contactId: number;
  email: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  claimedAt: Date | null;
  claimedUntil: Date | null;
  sentAt: Date | null;
  createdAt: Date;
}
