//! The accreditation of the evaluating body as a history (Annexe 2 §IV: "la CPNE renouvellera
//! l'habilitation tous les deux ans … pourra décider du retrait immédiat"): dated grants,
//! renewals and withdrawals make periods of validity. A renewal on time (on or before the last
//! day of the running period) extends it without a gap; a late one opens a new period. Each
//! period runs through the anniversary of its last grant or renewal ([`Date::within_years`]).

use crate::date::Date;
use crate::dossier::{AccreditationEvent, AccreditationRecord};
use serde::Serialize;

/// A period during which the body is accredited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day.
    pub start: Date,
    /// Last day (included).
    pub until: Date,
    /// The withdrawal that ended it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Date>,
}

/// Where a date stands against the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Within a period.
    Valid,
    /// After a withdrawal, before any new grant.
    Withdrawn(Date),
    /// Before the first grant, or between periods.
    Expired,
}

/// The periods of validity of a history, `years` long from each grant or renewal.
pub fn periods(history: &[AccreditationRecord], years: i32) -> Vec<Period> {
    let mut sorted: Vec<&AccreditationRecord> = history.iter().collect();
    sorted.sort_by_key(|r| r.on);
    let mut out = Vec::new();
    let mut current: Option<Period> = None;
    for r in sorted {
        match r.event {
            AccreditationEvent::Granted | AccreditationEvent::Renewed => {
                let until = r.on.add_years(years);
                current = Some(match current {
                    Some(p) if r.on <= p.until => Period { until: until.max(p.until), ..p },
                    previous => {
                        out.extend(previous);
                        Period { start: r.on, until, withdrawn: None }
                    }
                });
            }
            AccreditationEvent::Withdrawn => {
                if let Some(p) = current.take() {
                    if r.on <= p.until {
                        out.push(Period { until: r.on.add_days(-1), withdrawn: Some(r.on), ..p });
                    } else {
                        out.push(p);
                    }
                }
            }
        }
    }
    out.extend(current);
    out
}

/// Where `date` stands.
pub fn standing(periods: &[Period], date: Date) -> Standing {
    if periods.iter().any(|p| p.start <= date && date <= p.until) {
        return Standing::Valid;
    }
    match periods.iter().rev().find(|p| p.start <= date) {
        Some(Period { withdrawn: Some(w), .. }) => Standing::Withdrawn(*w),
        _ => Standing::Expired,
    }
}
