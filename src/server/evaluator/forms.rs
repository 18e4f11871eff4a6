//! The evaluator's forms read into changes of the evaluation: every refused field named, in
//! French, all at once. Nothing here decides a rule: the loader and the engine do.

use crate::date::{Date, TimeOfDay};
use crate::dossier::evaluation_edit::EvaluationChange;
use crate::dossier::{
    ActivityStatus, Assessment, Contact, Convention, Observation, Override, OverrideTarget, Preuve,
    PreuveKind, Proposal, Referee,
};
use crate::scale::Level;
use std::collections::BTreeMap;

/// The pairs of a form, by name (the last value of a name wins).
pub struct Fields(BTreeMap<String, String>);

impl Fields {
    /// The fields of `pairs`.
    pub fn new(pairs: &[(String, String)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    /// The trimmed value of `name` (empty when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", |v| v.trim())
    }

    /// The value of `name`, `None` when empty.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_string()).filter(|v| !v.is_empty())
    }

    /// Every (name, value) whose name starts with `prefix`, the prefix removed.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.0.iter().filter_map(move |(k, v)| k.strip_prefix(prefix).map(|rest| (rest, v.trim())))
    }
}

/// Refused fields: (field, message in French).
pub type Refusals = Vec<(String, String)>;

/// A date typed `AAAA-MM-JJ` (the date input's format).
pub fn date(f: &Fields, name: &str, label: &str, errors: &mut Refusals) -> Option<Date> {
    let v = f.get(name);
    if v.is_empty() {
        errors.push((name.into(), format!("{label} : date obligatoire")));
        return None;
    }
    let d = v.parse::<Date>().ok();
    if d.is_none() {
        errors.push((name.into(), format!("{label} : « {v} » n'est pas une date (AAAA-MM-JJ)")));
    }
    d
}

/// A time typed `HH:MM`, `None` when empty.
pub fn time(f: &Fields, name: &str, label: &str, errors: &mut Refusals) -> Option<TimeOfDay> {
    let v = f.get(name);
    if v.is_empty() {
        return None;
    }
    let t = v.parse::<TimeOfDay>().ok();
    if t.is_none() {
        errors.push((name.into(), format!("{label} : « {v} » n'est pas une heure (HH:MM)")));
    }
    t
}

/// A level typed as a digit 0–5, `None` when empty.
pub fn level(v: &str, label: &str, field: &str, errors: &mut Refusals) -> Option<Level> {
    if v.is_empty() {
        return None;
    }
    let l = v.parse::<u8>().ok().and_then(Level::new);
    if l.is_none() {
        errors.push((field.into(), format!("{label} : « {v} » n'est pas un niveau (un chiffre de 0 à 5)")));
    }
    l
}

/// The convention form.
pub fn convention(f: &Fields) -> Result<EvaluationChange, Refusals> {
    let mut errors = Vec::new();
    let signed = date(f, "signed", "Date de signature de la convention", &mut errors);
    match signed {
        Some(signed) if errors.is_empty() => Ok(EvaluationChange::Convention(Convention {
            signed,
            reference: f.opt("reference"),
            location: crate::diag::Location::default(),
        })),
        _ => Err(errors),
    }
}

