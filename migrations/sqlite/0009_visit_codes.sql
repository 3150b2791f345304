-- Single-use visit codes (issue 6): staff print batches of codes (slips, receipts); a survey
-- opened with a code of its site counts once per code. Codes carry no personal data, and a
-- response does not say which code it used (only that it had a valid one), so a code handed to
-- a known person cannot be traced to their answers; `used_on` is the Europe/Paris day only, for
-- the same reason.

CREATE TABLE visit_code_batches (
    id         INTEGER PRIMARY KEY,
    site_id    INTEGER NOT NULL REFERENCES sites (id),
    label      TEXT    NOT NULL,
    size       INTEGER NOT NULL CHECK (size BETWEEN 1 AND 1000),
    created_at TEXT    NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX visit_code_batches_by_site ON visit_code_batches (site_id, id);

CREATE TABLE visit_codes (
    code     TEXT    PRIMARY KEY CHECK (length(code) = 8), -- stored without its dash, upper case
    batch_id INTEGER NOT NULL REFERENCES visit_code_batches (id),
    site_id  INTEGER NOT NULL REFERENCES sites (id),
    used_on  TEXT                                          -- NULL until used; Europe/Paris day
) WITHOUT ROWID;
CREATE INDEX visit_codes_by_batch ON visit_codes (batch_id);

-- 1 when the response was sent with a valid, unused code of its site (marked used in the same
-- transaction).
ALTER TABLE responses ADD COLUMN with_visit_code INTEGER NOT NULL DEFAULT 0;
-- The dashboards read the aggregates: the same count there.
ALTER TABLE response_day ADD COLUMN with_visit_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE response_cube ADD COLUMN with_visit_code INTEGER NOT NULL DEFAULT 0;
