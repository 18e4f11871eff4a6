-- Schema v10: the attribution commission's sessions in the workspace (art. 5). A session
-- (commission_sessions, since v1) gets its place, who opened it and its members by college;
-- its agenda (commission_dossiers, since v1) says why each dossier is on it (a first
-- examination, or the review of an admitted appeal); each decision is kept with the members
-- as they sat, every appeal with the engine's verdict, and each procès-verbal as printed.
-- The dossier's YAML holds its current decision; these tables keep every one.

ALTER TABLE commission_sessions ADD COLUMN opened_by TEXT;
ALTER TABLE commission_sessions ADD COLUMN opened_ms INTEGER;

-- The college of each commission member's account (salariés or employeurs).
CREATE TABLE commission_colleges (
    login    TEXT PRIMARY KEY REFERENCES users(login) ON DELETE CASCADE,
    college  TEXT NOT NULL CHECK (college IN ('salaries', 'employeurs'))
);

-- The members of a session, in the order the administrator gave them: an account
-- (`login`), or a name typed by the administrator (`login` NULL).
CREATE TABLE commission_members (
    session_id  TEXT NOT NULL REFERENCES commission_sessions(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    college     TEXT NOT NULL CHECK (college IN ('salaries', 'employeurs')),
    login       TEXT,
    PRIMARY KEY (session_id, position)
);
CREATE INDEX commission_members_login ON commission_members(login);

-- Why a dossier is on an agenda: `examen` (synthesis done, not decided) or `recours` (an
-- admitted appeal, reviewed again).
ALTER TABLE commission_dossiers ADD COLUMN purpose TEXT NOT NULL DEFAULT 'examen'
    CHECK (purpose IN ('examen', 'recours'));
ALTER TABLE commission_dossiers ADD COLUMN added_ms INTEGER;

-- Every decision taken in a session (the dossier's YAML holds the current one).
CREATE TABLE commission_decisions (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES commission_sessions(id) ON DELETE CASCADE,
    dossier_id  TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    outcome     TEXT NOT NULL,
    units       TEXT NOT NULL DEFAULT '',   -- unit ids, `;`-separated
    on_date     TEXT NOT NULL,              -- YYYY-MM-DD
    decided_by  TEXT NOT NULL,
    decided_ms  INTEGER NOT NULL,
    UNIQUE (session_id, dossier_id)
);
CREATE INDEX commission_decisions_dossier ON commission_decisions(dossier_id);

-- How each member of the session stood for a decision: `siege` (sat), `absent`, or `retire`
-- (withdrew: they trained or evaluated the candidate).
CREATE TABLE commission_attendance (
    decision_id  INTEGER NOT NULL REFERENCES commission_decisions(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    attendance   TEXT NOT NULL CHECK (attendance IN ('siege', 'absent', 'retire')),
    PRIMARY KEY (decision_id, position)
);

-- Appeals against a decision, with the engine's verdict (admitted only on the procedure).
CREATE TABLE commission_appeals (
    id           INTEGER PRIMARY KEY,
    decision_id  INTEGER NOT NULL REFERENCES commission_decisions(id) ON DELETE CASCADE,
    dossier_id   TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    filed_on     TEXT NOT NULL,
    ground       TEXT NOT NULL,
    details      TEXT,
    admitted     INTEGER NOT NULL CHECK (admitted IN (0, 1)),
    reason       TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_ms  INTEGER NOT NULL,
    UNIQUE (decision_id)
);
CREATE INDEX commission_appeals_dossier ON commission_appeals(dossier_id);

-- The procès-verbal of a session, each printing kept as given out (the bytes here: the
-- blobs table is swept of what files and documents no longer name).
CREATE TABLE commission_minutes (
    id           INTEGER PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES commission_sessions(id) ON DELETE CASCADE,
    sha256       BLOB NOT NULL CHECK (length(sha256) = 32),
    bytes        BLOB NOT NULL,
    produced_by  TEXT NOT NULL,
    produced_ms  INTEGER NOT NULL
);
CREATE INDEX commission_minutes_session ON commission_minutes(session_id);
