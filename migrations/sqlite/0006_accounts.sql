-- Staff account management (issue 5): forced password change, password age, and a revision
-- number so that an account form applies only while it is still current (a stale page or a
-- double submit changes nothing).
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
ALTER TABLE users ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
