-- Keyword rules in the database: every save is a new version (author, time, message, the YAML as written and
-- the loaded rule set). The ACTIVE version is the one with the highest number: a save activates, and a
-- rollback saves a copy of an old version as a new number, so history is never rewritten.
CREATE TABLE rule_versions (
  id          bigserial PRIMARY KEY,
  number      integer NOT NULL UNIQUE CHECK (number >= 1),
  yaml        text NOT NULL,
  rule_set    jsonb NOT NULL,
  author_id   bigint REFERENCES users (id) ON DELETE SET NULL,
  message     text NOT NULL DEFAULT '',
  -- The version this one copies (a rollback), else NULL.
  copied_from integer,
  created_at  timestamptz NOT NULL
);

-- Re-tagging stored items after a rule change: one row per run, progress written as batches finish, and a
-- cursor (last item id done) so a retried job resumes where it stopped.
CREATE TABLE retag_runs (
  id           bigserial PRIMARY KEY,
  -- The rule version to tag with; NULL = the shipped pack (no version saved yet).
  version      integer,
  -- queued | running | done | failed
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  since        timestamptz,
  total        integer NOT NULL DEFAULT 0,
  progress     integer NOT NULL DEFAULT 0,
  changed      integer NOT NULL DEFAULT 0,
  cursor_id    bigint NOT NULL DEFAULT 0,
  error        text,
  requested_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz
);
CREATE INDEX retag_runs_created ON retag_runs (created_at DESC);

-- Press officers' and editors' verdicts on tagged items. One row per item and person (a link from an email
-- carries no person: user_id NULL, one row per item); the latest verdict per item counts for precision.
CREATE TABLE feedback (
  id         bigserial PRIMARY KEY,
  item_id    bigint NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  user_id    bigint REFERENCES users (id) ON DELETE SET NULL,
  relevant   boolean NOT NULL,
  via        text NOT NULL CHECK (via IN ('web', 'link', 'cli')),
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX feedback_item_user ON feedback (item_id, coalesce(user_id, 0));
CREATE INDEX feedback_created ON feedback (created_at DESC);

-- Per-rule stats read item_topics by the rule that gave the topic.
CREATE INDEX item_topics_rule ON item_topics (topic, rule);
