-- This installation's identity: a random id made once, with the database. It claims the Redis queue prefix
-- (src/adapters/redis.ts claimQueuePrefix), so two installations sharing one Redis cannot take each other's
-- jobs and run them against the wrong database.
CREATE TABLE installation (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  id         text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO installation (id) VALUES (md5(random()::text || clock_timestamp()::text));
