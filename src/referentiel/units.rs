//! The units (blocs de compétences) a certificate is divided into, and its registration facts:
//! the model and the reading of the `units:` and `registration:` keys of a référentiel file.
//!
//! A unit groups activities and/or competences of its certificate; `certifiable_alone` says
//! whether it can be awarded on its own (a CCP of a titre professionnel, a bloc de compétences
//! in France Compétences' words). The per-unit synthesis and decision use
//! [`super::Referentiel::units`], [`super::Referentiel::unit_of`] and
//! [`super::Referentiel::unit_items`].

use super::decode::strings;
use super::model::{Knowledge, Referentiel};
use crate::diag::{Code, Diagnostic, Location};
use crate::yaml::{Decoder, Node};
use serde::Serialize;

/// A unit (bloc de compétences) of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    /// Stable id, unique within its certificate.
    pub id: String,
    /// The code the text gives it (`CCP 1`, `bloc 1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Its title.
    pub title: String,
    /// The ids of the activities it groups, whole.
    pub activities: Vec<String>,
    /// The ids of the competences it groups (of activities not listed whole).
    pub competences: Vec<String>,
    /// Whether it can be awarded on its own (validation partielle of the certificate).
    pub certifiable_alone: bool,
    /// Where it is defined.
    #[serde(skip)]
    pub location: Location,
}

/// How a certificate is registered (répertoire national, codes, who awards it, on what basis).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Registration {
    /// Level, as the text gives it (`IV`, `4`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// NSF code (`312 t`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsf: Option<String>,
    /// ROME codes with their wording (`14231 - Télévendeur`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rome: Vec<String>,
    /// RNCP number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rncp: Option<String>,
    /// Répertoire spécifique number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rs: Option<String>,
    /// The certifying authority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// The legal and regulatory bases, one per line of the text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
}

const REGISTRATION_KEYS: &[&str] = &["level", "nsf", "rome", "rncp", "rs", "authority", "legal_basis"];

/// The per-unit view of a certificate, for the synthesis and the decision per unit.
impl Referentiel {
    /// The units (blocs de compétences) it declares, in the order of the file. Empty when the
    /// certificate is awarded as a whole only. See [`Unit`] for what a unit groups.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The unit with this id.
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// The unit that groups the activity `activity` (directly, or through one of its
    /// competences); `None` when the certificate declares no units.
    pub fn unit_of(&self, activity: &str) -> Option<&Unit> {
        let competences: Vec<&str> = self
            .activity(activity)
            .map(|a| a.competences.iter().map(|c| c.id.as_str()).collect())
            .unwrap_or_default();
        self.units.iter().find(|u| {
            u.activities.iter().any(|a| a == activity)
                || u.competences.iter().any(|c| competences.contains(&c.as_str()))
        })
    }

    /// The unit that groups the competence `competence` (directly, or through its activity).
    pub fn unit_of_competence(&self, competence: &str) -> Option<&Unit> {
        let activity = self.activities.iter().find(|a| a.competence(competence).is_some())?;
        self.units
            .iter()
            .find(|u| u.competences.iter().any(|c| c == competence) || u.activities.contains(&activity.id))
    }