/// A piece of the dossier de preuves: its id (kept when editing, given otherwise), title, kind,
/// referee for a testimony, and rows `item-N`, `level-N`, `justification-N`, `on-N`; an empty
/// row is skipped. `items` names the items the grid allows, `by` is the evaluator.
pub fn preuve(
    f: &Fields,
    id: String,
    items: &BTreeMap<String, String>,
    by: &str,
    today: Date,
) -> Result<EvaluationChange, Refusals> {
    let mut errors = Vec::new();
    let title = f.get("title").to_string();
    if title.is_empty() {
        errors.push(("title".into(), "Intitulé de la pièce : obligatoire".into()));
    }
    let kind = f.get("kind").parse::<PreuveKind>().ok();
    if kind.is_none() {
        errors.push((
            "kind".into(),
            "Nature de la pièce : choisissez description, document ou témoignage".into(),
        ));
    }
    let referee = f.opt("referee_name").map(|name| Referee { name, role: f.opt("referee_role") });
    if kind == Some(PreuveKind::Temoignage) && referee.is_none() {
        errors
            .push(("referee_name".into(), "Témoignage : indiquez le nom de la personne qui témoigne".into()));
    }
    let mut rows: Vec<(usize, &str)> =
        f.with_prefix("item-").filter_map(|(n, v)| n.parse::<usize>().ok().map(|n| (n, v))).collect();
    rows.sort_unstable();
    let mut assessments = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (n, item) in rows {
        let lv = f.get(&format!("level-{n}"));
        if item.is_empty() && lv.is_empty() {
            continue;
        }
        let row = format!("ligne {}", n + 1);
        let Some(label) = items.get(item) else {
            errors.push((format!("item-{n}"), format!("{row} : choisissez un savoir du dossier de preuves")));
            continue;
        };
        if !seen.insert(item.to_string()) {
            errors.push((format!("item-{n}"), format!("{row} : « {label} » figure déjà dans cette pièce")));
            continue;
        }
        let Some(level) = level(lv, &format!("{row}, « {label} »"), &format!("level-{n}"), &mut errors)
        else {
            if lv.is_empty() {
                errors.push((format!("level-{n}"), format!("{row}, « {label} » : niveau obligatoire")));
            }
            continue;
        };
        let on = match f.get(&format!("on-{n}")) {
            "" => today,
            v => v.parse::<Date>().unwrap_or_else(|_| {
                errors.push((format!("on-{n}"), format!("{row} : « {v} » n'est pas une date (AAAA-MM-JJ)")));
                today
            }),
        };
        assessments.push(Assessment {
            item: item.to_string(),
            level,
            justification: f.opt(&format!("justification-{n}")),
            by: f.opt(&format!("by-{n}")).unwrap_or_else(|| by.to_string()),
            on,
            location: crate::diag::Location::default(),
        });
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(EvaluationChange::PutPreuve(Preuve {
            id,
            title,
            kind,
            referee: referee.filter(|_| kind == PreuveKind::Temoignage),
            assessments,
        })),
        _ => Err(errors),
    }
}

/// The observation's header form.
pub fn observation_header(f: &Fields) -> Result<EvaluationChange, Refusals> {
    let mut errors = Vec::new();
    let date = date(f, "date", "Date de l'observation", &mut errors);
    let start = time(f, "start", "Heure de début", &mut errors);
    let end = time(f, "end", "Heure de fin", &mut errors);
    if f.get("start").is_empty() {
        errors.push(("start".into(), "Heure de début : obligatoire".into()));
    }
    if f.get("end").is_empty() {
        errors.push(("end".into(), "Heure de fin : obligatoire".into()));
    }
    let by = f.get("by").to_string();
    if by.is_empty() {
        errors.push(("by".into(), "Observateur : obligatoire".into()));
    }
    match (date, start, end) {
        (Some(date), Some(start), Some(end)) if errors.is_empty() => {
            Ok(EvaluationChange::ObservationHeader {
                date,
                start,
                end,
                by,
                referee: f.opt("referee_name").map(|name| Referee { name, role: f.opt("referee_role") }),
                referee_remarks: f.opt("referee_remarks"),
            })
        }
        _ => Err(errors),
    }
}

