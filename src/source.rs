//! Where data files come from: the copy embedded in the binary, or a data folder on disk
//! (`--data DIR` or `CQPT_DATA`) that then replaces it. A data folder has the layout of the
//! repository: `referentiels/`, `grids/`, `templates/`, …

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
                    return Err(Error::NoFolder { folder: subfolder, path: root.clone() });
                }
                read_folder(&dir, extension)
            }
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
pub fn referentiel_files_for(paths: &[PathBuf], base: &DataSource) -> Result<Vec<SourceFile>> {
    let mut files: Vec<SourceFile> = Vec::new();
    let (folders, singles): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.is_dir());
    for folder in &folders {
        let dir = if folder.join("referentiels").is_dir() {
            folder.join("referentiels")
        } else {
            folder.to_path_buf()
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

/// Loads the référentiel library from `source`.
pub fn load_library(source: &DataSource) -> Result<crate::referentiel::Loaded> {
    crate::referentiel::load(&source.referentiel_files()?).map_err(Error::Invalid)
}

/// Loads the référentiels and the decision policy (`referentiels/politique.toml`).
pub fn load_context(source: &DataSource) -> Result<(crate::referentiel::Library, crate::policy::Policy)> {
    let library = load_library(source)?.library;
    let policy_file = source
        .files("referentiels", "toml")?
        .into_iter()
        .find(|f| f.file_name() == crate::policy::POLICY_FILE)
        .ok_or_else(|| Error::Read {
            path: PathBuf::from(format!("referentiels/{}", crate::policy::POLICY_FILE)),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no policy file"),
        })?;
    let policy = crate::policy::load_policy(&policy_file, &library).map_err(Error::Invalid)?;
    Ok((library, policy))
}
