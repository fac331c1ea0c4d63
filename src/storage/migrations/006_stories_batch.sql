-- Clustering a batch of items (assignStories, src/storage/stories.ts).
-- Candidate lookup: per band key only its newest stories are looked at (KEY_SCAN_LIMIT in
-- src/pipeline/cluster.ts), so the lookup reads at most that many index entries per key instead of every story
-- filed under a frequent title word. (band_key, story_id) serves that ordered, limited scan and the plain
-- equality lookups story_bands_key served.
CREATE INDEX story_bands_key_story ON story_bands (band_key, story_id);
DROP INDEX story_bands_key;

-- A candidate story's representatives are its first and latest item by item time: without this index each
-- lookup sorted all of a story's items (a story of hundreds of items cost milliseconds per candidate).
CREATE INDEX items_story_time ON items (story_id, (least(published_at, fetched_at)), id) WHERE story_id IS NOT NULL;
