//! `cqpt quiz rescore`: the results of a sitting run in the workspace, rebuilt from the
//! answers its store kept and compared with those written when each seat closed.

use super::store::{StoreArgs, open};
use super::{EXIT_FAILURE, EXIT_OK, Outcome};
use cqpt::source::DataSource;
use cqpt::store::Store;
use cqpt::store::quiz::QuizStore;

/// Rebuilds each closed seat's result of `sitting` (or of `dossier` only) and prints it, with
/// whether it is the one the store holds.
pub fn rescore(source: &DataSource, args: &StoreArgs, sitting: &str, dossier: Option<&str>) -> Outcome {
    let failed = |e: cqpt::store::StoreError| cqpt::Error::Data(e.to_string());
    let store = open(args).map_err(failed)?;
    let (library, policy) = cqpt::context::load_context(source)?;
    let bank = cqpt::quiz::load(source, &library)?;
    let Some(row) = store.sitting(sitting).map_err(failed)? else {
        return Err(cqpt::Error::Data(format!("no sitting `{sitting}` in {}", args.store.display())));
    };
    let seats: Vec<_> = store
        .seats(sitting)
        .map_err(failed)?
        .into_iter()
        .filter(|s| dossier.is_none_or(|d| d == s.dossier_id))
        .collect();
    if seats.is_empty() {
        return Err(cqpt::Error::Data(format!(
            "no seat `{}` in the sitting `{sitting}`",
            dossier.unwrap_or_default()
        )));
    }
    let by = store
        .user(&row.created_by)
        .map_err(failed)?
        .map_or_else(|| row.created_by.clone(), |u| u.display_name);
    let spec = cqpt::server::quiz::spec(&row.certificate, row.purpose, &row.id);
    let mut differ = 0;
    for seat in seats {
        let (Some(closed), Some(kept)) = (seat.closed_ms, seat.result.as_deref()) else {
            println!("== {}: not closed yet", seat.dossier_id);
            continue;
        };
        if kept == cqpt::server::quiz::ABSENT {
            println!("== {}: absent", seat.dossier_id);
            continue;
        }
        let drawn: Vec<(String, Vec<usize>)> = serde_json::from_str(&seat.drawn).map_err(|e| {
            cqpt::Error::Data(format!("{}: drawn questions unreadable: {e}", seat.dossier_id))
        })?;
        let certificate_policy = policy.for_certificate(&row.certificate);
        let rebuilt =
            cqpt::quiz::sitting::rebuild(&bank, &library, certificate_policy, &spec, seat.seed, &drawn)?;
        let answers = store.answers(sitting, &seat.dossier_id).map_err(failed)?;
        let result =
            cqpt::server::quiz::result::section(&policy, &row, &seat, &rebuilt, &answers, &by, closed);
        let same = result == kept;
        differ += usize::from(!same);
        println!(
            "== {}: {} ({} answers kept)",
            seat.dossier_id,
            if same {
                "the same as the result written at closing"
            } else {
                "DIFFERS from the result written at closing"
            },
            answers.len()
        );
        print!("{result}");
    }
    Ok(if differ == 0 { EXIT_OK } else { EXIT_FAILURE })
}
