-- Releases and their distribution to media contacts (issue 15). An approved draft becomes one release
-- (UNIQUE draft_id: a second approval click, or a retried job, cannot make a second). Distribution writes one
-- delivery row per recipient (UNIQUE release + contact) before any email goes, so a worker killed halfway
-- resumes from the rows instead of mailing anyone twice; every status change is a status lock (an UPDATE with
-- the allowed-from states in its WHERE clause).

-- Journalists and newsdesks. Their beats are topic ids: "lists by topic" are the contacts with that topic.
CREATE TABLE contacts (
  id             bigserial PRIMARY KEY,
  name           text NOT NULL,
  outlet         text,
  email          text NOT NULL,
  topics         text[] NOT NULL DEFAULT '{}'::text[],
  -- Asked not to be mailed: kept (so an import cannot quietly add them back) but never selected.
  do_not_contact boolean NOT NULL DEFAULT false,
  notes          text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- One contact per address whatever its case: imports merge on it.
CREATE UNIQUE INDEX contacts_email ON contacts (lower(email));
CREATE INDEX contacts_topics ON contacts USING gin (topics);

-- Addresses never to mail, whoever they belong to (hard bounces, complaints, opt-outs); digests share it.
CREATE TABLE suppressions (
  email  text PRIMARY KEY CHECK (email = lower(email)),
  reason text NOT NULL,
  at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE releases (
  id            bigserial PRIMARY KEY,
  draft_id      bigint NOT NULL UNIQUE REFERENCES drafts (id),
  slug          text NOT NULL UNIQUE,
  subject       text NOT NULL,
  -- Rendered once at approval from the draft as approved; emails personalise only the envelope.
  html          text NOT NULL,
  text          text NOT NULL,
  topics        text[] NOT NULL DEFAULT '{}'::text[],
  -- scheduled -> sending -> sent; scheduled -> cancelled (until distribution starts).
  status        text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'sending', 'sent', 'cancelled')),
  -- When distribution starts (the delayed distribute job fires then); the embargo line in the email says
  -- until when journalists must hold it. Both NULL = now, no embargo.
  send_at       timestamptz,
  embargo_until timestamptz,
  -- Who receives it: { "topics": [...], "contactIds": [...] }.
  recipients    jsonb NOT NULL DEFAULT '{"topics": []}'::jsonb,
  approved_by   bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL,
  sending_at    timestamptz,
  sent_at       timestamptz,
  cancelled_at  timestamptz,
  cancelled_by  bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX releases_due ON releases (send_at) WHERE status = 'scheduled';
CREATE INDEX releases_sent ON releases (sent_at DESC) WHERE status = 'sent';

-- One email of a release to one contact. pending -> sending (claimed until claimed_until) -> sent | failed;
-- skipped = the contact opted out or was suppressed after the row was written. A claim that lapsed without
-- a result (the process died mid-send) may be taken again; the Message-ID is fixed per row, so a resend after
-- such a crash is recognisably the same message.
CREATE TABLE deliveries (
  id            bigserial PRIMARY KEY,
  release_id    bigint NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  contact_id    bigint NOT NULL REFERENCES contacts (id),
  email         text NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  message_id    text,
  claimed_at    timestamptz,
  claimed_until timestamptz,
  sent_at       timestamptz,
  created_at    timestamptz NOT NULL,
  UNIQUE (release_id, contact_id)
);
CREATE INDEX deliveries_release_status ON deliveries (release_id, status);
-- The sliding-window send limit counts claims in the last window.
CREATE INDEX deliveries_claimed ON deliveries (claimed_at) WHERE claimed_at IS NOT NULL;
