-- Schema v2: what AUVICOM's desk lists and filters on without reading every dossier.
-- `phase` is the last phase completed (0–4, cqpt::phases::State), `recevable` AUVICOM's
-- decision (NULL while undecided). Both are computed by the engine when the dossier is stored.
ALTER TABLE dossiers ADD COLUMN phase INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN recevable INTEGER CHECK (recevable IN (0, 1));
CREATE INDEX dossiers_certificate ON dossiers(certificate);
