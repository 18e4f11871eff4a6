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
    assert!(d.message.contains("2"));
}
