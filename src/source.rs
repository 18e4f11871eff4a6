//! Where data files come from: the copy embedded in the binary, or a data folder on disk
//! (`--data DIR` or `CQPT_DATA`) that then replaces it. A data folder has the layout of the
//! repository: [`DATA_FOLDERS`]. [`export_embedded`] writes the embedded copy as such a folder.
//!
//! This is the first step of the pipeline: it knows files, not what they mean (each later
//! stage reads the files it needs).

use crate::error::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The text of one input file and the name it is shown under in diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user knows it (`embedded:referentiels/x.yaml` for the shipped copy).
    pub name: String,
    /// Its contents.
    pub text: String,
}

impl SourceFile {
    /// Reads a file from disk: a regular file of at most [`crate::limits::MAX_READ_BYTES`],
    /// in UTF-8 ([`crate::limits::read_text`]).
    pub fn read(path: &Path) -> Result<SourceFile> {
        let text = crate::limits::read_text(path, crate::limits::MAX_READ_BYTES)?;
        Ok(SourceFile { name: path.display().to_string(), text })
    }

    /// The file a diagnostic names, read again to show its lines: the embedded copy for an
    /// `embedded:` name, else the file on disk; `None` when it cannot be read.
    pub fn named(name: &str) -> Option<SourceFile> {
        let text = match name.strip_prefix("embedded:") {
            Some(path) => {
                let (_, bytes) = embedded::FILES.iter().find(|(n, _)| *n == path)?;
                String::from_utf8(bytes.to_vec()).ok()?
            }
            None => fs::read_to_string(name).ok()?,
        };
        Some(SourceFile { name: name.to_string(), text })
    }

    /// The last component of its name.
    pub fn file_name(&self) -> &str {
        self.name.rsplit(['/', '\\']).next().unwrap_or(&self.name)
    }

    /// The folder part of its name.
    pub fn folder(&self) -> String {
        match self.name.rfind(['/', '\\']) {
            Some(i) => self.name[..i].to_string(),
            None => ".".to_string(),
        }
    }
}

/// The sub-folders of a data folder, each read by one stage: référentiels, scales and policy;
/// grid definitions; document and page templates; the quiz bank.
pub const DATA_FOLDERS: [&str; 4] = ["referentiels", "grids", "templates", "quiz"];

/// Where the data files are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// The files shipped in the binary.
    Embedded,
    /// A data folder with the repository's layout.
    Folder(PathBuf),
}

impl DataSource {
    /// The data folder if given, the embedded copy otherwise.
    pub fn new(folder: Option<PathBuf>) -> DataSource {
        folder.map_or(DataSource::Embedded, DataSource::Folder)
    }

    /// The files of `subfolder` whose names end in `.{extension}`, sorted by name.
    pub fn files(&self, subfolder: &'static str, extension: &str) -> Result<Vec<SourceFile>> {
        match self {
            DataSource::Embedded => embedded::FILES
                .iter()
                .filter(|(name, _)| {
                    name.strip_prefix(subfolder)
                        .and_then(|rest| rest.strip_prefix('/'))
                        .is_some_and(|rest| !rest.contains('/') && rest.ends_with(&format!(".{extension}")))
                })
                .map(|(name, bytes)| {
                    let text = String::from_utf8(bytes.to_vec()).map_err(|e| Error::Read {
                        path: PathBuf::from(name),
                        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                    })?;
                    Ok(SourceFile { name: format!("embedded:{name}"), text })
                })
                .collect(),
            DataSource::Folder(root) => {
                let dir = root.join(subfolder);
                if !dir.is_dir() {
                    return Err(Error::NoFolder { folders: self.missing_folders(), path: root.clone() });
                }
                read_folder(&dir, extension)
            }
        }
    }

    /// The [`DATA_FOLDERS`] a data folder lacks (none for the embedded copy).
    pub fn missing_folders(&self) -> Vec<&'static str> {
        match self {
            DataSource::Embedded => Vec::new(),
            DataSource::Folder(root) => DATA_FOLDERS.into_iter().filter(|f| !root.join(f).is_dir()).collect(),
        }
    }

    /// The référentiel files (`referentiels/*.yaml`).
    pub fn referentiel_files(&self) -> Result<Vec<SourceFile>> {
        self.files("referentiels", "yaml")
    }

    /// How to name this source to a person.
    pub fn describe(&self) -> String {
        match self {
            DataSource::Embedded => "the data embedded in cqpt".to_string(),
            DataSource::Folder(p) => format!("the data folder {}", p.display()),
        }
    }
}

