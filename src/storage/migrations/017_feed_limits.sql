-- The limits on the work one feed can cause (docs/ingestion.md, "Limits on one feed's work"), recorded where
-- a poll's outcome is. fetch_log: how many entries the feed carried (NULL when the poll parsed nothing: 304,
-- an unchanged body, a failure), how many of them the poll left out (MAX_ITEMS_PER_POLL keeps the newest),
-- and how many new teasers it tagged on the feed's own text instead of queueing their pages
-- (MAX_PAGE_FETCHES_PER_POLL). sources: the same two counts of the last poll that read the feed, for the
-- sources page and `pressdesk sources list` ("kept the newest 500 of 50,000 entries").
-- items.extract_status gains the value 'skipped' (no CHECK to change): a teaser whose page was not fetched
-- because of MAX_PAGE_FETCHES_PER_POLL, tagged on the feed's text, extract_error saying so.
ALTER TABLE fetch_log
  ADD COLUMN feed_items integer,
  ADD COLUMN skipped_items integer NOT NULL DEFAULT 0,
  ADD COLUMN pages_not_fetched integer NOT NULL DEFAULT 0;
ALTER TABLE sources
  ADD COLUMN last_feed_items integer,
  ADD COLUMN last_skipped_items integer NOT NULL DEFAULT 0;
