-- Drafts of press releases and their approval (issue 14). A draft answers one story (UNIQUE story_id: a
-- worker killed mid-draft and retried cannot make a second); every change of status goes through a status
-- lock (SELECT … FOR UPDATE, allowed-from states, expected version) and writes a draft_events row in the
-- same transaction. `version` counts edits: signed approval links carry it, so a link for an older text says
-- "the draft has changed" instead of approving words nobody read.

-- What kind of publisher a source is, for draft policies ("draft when an official announcement or an
-- inspectorate report is in the story"). NULL = not said: src/pipeline/draft-policy.ts then infers official
-- sources from their host (gov.uk) and inspectorates from theirs (justiceinspectorates.gov.uk).
ALTER TABLE sources ADD COLUMN category text
  CHECK (category IN ('official', 'inspectorate', 'news', 'blog', 'campaign'));

-- The union's position statements and spokesperson quotes per topic. Every save is a new version; drafts
-- use the highest one and record which (drafts.lines_version).
CREATE TABLE lines_to_take (
  id         bigserial PRIMARY KEY,
  topic      text NOT NULL,
  version    integer NOT NULL CHECK (version >= 1),
  position   text NOT NULL,
  -- [{ "speaker": "…", "role": "…", "text": "…" }]
  quotes     jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (topic, version)
);

-- When a new story in a topic is drafted automatically. A topic without a row uses the defaults in
-- src/storage/draft-policies.ts (the same values as the column defaults here).
CREATE TABLE draft_policies (
  topic            text PRIMARY KEY,
  enabled          boolean NOT NULL DEFAULT true,
  min_sources      integer NOT NULL DEFAULT 1 CHECK (min_sources >= 1),
  -- At least one item from a source of one of these kinds; empty = any source.
  source_kinds     text[] NOT NULL DEFAULT ARRAY['official', 'inspectorate']::text[],
  -- UK local minutes of the day (Europe/London); no automatic drafts from start to end (may wrap midnight).
  quiet_start      integer CHECK (quiet_start BETWEEN 0 AND 1439),
  quiet_end        integer CHECK (quiet_end BETWEEN 0 AND 1439),
  max_per_hour     integer NOT NULL DEFAULT 3 CHECK (max_per_hour >= 0),
  deadline_minutes integer NOT NULL DEFAULT 30 CHECK (deadline_minutes >= 1),
  expire_hours     integer NOT NULL DEFAULT 12 CHECK (expire_hours >= 1),
  -- Release template name; NULL = picked by topic and source kind.
  template         text,
  updated_by       bigint REFERENCES users (id) ON DELETE SET NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE drafts (
  id                  bigserial PRIMARY KEY,
  story_id            bigint NOT NULL UNIQUE REFERENCES stories (id),
  template            text NOT NULL,
  topic               text NOT NULL,
  lines_version       integer,
  version             integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  status              text NOT NULL DEFAULT 'drafted'
    CHECK (status IN ('drafted', 'awaiting_approval', 'changes_requested', 'approved', 'rejected', 'expired')),
  subject             text NOT NULL,
  body_html           text NOT NULL,
  body_text           text NOT NULL,
  -- What the template produced, kept to diff a press officer's edit against.
  generated_html      text NOT NULL,
  generated_text      text NOT NULL,
  last_editor_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  decided_by          bigint REFERENCES users (id) ON DELETE SET NULL,
  decided_at          timestamptz,
  -- Set on each entry into awaiting_approval: a decision is due by deadline_at; chaseDrafts acts at
  -- next_chase_at (reminder, then the next press officer, then all) and expires the draft at expires_at.
  deadline_at         timestamptz,
  next_chase_at       timestamptz,
  expires_at          timestamptz,
  reminded_at         timestamptz,
  escalation_level    integer NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);
CREATE INDEX drafts_chase ON drafts (next_chase_at) WHERE status = 'awaiting_approval';
CREATE INDEX drafts_topic_created ON drafts (topic, created_at);
CREATE INDEX drafts_status ON drafts (status, updated_at DESC);

-- The draft's history: every creation, transition, edit, reminder and escalation. user_id NULL = the system.
CREATE TABLE draft_events (
  id          bigserial PRIMARY KEY,
  draft_id    bigint NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  user_id     bigint REFERENCES users (id) ON DELETE SET NULL,
  action      text NOT NULL,
  from_status text,
  to_status   text,
  version     integer NOT NULL,
  comment     text
);
CREATE INDEX draft_events_draft ON draft_events (draft_id, at, id);

-- One row per email about a draft version to a person (approval, reminder, escalation): a retried job
-- resumes instead of emailing twice. A row is claimed (claimed_until) before the send and marked sent
-- after it; a claim that lapsed without sent_at (the process died mid-send) may be claimed again.
CREATE TABLE draft_notifications (
  draft_id      bigint NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
  version       integer NOT NULL,
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('approval', 'reminder', 'escalation')),
  claimed_until timestamptz NOT NULL,
  sent_at       timestamptz,
  message_id    text,
  PRIMARY KEY (draft_id, version, user_id, kind)
);

-- Who is on duty when: a weekly table in UK local time (weekday 0 = Sunday, minutes of the day, end
-- exclusive). Nobody on duty = every press officer.
CREATE TABLE duty_rota (
  id           bigserial PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  weekday      integer NOT NULL CHECK (weekday BETWEEN 0 AND 6),
  start_minute integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute   integer NOT NULL CHECK (end_minute BETWEEN 1 AND 1440 AND end_minute > start_minute)
);
CREATE INDEX duty_rota_weekday ON duty_rota (weekday, start_minute);

-- Signed links are single use: their nonce is recorded when a POST acts on one.
CREATE TABLE used_links (
  nonce    text PRIMARY KEY,
  draft_id bigint REFERENCES drafts (id) ON DELETE CASCADE,
  user_id  bigint REFERENCES users (id) ON DELETE SET NULL,
  action   text NOT NULL,
  used_at  timestamptz NOT NULL
);

-- "The approver must not be the last editor" (four eyes): off until an admin turns it on.
INSERT INTO settings (key, value) VALUES ('drafts.approver_not_last_editor', 'false'::jsonb) ON CONFLICT (key) DO NOTHING;
