-- The complaint and suggestion box (réclamations et suggestions), reply templates, the e-mail
-- outbox, and which sites an agent works for. Timestamps are UTC, RFC 3339 text; `received_on`
-- is a Europe/Paris calendar day, ISO 8601 text.

-- Letterhead of printed replies: the postal address of each site (editable data).
ALTER TABLE sites ADD COLUMN address TEXT NOT NULL DEFAULT '';
UPDATE sites SET address = 'Boulevard de France' || char(10) || '91010 Évry-Courcouronnes Cedex' WHERE slug = 'evry';
UPDATE sites SET address = '6 rue Émile Zola' || char(10) || '91120 Palaiseau' WHERE slug = 'palaiseau';
UPDATE sites SET address = '10 rue Louis Moreau' || char(10) || '91150 Étampes' WHERE slug = 'etampes';

-- Sites an agent works for (role `agent`); quality staff and admins see every site.
CREATE TABLE user_sites (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    PRIMARY KEY (user_id, site_id)
);

-- Last number given per reference prefix and year: references are sequential and never reused,
-- even when a complaint is later deleted (retention).
CREATE TABLE reference_counters (
    prefix      TEXT    NOT NULL CHECK (prefix IN ('REC', 'SUG')),
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE complaints (
    id               INTEGER PRIMARY KEY,
    reference        TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL CHECK (kind IN ('reclamation', 'suggestion')),
    site_id          INTEGER NOT NULL REFERENCES sites (id),
    procedure        TEXT    NOT NULL,
    channel          TEXT    NOT NULL CHECK (channel IN ('web', 'tablette', 'courriel', 'courrier', 'fiche')),
    message          TEXT    NOT NULL CHECK (message <> ''),
    reply_mode       TEXT    NOT NULL CHECK (reply_mode IN ('email', 'courrier', 'aucune')),
    requester_name   TEXT,
    email            TEXT,
    postal_address   TEXT,
    postal_code      TEXT,
    language         TEXT    NOT NULL,
    received_on      TEXT    NOT NULL,  -- Europe/Paris day of receipt: deadlines run from it
    reply_days       INTEGER NOT NULL CHECK (reply_days > 0), -- working days allowed, fixed at filing
    status           TEXT    NOT NULL,
    acknowledged_on  TEXT,              -- Europe/Paris day
    replied_on       TEXT,              -- Europe/Paris day
    reply_subject    TEXT,
    reply_text       TEXT,
    dismissal_reason TEXT,
    created_at       TEXT    NOT NULL,
    created_by       INTEGER REFERENCES users (id),
    updated_at       TEXT    NOT NULL
);
CREATE INDEX complaints_by_site_status ON complaints (site_id, status);
CREATE INDEX complaints_by_received ON complaints (received_on);

-- Every change of a complaint: who (NULL = the visitor or the system), when, what.
CREATE TABLE complaint_events (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    at           TEXT    NOT NULL,
    user_id      INTEGER REFERENCES users (id),
    action       TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT,
    detail       TEXT
);
CREATE INDEX complaint_events_by_complaint ON complaint_events (complaint_id, id);

-- The public form's one-time token may also record a complaint.
ALTER TABLE used_form_tokens ADD COLUMN complaint_id INTEGER REFERENCES complaints (id) ON DELETE SET NULL;

-- Reply templates (courriers et courriels types), presented to the users' committee.
CREATE TABLE reply_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE CHECK (name <> ''),
    kind       TEXT    CHECK (kind IS NULL OR kind IN ('reclamation', 'suggestion')),
    procedure  TEXT,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    updated_by INTEGER REFERENCES users (id)
);

-- Outgoing e-mail. A background sender claims due rows (pushing next_attempt_at forward as a
-- lease), sends them over SMTP and marks them sent, or records the error and the next attempt;
-- a permanent refusal (5xx, bad address) or too many attempts marks it failed (kept, visible).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_address      TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    complaint_id    INTEGER REFERENCES complaints (id) ON DELETE SET NULL,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Starting reply templates (quality staff adapt them; merge fields are described in
-- app/src/domain/template.rs).
INSERT INTO reply_templates (name, kind, procedure, subject, body, created_at, updated_at) VALUES
(
    'Réclamation – réponse générale', 'reclamation', NULL,
    'Votre réclamation {{reference}}',
    'Bonjour {{nom}},' || char(10) || char(10) ||
    'Vous nous avez adressé le {{date_reception}} une réclamation concernant : {{demarche}}, à {{site}}. Nous vous remercions d''avoir pris le temps de nous écrire.' || char(10) || char(10) ||
    '[Réponse sur le fond : ce qui s''est passé, ce que nous faisons.]' || char(10) || char(10) ||
    'Nous restons à votre disposition pour toute précision, en rappelant la référence {{reference}}.' || char(10) || char(10) ||
    'Veuillez agréer l''expression de nos salutations distinguées.' || char(10) || char(10) ||
    '{{signature}}',
    strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
),
(
    'Suggestion – remerciement', 'suggestion', NULL,
    'Votre suggestion {{reference}}',
    'Bonjour {{nom}},' || char(10) || char(10) ||
    'Nous vous remercions pour la suggestion que vous nous avez adressée le {{date_reception}} au sujet de l''accueil à {{site}}.' || char(10) || char(10) ||
    'Elle a été transmise au service concerné et sera présentée au comité local des usagers, qui examine chaque année les propositions du public.' || char(10) || char(10) ||
    '{{signature}}',
    strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
),
(
    'Titre de séjour – délai de traitement', 'reclamation', 'titre_sejour',
    'Votre demande de titre de séjour – réclamation {{reference}}',
    'Bonjour {{nom}},' || char(10) || char(10) ||
    'Vous nous avez signalé le {{date_reception}} le délai de traitement de votre demande de titre de séjour à {{site}}.' || char(10) || char(10) ||
    'Votre dossier est en cours d''instruction. [Situation du dossier, pièces manquantes éventuelles, date prévisible.] Votre attestation de prolongation d''instruction vous permet de rester en situation régulière pendant ce délai.' || char(10) || char(10) ||
    'Veuillez agréer l''expression de nos salutations distinguées.' || char(10) || char(10) ||
    '{{signature}}',
    strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
),
(
    'Accusé de réception (courrier)', NULL, NULL,
    'Accusé de réception – {{reference}}',
    'Bonjour {{nom}},' || char(10) || char(10) ||
    'Nous avons bien reçu le {{date_reception}} votre courrier concernant : {{demarche}}. Il est enregistré sous la référence {{reference}}. Nous vous répondrons dans les meilleurs délais.' || char(10) || char(10) ||
    '{{signature}}',
    strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
);
