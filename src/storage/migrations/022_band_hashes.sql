-- story_bands files each story under a 64-bit hash of its band key instead of the key's text: one row per key
-- per new story (~38) is most of what clustering writes, and text keys with two text indexes made each row
-- cost ~30 µs and the table 2.5x larger. hashtextextended is PostgreSQL's own (PGlite has it), so the text
-- keys still travel and the database hashes them. A collision only adds a candidate, which scoring rejects.
-- One index serves both the lookup (band_key, newest story first) and ON CONFLICT; story_id's own index is
-- for folding a merged story's keys and for the foreign key's cascade.
ALTER TABLE story_bands DROP CONSTRAINT story_bands_pkey;
DROP INDEX story_bands_key_story;
ALTER TABLE story_bands ALTER COLUMN band_key TYPE bigint USING hashtextextended(band_key, 0);
DELETE FROM story_bands a USING story_bands b
  WHERE a.ctid < b.ctid AND a.band_key = b.band_key AND a.story_id = b.story_id;
ALTER TABLE story_bands ADD PRIMARY KEY (band_key, story_id);
CREATE INDEX story_bands_story ON story_bands (story_id);
