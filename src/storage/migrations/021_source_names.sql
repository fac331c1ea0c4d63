-- Sources get the feed's own title when nobody named them, and can be removed without losing their items.
--   name_is_default: the name is the host, given by pressdesk, not a person; the first poll that reads the
--     feed's <title> replaces it (and clears the flag). Existing sources named after their host follow too.
--   removed_at: a removed source stops polling and leaves every list, but keeps its row, so its items (and the
--     stories and digests built on them) keep their source; adding its URL again brings it back.
-- installation.public_url: the address the web server runs at (PUBLIC_URL, or http://localhost:ITS_PORT),
-- recorded at its start, so links the CLI prints or mails are the server's even when its shell lacks PUBLIC_URL.
ALTER TABLE sources
  ADD COLUMN name_is_default boolean NOT NULL DEFAULT false,
  ADD COLUMN removed_at timestamptz;
UPDATE sources SET name_is_default = true WHERE name = host;
ALTER TABLE installation ADD COLUMN public_url text;
