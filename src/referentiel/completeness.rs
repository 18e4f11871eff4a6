//! What a certificate needs beside its référentiel before any command uses it: a grid file
//! (`grids/<id>.yaml`, format in `grids/README.md`). The policy's entries per certificate are
//! checked by [`crate::policy::load_policy`]; [`crate::context::validate_data`] runs both on a
//! data folder as one.

use super::library::Library;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;

/// One error per certificate of `library` without a grid file among `grid_files`, at the
/// `id:` line of its référentiel file (found in `referentiel_files`).
pub fn check_grids(
    library: &Library,
    referentiel_files: &[SourceFile],
    grid_files: &[SourceFile],
) -> Diagnostics {
    let mut out = Diagnostics::default();
    for r in library.certificates() {
        let wanted = format!("{}.yaml", r.id);
        if grid_files.iter().any(|g| g.file_name() == wanted) {
            continue;
        }
        let line = referentiel_files
            .iter()
            .find(|f| f.name == r.file)
            .and_then(|f| f.text.lines().position(|l| l.starts_with("id:")))
            .and_then(|i| u32::try_from(i + 1).ok())
            .unwrap_or(1);
        out.push(
            Diagnostic::error(
                Code::MissingField,
                Location { file: r.file.clone(), line, column: 1 },
                "id",
                format!("the certificate `{}` has no grid file", r.id),
            )
            .expected(format!("grids/{wanted} with its three grids (format in grids/README.md)"))
            .found("no such file"),
        );
    }
    out
}
