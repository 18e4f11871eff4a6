//! Findings of the procedure: a stable code, the text it comes from, a severity (errors block
//! the synthesis), a message in French for the people who read the reports.

use crate::closed_set::code_set;
use crate::diag::{Location, Severity};
use serde::Serialize;

code_set! {
    /// The codes of the procedural findings.
    ///
    /// The kebab-case code of each variant is derived from its name (strum), and serde serialises
    /// through that same string: adding a code is adding a variant (and its article).
    pub enum FindingCode {
        /// Evaluation recorded for a dossier that is not recevable.
        NotRecevable,
        /// Evaluation recorded without an evaluating body.
        EvaluatingBodyMissing,
        /// Evaluation recorded without the convention between the company and the body.
        ConventionMissing,
        /// A company tutor to whom the recevable file was not sent.
        TutorNotInformed,
        /// An assessment outside the body's 2-year accreditation.
        AccreditationExpired,
        /// An assessment after the accreditation was withdrawn.
        AccreditationWithdrawn,
        /// The evaluating body trained the candidate.
        EvaluatorTrainedCandidate,
        /// The observation lasted over the maximum.
        ObservationTooLong,
        /// Fewer contacts than the certificate's minimum.
        ObservationTooFewContacts,
        /// No interview after the observation.
        InterviewMissing,
        /// A level of 4 or 5 without justification.
        JustificationMissing,
        /// A level given by someone who is not an evaluator of the accredited body.
        LevelNotFromEvaluator,
        /// A quiz level above the cap.
        QuizLevelCapped,
        /// A phase 2B quiz level on a savoir-faire: the quiz assesses savoirs only.
        QuizOnSavoirFaire,
        /// A level from a modality the policy does not assign to the item's category.
        ModalityNotAssigned,
        /// A level for an item the certificate does not list.
        ItemNotInCertificate,
        /// A core item without a level.
        ItemNotEvaluated,
        /// The CQPT held is too old for the carry-over.
        CarryOverExpired,
        /// An item listed as validated for the CQPT held that does not carry over.
        CarryOverItemNotCarried,
        /// A phase recorded before the one it needs.
        PhaseOutOfOrder,
        /// A complementary level for an item the first synthesis did not send back to evaluation.
        ComplementItemNotListed,
        /// The commission is not 2 + 2 distinct people.
        CommissionComposition,
        /// A member of the commission evaluated or trained the candidate.
        CommissionMemberConflict,
        /// A unit acquired earlier that is no longer kept (or dated after the synthesis).
        AcquiredUnitExpired,
        /// A decision whose units contradict its outcome or the certificate's pass rule.
        UnitDecision,
    }
}

impl FindingCode {
    /// The text the rule comes from.
    pub fn article(self) -> &'static str {
        match self {
            FindingCode::NotRecevable | FindingCode::TutorNotInformed => "art. 6-1",
            FindingCode::EvaluatingBodyMissing | FindingCode::ConventionMissing => "art. 6-2",
            FindingCode::AccreditationExpired | FindingCode::AccreditationWithdrawn => "annexe 2 §IV",
            FindingCode::EvaluatorTrainedCandidate => "annexe 2 §III, remarque",
            FindingCode::ObservationTooLong | FindingCode::ObservationTooFewContacts => {
                "annexe 2 §III, phase 2C"
            }
            FindingCode::InterviewMissing => "annexe 2 §III, phase 2C, NB",
            FindingCode::LevelNotFromEvaluator => "art. 6-2 ; annexe 2 §III, phase 2C, remarque",
            FindingCode::QuizOnSavoirFaire => "art. 6-2 ; annexe 2 §III, phase 2B",
            FindingCode::JustificationMissing
            | FindingCode::QuizLevelCapped
            | FindingCode::ModalityNotAssigned
            | FindingCode::ItemNotEvaluated => "politique d'évaluation",
            FindingCode::ItemNotInCertificate => "annexe 1",
            FindingCode::CarryOverExpired | FindingCode::CarryOverItemNotCarried => "art. 3",
            FindingCode::PhaseOutOfOrder => "annexe 2 §III",
            FindingCode::ComplementItemNotListed => "annexe 2 §III, phase 3",
            FindingCode::CommissionComposition => "art. 5",
            FindingCode::CommissionMemberConflict => "art. 5 ; annexe 2 §III, remarque",
            FindingCode::AcquiredUnitExpired => "politique d'évaluation, [units]",
            FindingCode::UnitDecision => "politique d'évaluation, pass_rule",
        }
    }
}

/// One finding on a dossier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Its code.
    pub code: FindingCode,
    /// Error (blocks the synthesis) or warning.
    pub severity: Severity,
    /// The text it comes from.
    pub article: &'static str,
    /// What was found, in French.
    pub message: String,
    /// Where in the dossier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Finding {
    /// A finding of `code` with its default article.
    pub fn new(
        code: FindingCode,
        severity: Severity,
        message: impl Into<String>,
        location: Option<&Location>,
    ) -> Self {
        Finding {
            code,
            severity,
            article: code.article(),
            message: message.into(),
            location: location.cloned(),
        }
    }

    /// An error.
    pub fn error(code: FindingCode, message: impl Into<String>, location: Option<&Location>) -> Self {
        Finding::new(code, Severity::Error, message, location)
    }

    /// A warning.
    pub fn warning(code: FindingCode, message: impl Into<String>, location: Option<&Location>) -> Self {
        Finding::new(code, Severity::Warning, message, location)
    }

    /// Whether it blocks the synthesis.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in FindingCode::ALL {
            assert!(seen.insert(c.as_str()), "{}", c.as_str());
        }
    }
}