    /// The ids of the knowledge items a unit evaluates: those of its activities and of its
    /// competences, each once, kind by kind in the order of the text.
    pub fn unit_items(&self, unit: &Unit) -> Vec<String> {
        let mut k = Knowledge::default();
        for a in &self.activities {
            if unit.activities.contains(&a.id) {
                if let Some(x) = &a.knowledge {
                    k.absorb(x);
                }
                continue;
            }
            for c in a.competences.iter().filter(|c| unit.competences.contains(&c.id)) {
                if let Some(x) = &c.knowledge {
                    k.absorb(x);
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        k.refs().map(|(_, r)| r.id.clone()).filter(|id| seen.insert(id.clone())).collect()
    }
}

/// Reads the `registration:` mapping.
pub fn decode_registration(d: &mut Decoder, node: &Node, field: &str) -> Option<Registration> {
    let mut m = d.map(node, field)?;
    let mut text = |d: &mut Decoder, key: &str| {
        let path = m.path(key);
        m.optional(key).and_then(|n| d.string(n, &path))
    };
    let level = text(d, "level");
    let nsf = text(d, "nsf");
    let rncp = text(d, "rncp");
    let rs = text(d, "rs");
    let authority = text(d, "authority");
    let rome = strings(d, &mut m, "rome");
    let legal_basis = strings(d, &mut m, "legal_basis");
    m.finish(d, REGISTRATION_KEYS);
    Some(Registration { level, nsf, rome, rncp, rs, authority, legal_basis })
}

/// Reads one element of `units:`.
pub fn decode_unit(d: &mut Decoder, node: &Node, field: &str) -> Option<Unit> {
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the unit id").and_then(|n| d.id(n, &format!("{field}.id")));
    let code = {
        let path = m.path("code");
        m.optional("code").and_then(|n| d.string(n, &path))
    };
    let title = {
        let path = m.path("title");
        m.required(d, "title", "text").and_then(|n| d.string(n, &path))
    };
    let activities = ids(d, &mut m, "activities");
    let competences = ids(d, &mut m, "competences");
    let certifiable_alone = {
        let path = m.path("certifiable_alone");
        m.required(d, "certifiable_alone", "`true` or `false`").and_then(|n| d.bool(n, &path))
    };
    m.finish(d, &["id", "code", "title", "activities", "competences", "certifiable_alone"]);
    let location = d.location(node);
    if activities.is_empty() && competences.is_empty() {
        let diag =
            Diagnostic::error(Code::EmptyActivity, location.clone(), field, "a unit that groups nothing")
                .expected("`activities:` or `competences:` with at least one id")
                .found("none");
        d.report(diag);
    }
    Some(Unit {
        id: id?,
        code,
        title: title?,
        activities,
        competences,
        certifiable_alone: certifiable_alone.unwrap_or(false),
        location,
    })
}

fn ids(d: &mut Decoder, m: &mut crate::yaml::MapReader, key: &str) -> Vec<String> {
    let path = m.path(key);
    m.optional(key)
        .and_then(|n| d.seq(n, &path))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(f, n)| d.id(n, &f))
        .collect()
}

/// Checks the units of a certificate against its activities and competences: every id names
/// one of them, nothing is in two units, and when units are declared every core activity is
/// in one.
pub fn check_units(r: &Referentiel, diagnostics: &mut crate::diag::Diagnostics) {
    if r.units.is_empty() {
        return;
    }
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut unit_ids: Vec<&str> = Vec::new();
    for (i, u) in r.units.iter().enumerate() {
        if unit_ids.contains(&u.id.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    u.location.clone(),
                    format!("units[{i}].id"),
                    format!("the unit id `{}` is defined twice", u.id),
                )
                .expected("one id per unit")
                .found(format!("`{}`", u.id)),
            );
        }
        unit_ids.push(&u.id);
        let known_activities = r.activities.iter().map(|a| a.id.as_str());
        let known_competences = r.activities.iter().flat_map(|a| a.competences.iter().map(|c| c.id.as_str()));
        for (list, names, known) in [
            ("activities", &u.activities, known_activities.collect::<Vec<_>>()),
            ("competences", &u.competences, known_competences.collect::<Vec<_>>()),
        ] {
            for (j, id) in names.iter().enumerate() {
                let field = format!("units[{i}].{list}[{j}]");
                if !known.contains(&id.as_str()) {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::DanglingReference,
                            u.location.clone(),
                            field,
                            format!("the unit `{}` names `{id}`, not one of the {list} of `{}`", u.id, r.id),
                        )
                        .expected(format!("one of {}", known.join(", ")))
                        .found(format!("`{id}`"))
                        .help(crate::suggest::did_you_mean(id, known.iter().copied())),
                    );
                } else if let Some(expected) = whole_elsewhere(r, list, id)
                    .map(|other| format!("each competence in one unit (its activity is in `{other}` whole)"))
                    .or_else(|| {
                        seen.iter().find(|(x, _)| x == id).map(|(_, other)| {
                            format!("each activity or competence in one unit (already in `{other}`)")
                        })
                    })
                {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::DuplicateReference,
                            u.location.clone(),
                            field,
                            format!("`{id}` is in two units"),
                        )
                        .expected(expected)
                        .found(format!("`{id}` in `{}`", u.id)),
                    );
                } else {
                    seen.push((id, &u.id));
                }
            }
        }
    }
    for (i, a) in r.activities.iter().enumerate().filter(|(_, a)| a.core) {
        if r.unit_of(&a.id).is_none() {
            diagnostics.push(
                Diagnostic::error(
                    Code::MissingField,
                    a.location.clone(),
                    format!("activities[{i}]"),
                    format!("the core activity `{}` is in no unit", a.id),
                )
                .expected(format!("`{}` (or its competences) listed by one of the units", a.id))
                .found("none"),
            );
        }
    }
}

/// For a competence listed by a unit: the unit that lists its activity whole, if any.
fn whole_elsewhere<'a>(r: &'a Referentiel, list: &str, competence: &str) -> Option<&'a str> {
    if list != "competences" {
        return None;
    }
    let activity = r.activities.iter().find(|a| a.competence(competence).is_some())?;
    r.units.iter().find(|u| u.activities.contains(&activity.id)).map(|u| u.id.as_str())
}
