//! Carry-over of the savoirs communs (art. 3): a holder of one CQPT who goes for the other keeps
//! "le bénéfice des savoirs communs validés" for 3 years, or 5 when practising the job daily.
//! Only what the dossier records as validated for the first CQPT carries over, at the level
//! reached: an item below the required level, an item that is not a savoir commun, or one the
//! first certificate never assessed is never carried.

use super::synthese::core_items;
use crate::date::Date;
use crate::dossier::Dossier;
use crate::policy::Policy;
use crate::referentiel::Library;
use serde::Serialize;

/// A savoir commun kept from the first CQPT, at the level it reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarriedItem {
    /// The item id.
    pub item: String,
    /// The level validated for the first CQPT.
    pub level: u8,
}

/// An item the dossier lists as validated that does not carry over, and why (in French).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCarried {
    /// The item id.
    pub item: String,
    /// Why it is not carried.
    pub reason: String,
}

/// The outcome of the carry-over rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarryOver {
    /// The CQPT held.
    pub certificate: String,
    /// Awarded on.
    pub awarded: Date,
    /// Years the rule allows (3 or 5).
    pub years: i32,
    /// Last day the savoirs communs are kept (the anniversary itself).
    pub valid_until: Date,
    /// Whether they are kept on the date of the synthesis.
    pub applies: bool,
    /// The savoirs communs kept, at their level (empty when the rule does not apply).
    pub items: Vec<CarriedItem>,
    /// Items listed as validated that are not carried.
    pub not_carried: Vec<NotCarried>,
}

impl CarryOver {
    /// The level carried for `item`, if it is carried.
    pub fn level_of(&self, item: &str) -> Option<u8> {
        self.items.iter().find(|c| c.item == item).map(|c| c.level)
    }
}

/// Applies the rule on `date` (the synthesis date); `None` when no other CQPT is held.
pub fn carry_over(dossier: &Dossier, library: &Library, policy: &Policy, date: Date) -> Option<CarryOver> {
    let held = dossier.cqpt_held.as_ref()?;
    if held.certificate == dossier.certificate {
        return None;
    }
    let p = &policy.carry_over;
    let years = if held.practising { p.years_practising } else { p.years_not_practising };
    let valid_until = held.awarded.add_years(years);
    let applies = held.awarded.within_years(years, date);
    let common = library.referentiel(&p.referentiel);
    let assessed_first = library.referentiel(&held.certificate).map(core_items).unwrap_or_default();
    let required = policy.levels.required;
    let mut items = Vec::new();
    let mut not_carried = Vec::new();
    for v in &held.validated {
        let level = v.level.value();
        let reason = if !common.is_some_and(|c| c.item_refs().any(|(_, x)| x.id == v.item)) {
            Some("ce n'est pas un savoir commun (annexe 3)".to_string())
        } else if !assessed_first.contains(&v.item.as_str()) {
            Some(format!("le CQPT {} n'évalue pas ce savoir", held.certificate))
        } else if level < required {
            Some(format!("niveau {level} : il n'a pas été validé (niveau {required} requis)"))
        } else if !applies {
            Some(format!("le bénéfice des savoirs communs a pris fin le {valid_until}"))
        } else {
            None
        };
        match reason {
            Some(reason) => not_carried.push(NotCarried { item: v.item.clone(), reason }),
            None => items.push(CarriedItem { item: v.item.clone(), level }),
        }
    }
    Some(CarryOver {
        certificate: held.certificate.clone(),
        awarded: held.awarded,
        years,
        valid_until,
        applies,
        items,
        not_carried,
    })
}
