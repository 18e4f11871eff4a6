-- Schema v8: the evaluating body's desk.
-- `evaluation_frozen`: the evaluation was sent to AUVICOM and may no longer be edited; a
-- correction reopens it (with its reason) and the next sending is a new version.
ALTER TABLE dossiers ADD COLUMN evaluation_frozen INTEGER NOT NULL DEFAULT 0 CHECK (evaluation_frozen IN (0, 1));

-- Each version of the evaluation sent to AUVICOM, as it was sent. `yaml` and `reopen_reason`
-- are NULL once the candidate is erased.
CREATE TABLE evaluation_versions (
    dossier_id     TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    version        INTEGER NOT NULL CHECK (version >= 1),
    sent_ms        INTEGER NOT NULL,
    sent_by        TEXT NOT NULL,
    yaml_sha256    BLOB NOT NULL CHECK (length(yaml_sha256) = 32),
    yaml           TEXT,
    reopened_ms    INTEGER,
    reopened_by    TEXT,
    reopen_reason  TEXT,
    PRIMARY KEY (dossier_id, version)
);

-- Who assessed each item, when, and what changed: one row per level set, changed or cleared.
-- Deleted with the candidate's data on erasure (the registry keeps the hashes).
CREATE TABLE assessment_history (
    id             INTEGER PRIMARY KEY,
    dossier_id     TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    at_ms          INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    phase          TEXT NOT NULL,           -- preuves, observation, interview, overrides
    place          TEXT NOT NULL,           -- the piece's id, the contact's number, or ''
    item           TEXT NOT NULL,
    before_level   INTEGER,
    after_level    INTEGER,
    by_name        TEXT
);
CREATE INDEX assessment_history_dossier ON assessment_history(dossier_id, id);
