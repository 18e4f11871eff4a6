//! Dates after the evaluation date are input errors: nothing can be recorded in the future.

use super::model::Dossier;
use crate::date::Date;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};

/// Dates after `today` (the evaluation date) are input errors: nothing can be recorded in the
/// future. Returns one diagnostic per such date.
pub fn check_future_dates(dossier: &Dossier, today: Date) -> Diagnostics {
    let mut out = Diagnostics::default();
    // The field is written only for a date in the future (a closure, not a text per date).
    let mut check = |date: Date, location: &Location, field: &dyn Fn() -> String| {
        if date > today {
            out.push(
                Diagnostic::error(
                    Code::DateInFuture,
                    location.clone(),
                    field(),
                    format!("{date} is after the evaluation date {today}"),
                )
                .expected(format!("a date on or before {today}"))
                .found(date.to_string()),
            );
        }
    };
    for (i, e) in dossier.employment.iter().enumerate() {
        check(e.start, &e.location, &|| format!("employment[{i}].start"));
        if let Some(end) = e.end {
            check(end, &e.location, &|| format!("employment[{i}].end"));
        }
    }
    check(dossier.application.submitted, &dossier.application.location, &|| "application.submitted".into());
    if let Some(decided) = dossier.application.decided {
        check(decided, &dossier.application.location, &|| "application.decided".into());
    }
    if let Some(c) = &dossier.cqpt_held {
        check(c.awarded, &c.location, &|| "cqpt_held.awarded".into());
    }
    if let Some(c) = &dossier.convention {
        check(c.signed, &c.location, &|| "convention.signed".into());
    }
    if let Some(t) = dossier.tutor.as_ref().and_then(|t| t.transmitted.map(|d| (d, &t.location))) {
        check(t.0, t.1, &|| "tutor.transmitted".into());
    }
    for (_, a) in dossier.assessments() {
        check(a.on, &a.location, &|| format!("assessment of {}", a.item));
    }
    if let Some(i) = &dossier.interview {
        check(i.date, &i.location, &|| "interview.date".into());
    }
    for a in dossier.complement.iter().flat_map(|c| &c.assessments).map(|(_, a)| a) {
        check(a.on, &a.location, &|| format!("complement assessment of {}", a.item));
    }
    if let Some(s) = dossier.complement.as_ref().and_then(|c| c.synthese.as_ref()) {
        check(s.date, &s.location, &|| "complement.synthese.date".into());
    }
    if let Some(s) = &dossier.synthese {
        check(s.date, &s.location, &|| "synthese.date".into());
    }
    if let Some(dec) = &dossier.decision {
        check(dec.date, &dec.location, &|| "decision.date".into());
    }
    out
}
