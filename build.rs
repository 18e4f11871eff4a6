//! Embeds the shipped data folders (référentiels, grids, templates, …) in the binary, so that
//! `cqpt` works from any folder and after `cargo install`. The list of files is generated, so
//! a new data file needs no code change.
use std::fmt::Write as _;

use std::fs;
use std::path::{Path, PathBuf};

/// The data folders shipped in the binary, relative to the crate root.
const DATA_FOLDERS: &[&str] = &["referentiels", "grids", "templates", "quiz"];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for folder in DATA_FOLDERS {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        collect(&dir, &mut files);
    }
    files.sort();
    let mut out = String::from(
        "/// Files shipped in the binary: (path relative to the data root, contents).\n\
         pub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for path in &files {
        let relative = path.strip_prefix(&root).expect("under the root");
        let name = relative.to_string_lossy().replace('\\', "/");
        let _ = writeln!(out, "    ({name:?}, include_bytes!({:?})),", path.display().to_string());
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("embedded.rs");
    fs::write(dest, out).expect("write embedded.rs");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(&path, files);
        } else if path.file_name().is_some_and(|n| n != "README.md") {
            files.push(path);
        }
    }
}
