//! Carry-over of the savoirs communs (art. 3): a holder of one CQPT who goes for the other
//! keeps the savoirs communs validated for 3 years, or 5 when practising the job daily.

use crate::date::Date;
use crate::dossier::Dossier;
use crate::policy::Policy;
use serde::Serialize;

/// The outcome of the carry-over rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarryOver {
    /// The CQPT held.
    pub certificate: String,
    /// Awarded on.
    pub awarded: Date,
    /// Years the rule allows (3 or 5).
    pub years: i32,
    /// Last day the savoirs communs are kept.
    pub valid_until: Date,
    /// Whether they are kept on the date of the synthesis.
    pub applies: bool,
}

/// Applies the rule on `date` (the synthesis date); `None` when no other CQPT is held.
pub fn carry_over(dossier: &Dossier, policy: &Policy, date: Date) -> Option<CarryOver> {
    let held = dossier.cqpt_held.as_ref()?;
    if held.certificate == dossier.certificate {
        return None;
    }
    let p = &policy.carry_over;
    let years = if held.practising { p.years_practising } else { p.years_not_practising };
    let valid_until = held.awarded.add_years(years);
    Some(CarryOver {
        certificate: held.certificate.clone(),
        awarded: held.awarded,
        years,
        valid_until,
        applies: held.awarded <= date && date <= valid_until,
    })
}
