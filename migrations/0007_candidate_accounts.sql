-- Schema v7: a candidate's account is linked to their candidate record (the file number), so
-- that their page shows their own dossiers and nothing of anyone else's. Only candidate
-- accounts have one (checked when an account is created).
ALTER TABLE users ADD COLUMN candidate_id TEXT REFERENCES candidates(id);
