//! The funding of the evaluation (art. 6-2, Annexe 2 §IV): AUVICOM's flat rate per hour,
//! capped, adjusted by the CPNE within 20 %; the company under the plan de formation.

use crate::dossier::Dossier;
use crate::policy::Policy;
use serde::Serialize;

/// Who pays for the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Payer {
    /// AUVICOM, on the professionalisation funds.
    Auvicom,
    /// The company (plan de formation).
    Entreprise,
    /// No funding provided by the agreement.
    Aucun,
}

/// The funding of one dossier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funding {
    /// Who pays.
    pub payer: Payer,
    /// Hours funded (billed hours, capped).
    pub hours: f64,
    /// Flat rate per hour, in euros.
    pub euros_per_hour: u32,
    /// The CPNE's adjustment, in percent.
    pub modulation_percent: i32,
    /// What AUVICOM owes, in euros (0 unless AUVICOM pays).
    pub euros: f64,
    /// The rule applied, in French.
    pub basis: String,
}

/// The funding of `dossier` under `policy`.
pub fn funding(dossier: &Dossier, policy: &Policy) -> Funding {
    let f = &policy.funding;
    let route = dossier.route;
    let auvicom = f.funded_routes.contains(&route) || (route == f.priority_dif_route && dossier.priority_dif);
    let company = f.company_routes.contains(&route);
    let billed = dossier.evaluation_hours.unwrap_or(0.0);
    let hours = billed.min(f64::from(f.max_hours));
    let (payer, euros, basis) = if auvicom {
        let euros = f64::from(f.euros_per_hour) * hours * (1.0 + f64::from(f.modulation_percent) / 100.0);
        (
            Payer::Auvicom,
            (euros * 100.0).round() / 100.0,
            format!(
                "forfait AUVICOM de {} € par heure dans la limite de {} heures, modulé de {} % par la CPNE (art. 6-2)",
                f.euros_per_hour, f.max_hours, f.modulation_percent
            ),
        )
    } else if company {
        (
            Payer::Entreprise,
            0.0,
            "plan de formation : financement par l'entreprise (annexe 2 §IV)".to_string(),
        )
    } else {
        (Payer::Aucun, 0.0, "voie d'accès sans forfait d'évaluation prévu par l'accord".to_string())
    };
    Funding {
        payer,
        hours: if auvicom { hours } else { 0.0 },
        euros_per_hour: f.euros_per_hour,
        modulation_percent: f.modulation_percent,
        euros,
        basis,
    }
}
