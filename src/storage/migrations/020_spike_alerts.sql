-- Spike alerts: at most one email per topic per UK day (the primary key is the guard, not the job).
CREATE TABLE spike_alerts (
  topic    text NOT NULL,
  day      date NOT NULL,
  recent   integer NOT NULL,
  usual    real NOT NULL,
  sent_at  timestamptz NOT NULL,
  PRIMARY KEY (topic, day)
);
