//! The commission's decision written into a stored dossier's YAML (phase 4, art. 5): the
//! top-level `decision:` block is replaced as a whole ([`super::set_top_level`], everything
//! else kept byte for byte) and the text reloaded by the real loader, so that nothing invalid
//! is returned. An appeal is written into the same block, under the decision it contests.

use super::{Appeal, Decision, Dossier, load_dossier, quote_yaml, set_top_level};
use crate::diag::Diagnostics;
use crate::referentiel::Library;
use crate::source::SourceFile;
use std::fmt::Write as _;

/// The name given to the text in diagnostics.
const FILE_NAME: &str = "dossier.yaml";

/// The `decision:` block of `decision` (its `location` is not written).
pub fn decision_block(decision: &Decision) -> String {
    let mut block = format!("decision:\n  date: {}\n  members:\n", decision.date);
    for m in &decision.members {
        let trained = if m.trained_candidate { ", trained_candidate: true" } else { "" };
        let _ = writeln!(block, "    - {{ name: {}, college: {}{trained} }}", quote_yaml(&m.name), m.college);
    }
    let _ = writeln!(block, "  outcome: {}", decision.outcome);
    if !decision.units.is_empty() {
        block.push_str("  units:\n");
        for u in &decision.units {
            let _ = writeln!(block, "    - {}", quote_yaml(u));
        }
    }
    if let Some(a) = &decision.appeal {
        let _ = write!(block, "  appeal:\n    filed: {}\n    ground: {}\n", a.filed, a.ground);
        if let Some(details) = a.details.as_deref().filter(|d| !d.trim().is_empty()) {
            let _ = writeln!(block, "    details: {}", quote_yaml(details));
        }
    }
    block
}

fn load(yaml: &str, library: &Library) -> Result<Dossier, Diagnostics> {
    load_dossier(&SourceFile { name: FILE_NAME.into(), text: yaml.to_string() }, library)
}

/// Writes `decision` as the dossier's decision, replacing any earlier one (which the registry
/// and the store's decisions keep). The dossier must load before and after the edit; the
/// diagnostics say why not otherwise.
pub fn with_decision(
    yaml: &str,
    library: &Library,
    decision: &Decision,
) -> Result<(String, Dossier), Diagnostics> {
    load(yaml, library)?;
    let text = set_top_level(yaml, "decision", &decision_block(decision));
    let dossier = load(&text, library)?;
    Ok((text, dossier))
}

/// Writes `appeal` under the dossier's current decision. `None` when the dossier has no
/// decision to appeal; the diagnostics when the text does not load before or after.
pub fn with_appeal(
    yaml: &str,
    library: &Library,
    appeal: &Appeal,
) -> Result<Option<(String, Dossier)>, Diagnostics> {
    let before = load(yaml, library)?;
    let Some(mut decision) = before.decision else { return Ok(None) };
    decision.appeal = Some(appeal.clone());
    with_decision(yaml, library, &decision).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::dossier::{AppealGround, College, Member, Proposal};

    fn decision() -> Decision {
        let member = |name: &str, college| Member { name: name.into(), college, trained_candidate: false };
        Decision {
            date: Date::new(2026, 12, 4).unwrap(),
            members: vec![
                member("Annie \"Nini\" Roux", College::Salaries),
                member("Bruno Nguyen", College::Salaries),
                member("Catherine Delmas", College::Employeurs),
                member("Didier Fabre", College::Employeurs),
            ],
            outcome: Proposal::ValidationPartielle,
            units: vec!["u1".into()],
            appeal: Some(Appeal {
                filed: Date::new(2026, 12, 10).unwrap(),
                ground: AppealGround::AbsenceDeRigueur,
                details: Some("grille: incomplète # 2".into()),
            }),
            location: crate::diag::Location::default(),
        }
    }

    #[test]
    fn the_block_quotes_names_and_details_and_writes_every_field() {
        assert_eq!(
            decision_block(&decision()),
            "decision:\n  date: 2026-12-04\n  members:\n    - { name: \"Annie \\\"Nini\\\" Roux\", college: salaries }\n    - { name: \"Bruno Nguyen\", college: salaries }\n    - { name: \"Catherine Delmas\", college: employeurs }\n    - { name: \"Didier Fabre\", college: employeurs }\n  outcome: validation-partielle\n  units:\n    - \"u1\"\n  appeal:\n    filed: 2026-12-10\n    ground: absence-de-rigueur\n    details: \"grille: incomplète # 2\"\n"
        );
    }
}
