-- Campaigners' topic subscriptions and their digests (issue 16).
--
-- A subscriber exists from the first form post, but is mailed digests only once confirmed (double opt-in).
-- `last_cutoff` chains the digests: each one holds the stories first tagged with one of the subscriber's
-- topics in (last_cutoff, cutoff], and the insert that writes a digest moves last_cutoff to its cutoff in the
-- same transaction, so a late or re-run digest neither repeats nor misses a story. `link_version` is in every
-- signed link; bumping it (unsubscribe) retires the links already sent.
CREATE TABLE subscribers (
  id               bigserial PRIMARY KEY,
  email            text NOT NULL CHECK (email = lower(email)),
  topics           text[] NOT NULL DEFAULT '{}'::text[],
  frequency        text NOT NULL CHECK (frequency IN ('instant', 'daily', 'weekly')),
  -- pending (not confirmed) -> active -> unsubscribed | suppressed; a new confirmed opt-in makes it active again.
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'unsubscribed', 'suppressed')),
  skip_empty       boolean NOT NULL DEFAULT true,
  -- What the person agreed to, word for word, and when (the confirmation is the consent that counts).
  consent_text     text NOT NULL,
  link_version     integer NOT NULL DEFAULT 1,
  -- Choices from a form post not yet confirmed: applied by the confirm link, so nobody can change another
  -- person's subscription by posting their address.
  pending_topics   text[],
  pending_frequency text CHECK (pending_frequency IN ('instant', 'daily', 'weekly')),
  confirm_sent_at  timestamptz,
  created_at       timestamptz NOT NULL,
  confirmed_at     timestamptz,
  unsubscribed_at  timestamptz,
  last_cutoff      timestamptz,
  updated_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX subscribers_email ON subscribers (email);
CREATE INDEX subscribers_due ON subscribers (frequency, id) WHERE status = 'active';

-- When a story first carried each topic (written with the story's state, src/storage/stories.ts): the
-- digests' clock. A topic the story loses and regains keeps its first time, so it is not news twice.
CREATE TABLE story_topics_seen (
  story_id  bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
  topic     text NOT NULL,
  first_at  timestamptz NOT NULL,
  PRIMARY KEY (story_id, topic)
);
CREATE INDEX story_topics_seen_first_at ON story_topics_seen (first_at);
INSERT INTO story_topics_seen (story_id, topic, first_at)
  SELECT s.id, t, s.created_at FROM stories s CROSS JOIN LATERAL unnest(s.topics) AS t ON CONFLICT DO NOTHING;

-- One digest per subscriber and period (UNIQUE): daily D2026-12-07, weekly W2026-49, instant I<cutoff>.
-- empty = nothing to send and the subscriber skips empty digests (kept so a re-run of the day is a no-op).
-- pending -> sending (claimed until claimed_until) -> sent | failed; skipped = unsubscribed or suppressed
-- after the row was written. The Message-ID is fixed per row, so a resend after a crash is the same message.
CREATE TABLE digests (
  id            bigserial PRIMARY KEY,
  subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  frequency     text NOT NULL,
  period        text NOT NULL,
  since         timestamptz NOT NULL,
  cutoff        timestamptz NOT NULL,
  story_ids     bigint[] NOT NULL DEFAULT '{}'::bigint[],
  release_ids   bigint[] NOT NULL DEFAULT '{}'::bigint[],
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('empty', 'pending', 'sending', 'sent', 'failed', 'skipped')),
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  message_id    text,
  claimed_at    timestamptz,
  claimed_until timestamptz,
  sent_at       timestamptz,
  created_at    timestamptz NOT NULL,
  UNIQUE (subscriber_id, period)
);
CREATE INDEX digests_unsettled ON digests (id) WHERE status IN ('pending', 'sending');
CREATE INDEX digests_claimed ON digests (claimed_at) WHERE claimed_at IS NOT NULL;