/// The whole observation grid: cells `n-C-ITEM` (a level), `j-C-ITEM` (its justification),
/// `s-C` and `e-C` (the contact's times); `items` are the grid's (id, label) in its order. A contact with no
/// level and no time is left out.
pub fn grid(
    f: &Fields,
    current: &Observation,
    items: &[(String, String)],
    by: &str,
) -> Result<EvaluationChange, Refusals> {
    let labels: BTreeMap<&str, &str> = items.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut errors = Vec::new();
    let mut contacts: BTreeMap<u32, Contact> = BTreeMap::new();
    for (rest, v) in f.with_prefix("n-") {
        let Some((c, item)) = rest.split_once('-').and_then(|(c, i)| c.parse::<u32>().ok().map(|c| (c, i)))
        else {
            continue;
        };
        let Some(label) = labels.get(item) else {
            errors.push((format!("n-{rest}"), format!("Contact {c} : savoir inconnu de la grille ({item})")));
            continue;
        };
        if let Some(level) = level(v, &format!("Contact {c}, « {label} »"), &format!("n-{rest}"), &mut errors)
        {
            let justification = f.opt(&format!("j-{rest}"));
            let previous = current
                .contacts
                .iter()
                .find(|x| x.number == c)
                .and_then(|x| x.assessments.iter().find(|a| a.item == item));
            contact(&mut contacts, c).assessments.push(Assessment {
                item: item.to_string(),
                level,
                justification,
                by: previous.map_or_else(|| by.to_string(), |a| a.by.clone()),
                on: current.date,
                location: crate::diag::Location::default(),
            });
        }
    }
    for (rest, _) in f.with_prefix("s-").chain(f.with_prefix("e-")) {
        let Ok(c) = rest.parse::<u32>() else { continue };
        let start = time(f, &format!("s-{c}"), &format!("Contact {c}, début"), &mut errors);
        let end = time(f, &format!("e-{c}"), &format!("Contact {c}, fin"), &mut errors);
        if start.is_some() || end.is_some() {
            let x = contact(&mut contacts, c);
            (x.start, x.end) = (start, end);
        }
    }
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    let mut o = current.clone();
    o.contacts = contacts.into_values().collect();
    for c in &mut o.contacts {
        c.assessments.sort_by_key(|a| items.iter().position(|(k, _)| *k == a.item));
    }
    Ok(EvaluationChange::Observation(o))
}

/// The contact `n` of `contacts`, created when new.
fn contact(contacts: &mut BTreeMap<u32, Contact>, n: u32) -> &mut Contact {
    contacts.entry(n).or_insert_with(|| Contact {
        number: n,
        start: None,
        end: None,
        assessments: Vec::new(),
        field: String::new(),
        location: crate::diag::Location::default(),
    })
}

/// The interview form.
pub fn interview(f: &Fields) -> Result<EvaluationChange, Refusals> {
    let mut errors = Vec::new();
    match date(f, "date", "Date de l'entretien", &mut errors) {
        Some(date) if errors.is_empty() => Ok(EvaluationChange::Interview { date, notes: f.opt("notes") }),
        _ => Err(errors),
    }
}

/// The override form: `target` (item, activity, proposal) and its value, and the reason.
pub fn override_(f: &Fields, by: &str, on: Date) -> Result<EvaluationChange, Refusals> {
    let mut errors = Vec::new();
    let reason = f.get("reason").to_string();
    if reason.is_empty() {
        errors.push(("reason".into(), "Motif de la dérogation : obligatoire".into()));
    }
    let target = match f.get("target") {
        "item" => {
            let item = f.get("item").to_string();
            if item.is_empty() {
                errors.push(("item".into(), "Savoir : choisissez le savoir dont le niveau change".into()));
            }
            let lv = level(f.get("level"), "Nouveau niveau", "level", &mut errors);
            if f.get("level").is_empty() {
                errors.push(("level".into(), "Nouveau niveau : obligatoire".into()));
            }
            lv.filter(|_| !item.is_empty()).map(|level| OverrideTarget::Item { item, level })
        }
        "activity" => {
            let activity = f.get("activity").to_string();
            let status = f.get("status").parse::<ActivityStatus>().ok();
            if activity.is_empty() {
                errors.push(("activity".into(), "Activité : choisissez l'activité".into()));
            }
            if status.is_none() {
                errors.push(("status".into(), "Nouveau statut : choisissez-le".into()));
            }
            status
                .filter(|_| !activity.is_empty())
                .map(|status| OverrideTarget::Activity { activity, status })
        }
        "proposal" => {
            let p = f.get("proposal").parse::<Proposal>().ok();
            if p.is_none() {
                errors.push(("proposal".into(), "Proposition : choisissez-la".into()));
            }
            p.map(|proposal| OverrideTarget::Proposal { proposal })
        }
        other => {
            errors.push(("target".into(), format!("Objet de la dérogation : « {other} » n'est pas proposé")));
            None
        }
    };
    match target {
        Some(target) if errors.is_empty() => Ok(EvaluationChange::AddOverride(Override {
            target,
            reason,
            by: by.to_string(),
            on,
            location: crate::diag::Location::default(),
        })),
        _ => Err(errors),
    }
}
