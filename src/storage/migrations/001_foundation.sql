-- Deployment-wide settings editors change at run time (not secrets: those stay in the environment).
CREATE TABLE settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
