//! The RGPD subject-access export (art. 15): everything the store holds about one candidate,
//! as one ZIP archive — `candidat.json` (their record, their dossiers' summaries, files and
//! documents listed, the registry entries that concern them, every level saved from the
//! workspace and the versions of the evaluation sent), each dossier's YAML as it was imported,
//! each version sent as it was sent, and each file and document as it was uploaded or given out.
//!
//! A ZIP rather than one JSON document: the files are PDFs and scans, which a person opens as
//! they are; a JSON would carry them as base64 that nobody can read. Entries are stored
//! uncompressed with a fixed date, so the same data gives the same archive.

use super::{Result, StoreError};
use crate::registry::hex;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::io::Write as _;
use std::path::Path;

#[derive(Serialize)]
struct Export {
    candidate: Person,
    dossiers: Vec<DossierRow>,
    files: Vec<FileRow>,
    documents: Vec<DocumentRow>,
    registry: Vec<RegistryRow>,
    /// Every level saved from the workspace: who, when, where, from which level to which.
    levels_history: Vec<LevelRow>,
    /// The versions of the evaluation sent to AUVICOM (their texts are in `versions/`).
    evaluation_versions: Vec<VersionRow>,
}

#[derive(Serialize)]
struct Person {
    id: String,
    family_name: Option<String>,
    given_name: Option<String>,
    birth_date: Option<String>,
    erased: bool,
}

#[derive(Serialize)]
struct DossierRow {
    id: String,
    certificate: String,
    state: String,
    evaluating_body: Option<String>,
    latest_date: String,
    employers: Vec<String>,
    #[serde(skip)]
    yaml: Option<String>,
}

#[derive(Serialize)]
struct FileRow {
    archive_name: String,
    dossier: String,
    name: String,
    media_type: String,
    size: i64,
    sha256: String,
    #[serde(skip)]
    bytes: Vec<u8>,
}

#[derive(Serialize)]
struct DocumentRow {
    archive_name: String,
    dossier: String,
    kind: String,
    sha256: String,
    #[serde(skip)]
    bytes: Vec<u8>,
}

#[derive(Serialize)]
struct LevelRow {
    dossier: String,
    #[serde(flatten)]
    row: super::evaluation::HistoryRow,
}

#[derive(Serialize)]
struct VersionRow {
    dossier: String,
    version: i64,
    sent_ms: i64,
    sent_by: String,
    reopened_ms: Option<i64>,
    reopened_by: Option<String>,
    reopen_reason: Option<String>,
    #[serde(skip)]
    yaml: Option<String>,
}

#[derive(Serialize)]
struct RegistryRow {
    seq: i64,
    actor: String,
    at_ms: i64,
    action: String,
    subject: String,
}

/// Keeps letters, digits, `.`, `-` and `_` of a name for the archive.
fn safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    s.trim_start_matches('.').chars().take(100).collect()
}

