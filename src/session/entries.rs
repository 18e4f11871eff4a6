//! The entries of a session's input folder, sorted out before anything is opened: the dossiers
//! to process, the entries that cannot be (a folder or a FIFO named `*.yaml`, a broken link, a
//! link leading outside the folder, two dossiers that would write to the same output folder),
//! and the other entries, ignored but listed. No entry vanishes, and nothing that is not a
//! regular file inside the folder is ever opened.

use super::Failure;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a folder holds.
#[derive(Debug, Default)]
pub struct Entries {
    /// The dossier files to process, sorted by name.
    pub dossiers: Vec<PathBuf>,
    /// Entries named like dossiers that cannot be processed, with why.
    pub refused: Vec<Failure>,
    /// Other entries, not dossiers: left alone, listed so that none vanishes.
    pub ignored: Vec<String>,
}

/// Whether a name is a dossier's: ends in `.yaml` or `.yml`, in any case.
fn dossier_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        let e = e.to_ascii_lowercase();
        e == "yaml" || e == "yml"
    })
}

/// The output folder a dossier writes into (its name without the extension); two dossiers
/// whose folders differ only by case collide too (on Windows and macOS they are one).
pub fn output_stem(path: &Path) -> String {
    path.file_stem().map_or_else(|| "dossier".into(), |s| s.to_string_lossy().into_owned())
}

/// Why an entry named like a dossier cannot be processed, if it cannot.
fn refusal(path: &Path, kind: std::fs::FileType, folder: &Path) -> Option<String> {
    // A plain file, as the folder's listing says: nothing more to ask the file system.
    if kind.is_file() {
        return None;
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return Some(format!("cannot be read ({e})")),
    };
    let meta = if meta.file_type().is_symlink() {
        let Ok(target) = std::fs::canonicalize(path) else {
            return Some("a broken link: it leads to nothing".into());
        };
        if !target.starts_with(folder) {
            return Some("a link leading outside the folder of dossiers: refused, not opened".into());
        }
        match std::fs::metadata(&target) {
            Ok(m) => m,
            Err(e) => return Some(format!("cannot be read ({e})")),
        }
    } else {
        meta
    };
    if meta.is_dir() {
        Some("a folder, not a dossier file".into())
    } else if !meta.is_file() {
        Some("not a regular file (a FIFO, a socket or a device): not opened".into())
    } else {
        None
    }
}

/// Sorts out the entries of `folder`; `skip` (the output folder, when inside) is left out.
pub fn scan(folder: &Path, skip: Option<&Path>) -> Result<Entries> {
    let read = |source| Error::Read { path: folder.to_path_buf(), source };
    let canonical = std::fs::canonicalize(folder).map_err(read)?;
    let skip = skip.and_then(|s| std::fs::canonicalize(s).ok());
    // Each entry with its type as the listing gives it (no call to the file system per file
    // when the listing knows it).
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(read)? {
        let entry = entry.map_err(read)?;
        let kind = entry.file_type().map_err(read)?;
        paths.push((entry.path(), kind));
    }
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    let mut entries = Entries::default();
    let fail = |path: &Path, message: String| Failure { file: path.display().to_string(), message };
    for (path, kind) in paths {
        // Only a folder, or a link, can be the output folder.
        if !kind.is_file()
            && skip.as_deref().is_some_and(|s| std::fs::canonicalize(&path).is_ok_and(|p| p == s))
        {
            continue;
        }
        if !dossier_name(&path) {
            entries
                .ignored
                .push(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        } else if let Some(why) = refusal(&path, kind, &canonical) {
            entries.refused.push(fail(&path, why));
        } else {
            entries.dossiers.push(path);
        }
    }
    let mut by_output: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for path in &entries.dossiers {
        by_output.entry(output_stem(path).to_lowercase()).or_default().push(path.clone());
    }
    for same in by_output.values().filter(|s| s.len() > 1) {
        let names: Vec<String> =
            same.iter().map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
        for path in same {
            let message = format!(
                "{} would write to the same output folder `{}`: rename all but one (none is processed)",
                names.join(" and "),
                output_stem(path)
            );
            entries.refused.push(fail(path, message));
        }
        entries.dossiers.retain(|p| !same.contains(p));
    }
    entries.refused.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_dossiers_in_any_case() {
        assert!(dossier_name(Path::new("a.YAML")));
        assert!(dossier_name(Path::new("a.yml")));
        assert!(!dossier_name(Path::new("a.yaml.txt")));
        assert!(!dossier_name(Path::new("yaml")));
    }
}
