-- Schema v4: what the desk's free-text search reads, one lower-cased column per dossier (its
-- id, the file number, the candidate's names), so that a search scans short text rather than
-- joining and lower-casing every row. Emptied of the names when the candidate is erased.
ALTER TABLE dossiers ADD COLUMN search TEXT NOT NULL DEFAULT '';
UPDATE dossiers SET search = lower(
    id || ' ' || candidate_id || ' ' ||
    coalesce((SELECT family_name || ' ' || given_name FROM candidates c WHERE c.id = dossiers.candidate_id), '')
);
