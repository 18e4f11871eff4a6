//! The observation's records (Annexe 2 §III, phase 2C): contacts numbered once.

use crate::builder::{Spec, context};
use cqpt::diag::Code;
use cqpt::dossier::load_dossier;
use cqpt::source::SourceFile;

#[test]
fn a_contact_number_used_twice_is_an_error_at_its_place() {
    let good = Spec::complete("point-de-distribution").yaml();
    assert!(load_dossier(&SourceFile { name: "ok.yaml".into(), text: good.clone() }, &context().0).is_ok());
    let bad = good.replacen("- number: 3", "- number: 2", 1);
    let line =
        bad.lines().enumerate().filter(|(_, l)| l.contains("- number: 2")).nth(1).unwrap().0 as u32 + 1;
    let diags = load_dossier(&SourceFile { name: "dup.yaml".into(), text: bad }, &context().0).unwrap_err();
    let d = diags.iter().find(|d| d.code == Code::DuplicateId).unwrap_or_else(|| panic!("{diags}"));
    assert_eq!((d.location.line, d.field.as_str()), (line, "observation.contacts[2].number"));
    assert!(d.message.contains('2'));
}

/// A complete point-de-distribution dossier with two contacts observed, and an interview.
fn with_interview(interview: &str) -> Result<cqpt::phases::Evaluation, cqpt::diag::Diagnostics> {
    let spec =
        crate::builder::Spec { contacts: 2, interview: false, ..Spec::complete("point-de-distribution") };
    let yaml = spec.yaml().replace("synthese:", &format!("{interview}\nsynthese:"));
    let (library, policy) = context();
    let dossier = load_dossier(&SourceFile { name: "i.yaml".into(), text: yaml }, library)?;
    Ok(cqpt::phases::evaluate(&dossier, library, policy, dossier.latest_date()))
}

#[test]
fn the_interview_is_its_own_record_and_may_complete_the_sequence() {
    // Two contacts only: too few, and no interview.
    let e = with_interview("").unwrap();
    let codes = crate::builder::codes(&e);
    assert!(
        codes.contains(&"observation-too-few-contacts") && codes.contains(&"interview-missing"),
        "{codes:?}"
    );
    // The interview observes a third contact: the sequence is complete.
    let (library, _) = context();
    let specific: Vec<String> =
        cqpt::phases::synthese::core_items(library.referentiel("point-de-distribution").unwrap())
            .into_iter()
            .filter(|id| library.item(id).unwrap().category == cqpt::referentiel::Category::Specifique)
            .map(|id| format!("{{item: {id}, level: 3}}"))
            .collect();
    let record = format!(
        "interview:\n  date: 2026-04-14\n  notes: Entretien, puis un contact de plus\n  contacts:\n    - number: 3\n      assessments: [{}]",
        specific.join(", ")
    );
    let e = with_interview(&record).unwrap();
    assert!(e.findings.is_empty(), "{:?}", crate::builder::codes(&e));
    assert!(e.synthese.is_some());
    // Its contact numbers continue the observation's.
    let diags = with_interview(&record.replace("number: 3", "number: 2")).expect_err("a duplicate");
    let d = diags.iter().find(|d| d.code == Code::DuplicateId).unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(d.field, "interview.contacts[0].number");
    // It comes after the observation.
    let diags = with_interview(&record.replace("date: 2026-04-14", "date: 2026-04-13")).expect_err("order");
    assert!(diags.iter().any(|d| d.code == Code::DatesOutOfOrder && d.field == "interview.date"), "{diags}");
}
