//! The closed value sets of the dossier format, as types: each is decoded at read time from the
//! one list of names its enum derives, so an unknown value is an error with its place, the
//! allowed values and a "did you mean" — and no free string reaches a rule.

use crate::closed_set::closed_set;
use crate::yaml::{Decoder, Node};
use std::str::FromStr;
use strum::VariantNames;

/// Reads one value of a closed set `T` (an enum deriving strum's `EnumString` and
/// `VariantNames`): unknown values are reported with the allowed names and a suggestion.
pub fn read<T>(d: &mut Decoder, node: &Node, field: &str) -> Option<T>
where
    T: VariantNames + FromStr + Copy,
{
    let choices: Vec<(&str, T)> =
        T::VARIANTS.iter().filter_map(|name| name.parse().ok().map(|v| (*name, v))).collect();
    d.choice(node, field, &choices)
}

/// The names of a closed set, for "expected" texts: `a | b | c`.
pub fn names<T: VariantNames>() -> String {
    T::VARIANTS.join(" | ")
}

closed_set! {
    /// The access route to the CQPT (art. 3, Annexe 2 §III). `vae` and `autre` are routes a
    /// candidate may name that the agreement does not open: the recevabilité rejects them.
    pub enum Route {
        /// Contrat de professionnalisation (art. 3).
        ContratDeProfessionnalisation,
        /// Période de professionnalisation (art. 3).
        PeriodeDeProfessionnalisation,
        /// Plan de formation de l'entreprise (art. 3).
        PlanDeFormation,
        /// Droit individuel à la formation, free access (art. 3).
        Dif,
        /// Congé individuel de formation, free access (art. 3).
        Cif,
        /// A young person or job seeker at the end of a contrat de professionnalisation aimed at the
        /// CQPT (Annexe 2 §III).
        FinContratDeProfessionnalisation,
        /// Validation des acquis de l'expérience: not a route of the agreement.
        Vae,
        /// Any other route: not a route of the agreement.
        Autre,
    }
}

impl Route {
    /// The French wording.
    pub fn label(self) -> &'static str {
        match self {
            Route::ContratDeProfessionnalisation => "contrat de professionnalisation",
            Route::PeriodeDeProfessionnalisation => "période de professionnalisation",
            Route::PlanDeFormation => "plan de formation",
            Route::Dif => "droit individuel à la formation (DIF)",
            Route::Cif => "congé individuel de formation (CIF)",
            Route::FinContratDeProfessionnalisation => "fin de contrat de professionnalisation",
            Route::Vae => "validation des acquis de l'expérience (VAE)",
            Route::Autre => "autre voie",
        }
    }
}

closed_set! {
    /// The kind of a work contract (Annexe 2 §III: "salariés … (CDD ou CDI)").
    pub enum Contract {
        /// Contrat à durée indéterminée.
        Cdi,
        /// Contrat à durée déterminée.
        Cdd,
        /// Contrat de professionnalisation (itself a CDD or a CDI).
        ContratDeProfessionnalisation,
        /// An internship: not employment.
        Stage,
        /// Anything else (interim, freelance…).
        Autre,
    }
}

closed_set! {
    /// The kind of a document sent to AUVICOM (art. 6-1).
    pub enum DocumentKind {
        /// A work contract.
        ContratDeTravail,
        /// A payslip.
        BulletinDePaie,
        /// An employer's certificate.
        AttestationEmployeur,
        /// The sworn statement.
        AttestationSurHonneur,
        /// Anything else.
        Autre,
    }
}

closed_set! {
    /// A college of the attribution commission (art. 5).
    pub enum College {
        /// Employee representatives.
        Salaries,
        /// Employer representatives.
        Employeurs,
    }
}

closed_set! {
    /// The ground of an appeal (art. 5: "sur le fondement unique d'une absence de rigueur de la
    /// procédure d'évaluation").
    pub enum AppealGround {
        /// A lack of rigour in the evaluation procedure: the only ground admitted.
        AbsenceDeRigueur,
        /// A disagreement with the levels or the decision.
        ContestationDesResultats,
        /// Anything else.
        Autre,
    }
}

closed_set! {
    /// An event of an evaluating body's accreditation by the CPNE (Annexe 2 §IV).
    pub enum AccreditationEvent {
        /// First accreditation.
        Granted,
        /// Renewal, every 2 years on the annual report.
        Renewed,
        /// Immediate withdrawal for a real fault.
        Withdrawn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_enums() {
        assert_eq!(names::<College>(), "salaries | employeurs");
        assert_eq!(Route::FinContratDeProfessionnalisation.as_str(), "fin-contrat-de-professionnalisation");
        assert_eq!("attestation-sur-honneur".parse(), Ok(DocumentKind::AttestationSurHonneur));
    }
}