/// Builds the archive of a candidate.
pub(super) fn export(conn: &Connection, path: &Path, candidate: &str) -> Result<Vec<u8>> {
    let e = |source| StoreError::Database { path: path.to_path_buf(), source };
    let candidate_row = conn
        .query_row(
            "SELECT id, family_name, given_name, birth_date, erased_ms IS NOT NULL FROM candidates WHERE id = ?1",
            [candidate],
            |r| {
                Ok(Person {
                    id: r.get(0)?,
                    family_name: r.get(1)?,
                    given_name: r.get(2)?,
                    birth_date: r.get(3)?,
                    erased: r.get(4)?,
                })
            },
        )
        .optional()
        .map_err(e)?
        .ok_or_else(|| StoreError::NotFound { what: "candidate", id: candidate.to_string() })?;
    let mut dossiers = Vec::new();
    {
        let mut stmt = conn
            .prepare(
                "SELECT id, certificate, state, body_id, latest_date, yaml FROM dossiers WHERE candidate_id = ?1 ORDER BY id",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map([candidate], |r| {
                Ok(DossierRow {
                    id: r.get(0)?,
                    certificate: r.get(1)?,
                    state: r.get(2)?,
                    evaluating_body: r.get(3)?,
                    latest_date: r.get(4)?,
                    employers: Vec::new(),
                    yaml: r.get(5)?,
                })
            })
            .map_err(e)?;
        for row in rows {
            dossiers.push(row.map_err(e)?);
        }
    }
    for d in &mut dossiers {
        let mut stmt = conn
            .prepare("SELECT employer FROM dossier_employers WHERE dossier_id = ?1 ORDER BY employer")
            .map_err(e)?;
        d.employers =
            stmt.query_map([&d.id], |r| r.get(0)).map_err(e)?.collect::<rusqlite::Result<_>>().map_err(e)?;
    }
    let mut files = Vec::new();
    let mut documents = Vec::new();
    let mut subjects = vec![format!("candidate:{candidate}")];
    for d in &dossiers {
        subjects.push(format!("dossier:{}", d.id));
        let mut stmt = conn
            .prepare(
                "SELECT f.id, f.name, f.media_type, f.size, f.sha256, b.bytes FROM files f \
                 JOIN blobs b ON b.sha256 = f.sha256 WHERE f.dossier_id = ?1 ORDER BY f.id",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map([&d.id], |r| {
                let id: i64 = r.get(0)?;
                let name: String = r.get(1)?;
                let sha: Vec<u8> = r.get(4)?;
                Ok(FileRow {
                    archive_name: format!("fichiers/{}/{id}-{}", safe(&d.id), safe(&name)),
                    dossier: d.id.clone(),
                    name,
                    media_type: r.get(2)?,
                    size: r.get(3)?,
                    sha256: hex_bytes(&sha),
                    bytes: r.get(5)?,
                })
            })
            .map_err(e)?;
        for row in rows {
            files.push(row.map_err(e)?);
        }
        let mut stmt = conn
            .prepare(
                "SELECT d.id, d.kind, d.sha256, b.bytes FROM documents d \
                 JOIN blobs b ON b.sha256 = d.sha256 WHERE d.dossier_id = ?1 ORDER BY d.id",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map([&d.id], |r| {
                let id: i64 = r.get(0)?;
                let kind: String = r.get(1)?;
                let sha: Vec<u8> = r.get(2)?;
                Ok(DocumentRow {
                    archive_name: format!("documents/{}/{id}-{}.pdf", safe(&d.id), safe(&kind)),
                    dossier: d.id.clone(),
                    kind,
                    sha256: hex_bytes(&sha),
                    bytes: r.get(3)?,
                })
            })
            .map_err(e)?;
        for row in rows {
            documents.push(row.map_err(e)?);
        }
    }
    let mut registry = Vec::new();
    {
        let mut stmt = conn
            .prepare("SELECT seq, actor, at_ms, action, subject FROM registry WHERE subject = ?1 ORDER BY id")
            .map_err(e)?;
        for subject in &subjects {
            let rows = stmt
                .query_map(params![subject], |r| {
                    Ok(RegistryRow {
                        seq: r.get(0)?,
                        actor: r.get(1)?,
                        at_ms: r.get(2)?,
                        action: r.get(3)?,
                        subject: r.get(4)?,
                    })
                })
                .map_err(e)?;
            for row in rows {
                registry.push(row.map_err(e)?);
            }
        }
        registry.sort_by_key(|r| r.seq);
    }
    let mut levels_history = Vec::new();
    let mut evaluation_versions = Vec::new();
    for d in &dossiers {
        let mut stmt = conn.prepare(super::evaluation::HISTORY_SQL).map_err(e)?;
        let rows = stmt
            .query_map([&d.id], |r| {
                Ok(LevelRow { dossier: d.id.clone(), row: super::evaluation::history_row(r)? })
            })
            .map_err(e)?;
        for row in rows {
            levels_history.push(row.map_err(e)?);
        }
        let mut stmt = conn
            .prepare(
                "SELECT version, sent_ms, sent_by, reopened_ms, reopened_by, reopen_reason, yaml \
                 FROM evaluation_versions WHERE dossier_id = ?1 ORDER BY version",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map([&d.id], |r| {
                Ok(VersionRow {
                    dossier: d.id.clone(),
                    version: r.get(0)?,
                    sent_ms: r.get(1)?,
                    sent_by: r.get(2)?,
                    reopened_ms: r.get(3)?,
                    reopened_by: r.get(4)?,
                    reopen_reason: r.get(5)?,
                    yaml: r.get(6)?,
                })
            })
            .map_err(e)?;
        for row in rows {
            evaluation_versions.push(row.map_err(e)?);
        }
    }
    let export = Export {
        candidate: candidate_row,
        dossiers,
        files,
        documents,
        registry,
        levels_history,
        evaluation_versions,
    };
    archive(&export).map_err(|e| StoreError::Archive(e.to_string()))
}

fn archive(export: &Export) -> std::result::Result<Vec<u8>, Box<dyn std::error::Error>> {
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("candidat.json", options)?;
    zip.write_all(serde_json::to_string_pretty(export)?.as_bytes())?;
    for d in &export.dossiers {
        if let Some(yaml) = &d.yaml {
            zip.start_file(format!("dossiers/{}.yaml", safe(&d.id)), options)?;
            zip.write_all(yaml.as_bytes())?;
        }
    }
    for v in &export.evaluation_versions {
        if let Some(yaml) = &v.yaml {
            zip.start_file(format!("versions/{}-v{}.yaml", safe(&v.dossier), v.version), options)?;
            zip.write_all(yaml.as_bytes())?;
        }
    }
    for f in &export.files {
        zip.start_file(f.archive_name.as_str(), options)?;
        zip.write_all(&f.bytes)?;
    }
    for d in &export.documents {
        zip.start_file(d.archive_name.as_str(), options)?;
        zip.write_all(&d.bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Bytes as lowercase hexadecimal.
fn hex_bytes(bytes: &[u8]) -> String {
    <[u8; 32]>::try_from(bytes).map_or_else(|_| String::from("?"), |h| hex(&h))
}
