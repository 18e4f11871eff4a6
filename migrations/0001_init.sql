-- cqpt store, schema version 1. Applied once, in one transaction, when a store is opened;
-- `PRAGMA user_version` and `schema_migrations` record it. Personal data lives only in
-- candidates, employers (contact names are not kept), users, files and the dossiers' YAML;
-- the registry holds references and hashes only, so erasure never touches it.

CREATE TABLE schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_ms  INTEGER NOT NULL
);

-- People who log in. `body_id`: the evaluating body an evaluator works for (their scope).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN
                    ('administrator', 'auvicom-officer', 'evaluator', 'commission-member', 'candidate')),
    body_id       TEXT REFERENCES evaluating_bodies(id),
    password_hash TEXT NOT NULL,            -- argon2id PHC string
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_ms    INTEGER NOT NULL
);

-- Login sessions: only the SHA-256 of the token is kept.
CREATE TABLE login_sessions (
    token_hash  BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL
);
CREATE INDEX login_sessions_user ON login_sessions(user_id);

-- Failed logins, for throttling per account and per address.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    login    TEXT NOT NULL,
    address  TEXT NOT NULL,
    at_ms    INTEGER NOT NULL
);
CREATE INDEX login_failures_login ON login_failures(login, at_ms);
CREATE INDEX login_failures_address ON login_failures(address, at_ms);

CREATE TABLE evaluating_bodies (
    id    TEXT PRIMARY KEY,
    name  TEXT NOT NULL
);

-- Granted, renewed, withdrawn: in date order.
CREATE TABLE accreditations (
    body_id  TEXT NOT NULL REFERENCES evaluating_bodies(id) ON DELETE CASCADE,
    event    TEXT NOT NULL CHECK (event IN ('granted', 'renewed', 'withdrawn')),
    on_date  TEXT NOT NULL,                 -- YYYY-MM-DD
    PRIMARY KEY (body_id, event, on_date)
);

-- Personal fields are NULL once the candidate is erased (`erased_ms` set).
CREATE TABLE candidates (
    id           TEXT PRIMARY KEY,          -- the file number
    family_name  TEXT,
    given_name   TEXT,
    birth_date   TEXT,
    erased_ms    INTEGER
);

CREATE TABLE employers (
    name      TEXT PRIMARY KEY,
    in_branch INTEGER NOT NULL CHECK (in_branch IN (0, 1))
);

-- A dossier: its canonical YAML (import → export is byte-identical) and the columns the lists
-- filter on. `yaml` is NULL once its candidate is erased.
CREATE TABLE dossiers (
    id            TEXT PRIMARY KEY,
    certificate   TEXT NOT NULL,
    state         TEXT NOT NULL,
    candidate_id  TEXT NOT NULL REFERENCES candidates(id),
    body_id       TEXT REFERENCES evaluating_bodies(id),
    latest_date   TEXT NOT NULL,            -- the latest date it records (YYYY-MM-DD)
    yaml          TEXT,
    yaml_sha256   BLOB NOT NULL,
    updated_ms    INTEGER NOT NULL
);
CREATE INDEX dossiers_candidate ON dossiers(candidate_id);
CREATE INDEX dossiers_body ON dossiers(body_id);
CREATE INDEX dossiers_state ON dossiers(state);

CREATE TABLE dossier_employers (
    dossier_id  TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    employer    TEXT NOT NULL REFERENCES employers(name),
    PRIMARY KEY (dossier_id, employer)
);

-- File contents, content-addressed: one row per distinct SHA-256.
CREATE TABLE blobs (
    sha256  BLOB PRIMARY KEY CHECK (length(sha256) = 32),
    bytes   BLOB NOT NULL
);

-- Uploaded files (contracts, payslips, evidence).
CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    dossier_id  TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      BLOB NOT NULL REFERENCES blobs(sha256),
    uploaded_ms INTEGER NOT NULL
);
CREATE INDEX files_dossier ON files(dossier_id);

CREATE TABLE commission_sessions (
    id       TEXT PRIMARY KEY,
    on_date  TEXT NOT NULL,
    place    TEXT
);

CREATE TABLE commission_dossiers (
    session_id  TEXT NOT NULL REFERENCES commission_sessions(id) ON DELETE CASCADE,
    dossier_id  TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, dossier_id)
);

-- Documents produced (letters, reports), as they were given out.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    dossier_id  TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    sha256      BLOB NOT NULL REFERENCES blobs(sha256),
    produced_ms INTEGER NOT NULL
);
CREATE INDEX documents_dossier ON documents(dossier_id);

-- The registry (src/registry.rs): read in `id` order, which is the order of appending.
CREATE TABLE registry (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    seq       INTEGER NOT NULL,
    previous  BLOB NOT NULL,
    actor     TEXT NOT NULL,
    at_ms     INTEGER NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    before    BLOB,
    after     BLOB,
    detail    TEXT,
    hash      BLOB NOT NULL
);
CREATE INDEX registry_subject ON registry(subject);
