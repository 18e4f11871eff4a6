//! The funding of the evaluation (art. 6-2, Annexe 2 §IV): AUVICOM's flat rate per hour,
//! capped, adjusted by the CPNE within 20 %, "pour tout dossier d'évaluation ayant été soumis pour
//! examen à la CPNE" under a contrat or période de professionnalisation or a priority DIF; the
//! company under the plan de formation. Nothing is owed for a rejected or unfinished file.

use crate::closed_set::closed_set;
use crate::dossier::Dossier;
use crate::policy::Policy;
use serde::Serialize;

closed_set! {
    /// Who pays for the evaluation.
    pub enum Payer {
        /// AUVICOM, on the professionalisation funds.
        Auvicom,
        /// The company (plan de formation).
        Entreprise,
        /// No funding provided by the agreement.
        Aucun,
    }
}

/// The funding of one dossier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funding {
    /// Who pays, under the dossier's route.
    pub payer: Payer,
    /// Whether the payment is due: the dossier is recevable, its evaluation done and its
    /// complete file sent for the CPNE's examination.
    pub owed: bool,
    /// Hours funded by AUVICOM (billed hours, capped; 0 unless owed by AUVICOM).
    pub hours: f64,
    /// Flat rate per hour, in euros.
    pub euros_per_hour: u32,
    /// The CPNE's adjustment, in percent.
    pub modulation_percent: i32,
    /// What AUVICOM owes, in euros (0 unless AUVICOM pays and it is owed).
    pub euros: f64,
    /// The rule applied, in French.
    pub basis: String,
}

/// The payer of `dossier`'s evaluation under its route.
pub fn payer(dossier: &Dossier, policy: &Policy) -> Payer {
    let f = &policy.funding;
    let route = dossier.route;
    if f.funded_routes.contains(&route) || (route == f.priority_dif_route && dossier.priority_dif) {
        Payer::Auvicom
    } else if f.company_routes.contains(&route) {
        Payer::Entreprise
    } else {
        Payer::Aucun
    }
}

/// The funding of `dossier` under `policy`; `submitted` says whether the dossier is recevable,
/// evaluated and its complete file sent for the CPNE's examination (phase 3 reached).
pub fn funding(dossier: &Dossier, policy: &Policy, submitted: bool) -> Funding {
    let f = &policy.funding;
    let payer = payer(dossier, policy);
    let billed = dossier.evaluation_hours.unwrap_or(0.0);
    let auvicom = payer == Payer::Auvicom && submitted;
    let hours = if auvicom { billed.min(f64::from(f.max_hours)) } else { 0.0 };
    let euros = f64::from(f.euros_per_hour) * hours * (1.0 + f64::from(f.modulation_percent) / 100.0);
    let basis = match (payer, submitted) {
        (Payer::Aucun, _) => "voie d'accès sans forfait d'évaluation prévu par l'accord".to_string(),
        (_, false) => "rien n'est dû : le dossier n'est pas recevable, ou son évaluation n'est pas achevée et transmise pour examen à la CPNE (annexe 2 §IV)".to_string(),
        (Payer::Auvicom, true) => format!(
            "forfait AUVICOM de {} € par heure dans la limite de {} heures, modulé de {} % par la CPNE (art. 6-2)",
            f.euros_per_hour, f.max_hours, f.modulation_percent
        ),
        (Payer::Entreprise, true) => "plan de formation : financement par l'entreprise (annexe 2 §IV)".to_string(),
    };
    Funding {
        payer,
        owed: submitted && payer != Payer::Aucun,
        hours,
        euros_per_hour: f.euros_per_hour,
        modulation_percent: f.modulation_percent,
        euros: (euros * 100.0).round() / 100.0,
        basis,
    }
}
