-- Quality dashboards: filter columns on each response and aggregate tables.
--
-- `day` is the Europe/Paris calendar day of `submitted_at` (SQLite has no time-zone rules, so
-- the application computes it; rows stored before this migration are filled in at start-up by
-- `Store::migrate`). `procedure` and `appointment` copy the answers to the questionnaire's
-- procedure and appointment questions ('' = not answered) so that filters need no join.

ALTER TABLE responses ADD COLUMN day TEXT;
ALTER TABLE responses ADD COLUMN procedure TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN appointment TEXT NOT NULL DEFAULT '';
CREATE INDEX responses_by_site_day ON responses (site_id, day);

-- Questionnaires stored before this migration name their filter questions from now on.
UPDATE questionnaire_versions
SET definition = json_set(definition, '$.procedure_question', 'demarche')
WHERE json_extract(definition, '$.procedure_question') IS NULL
  AND EXISTS (SELECT 1 FROM json_each(definition, '$.questions') q
              WHERE json_extract(q.value, '$.key') = 'demarche' AND json_extract(q.value, '$.kind.type') = 'single_choice');
UPDATE questionnaire_versions
SET definition = json_set(definition, '$.appointment_question', 'rendez_vous')
WHERE json_extract(definition, '$.appointment_question') IS NULL
  AND EXISTS (SELECT 1 FROM json_each(definition, '$.questions') q
              WHERE json_extract(q.value, '$.key') = 'rendez_vous' AND json_extract(q.value, '$.kind.type') = 'single_choice');

UPDATE responses SET procedure = COALESCE((
    SELECT a.option_key FROM response_answers a JOIN questionnaire_versions v ON v.id = responses.questionnaire_version_id
    WHERE a.response_id = responses.id AND a.question_key = json_extract(v.definition, '$.procedure_question')), '');
UPDATE responses SET appointment = COALESCE((
    SELECT a.option_key FROM response_answers a JOIN questionnaire_versions v ON v.id = responses.questionnaire_version_id
    WHERE a.response_id = responses.id AND a.question_key = json_extract(v.definition, '$.appointment_question')), '');

-- Every answer of a response as one JSON object (question key → option key or text), so that an
-- export reads one row per response; `response_answers` stays the source for counts and search.
ALTER TABLE responses ADD COLUMN answers TEXT;
UPDATE responses SET answers = (
    SELECT json_group_object(a.question_key, COALESCE(a.option_key, a.text_value))
    FROM response_answers a WHERE a.response_id = responses.id);

-- Aggregates. The coarse ones (site × day × campaign) serve the dashboards without a channel,
-- language, procedure or appointment filter (a site's year is a few thousand rows); the fine
-- "cubes" add those four keys for filtered views.
CREATE TABLE response_day (
    site_id     INTEGER NOT NULL,
    day         TEXT    NOT NULL,
    campaign_id INTEGER NOT NULL,
    respondents INTEGER NOT NULL,
    PRIMARY KEY (site_id, day, campaign_id)
) WITHOUT ROWID;
CREATE INDEX response_day_by_campaign ON response_day (campaign_id, site_id, day);

CREATE TABLE answer_day (
    site_id      INTEGER NOT NULL,
    day          TEXT    NOT NULL,
    campaign_id  INTEGER NOT NULL,
    question_key TEXT    NOT NULL,
    option_key   TEXT    NOT NULL,
    answers      INTEGER NOT NULL,
    PRIMARY KEY (site_id, day, campaign_id, question_key, option_key)
) WITHOUT ROWID;
CREATE INDEX answer_day_by_campaign ON answer_day (campaign_id, site_id, day);

-- Respondents per site × day × campaign × channel × language × procedure × appointment.
CREATE TABLE response_cube (
    site_id     INTEGER NOT NULL,
    day         TEXT    NOT NULL,
    campaign_id INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    language    TEXT    NOT NULL,
    procedure   TEXT    NOT NULL,
    appointment TEXT    NOT NULL,
    respondents INTEGER NOT NULL,
    PRIMARY KEY (site_id, day, campaign_id, channel, language, procedure, appointment)
) WITHOUT ROWID;

-- Closed answers per the same keys × question × option.
CREATE TABLE answer_cube (
    site_id      INTEGER NOT NULL,
    day          TEXT    NOT NULL,
    campaign_id  INTEGER NOT NULL,
    channel      TEXT    NOT NULL,
    language     TEXT    NOT NULL,
    procedure    TEXT    NOT NULL,
    appointment  TEXT    NOT NULL,
    question_key TEXT    NOT NULL,
    option_key   TEXT    NOT NULL,
    answers      INTEGER NOT NULL,
    PRIMARY KEY (site_id, day, campaign_id, channel, language, procedure, appointment, question_key, option_key)
) WITHOUT ROWID;
CREATE INDEX answer_cube_by_campaign ON answer_cube (campaign_id, site_id, day);
CREATE INDEX response_cube_by_campaign ON response_cube (campaign_id, site_id, day);

-- Paper questionnaires typed in by staff and uploaded as CSV: one row per file imported (a file
-- is imported whole or not at all; the same file twice for a campaign is refused).
CREATE TABLE paper_imports (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    file_sha256 TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    rows        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    imported_at TEXT    NOT NULL,
    UNIQUE (campaign_id, file_sha256)
);
ALTER TABLE responses ADD COLUMN import_id INTEGER REFERENCES paper_imports (id);

-- Actions decided after listening to the users ("vous nous l'avez dit, on l'a fait"), entered by
-- quality staff for a campaign and printed in the report for the users' committee (CLU).
CREATE TABLE campaign_actions (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    site_id     INTEGER REFERENCES sites (id), -- NULL = every site
    said        TEXT    NOT NULL CHECK (said <> ''),
    done        TEXT    NOT NULL CHECK (done <> ''),
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX campaign_actions_by_campaign ON campaign_actions (campaign_id, id);
