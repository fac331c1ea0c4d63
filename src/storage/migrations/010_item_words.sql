-- The backtest's word index as columns instead of an expression index. Evaluating backtest_words and
-- backtest_exact (008) on every insert was most of PostgreSQL's CPU during ingestion: ~140 of ~460 µs per
-- item, the regular expressions over title + summary + body + url. insertItems now computes both in JS
-- (src/storage/item-words.ts, tested against these functions) and stores them; the trigger computes them in
-- SQL for any writer that does not (an UPDATE of the text, an INSERT from elsewhere), so the columns always
-- hold what the functions would say.
ALTER TABLE items ADD COLUMN words tsvector, ADD COLUMN words_exact boolean;
UPDATE items SET words = backtest_words(title, summary_html, body_text, url),
                 words_exact = backtest_exact(title, summary_html, body_text, url);
ALTER TABLE items ALTER COLUMN words SET NOT NULL, ALTER COLUMN words_exact SET NOT NULL;

CREATE FUNCTION items_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.words IS NOT NULL AND NEW.words_exact IS NOT NULL THEN RETURN NEW; END IF;
  ELSIF (NEW.title, NEW.summary_html, NEW.body_text, NEW.url) IS NOT DISTINCT FROM (OLD.title, OLD.summary_html, OLD.body_text, OLD.url)
     OR (NEW.words IS DISTINCT FROM OLD.words AND NEW.words_exact IS NOT NULL) THEN
    RETURN NEW;
  END IF;
  NEW.words := backtest_words(NEW.title, NEW.summary_html, NEW.body_text, NEW.url);
  NEW.words_exact := backtest_exact(NEW.title, NEW.summary_html, NEW.body_text, NEW.url);
  RETURN NEW;
END $$;
CREATE TRIGGER items_words BEFORE INSERT OR UPDATE OF title, summary_html, body_text, url ON items
  FOR EACH ROW EXECUTE FUNCTION items_words();

DROP INDEX items_backtest_words;
DROP INDEX items_backtest_inexact;
CREATE INDEX items_words ON items USING gin (words);
CREATE INDEX items_inexact ON items (id) WHERE NOT words_exact;
