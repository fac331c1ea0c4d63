-- Release templates edited in the web UI. The files in templates/releases/ are the shipped defaults; a
-- template saved here (same name) replaces its file for new drafts. Every save is a new version, so an
-- editor can see what changed and a bad edit can be undone by saving an older text again.
CREATE TABLE release_templates (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  version    integer NOT NULL CHECK (version >= 1),
  source     text NOT NULL,
  created_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (name, version)
);
