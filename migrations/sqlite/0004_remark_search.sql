-- Free-text answers folded for the remark search (lower case, accents dropped: see
-- app/src/domain/search.rs). Folding is done in Rust, so answers stored before this migration
-- are filled by the server at start-up (Store::migrate) while the backfill below is pending.
ALTER TABLE response_answers ADD COLUMN search_text TEXT;

-- Data backfills the server still has to run after a migration (done once, then deleted), so
-- that a start-up does not scan a million rows to find nothing to do.
CREATE TABLE pending_backfills (
    name TEXT PRIMARY KEY
);
INSERT INTO pending_backfills (name) VALUES ('remark_search_text');
-- Responses stored before 0003 without their Europe/Paris day (until now looked for at every
-- start-up).
INSERT INTO pending_backfills (name) SELECT 'response_day' WHERE EXISTS (SELECT 1 FROM responses WHERE day IS NULL);
