-- Sources (what pressdesk polls), items (each entry stored once), their topics, and a bounded fetch log.
-- Idempotency lives here: UNIQUE(source_id, identity) and UNIQUE(canonical_url) decide what is new.

CREATE TABLE sources (
  id                   bigserial PRIMARY KEY,
  url                  text NOT NULL UNIQUE,
  -- Lower-case host of url: the per-host politeness cap groups on it.
  host                 text NOT NULL,
  name                 text NOT NULL,
  kind                 text NOT NULL DEFAULT 'feed' CHECK (kind IN ('feed', 'html')),
  -- html sources: { item, link, title?, date?, summary? } CSS selectors.
  selectors            jsonb,
  min_interval_s       integer NOT NULL DEFAULT 300 CHECK (min_interval_s >= 30),
  max_interval_s       integer NOT NULL DEFAULT 21600 CHECK (max_interval_s >= min_interval_s),
  charset              text,
  dedup_policy         text NOT NULL DEFAULT 'guid' CHECK (dedup_policy IN ('guid', 'link', 'title_link')),
  topics               text[] NOT NULL DEFAULT '{}',
  enabled              boolean NOT NULL DEFAULT true,
  created_at           timestamptz NOT NULL DEFAULT now(),
  -- Conditional GET state.
  etag                 text,
  last_modified        text,
  body_hash            text,
  polls_since_full     integer NOT NULL DEFAULT 0,
  -- Scheduling: the adaptive interval, the next due time, and a claim so a tick never double-polls.
  interval_s           integer,
  next_poll_at         timestamptz NOT NULL DEFAULT now(),
  next_poll_reason     text,
  claimed_until        timestamptz,
  -- Health, shown on the sources page and in /metrics.
  last_fetch_at        timestamptz,
  last_success_at      timestamptz,
  last_new_item_at     timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  error_score          real NOT NULL DEFAULT 0,
  last_error           text,
  last_status          integer,
  items_per_day        real,
  failing_since        timestamptz,
  failing_notified_at  timestamptz,
  -- WebSub (state: subscribing | active | denied | null).
  websub_hub           text,
  websub_topic         text,
  websub_secret        text,
  websub_state         text,
  websub_lease_until   timestamptz
);
CREATE INDEX sources_due ON sources (next_poll_at) WHERE enabled;

CREATE TABLE items (
  id             bigserial PRIMARY KEY,
  source_id      bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  -- guid | link | hash(title+link), per the source's dedup policy.
  identity       text NOT NULL,
  -- Normalised URL (and later the page's own rel=canonical): the same story through two sources is one item.
  canonical_url  text,
  guid           text,
  url            text,
  title          text NOT NULL,
  summary_html   text,
  content_html   text,
  -- The best plain text known: feed content first, the extracted page once process-item has run.
  body_text      text,
  author         text,
  published_at   timestamptz,
  fetched_at     timestamptz NOT NULL DEFAULT now(),
  categories     text[] NOT NULL DEFAULT '{}',
  -- pending | not_needed | done | failed | duplicate
  extract_status text NOT NULL DEFAULT 'pending',
  extract_error  text,
  duplicate_of   bigint REFERENCES items (id) ON DELETE SET NULL,
  processed_at   timestamptz,
  story_id       bigint,
  UNIQUE (source_id, identity)
);
CREATE UNIQUE INDEX items_canonical_url ON items (canonical_url);
CREATE INDEX items_published ON items (coalesce(published_at, fetched_at) DESC);
CREATE INDEX items_story ON items (story_id) WHERE story_id IS NOT NULL;
CREATE INDEX items_search ON items USING gin (to_tsvector('english', title || ' ' || coalesce(body_text, '')));

CREATE TABLE item_topics (
  item_id  bigint NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  topic    text NOT NULL,
  rule     text,
  matches  jsonb,
  PRIMARY KEY (item_id, topic)
);
CREATE INDEX item_topics_topic ON item_topics (topic);

-- One row per poll; pruned to 14 days by the schedule-polls maintenance task.
CREATE TABLE fetch_log (
  id         bigserial PRIMARY KEY,
  source_id  bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  at         timestamptz NOT NULL,
  -- ok | not_modified | unchanged | error
  result     text NOT NULL,
  status     integer,
  ms         integer NOT NULL,
  bytes      integer NOT NULL DEFAULT 0,
  new_items  integer NOT NULL DEFAULT 0,
  error      text
);
CREATE INDEX fetch_log_source_at ON fetch_log (source_id, at DESC);
CREATE INDEX fetch_log_at ON fetch_log (at);
