//! Writing outputs without ever leaving a half-written file: write a temporary file beside the
//! target, flush it to disk, then rename it over the target. One file at a time
//! ([`write_atomic`]: temporary, fsync, rename), or many with one sync ([`Batch`]: temporaries,
//! one sync of the file system, renames, one sync of the folders), with the same guarantee:
//! after a crash each target is either its old or its new complete file.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary file `write_atomic` and [`Batch`] write for `path` (`.name.PID.tmp`, beside
/// it): a session removes those an interrupted run left.
fn temporary(path: &Path) -> PathBuf {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_through_temporary(path, bytes, false)
}

/// [`write_atomic`], the file readable and writable by its owner only (0600 on Unix): keys
/// and other secrets.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write_through_temporary(path, bytes, true)
}

fn write_through_temporary(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    let tmp = temporary(path);
    let fail = |source| Error::Write { path: path.to_path_buf(), source };
    // A leftover of a killed run would keep its permissions: the temporary is made anew.
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// Files written together, made durable together: each [`Batch::write`] writes a temporary
/// file (no sync); [`Batch::commit`] syncs them all at once, renames each over its target,
/// then syncs the folders. A batch commits by itself every [`Batch::FILES`] files, so that
/// neither its list nor the unsynced data grows with the run. Safe to share between threads.
pub struct Batch {
    /// A folder on the file system written to (the one synced).
    root: PathBuf,
    /// Temporaries written and not yet renamed, with their targets.
    pending: Mutex<Vec<(PathBuf, PathBuf)>>,
}

impl Batch {
    /// Files after which a batch commits by itself.
    pub const FILES: usize = 2_000;

    /// A batch of files written under `root` (one file system).
    pub fn new(root: &Path) -> Batch {
        Batch { root: root.to_path_buf(), pending: Mutex::new(Vec::new()) }
    }

    /// Writes `bytes` to a temporary beside `path`; it replaces `path` at the next commit.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = temporary(path);
        // The bytes are all here: one write, no buffer to copy them through.
        let written = std::fs::File::create(&tmp).and_then(|mut file| file.write_all(bytes));
        self.written(tmp, path, written)
    }

    /// [`Batch::write`] of the bytes `fill` writes, as it writes them: a long file (a tableau
    /// of 50,000 rows) is never held in memory whole. If `fill` fails, the temporary is removed
    /// and nothing replaces `path`.
    pub fn write_with(
        &self,
        path: &Path,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let tmp = temporary(path);
        let written = std::fs::File::create(&tmp).and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            fill(&mut out)?;
            out.flush()
        });
        self.written(tmp, path, written)
    }

    /// Records the temporary `tmp` written for `path`, or removes it if writing it failed.
    fn written(&self, tmp: PathBuf, path: &Path, written: std::io::Result<()>) -> Result<()> {
        if let Err(source) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::Write { path: path.to_path_buf(), source });
        }
        let full = {
            let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            pending.push((tmp, path.to_path_buf()));
            pending.len() >= Self::FILES
        };
        if full { self.commit() } else { Ok(()) }
    }

    /// Makes every file written so far durable and in place: one sync of the temporaries, the
    /// renames, one sync of the folders.
    pub fn commit(&self) -> Result<()> {
        let files =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        if files.is_empty() {
            return Ok(());
        }
        let result = self.sync_data(&files).and_then(|()| {
            for (tmp, path) in &files {
                std::fs::rename(tmp, path).map_err(|source| Error::Write { path: path.clone(), source })?;
            }
            self.sync_folders(&files)
        });
        if result.is_err() {
            for (tmp, _) in &files {
                let _ = std::fs::remove_file(tmp);
            }
        }
        result
    }

    /// Flushes the temporaries' data: one `syncfs` of the file system on Linux, elsewhere
    /// an fsync of each.
    fn sync_data(&self, files: &[(PathBuf, PathBuf)]) -> Result<()> {
        #[cfg(target_os = "linux")]
        {
            let _ = files;
            self.syncfs()
        }
        #[cfg(not(target_os = "linux"))]
        {
            for (tmp, path) in files {
                std::fs::File::open(tmp)
                    .and_then(|f| f.sync_all())
                    .map_err(|source| Error::Write { path: path.clone(), source })?;
            }
            Ok(())
        }
    }

    /// Makes the renames durable: one `syncfs` on Linux, elsewhere an fsync of each folder.
    fn sync_folders(&self, files: &[(PathBuf, PathBuf)]) -> Result<()> {
        #[cfg(target_os = "linux")]
        {
            let _ = files;
            self.syncfs()
        }
        #[cfg(not(target_os = "linux"))]
        {
            let mut folders: Vec<&Path> = files.iter().filter_map(|(_, p)| p.parent()).collect();
            folders.sort_unstable();
            folders.dedup();
            for folder in folders {
                // Not every system can sync a folder (Windows cannot open one): best effort.
                if let Ok(dir) = std::fs::File::open(folder) {
                    let _ = dir.sync_all();
                }
            }
            Ok(())
        }
    }

    #[cfg(target_os = "linux")]
    fn syncfs(&self) -> Result<()> {
        let fail = |source| Error::Write { path: self.root.clone(), source };
        let dir = std::fs::File::open(&self.root).map_err(fail)?;
        rustix::fs::syncfs(&dir).map_err(|e| fail(e.into()))
    }
}

impl Drop for Batch {
    /// A batch dropped without its commit (an error elsewhere) leaves no temporary behind.
    fn drop(&mut self) {
        let pending = self.pending.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (tmp, _) in pending.drain(..) {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_whole_files_and_leave_no_temporary() {
        let dir = std::env::temp_dir().join(format!("cqpt-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.txt");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert!(write_atomic(&dir.join("missing/b.txt"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_batch_replaces_files_only_when_it_commits() {
        let dir = std::env::temp_dir().join(format!("cqpt-batch-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let (a, b) = (dir.join("a.txt"), dir.join("sub/b.txt"));
        std::fs::write(&a, b"old").unwrap();
        let batch = Batch::new(&dir);
        batch.write(&a, b"new a").unwrap();
        batch.write(&b, b"new b").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"old", "not before the commit");
        assert!(!b.exists());
        batch.commit().unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
        assert!(batch.write(&dir.join("missing/c.txt"), b"x").is_err());
        batch.write(&a, b"dropped").unwrap();
        drop(batch);
        assert_eq!(std::fs::read(&a).unwrap(), b"new a", "a batch dropped uncommitted changes nothing");
        let names = |d: &Path| std::fs::read_dir(d).unwrap().count();
        assert_eq!((names(&dir), names(&dir.join("sub"))), (2, 1), "no temporary left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
