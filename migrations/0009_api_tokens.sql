-- Schema v9: tokens of the JSON API (`/api/v1/…`). An administrator issues one for an account;
-- it acts as that account (same role, same scope). Only the SHA-256 of the token is kept, as
-- for login sessions; a token is revoked, never deleted (the registry names it by number).
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    label         TEXT NOT NULL,
    created_by    TEXT NOT NULL,            -- the administrator's login
    created_ms    INTEGER NOT NULL,
    expires_ms    INTEGER NOT NULL,
    last_used_ms  INTEGER,
    revoked_ms    INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
