-- Backtest screening (src/pipeline/backtest.ts; backtestItemIds in src/storage/rules.ts).
-- A backtest only needs the stored items where a changed rule's words occur. backtest_words is each item's
-- set of lower-case ASCII words (runs of a-z0-9 in title, summary, body and url; HTML left in, so tag names
-- only add words; words cut to 200 characters, text to 200,000), GIN-indexed: a lookup of the words an edit
-- needs reads only the items that hold them. It holds every word the matcher sees except where stripping or
-- folding makes words the raw text does not spell: letters or digits outside ASCII, an entity that decodes
-- to a letter or digit (or to nothing), a tag between two word characters (inline tags join words), a text
-- over 200,000 characters. backtest_exact is false for those items; the partial index lists them and a
-- backtest always reads them too, so the lookup is a superset, never a sample.
-- PL/pgSQL, not SQL: a SQL function would be inlined and NOT backtest_exact(...) rewritten into an OR that
-- no longer matches the partial index's predicate. COST 1000 (regular expressions over the whole text) keeps
-- the planner on the indexes instead of a scan that runs them on every row. They call only pg_catalog
-- functions: PostgreSQL 17 (PGlite) runs index expressions during ANALYZE and VACUUM with a search_path of
-- pg_catalog alone.
CREATE FUNCTION backtest_words(title text, summary text, body text, url text) RETURNS tsvector
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
BEGIN
  RETURN array_to_tsvector(string_to_array(trim(regexp_replace(regexp_replace(
    lower(left(concat_ws(' ', title, summary, body, url), 200000)),
    '[^a-z0-9]+', ' ', 'g'), '([a-z0-9]{200})[a-z0-9]+', '\1', 'g')), ' '));
END $$;

-- Non-ASCII characters allowed in an exact item: Latin-1 punctuation and symbols (not ª ² ³ µ ¹ º ¼ ½ ¾),
-- × ÷, general punctuation (U+2000-206F) and currency signs (U+20A0-20CF): none of them is a word character.
CREATE FUNCTION backtest_exact(title text, summary text, body text, url text) RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
DECLARE
  t text := concat_ws(' ', title, summary, body, url);
BEGIN
  RETURN length(t) <= 200000
    AND t !~ '[^\x01-\x7f\u0080-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u2000-\u206f\u20a0-\u20cf]'
    AND t !~* '&(#(?!(0?39|0?34|0?38|160|821[6-9]|822[0-2]|821[12]|8230|x27|x2019|x201[cd]);)|(?!(amp|lt|gt|quot|apos|nbsp|lsquo|rsquo|sbquo|ldquo|rdquo|bdquo|ndash|mdash|hellip|bull|middot|laquo|raquo|pound|euro|cent|yen|copy|reg|trade|deg|times|divide|sect|thinsp|ensp|emsp|prime|dagger);)[a-z][a-z0-9]{1,31};)'
    AND t !~ '[A-Za-z0-9](<[A-Za-z/!?][^<]*>)+[A-Za-z0-9]';
END $$;

CREATE INDEX items_backtest_words ON items USING gin (backtest_words(title, summary_html, body_text, url));
CREATE INDEX items_backtest_inexact ON items (id) WHERE NOT backtest_exact(title, summary_html, body_text, url);
