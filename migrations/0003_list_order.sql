-- Schema v3: the lists show the latest changed dossiers first (`ORDER BY updated_ms DESC, id`).
-- Without this index every list page read every dossier's row, YAML included (the whole file
-- for 10,000 dossiers), and sorted them; with it, a page reads its 50 rows, and a search or a
-- count reads the ids from the index instead of the rows (benches/workspace.rs).
CREATE INDEX dossiers_updated ON dossiers(updated_ms DESC, id, candidate_id);
