-- Issue 6: on-site tablets (kiosk mode).
--
-- A tablet is a browser an admin enrolled for one site: it holds a long-lived cookie (`borne`)
-- whose value is a 256-bit random token; only its SHA-256 (hex) is stored here, never the token.
-- Revoking sets `revoked_at`: the cookie is worthless from the next request on. Timestamps are
-- UTC, RFC 3339 text. `last_seen_at` is refreshed at most once a minute by the tablet's requests.
CREATE TABLE tablets (
    id           INTEGER PRIMARY KEY,
    site_id      INTEGER NOT NULL REFERENCES sites (id),
    label        TEXT    NOT NULL CHECK (label <> ''),
    token_hash   TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    created_at   TEXT    NOT NULL,
    created_by   INTEGER REFERENCES users (id),
    revoked_at   TEXT,
    revoked_by   INTEGER REFERENCES users (id),
    last_seen_at TEXT
);
CREATE INDEX tablets_by_site ON tablets (site_id, id);

-- Two new audit actions, `tablet_enrolled` and `tablet_revoked`. SQLite cannot change a CHECK:
-- the append-only audit log is rebuilt with the longer list (same columns, rows and ids), then
-- its indexes and its two guard triggers (as last defined in 0007) are created again.
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
CREATE TABLE audit_log_new (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    user_id     INTEGER,
    user_email  TEXT,
    action      TEXT    NOT NULL CHECK (action IN (
                    'login', 'login_failed', 'login_throttled', 'logout', 'complaint_viewed',
                    'complaint_status_changed', 'complaint_replied', 'export', 'account_changed',
                    'erasure', 'tablet_enrolled', 'tablet_revoked')),
    target      TEXT,
    details     TEXT,
    client_hash TEXT
);
INSERT INTO audit_log_new (id, at, user_id, user_email, action, target, details, client_hash)
    SELECT id, at, user_id, user_email, action, target, details, client_hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.user_email IS NULL
          AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.user_id IS OLD.user_id
          AND NEW.action IS OLD.action AND NEW.target IS OLD.target
          AND NEW.details IS OLD.details AND NEW.client_hash IS OLD.client_hash)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
