//! The engine's results as JSON for machines and people alike: each code keeps its place and
//! gains a `…_label` beside it with its French label ([`super::Labels`]).

use super::labels::{LabelSet, Labels};
use crate::phases::{Evaluation, RecevabiliteDecision};
use serde_json::Value;

/// Adds `{key}_label` beside the code at `value[key]` (a string), labelled from `set`.
fn label_at(value: &mut Value, key: &str, set: LabelSet, labels: &Labels) {
    let Some(object) = value.as_object_mut() else { return };
    let Some(code) = object.get(key).and_then(Value::as_str).map(str::to_string) else { return };
    object.insert(format!("{key}_label"), Value::String(labels.get(set, &code).to_string()));
}

/// Applies [`label_at`] to every element of the array at `value[key]`.
fn label_each(value: &mut Value, key: &str, labels: &Labels, f: impl Fn(&mut Value, &Labels)) {
    if let Some(items) = value.get_mut(key).and_then(Value::as_array_mut) {
        for item in items {
            f(item, labels);
        }
    }
}

/// The recevabilité decision as JSON, each reason with its label.
pub fn recevabilite_json(r: &RecevabiliteDecision, labels: &Labels) -> Value {
    let mut value = serde_json::to_value(r).unwrap_or(Value::Null);
    label_recevabilite(&mut value, labels);
    value
}

fn label_recevabilite(value: &mut Value, labels: &Labels) {
    if let Some(object) = value.as_object_mut() {
        let recevable = object.get("recevable").and_then(Value::as_bool).unwrap_or(false);
        object.insert("recevable_label".into(), Value::String(labels.recevabilite(recevable).to_string()));
    }
    label_each(value, "reasons", labels, |r, l| label_at(r, "code", LabelSet::MotifRejet, l));
}

/// The whole evaluation as JSON: route-independent codes (reasons, findings and their
/// severity, statuses, proposals, decision, appeal ground, payer) each with its label.
pub fn evaluation_json(e: &Evaluation, labels: &Labels) -> Value {
    let mut value = serde_json::to_value(e).unwrap_or(Value::Null);
    if let Some(r) = value.get_mut("recevabilite") {
        label_recevabilite(r, labels);
    }
    label_each(&mut value, "findings", labels, |f, l| {
        label_at(f, "code", LabelSet::Constat, l);
        label_at(f, "severity", LabelSet::Gravite, l);
    });
    if let Some(s) = value.get_mut("synthese") {
        label_at(s, "proposal", LabelSet::Proposition, labels);
        label_at(s, "computed_proposal", LabelSet::Proposition, labels);
        label_each(s, "activities", labels, |a, l| {
            label_at(a, "status", LabelSet::StatutActivite, l);
            label_at(a, "computed", LabelSet::StatutActivite, l);
        });
        label_each(s, "items", labels, |i, l| {
            label_at(i, "status", LabelSet::StatutSavoir, l);
            label_at(i, "kind", LabelSet::Nature, l);
            label_at(i, "category", LabelSet::Categorie, l);
            label_each(i, "sources", l, |src, l| label_at(src, "modality", LabelSet::Modalite, l));
        });
    }
    if let Some(d) = value.get_mut("decision") {
        label_at(d, "outcome", LabelSet::Proposition, labels);
        if let Some(a) = d.get_mut("appeal") {
            label_at(a, "ground", LabelSet::MotifRecours, labels);
        }
    }
    if let Some(f) = value.get_mut("funding") {
        label_at(f, "payer", LabelSet::Financeur, labels);
    }
    value
}
