//! A session's output folder: locked for the run (a second run at the same time fails with a
//! clear message), cleaned of the temporary files an interrupted run left, and kept in step with
//! a manifest of what cqpt wrote there, so that a rerun removes what no longer applies (the
//! synthesis of a dossier now rejected, the folder of a dossier removed from the input).

use crate::error::{Error, Result};
use crate::output::write_atomic;
use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Component, Path, PathBuf};

/// The lock file, held (advisory lock) for the run.
pub const LOCK_FILE: &str = ".cqpt-session.lock";
/// The list of the files cqpt may have written, one relative path a line.
pub const MANIFEST_FILE: &str = ".cqpt-manifest";

/// An output folder held for a run.
pub struct OutputFolder {
    path: PathBuf,
    /// Held until the run ends; the system releases it if the process dies.
    _lock: File,
    /// What earlier runs may have written.
    previous: BTreeSet<String>,
}

/// Whether a manifest line is a plain relative path inside the folder (never `..`, never
/// absolute): a manifest edited by hand cannot make cqpt remove anything outside.
fn safe(relative: &str) -> bool {
    let path = Path::new(relative);
    !relative.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Whether a file name is one of [`write_atomic`]'s temporaries (`.name.PID.tmp`).
fn temporary(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_suffix(".tmp"))
        .and_then(|n| n.rsplit_once('.'))
        .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes the temporaries left in `dir` and its sub-folders (one level).
fn remove_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            for inner in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                if temporary(&inner.file_name().to_string_lossy()) {
                    let _ = std::fs::remove_file(inner.path());
                }
            }
        } else if kind.is_file() && temporary(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

impl OutputFolder {
    /// Creates and locks `out`, removes the temporaries of an interrupted run, reads the
    /// manifest of earlier runs. Fails at once if another run holds the folder.
    pub fn open(out: &Path) -> Result<OutputFolder> {
        let write = |source| Error::Write { path: out.to_path_buf(), source };
        std::fs::create_dir_all(out).map_err(write)?;
        let lock_path = out.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|source| Error::Write { path: lock_path.clone(), source })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Usage(format!(
                    "another cqpt session is writing into {} (it holds {}): wait for it to end, or choose another --out",
                    out.display(),
                    lock_path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(Error::Write { path: lock_path, source });
            }
        }
        remove_temporaries(out);
        let previous = std::fs::read_to_string(out.join(MANIFEST_FILE))
            .map(|text| text.lines().filter(|l| safe(l)).map(str::to_string).collect())
            .unwrap_or_default();
        Ok(OutputFolder { path: out.to_path_buf(), _lock: lock, previous })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records, before anything is written, every file this run may write: if it is
    /// interrupted, the next run still knows them.
    pub fn plan(&self, may_write: impl IntoIterator<Item = String>) -> Result<()> {
        let mut all: BTreeSet<String> = may_write.into_iter().filter(|p| safe(p)).collect();
        all.extend(self.previous.iter().cloned());
        self.write_manifest(all.iter().map(String::as_str))
    }

    /// Writes the manifest: `files`, in order, one a line.
    fn write_manifest<'f>(&self, files: impl Iterator<Item = &'f str>) -> Result<()> {
        let mut text = String::new();
        for f in files {
            text.push_str(f);
            text.push('\n');
        }
        write_atomic(&self.path.join(MANIFEST_FILE), text.as_bytes())
    }

    /// Ends the run: removes what earlier (or interrupted) runs wrote and this one did not
    /// (and the folders left empty), and records what this run wrote. Returns what was removed.
    pub fn finish(
        self,
        written: &[String],
        planned: impl IntoIterator<Item = String>,
    ) -> Result<Vec<String>> {
        let written: BTreeSet<&str> = written.iter().map(String::as_str).collect();
        // What earlier runs wrote, then what this one planned (made again, not kept), each
        // file once, less what this run wrote.
        let planned = planned.into_iter().filter(|p| safe(p) && !self.previous.contains(p));
        let stale = self.previous.iter().cloned().chain(planned).filter(|f| !written.contains(f.as_str()));
        let mut removed = Vec::new();
        for file in stale {
            let path = self.path.join(&file);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
                && std::fs::remove_file(&path).is_ok()
            {
                removed.push(file);
            }
            if let Some(parent) = path.parent().filter(|p| *p != self.path) {
                let _ = std::fs::remove_dir(parent);
            }
        }
        removed.sort();
        self.write_manifest(written.iter().copied())?;
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_trusted() {
        assert!(safe("a/synthese.pdf"));
        assert!(!safe("../a.pdf"));
        assert!(!safe("/etc/passwd"));
        assert!(!safe("a/../../b"));
        assert!(!safe(""));
    }

    #[test]
    fn temporaries_are_recognised() {
        assert!(temporary(".synthese.pdf.1234.tmp"));
        assert!(!temporary("synthese.pdf.1234.tmp"));
        assert!(!temporary(".notes.tmp"));
        assert!(!temporary(".a.x12.tmp"));
    }
}
