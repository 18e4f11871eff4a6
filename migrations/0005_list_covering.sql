-- Schema v5: the list's index also carries the search text, so that a free-text search over
-- every dossier (and its count) reads the index alone instead of every row. `search` was added
-- after the YAML column (schema v4), so reading it from the row meant reading each dossier's
-- whole YAML: 13 ms a count for 10,000 dossiers, 1 ms from this index (benches/workspace.rs).
DROP INDEX dossiers_updated;
CREATE INDEX dossiers_list ON dossiers(updated_ms DESC, id, candidate_id, search);
