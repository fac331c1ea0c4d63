-- Archive search also finds items that have only a feed summary (Google News, many blogs): the text searched
-- is the title plus the extracted body, or, when there is none, the summary with its tags and entities
-- blanked out. One IMMUTABLE function, so src/storage/search.ts and this index use the same expression.
CREATE FUNCTION item_search_text(title text, summary_html text, body_text text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN title || ' ' || coalesce(body_text,
    regexp_replace(regexp_replace(coalesce(summary_html, ''), '<[^>]*>', ' ', 'g'), '&#?[a-z0-9]+;', ' ', 'gi'));

DROP INDEX items_search;
CREATE INDEX items_search ON items USING gin (to_tsvector('english', item_search_text(title, summary_html, body_text)));
