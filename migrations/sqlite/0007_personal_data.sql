-- Issue 5: personal-data protection (GDPR art. 5(1)(e) storage limitation, art. 17 erasure).
--
-- `complaints.closed_at`: when the complaint was last closed ("close" or "sans suite"; NULL while
-- open, cleared when reopened). The contact data of a complaint closed longer ago than
-- RETENTION_MONTHS is erased by the retention job (app/src/privacy/retention.rs).
-- `erased_at`: when its personal data (name, e-mail, postal address and code, message, reply,
-- reasons and comments of its history, its e-mails) was erased; the row itself stays, so that
-- statistics and deadline indicators still count it. Timestamps are UTC, RFC 3339 text.
ALTER TABLE complaints ADD COLUMN closed_at TEXT;
ALTER TABLE complaints ADD COLUMN erased_at TEXT;

-- Back-fill: complaints already closed were closed by their last move to a closed status (or,
-- with no such history entry, at their last change).
UPDATE complaints
SET closed_at = COALESCE(
    (SELECT e.at FROM complaint_events e
     WHERE e.complaint_id = complaints.id AND e.to_status IN ('close', 'sans_suite')
     ORDER BY e.id DESC LIMIT 1),
    updated_at)
WHERE status IN ('close', 'sans_suite');

CREATE INDEX complaints_due_for_erasure ON complaints (closed_at) WHERE erased_at IS NULL;

-- The message may now be erased (NULL): the column is rebuilt without its NOT NULL / non-empty
-- constraint (an erased complaint has no message; a stored one is still checked by the
-- application, which refuses an empty message).
ALTER TABLE complaints ADD COLUMN message_text TEXT;
UPDATE complaints SET message_text = message;
ALTER TABLE complaints DROP COLUMN message;
ALTER TABLE complaints RENAME COLUMN message_text TO message;

-- E-mails of an erased complaint (or of an erased person) keep their row (counts, delivery
-- history) with an empty recipient, subject and body.
ALTER TABLE outbox ADD COLUMN erased_at TEXT;

-- The audit log stays append-only, with one exception: an erasure may blank the e-mail of an
-- entry (the e-mail typed at a failed login by the person whose data is erased). Every other
-- column must stay as it was.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.user_email IS NULL
          AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.user_id IS OLD.user_id
          AND NEW.action IS OLD.action AND NEW.target IS OLD.target
          AND NEW.details IS OLD.details AND NEW.client_hash IS OLD.client_hash)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