/// The files of a folder whose names end in `.{extension}`, sorted by name.
pub fn read_folder(dir: &Path, extension: &str) -> Result<Vec<SourceFile>> {
    let entries = fs::read_dir(dir).map_err(|source| Error::Read { path: dir.to_path_buf(), source })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == extension))
        .collect();
    paths.sort();
    paths.iter().map(|p| SourceFile::read(p)).collect()
}

/// The référentiel files to check for `cqpt referentiel validate PATH...`: folders are read
/// whole (a data folder or a référentiels folder); files given alone replace the file of the
/// same name in `base`, so one edited file can be checked against the rest of the library.
/// With no path, the files of `base`.
pub fn referentiel_files_for(paths: &[PathBuf], base: &DataSource) -> Result<Vec<SourceFile>> {
    let mut files: Vec<SourceFile> = Vec::new();
    let (folders, singles): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.is_dir());
    for folder in &folders {
        let dir = if folder.join("referentiels").is_dir() {
            folder.join("referentiels")
        } else {
            (*folder).clone()
        };
        files.extend(read_folder(&dir, "yaml")?);
    }
    if folders.is_empty() {
        files = base.referentiel_files()?;
    }
    for path in singles {
        let file = SourceFile::read(path)?;
        match files.iter_mut().find(|f| f.file_name() == file.file_name()) {
            Some(slot) => *slot = file,
            None => files.push(file),
        }
    }
    Ok(files)
}

/// The files embedded in the binary: (path relative to a data folder, contents), sorted by path.
pub fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// Writes the embedded data into `dir` as a data folder to edit and use with `--data DIR`,
/// and returns the files written. Refuses to overwrite: if any file exists already, nothing is
/// written and the error names every such file.
pub fn export_embedded(dir: &Path) -> Result<Vec<PathBuf>> {
    let targets: Vec<(PathBuf, &[u8])> =
        embedded::FILES.iter().map(|(name, bytes)| (dir.join(name), *bytes)).collect();
    let existing: Vec<String> = targets
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Write {
            path: dir.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("would overwrite {}; choose an empty folder", first_of(&existing, 3)),
            ),
        });
    }
    for (path, bytes) in &targets {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|source| Error::Write { path: parent.to_path_buf(), source })?;
        }
        fs::write(path, bytes).map_err(|source| Error::Write { path: path.clone(), source })?;
    }
    Ok(targets.into_iter().map(|(path, _)| path).collect())
}

/// "a, b, c and 4 more": the first `n` names of a list, and how many are left out.
fn first_of(names: &[String], n: usize) -> String {
    let shown = names[..names.len().min(n)].join(", ");
    match names.len().saturating_sub(n) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_folder_names_every_missing_folder_at_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("grids")).unwrap();
        let source = DataSource::Folder(dir.path().to_path_buf());
        assert_eq!(source.missing_folders(), ["referentiels", "templates", "quiz"]);
        let message = source.referentiel_files().unwrap_err().to_string();
        assert!(message.contains("no `referentiels`, `templates` or `quiz` folder in"), "{message}");
    }

    #[test]
    fn the_exported_folder_holds_every_data_folder_and_replaces_the_embedded_copy() {
        let dir = tempfile::tempdir().unwrap();
        let written = export_embedded(dir.path()).unwrap();
        assert_eq!(written.len(), embedded::FILES.len());
        let folder = DataSource::Folder(dir.path().to_path_buf());
        assert!(folder.missing_folders().is_empty());
        assert_eq!(
            folder.referentiel_files().unwrap().iter().map(|f| &f.text).collect::<Vec<_>>(),
            DataSource::Embedded.referentiel_files().unwrap().iter().map(|f| &f.text).collect::<Vec<_>>()
        );
    }

    #[test]
    fn export_refuses_to_overwrite_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("referentiels")).unwrap();
        fs::write(dir.path().join("referentiels/distance.yaml"), "mine").unwrap();
        let message = export_embedded(dir.path()).unwrap_err().to_string();
        assert!(message.contains("distance.yaml"), "{message}");
        assert!(!dir.path().join("grids").exists());
        assert_eq!(fs::read_to_string(dir.path().join("referentiels/distance.yaml")).unwrap(), "mine");
    }
}
