-- Issue 5: login brute-force throttling and the audit log of staff actions (SQLite).
-- Timestamps are UTC, RFC 3339 text (as every other table).

-- Failed-login counters (see app/src/domain/throttle.rs for the policy). `subject` is an
-- HMAC-SHA256 (hex) of the normalised e-mail or of the client address, keyed with the secret
-- `client_address` of `app_secrets`: neither the e-mail nor the IP address is stored in clear.
CREATE TABLE login_throttle (
    kind         TEXT    NOT NULL CHECK (kind IN ('account', 'address')),
    subject      TEXT    NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    window_start TEXT    NOT NULL,
    locked_until TEXT,
    PRIMARY KEY (kind, subject)
) WITHOUT ROWID;

-- Append-only journal of staff actions (shown to admins at /admin/journal). `user_email` is the
-- account's e-mail at the time (or the e-mail typed, for a failed login); `user_id` is not a
-- foreign key so that the journal outlives accounts. `client_hash`: HMAC of the client address,
-- as above.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    user_id     INTEGER,
    user_email  TEXT,
    action      TEXT    NOT NULL CHECK (action IN (
                    'login', 'login_failed', 'login_throttled', 'logout', 'complaint_viewed',
                    'complaint_status_changed', 'complaint_replied', 'export', 'account_changed',
                    'erasure')),
    target      TEXT,
    details     TEXT,
    client_hash TEXT
);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
