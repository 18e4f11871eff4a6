//! Phase 1 — recevabilité (art. 3, art. 6-1, Annexe 2 §III): AUVICOM's decision on the
//! application, with every reason of a rejection, each a stable code and its article.

use crate::closed_set::code_set;
use crate::date::Date;
use crate::dossier::{Dossier, Employment};
use crate::policy::{Policy, RecevabilitePolicy};
use serde::Serialize;

code_set! {
    /// A reason to reject an application.
    ///
    /// The kebab-case code of each variant is derived from its name (strum), and serde serialises
    /// through that same string: adding a code is adding a variant (and its article).
    pub enum Reason {
        /// The route is not one of the agreement's.
        RouteNotAdmitted,
        /// Not employed in a company of the branch.
        NotBranchEmployee,
        /// The contrat de professionnalisation did not aim at this certificate.
        ContractNotAimedAtCertificate,
        /// The contrat de professionnalisation ended longer ago than the policy's window.
        ContractEndedOutsideWindow,
        /// Under one year of related experience.
        ExperienceUnderOneYear,
        /// Free access: under one year of it within the last 3 years.
        ExperienceOutsideWindow,
        /// Free access: under 1,607 hours of effective work within the last 3 years.
        HoursUnderMinimum,
        /// No proof of activity in the branch.
        NoProofOfActivity,
        /// No sworn statement.
        NoSwornStatement,
    }
}

impl Reason {
    /// The text the rule comes from.
    pub fn article(self) -> &'static str {
        match self {
            Reason::RouteNotAdmitted | Reason::ExperienceOutsideWindow | Reason::HoursUnderMinimum => {
                "accord du 23 septembre 2005, art. 3"
            }
            Reason::NotBranchEmployee => "accord du 23 septembre 2005, art. 1 et art. 3",
            Reason::ContractNotAimedAtCertificate | Reason::ExperienceUnderOneYear => {
                "annexe 2, §III, population concernée"
            }
            Reason::ContractEndedOutsideWindow => {
                "annexe 2, §III, population concernée (délai fixé par la politique)"
            }
            Reason::NoProofOfActivity | Reason::NoSwornStatement => "accord du 23 septembre 2005, art. 6-1",
        }
    }
}

/// One reason of a rejection, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The reason.
    pub code: Reason,
    /// The text it comes from.
    pub article: &'static str,
    /// The explanation, in words a candidate understands.
    pub message: String,
}

/// The facts the decision rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExperienceFacts {
    /// Days of related experience, periods merged, up to the date.
    pub related_days: i64,
    /// They make the years required (calendar anniversaries from the first day worked).
    pub years_reached: bool,
    /// Of those, days within the window.
    pub window_days: i64,
    /// The days within the window make the years required.
    pub window_years_reached: bool,
    /// Hours of related work within the window (pro rata of straddling periods).
    pub window_hours: f64,
    /// First day of the window.
    pub window_start: Date,
}

/// AUVICOM's decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecevabiliteDecision {
    /// The date the decision is made on.
    pub date: Date,
    /// Recevable or not.
    pub recevable: bool,
    /// Every reason of a rejection.
    pub reasons: Vec<Rejection>,
    /// The facts counted.
    pub facts: ExperienceFacts,
}

/// Decides the recevabilité of `dossier` on `date` (normally the day the application was
/// submitted).
pub fn recevabilite(dossier: &Dossier, policy: &Policy, date: Date) -> RecevabiliteDecision {
    let p = &policy.recevabilite;
    let mut reasons = Vec::new();
    let facts = experience(&dossier.employment, date, p.window_years, p.min_experience_years);
    let no_experience = p.no_experience_routes.contains(&dossier.route);
    let mut reject =
        |code: Reason, message: String| reasons.push(Rejection { code, article: code.article(), message });
    if !p.routes.contains(&dossier.route) {
        let route = dossier.route;
        reject(
            Reason::RouteNotAdmitted,
            format!(
                "La voie d'accès « {route} » n'ouvre pas droit au CQPT : seuls le contrat de professionnalisation, la période de professionnalisation, le plan de formation, le DIF ou le CIF, et la fin d'un contrat de professionnalisation visant le CQPT le permettent."
            ),
        );
    }
    if no_experience {
        end_of_contract_reasons(dossier, p, date, &mut reject);
    } else {
        employee_reasons(dossier, p, &facts, date, &mut reject);
    }
    document_reasons(dossier, p, no_experience, &mut reject);
    reasons.sort_by_key(|r| r.code);
    RecevabiliteDecision { date, recevable: reasons.is_empty(), reasons, facts }
}

/// The reasons to reject a young person or job seeker at the end of a contrat de
/// professionnalisation: a contract that ended too long ago, or that did not aim at this CQPT.
fn end_of_contract_reasons(
    dossier: &Dossier,
    p: &RecevabilitePolicy,
    date: Date,
    reject: &mut impl FnMut(Reason, String),
) {
    let contract = dossier.professionalisation_contract.as_ref();
    let aimed = contract.is_some_and(|c| c.target == dossier.certificate);
    if let Some(c) = contract
        && date > c.end.add_years(p.end_of_contract_window_years)
    {
        reject(
            Reason::ContractEndedOutsideWindow,
            format!(
                "Le contrat de professionnalisation a pris fin le {} : la demande, reçue le {date}, vient plus de {} an(s) après sa fin ; au-delà, le candidat postule comme salarié justifiant d'une année d'expérience.",
                c.end, p.end_of_contract_window_years
            ),
        );
    }
    if !aimed {
        reject(
            Reason::ContractNotAimedAtCertificate,
            "Le dossier ne comporte pas de contrat de professionnalisation visant ce CQPT : l'accès sans expérience préalable est réservé aux jeunes et demandeurs d'emploi à l'issue d'un tel contrat.".to_string(),
        );
    }
}

