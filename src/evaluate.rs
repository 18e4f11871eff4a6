//! One dossier file through the phases: read it, check that it records nothing after the
//! evaluation date, and evaluate it. The single path the commands and the session share.

use crate::date::Date;
use crate::dossier::{self, Dossier};
use crate::error::{Error, Result};
use crate::phases::{self, Evaluation};
use crate::policy::Policy;
use crate::referentiel::Library;
use crate::source::SourceFile;
use std::path::Path;

/// Reads the dossier at `path` and evaluates it as of `date`, by default the latest date it
/// records. A dossier that does not decode, or records a date after `date`, is
/// [`Error::Invalid`] with every diagnostic.
pub fn load_and_evaluate(
    path: &Path,
    library: &Library,
    policy: &Policy,
    date: Option<Date>,
) -> Result<(Dossier, Evaluation)> {
    let file = SourceFile::read(path)?;
    let dossier = dossier::load_dossier(&file, library).map_err(Error::Invalid)?;
    let date = date.unwrap_or_else(|| dossier.latest_date());
    let future = dossier::check_future_dates(&dossier, date);
    if future.has_errors() {
        return Err(Error::Invalid(future));
    }
    let evaluation = phases::evaluate(&dossier, library, policy, date);
    Ok((dossier, evaluation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::load_context;
    use crate::source::DataSource;

    fn example(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dossiers").join(name)
    }

    #[test]
    fn a_dossier_is_judged_as_of_its_latest_date_by_default() {
        let (library, policy) = load_context(&DataSource::Embedded).unwrap();
        let (dossier, evaluation) =
            load_and_evaluate(&example("01-distance-attribution.yaml"), &library, &policy, None).unwrap();
        assert_eq!(evaluation.date, dossier.latest_date());
    }

    #[test]
    fn a_date_before_what_the_dossier_records_is_invalid() {
        let (library, policy) = load_context(&DataSource::Embedded).unwrap();
        let early = Date::new(2000, 1, 1).unwrap();
        let error =
            load_and_evaluate(&example("01-distance-attribution.yaml"), &library, &policy, Some(early))
                .unwrap_err();
        assert!(matches!(&error, Error::Invalid(d) if d.has_errors()), "{error:?}");
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let (library, policy) = load_context(&DataSource::Embedded).unwrap();
        let error =
            load_and_evaluate(Path::new("no/such/dossier.yaml"), &library, &policy, None).unwrap_err();
        assert!(matches!(error, Error::Read { .. }), "{error:?}");
    }
}
