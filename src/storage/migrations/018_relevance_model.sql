-- The relevance model on top of the rules (src/pipeline/relevance/, docs/relevance.md).

-- Every retrain is a version: the model (weights per feature and head, thresholds), its cross-validated
-- metrics (rules alone against rules + model on the items it learnt from), what it learnt from and how long it
-- took. A version that lowers precision or F1 against the rules on those items is kept, not activated
-- (`activated` false, `note` says why). The ACTIVE model is the activated version with the highest number, or
-- the shipped one (src/packs/relevance/uk-justice.json) when none is.
CREATE TABLE relevance_models (
  id           bigserial PRIMARY KEY,
  number       integer NOT NULL UNIQUE CHECK (number >= 1),
  model        jsonb NOT NULL,
  metrics      jsonb NOT NULL,
  -- Labelled items it learnt from: press officers' verdicts (feedback), on top of the model it started from.
  examples     integer NOT NULL,
  -- The model it started from (its prior): a version number, 0 = the shipped one.
  prior        integer NOT NULL,
  -- The rule version whose decisions it learnt with (NULL = the shipped pack).
  rule_version integer,
  activated    boolean NOT NULL,
  note         text NOT NULL DEFAULT '',
  train_ms     integer NOT NULL,
  requested_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX relevance_models_active ON relevance_models (number DESC) WHERE activated;

-- Per topic, what the model may do: 'rules' (not asked), 'suggest' (decisions shown, not applied) or 'apply'.
-- A topic without a row: 'apply' (src/domain/relevance.ts DEFAULT_MODE).
CREATE TABLE topic_modes (
  topic      text PRIMARY KEY,
  mode       text NOT NULL CHECK (mode IN ('rules', 'suggest', 'apply')),
  updated_by bigint REFERENCES users (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL
);

-- The model's decisions on an item where it disagreed with the rules (a veto or a rescue, applied or only
-- suggested), with the terms that weighed most, for the story page. No row: the model agreed or was not asked.
-- Replaced whenever the item is tagged again.
CREATE TABLE item_decisions (
  item_id    bigint PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
  -- The model version that decided (0 = the shipped one).
  model      integer NOT NULL,
  -- [{ topic, action: 'veto' | 'rescue', probability, applied, terms: [{ term, weight }] }]
  decisions  jsonb NOT NULL,
  decided_at timestamptz NOT NULL
);