/// The reasons to reject an employee: not employed in the branch on `date`, under a year of
/// related experience, and on a free-access route, experience or hours outside the window.
fn employee_reasons(
    dossier: &Dossier,
    p: &RecevabilitePolicy,
    facts: &ExperienceFacts,
    date: Date,
    reject: &mut impl FnMut(Reason, String),
) {
    let employed = dossier.employment.iter().any(|e| {
        e.in_branch
            && p.branch_contracts.contains(&e.contract)
            && e.start <= date
            && e.end.is_none_or(|end| end >= date)
    });
    if !employed {
        reject(
            Reason::NotBranchEmployee,
            format!(
                "Au {date}, le dossier ne montre pas d'emploi salarié en cours (CDD ou CDI) dans une entreprise de la branche des télécommunications (convention collective du 26 avril 2000) ; un stage ou un autre contrat n'en est pas un."
            ),
        );
    }
    if !facts.years_reached {
        reject(
            Reason::ExperienceUnderOneYear,
            format!(
                "L'expérience professionnelle en rapport direct avec le CQPT visé totalise {} jours, moins d'une année entière de date à date ; il faut au moins {} an(s).",
                facts.related_days, p.min_experience_years
            ),
        );
    }
    if p.free_access_routes.contains(&dossier.route) {
        if facts.years_reached && !facts.window_years_reached {
            reject(
                Reason::ExperienceOutsideWindow,
                format!(
                    "En accès libre, l'année d'expérience doit se situer dans les trois dernières années (depuis le {}) : le dossier en montre {} jours sur cette période, moins d'une année entière de date à date.",
                    facts.window_start, facts.window_days
                ),
            );
        }
        if facts.window_hours + 1e-9 < f64::from(p.min_hours) {
            reject(
                Reason::HoursUnderMinimum,
                format!(
                    "En accès libre, il faut au moins {} heures de travail effectif sur les trois dernières années : le dossier en montre {}.",
                    p.min_hours,
                    facts.window_hours.floor()
                ),
            );
        }
    }
}

/// The reasons to reject a dossier for its documents: no proof of activity in the branch
/// (unless the candidate comes without experience and lists no employment), no sworn statement.
fn document_reasons(
    dossier: &Dossier,
    p: &RecevabilitePolicy,
    no_experience: bool,
    reject: &mut impl FnMut(Reason, String),
) {
    let has_employment = !dossier.employment.is_empty();
    let proof = dossier.documents.iter().any(|d| p.proof_documents.contains(&d.kind));
    if !proof && (!no_experience || has_employment) {
        reject(
            Reason::NoProofOfActivity,
            "Le dossier ne contient aucun élément matériel attestant de l'activité dans la branche (contrat de travail, bulletin de paie, attestation de l'employeur).".to_string(),
        );
    }
    if !dossier.documents.iter().any(|d| d.kind == p.sworn_statement) {
        reject(
            Reason::NoSwornStatement,
            "Le dossier ne contient pas l'attestation sur l'honneur d'avoir exercé l'activité en rapport direct avec le CQPT visé.".to_string(),
        );
    }
}

/// Merges the related periods up to `date` and counts days and hours. Whether the days make
/// `years` years is judged by calendar anniversary: the merged periods laid end to end from the
/// first day worked ([`Date::days_make_years`]).
pub fn experience(periods: &[Employment], date: Date, window_years: i32, years: i32) -> ExperienceFacts {
    let window_start = date.add_years(-window_years).add_days(1);
    let mut spans: Vec<(i64, i64)> = Vec::new();
    let mut window_hours = 0.0;
    for e in periods.iter().filter(|e| e.related && e.start <= date) {
        let start = e.start.days_since_epoch();
        let end = e.end.unwrap_or(date).min(date).days_since_epoch();
        if end < start {
            continue;
        }
        spans.push((start, end));
        let days = (end - start + 1) as f64;
        let inside =
            (end.min(date.days_since_epoch()) - start.max(window_start.days_since_epoch()) + 1).max(0) as f64;
        // Hours of a period that ends after the date are counted pro rata of the part before.
        let full_days = (e.end.unwrap_or(date).days_since_epoch() - start + 1).max(1) as f64;
        let hours_to_date = f64::from(e.hours) * days / full_days;
        window_hours += hours_to_date * inside / days;
    }
    let merged = merge(spans);
    let related_days = merged.iter().map(|(s, e)| e - s + 1).sum();
    let ws = window_start.days_since_epoch();
    let window_days = merged.iter().map(|(s, e)| (e - (*s).max(ws) + 1).max(0)).sum();
    let first = |start: Option<i64>| start.and_then(Date::from_days_since_epoch);
    let reached = |start: Option<Date>, days: i64| start.is_some_and(|s| s.days_make_years(days, years));
    let first_day = first(merged.first().map(|(s, _)| *s));
    let first_in_window = first(merged.iter().find(|(_, e)| *e >= ws).map(|(s, _)| (*s).max(ws)));
    ExperienceFacts {
        related_days,
        years_reached: reached(first_day, related_days),
        window_days,
        window_years_reached: reached(first_in_window, window_days),
        window_hours,
        window_start,
    }
}

/// Merges overlapping or adjacent inclusive day spans.
fn merge(mut spans: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    spans.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}
