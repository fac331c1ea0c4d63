-- Saved searches: a person's named /stories searches (the query string, only the archive's own parameters).
CREATE TABLE saved_searches (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  query       text NOT NULL,
  created_at  timestamptz NOT NULL,
  UNIQUE (user_id, name)
);
