//! The evaluating body's edits of a dossier's text: each block written back from the model
//! reads back as the same dossier, for every example; a level set or cleared changes that
//! level only; a change the format refuses is refused with the loader's diagnostics.

use crate::builder::context;
use crate::common::root;
use cqpt::dossier::evaluation_edit::{EditError, EvaluationChange, apply};
use cqpt::dossier::{Dossier, load_dossier};
use cqpt::scale::Level;
use cqpt::source::SourceFile;

fn library() -> &'static cqpt::referentiel::Library {
    &context().0
}

/// Every example that has an evaluating body, with its text.
fn examples() -> Vec<(String, String, Dossier)> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(root().join("examples/dossiers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let file = SourceFile { name: name.clone(), text: text.clone() };
        if let Ok(d) = load_dossier(&file, library())
            && d.evaluating_body.is_some()
        {
            out.push((name, text, d));
        }
    }
    assert!(out.len() >= 5, "examples with a body: {}", out.len());
    out
}

fn json(d: &Dossier) -> serde_json::Value {
    serde_json::to_value(d).unwrap()
}

#[test]
fn every_block_written_back_reads_as_the_same_dossier() {
    for (name, text, d) in examples() {
        let by = d.evaluating_body.as_ref().unwrap().evaluators.first().cloned().unwrap_or_default();
        let mut changes = vec![EvaluationChange::Preuves(d.preuves.clone())];
        changes.extend(d.observation.clone().map(EvaluationChange::Observation));
        changes.extend(d.convention.clone().map(EvaluationChange::Convention));
        for change in changes {
            let (after, dossier) = apply(&text, library(), &change, &by)
                .unwrap_or_else(|e| panic!("{name}: {change:?} refused: {e}"));
            assert_eq!(json(&dossier), json(&d), "{name}: {change:?} changed the dossier:\n{after}");
        }
    }
}

#[test]
fn a_level_set_then_cleared_changes_that_level_only() {
    let (name, text, d) = examples().into_iter().find(|(_, _, d)| d.observation.is_some()).unwrap();
    let observer = d.observation.as_ref().unwrap().by.clone();
    let item = d.observation.as_ref().unwrap().contacts[0].assessments[0].item.clone();
    let set = EvaluationChange::ContactLevel {
        contact: 99,
        item: item.clone(),
        level: Level::new(2),
        justification: None,
    };
    let (text2, d2) = apply(&text, library(), &set, &observer).unwrap();
    let added = d2.observation.as_ref().unwrap().contacts.last().unwrap();
    assert_eq!((added.number, added.assessments.len()), (99, 1), "{name}");
    assert_eq!(added.assessments[0].level, Level::new(2).unwrap());
    assert!(!text2.contains("by:") || text2.matches("by:").count() == text.matches("by:").count());
    let clear = EvaluationChange::ContactLevel { contact: 99, item, level: None, justification: None };
    let (_, d3) = apply(&text2, library(), &clear, &observer).unwrap();
    let mut expected = json(&d);
    let contacts = expected["observation"]["contacts"].as_array_mut().unwrap();
    contacts.push(serde_json::json!({"number": 99, "assessments": []}));
    assert_eq!(json(&d3), expected);
}

#[test]
fn an_unknown_item_is_refused_with_the_loader_s_diagnostic() {
    let (_, text, d) = examples().into_iter().find(|(_, _, d)| d.observation.is_some()).unwrap();
    let observer = d.observation.as_ref().unwrap().by.clone();
    let change = EvaluationChange::ContactLevel {
        contact: 1,
        item: "sf-inconnu".into(),
        level: Level::new(3),
        justification: None,
    };
    match apply(&text, library(), &change, &observer) {
        Err(EditError::Invalid(diags)) => {
            let shown = diags.to_string();
            assert!(shown.contains("sf-inconnu"), "{shown}");
        }
        Err(other) => panic!("refused otherwise: {other}"),
        Ok(_) => panic!("an unknown item was accepted"),
    }
}

#[test]
fn a_new_evaluator_giving_levels_joins_the_body_s_evaluators() {
    let (_, text, d) = examples().into_iter().find(|(_, _, d)| d.observation.is_some()).unwrap();
    let item = d.observation.as_ref().unwrap().contacts[0].assessments[0].item.clone();
    let change =
        EvaluationChange::ContactLevel { contact: 1, item, level: Level::new(3), justification: None };
    let (_, after) = apply(&text, library(), &change, "Nadia Evaluatrice").unwrap();
    let body = after.evaluating_body.unwrap();
    assert!(body.evaluators.contains(&"Nadia Evaluatrice".to_string()), "{:?}", body.evaluators);
    assert_eq!(body.accreditation.len(), d.evaluating_body.unwrap().accreditation.len());
}

#[test]
fn a_contact_level_before_the_observation_header_is_refused_in_french() {
    let (_, text, d) = examples().into_iter().find(|(_, _, d)| d.observation.is_some()).unwrap();
    let text = cqpt::dossier::set_top_level(&text, "observation", "");
    let text = cqpt::dossier::set_top_level(&text, "interview", "");
    let by = d.evaluating_body.unwrap().evaluators[0].clone();
    let change = EvaluationChange::ContactLevel {
        contact: 1,
        item: "x".into(),
        level: Level::new(3),
        justification: None,
    };
    match apply(&text, library(), &change, &by) {
        Err(EditError::Refused(m)) => assert!(m.contains("observation"), "{m}"),
        other => panic!("{other:?}"),
    }
}
