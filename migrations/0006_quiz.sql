-- Schema v6: quiz sittings run in the workspace (phases 0 and 2B). A sitting is created by an
-- evaluator for candidates of their body; each seat is one dossier, drawn with its own secret
-- seed (never shown: the public id of a sitting rebuilds nothing). Access codes and seat
-- tokens are kept as SHA-256 only. Every answer is kept as given, in the order received.
CREATE TABLE quiz_sittings (
    id TEXT PRIMARY KEY,
    certificate TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('prediagnostic', 'evaluation')),
    body_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    -- open: seats may be taken; closing: the evaluator closed it and its seats are being
    -- scored (a restart finishes); closed.
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closing', 'closed'))
);
CREATE INDEX quiz_sittings_body ON quiz_sittings(body_id, created_ms);

CREATE TABLE quiz_seats (
    sitting_id TEXT NOT NULL REFERENCES quiz_sittings(id),
    dossier_id TEXT NOT NULL,
    seed INTEGER NOT NULL,
    -- The questions drawn and the order of their choices (JSON), so that the seat shows the
    -- same sitting after a restart whatever the bank's exposure has become.
    drawn TEXT NOT NULL,
    code_sha256 BLOB UNIQUE,
    token_sha256 BLOB UNIQUE,
    token_expires_ms INTEGER,
    extra_minutes INTEGER NOT NULL DEFAULT 0 CHECK (extra_minutes >= 0),
    -- The wall clock at the first login (recorded), the time used at the last answer (measured
    -- on the monotonic clock) and the wall clock then: a restart takes up the time from there.
    started_ms INTEGER,
    elapsed_ms INTEGER NOT NULL DEFAULT 0,
    checkpoint_ms INTEGER,
    closed_ms INTEGER,
    closed_by TEXT,
    -- The `quiz:` (or `prediagnostic:`) section written into the dossier at closing.
    result TEXT,
    PRIMARY KEY (sitting_id, dossier_id)
) WITHOUT ROWID;

CREATE TABLE quiz_answers (
    id INTEGER PRIMARY KEY,
    sitting_id TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    given TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    late INTEGER NOT NULL CHECK (late IN (0, 1)),
    FOREIGN KEY (sitting_id, dossier_id) REFERENCES quiz_seats(sitting_id, dossier_id)
);
CREATE INDEX quiz_answers_seat ON quiz_answers(sitting_id, dossier_id, id);
