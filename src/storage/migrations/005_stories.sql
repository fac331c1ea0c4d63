-- Stories: one story across many outlets. Items point at their story (items.story_id, from 003); a story
-- keeps its derived state (topics, counts, times, headline) so lists and "is this story new?" are one row read.
-- Times: first_seen / last_seen span the story's items (each item at least(published_at, fetched_at): a feed
-- date in the future does not count), so a backfilled old item does not make an old story look new.

CREATE TABLE stories (
  id                bigserial PRIMARY KEY,
  headline_item_id  bigint REFERENCES items (id) ON DELETE SET NULL,
  -- An editor's choice of headline item; wins over pickHeadline while the item stays in the story.
  headline_override bigint REFERENCES items (id) ON DELETE SET NULL,
  -- Union of its items' topics, sorted.
  topics            text[] NOT NULL DEFAULT '{}',
  first_seen        timestamptz NOT NULL,
  last_seen         timestamptz NOT NULL,
  -- When an item last joined or left (the pipeline's clock, not the feed's).
  last_updated      timestamptz NOT NULL,
  created_at        timestamptz NOT NULL,
  source_count      integer NOT NULL DEFAULT 0,
  item_count        integer NOT NULL DEFAULT 0,
  -- Set when folded into another story; the row stays so old links and decisions resolve.
  merged_into       bigint REFERENCES stories (id)
);
CREATE INDEX stories_live_last_seen ON stories (last_seen DESC) WHERE merged_into IS NULL;
CREATE INDEX stories_first_seen ON stories (first_seen);

ALTER TABLE items ADD CONSTRAINT items_story_fk FOREIGN KEY (story_id) REFERENCES stories (id) ON DELETE SET NULL;

-- Keys a story is filed under (MinHash bands and distinctive title terms, from bandKeys): candidate lookup
-- is an equality match on band_key, ranked by how many keys a story shares with the new item.
CREATE TABLE story_bands (
  story_id bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
  band_key text NOT NULL,
  PRIMARY KEY (story_id, band_key)
);
CREATE INDEX story_bands_key ON story_bands (band_key);

-- Each clustered item's signature (plain JSON from signature()); a side table so items stays ingestion's.
CREATE TABLE item_signatures (
  item_id    bigint PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
  sig        jsonb NOT NULL,
  created_at timestamptz NOT NULL
);

-- Every change of membership other than a plain join: editors' splits and merges, automatic merges and
-- headline choices. Kept for audit, and read back: an item split out of a story is never put back in it
-- automatically, and two stories an editor split apart are never merged automatically.
CREATE TABLE story_decisions (
  id             bigserial PRIMARY KEY,
  -- split | merge | headline
  kind           text NOT NULL CHECK (kind IN ('split', 'merge', 'headline')),
  -- split: the story the item left; merge: the story kept; headline: the story.
  story_id       bigint NOT NULL REFERENCES stories (id),
  -- split: the story the item went to; merge: the story folded in.
  other_story_id bigint REFERENCES stories (id),
  item_id        bigint REFERENCES items (id) ON DELETE SET NULL,
  -- Who decided: an editor's email, or null for the clusterer.
  actor          text,
  note           text,
  at             timestamptz NOT NULL
);
CREATE INDEX story_decisions_item ON story_decisions (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX story_decisions_story ON story_decisions (story_id);
CREATE INDEX story_decisions_other ON story_decisions (other_story_id) WHERE other_story_id IS NOT NULL;
