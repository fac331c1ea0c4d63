-- People who log in (campaigners never do: they use signed links). Emails are stored lower-cased.
CREATE TABLE users (
  id            bigserial PRIMARY KEY,
  email         text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
  -- NULL until the person follows their set-password link.
  password_hash text,
  roles         text[] NOT NULL CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['admin', 'editor', 'press_officer']::text[]),
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One-time set-password links: only the SHA-256 of the token is kept, so a database leak cannot use them.
CREATE TABLE password_tokens (
  token_hash text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_tokens_user ON password_tokens (user_id);

-- Browser sessions, referenced by the SHA-256 of the random id in the (signed) cookie.
CREATE TABLE sessions (
  id_hash      text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  -- Slides forward on use, never past created_at + the absolute maximum.
  expires_at   timestamptz NOT NULL,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed logins, counted per key ("ip|email" and "ip") over a sliding window to rate-limit guessing.
CREATE TABLE login_failures (
  key text NOT NULL,
  at  timestamptz NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- Who did what, when, to which object. Later issues write here too (rules, drafts, releases).
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  user_id     bigint REFERENCES users(id) ON DELETE SET NULL,
  action      text NOT NULL,
  object_type text,
  object_id   text,
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
