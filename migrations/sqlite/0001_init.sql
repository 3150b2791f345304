-- Avis & Réclamations: initial schema (SQLite). Timestamps are UTC, RFC 3339 text;
-- dates (campaign periods) are Europe/Paris calendar days, ISO 8601 text.

CREATE TABLE sites (
    id       INTEGER PRIMARY KEY,
    slug     TEXT    NOT NULL UNIQUE CHECK (slug <> ''),
    name     TEXT    NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('prefecture', 'sous-prefecture', 'autre')),
    position INTEGER NOT NULL DEFAULT 0,
    active   INTEGER NOT NULL DEFAULT 1
);

-- The three reception sites of the Préfecture de l'Essonne. Another département adds its own rows.
INSERT INTO sites (slug, name, kind, position) VALUES
    ('evry',      'Préfecture d''Évry-Courcouronnes', 'prefecture',      1),
    ('palaiseau', 'Sous-préfecture de Palaiseau',     'sous-prefecture', 2),
    ('etampes',   'Sous-préfecture d''Étampes',       'sous-prefecture', 3);

CREATE TABLE questionnaires (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A version is immutable once it has answers; editing creates a new version.
CREATE TABLE questionnaire_versions (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires (id),
    version          INTEGER NOT NULL,
    definition       TEXT    NOT NULL, -- JSON, see app/src/domain/questionnaire.rs
    created_at       TEXT    NOT NULL,
    UNIQUE (questionnaire_id, version)
);

CREATE TABLE campaigns (
    id                       INTEGER PRIMARY KEY,
    name                     TEXT    NOT NULL,
    questionnaire_version_id INTEGER NOT NULL REFERENCES questionnaire_versions (id),
    starts_on                TEXT    NOT NULL,
    ends_on                  TEXT    NOT NULL CHECK (ends_on >= starts_on),
    target_per_site          INTEGER NOT NULL DEFAULT 150 CHECK (target_per_site > 0),
    is_demo                  INTEGER NOT NULL DEFAULT 0,
    created_at               TEXT    NOT NULL
);

-- One row per respondent. Anonymous: no name, no IP address, no visitor identifier.
CREATE TABLE responses (
    id                       INTEGER PRIMARY KEY,
    campaign_id              INTEGER NOT NULL REFERENCES campaigns (id),
    site_id                  INTEGER NOT NULL REFERENCES sites (id),
    questionnaire_version_id INTEGER NOT NULL REFERENCES questionnaire_versions (id),
    channel                  TEXT    NOT NULL CHECK (channel IN ('web', 'tablette', 'papier')),
    language                 TEXT    NOT NULL,
    submitted_at             TEXT    NOT NULL
);
CREATE INDEX responses_by_campaign_site ON responses (campaign_id, site_id);

CREATE TABLE response_answers (
    response_id  INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_key TEXT    NOT NULL,
    option_key   TEXT,
    text_value   TEXT,
    PRIMARY KEY (response_id, question_key),
    CHECK ((option_key IS NULL) <> (text_value IS NULL))
);

-- One-time form tokens that have been used: a second submission with the same token records nothing.
CREATE TABLE used_form_tokens (
    nonce       TEXT PRIMARY KEY,
    used_at     TEXT NOT NULL,
    response_id INTEGER REFERENCES responses (id) ON DELETE SET NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE, -- stored lower-case
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,        -- argon2id PHC string
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'qualite', 'agent')),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL
);

-- Server-side secrets shared by every app server using this database (e.g. the form-token key).
CREATE TABLE app_secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL
);
