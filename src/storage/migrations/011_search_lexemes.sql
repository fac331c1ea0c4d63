-- The archive search's GIN index over a stored column instead of the to_tsvector expression (009). Running
-- PostgreSQL's text-search parser on every insert was about half of its CPU per stored item, and every later
-- UPDATE of an item row (a story assignment, marking it processed) ran it again for the index. insertItems now
-- computes the lexemes in JS (src/storage/search-lexemes.ts, tested against this expression) and stores them
-- without positions; the trigger computes them in SQL whenever a writer sends none or changes the text without
-- them. Without positions the index only screens: src/storage/search.ts re-checks phrases and ranks with the
-- full to_tsvector on the rows it lets through, as the ranking always did.
ALTER TABLE items ADD COLUMN search_lexemes tsvector;
UPDATE items SET search_lexemes = strip(to_tsvector('english', item_search_text(title, summary_html, body_text)));
ALTER TABLE items ALTER COLUMN search_lexemes SET NOT NULL;

CREATE OR REPLACE FUNCTION items_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.title, NEW.summary_html, NEW.body_text, NEW.url) IS NOT DISTINCT FROM (OLD.title, OLD.summary_html, OLD.body_text, OLD.url)
     AND NEW.search_lexemes IS NOT NULL THEN
    RETURN NEW;
  END IF;
  -- The writer's own words stand when it sent them (on UPDATE: new ones, for the new text).
  IF NEW.words IS NULL OR NEW.words_exact IS NULL
     OR (TG_OP = 'UPDATE' AND NEW.words IS NOT DISTINCT FROM OLD.words
         AND (NEW.title, NEW.summary_html, NEW.body_text, NEW.url) IS DISTINCT FROM (OLD.title, OLD.summary_html, OLD.body_text, OLD.url)) THEN
    NEW.words := backtest_words(NEW.title, NEW.summary_html, NEW.body_text, NEW.url);
    NEW.words_exact := backtest_exact(NEW.title, NEW.summary_html, NEW.body_text, NEW.url);
  END IF;
  IF NEW.search_lexemes IS NULL
     OR (TG_OP = 'UPDATE' AND NEW.search_lexemes IS NOT DISTINCT FROM OLD.search_lexemes
         AND (NEW.title, NEW.summary_html, NEW.body_text) IS DISTINCT FROM (OLD.title, OLD.summary_html, OLD.body_text)) THEN
    NEW.search_lexemes := strip(to_tsvector('english', item_search_text(NEW.title, NEW.summary_html, NEW.body_text)));
  END IF;
  RETURN NEW;
END $$;

DROP INDEX items_search;
CREATE INDEX items_search ON items USING gin (search_lexemes);
