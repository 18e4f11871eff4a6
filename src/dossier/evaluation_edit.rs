//! The evaluating body's changes to a stored dossier: the convention, the dossier de preuves,
//! the observation contact by contact, the interview, the overrides and the synthesis record.
//! Each change rewrites one top-level block of the dossier's YAML from the model (the rest of
//! the text stays byte for byte, see [`super::edit`]) and reloads the result with the real
//! loader, so that a change the format refuses never reaches the store: the diagnostics say why.
//!
//! The web desk, the spreadsheet import and the API all go through [`apply`].

use super::edit::{quote_yaml, set_top_level};
use super::model::{
    Assessment, Contact, Convention, Dossier, EvaluatingBody, InterviewRecord, Observation, Override,
    OverrideTarget, Preuve, Referee, SyntheseRecord,
};
use super::{PreuveKind, load_dossier};
use crate::date::{Date, TimeOfDay};
use crate::diag::Diagnostics;
use crate::referentiel::Library;
use crate::scale::Level;
use crate::source::SourceFile;
use std::fmt::Write as _;

/// One change of the evaluation, as a form, a spreadsheet or the API asks it.
#[derive(Debug, Clone, PartialEq)]
pub enum EvaluationChange {
    /// The convention between the company and the body (art. 6-2).
    Convention(Convention),
    /// A piece of the dossier de preuves, added, or replacing the piece of the same id.
    PutPreuve(Preuve),
    /// A piece removed, by id.
    RemovePreuve(String),
    /// The whole dossier de preuves (a spreadsheet import).
    Preuves(Vec<Preuve>),
    /// The observation's header: date, times, observer, referee (its contacts kept).
    ObservationHeader {
        /// Date.
        date: Date,
        /// Start.
        start: TimeOfDay,
        /// End.
        end: TimeOfDay,
        /// The observer.
        by: String,
        /// The internal referee.
        referee: Option<Referee>,
        /// The referee's remarks.
        referee_remarks: Option<String>,
    },
    /// A contact's times (the contact created when new).
    ContactTimes {
        /// Its number.
        contact: u32,
        /// Start.
        start: Option<TimeOfDay>,
        /// End.
        end: Option<TimeOfDay>,
    },
    /// One level of one contact: set, or cleared with `None`.
    ContactLevel {
        /// The contact's number (created when new).
        contact: u32,
        /// The item.
        item: String,
        /// The level, `None` to clear it.
        level: Option<Level>,
        /// The justification (required from level 4).
        justification: Option<String>,
    },
    /// A contact removed with its levels.
    RemoveContact(u32),
    /// The whole observation (a spreadsheet import).
    Observation(Observation),
    /// The grids of a spreadsheet, at once: the dossier de preuves and the observation each
    /// replaced when the sheet carries them.
    Grids {
        /// The pieces, when imported.
        preuves: Option<Vec<Preuve>>,
        /// The observation, when imported.
        observation: Option<Observation>,
    },
    /// The interview after the observation.
    Interview {
        /// Date.
        date: Date,
        /// Notes.
        notes: Option<String>,
    },
    /// An override added.
    AddOverride(Override),
    /// The override at this position removed.
    RemoveOverride(usize),
    /// The synthesis record (phase 3), written when the evaluation is sent.
    Synthese(SyntheseRecord),
}

/// Why a change cannot be made.
#[derive(Debug, Clone, PartialEq)]
pub enum EditError {
    /// The change needs something the dossier does not have yet (in French, for the user).
    Refused(String),
    /// The format refuses the result.
    Invalid(Diagnostics),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::Refused(m) => f.write_str(m),
            EditError::Invalid(d) => write!(f, "{d}"),
        }
    }
}

/// A change applied: the dossier before, the new text and the dossier it loads as.
pub struct Applied {
    /// The dossier before the change.
    pub before: Dossier,
    /// The new text.
    pub text: String,
    /// The dossier after the change.
    pub after: Dossier,
}

/// Applies `change`, made by `by`, to the dossier's text `yaml`: the new text and the
/// dossier it loads as. `by` is added to the body's evaluators when they give levels.
pub fn apply(
    yaml: &str,
    library: &Library,
    change: &EvaluationChange,
    by: &str,
) -> Result<(String, Dossier), EditError> {
    apply_keeping_before(yaml, library, change, by).map(|a| (a.text, a.after))
}

/// [`apply`], with the dossier as it was before (to tell what changed).
pub fn apply_keeping_before(
    yaml: &str,
    library: &Library,
    change: &EvaluationChange,
    by: &str,
) -> Result<Applied, EditError> {
    let before = load(yaml, library).map_err(EditError::Invalid)?;
    let mut text = yaml.to_string();
    let body = before.evaluating_body.as_ref().ok_or_else(|| {
        EditError::Refused("aucun organisme évaluateur n'est désigné pour ce dossier".into())
    })?;
    if gives_levels(change) && !body.evaluators.iter().any(|e| e == by) {
        let mut body = body.clone();
        body.evaluators.push(by.to_string());
        text = set_top_level(&text, "evaluating_body", &body_block(&body));
    }
    match change {
        EvaluationChange::Convention(c) => text = set_top_level(&text, "convention", &convention_block(c)),
        EvaluationChange::PutPreuve(p) => {
            let mut preuves = before.preuves.clone();
            match preuves.iter_mut().find(|q| q.id == p.id) {
                Some(q) => *q = p.clone(),
                None => preuves.push(p.clone()),
            }
            text = set_top_level(&text, "preuves", &preuves_block(&preuves));
        }
        EvaluationChange::RemovePreuve(id) => {
            let mut preuves = before.preuves.clone();
            let n = preuves.len();
            preuves.retain(|p| &p.id != id);
            if preuves.len() == n {
                return Err(EditError::Refused(format!(
                    "la pièce {id} n'est pas dans le dossier de preuves"
                )));
            }
            text = set_top_level(&text, "preuves", &preuves_block(&preuves));
        }
        EvaluationChange::Preuves(p) => text = set_top_level(&text, "preuves", &preuves_block(p)),
        EvaluationChange::ObservationHeader { date, start, end, by, referee, referee_remarks } => {
            let mut o =
                before.observation.clone().unwrap_or_else(|| empty_observation(*date, *start, *end, by));
            for a in o.contacts.iter_mut().flat_map(|c| &mut c.assessments) {
                if a.on == o.date {
                    a.on = *date;
                }
                if a.by == o.by {
                    a.by.clone_from(by);
                }
            }
            (o.date, o.start, o.end, o.by) = (*date, *start, *end, by.clone());
            (o.referee, o.referee_remarks) = (referee.clone(), referee_remarks.clone());
            text = set_top_level(&text, "observation", &observation_block(&o));
        }
        EvaluationChange::ContactTimes { contact, start, end } => {
            let mut o = observation_to_edit(&before)?;
            let c = contact_mut(&mut o, *contact);
            (c.start, c.end) = (*start, *end);
            text = set_top_level(&text, "observation", &observation_block(&o));
        }
        EvaluationChange::ContactLevel { contact, item, level, justification } => {
            let mut o = observation_to_edit(&before)?;
            let date = o.date;
            let c = contact_mut(&mut o, *contact);
            c.assessments.retain(|a| &a.item != item);
            if let Some(level) = level {
                c.assessments.push(Assessment {
                    item: item.clone(),
                    level: *level,
                    justification: justification.clone().filter(|j| !j.trim().is_empty()),
                    by: by.to_string(),
                    on: date,
                    location: crate::diag::Location::default(),
                });
            }
            text = set_top_level(&text, "observation", &observation_block(&o));
        }
        EvaluationChange::RemoveContact(n) => {
            let mut o = observation_to_edit(&before)?;
            o.contacts.retain(|c| c.number != *n);
            text = set_top_level(&text, "observation", &observation_block(&o));
        }
        EvaluationChange::Observation(o) => text = set_top_level(&text, "observation", &observation_block(o)),
        EvaluationChange::Grids { preuves, observation } => {
            if preuves.is_none() && observation.is_none() {
                return Err(EditError::Refused("le fichier ne contient aucune grille remplie".into()));
            }
            if let Some(p) = preuves {
                text = set_top_level(&text, "preuves", &preuves_block(p));
            }
            if let Some(o) = observation {
                text = set_top_level(&text, "observation", &observation_block(o));
            }
        }
        EvaluationChange::Interview { date, notes } => {
            let mut i = before.interview.clone().unwrap_or(InterviewRecord {
                date: *date,
                by: by.to_string(),
                notes: None,
                contacts: Vec::new(),
                location: crate::diag::Location::default(),
            });
            (i.date, i.by, i.notes) = (*date, by.to_string(), notes.clone().filter(|n| !n.trim().is_empty()));
            text = set_top_level(&text, "interview", &interview_block(&i));
        }
        EvaluationChange::AddOverride(o) => {
            let mut overrides = before.overrides.clone();
            overrides.push(o.clone());
            text = set_top_level(&text, "overrides", &overrides_block(&overrides));
        }
        EvaluationChange::RemoveOverride(n) => {
            let mut overrides = before.overrides.clone();
            if *n >= overrides.len() {
                return Err(EditError::Refused(format!("il n'y a pas de dérogation n° {}", n + 1)));
            }
            overrides.remove(*n);
            text = set_top_level(&text, "overrides", &overrides_block(&overrides));
        }
        EvaluationChange::Synthese(s) => {
            let block = format!("synthese:\n  date: {}\n  by: {}\n", s.date, quote_yaml(&s.by));
            text = set_top_level(&text, "synthese", &block);
        }
    }
    let after = load(&text, library).map_err(EditError::Invalid)?;
    Ok(Applied { before, text, after })
}

/// Whether the change records levels (or observes), so that its author must be one of the
/// body's evaluators.
fn gives_levels(change: &EvaluationChange) -> bool {
    !matches!(
        change,
        EvaluationChange::Convention(_)
            | EvaluationChange::RemovePreuve(_)
            | EvaluationChange::RemoveContact(_)
            | EvaluationChange::RemoveOverride(_)
    )
}

/// The observation to change: it needs its header first (date, times, observer).
fn observation_to_edit(before: &Dossier) -> Result<Observation, EditError> {
    before.observation.clone().ok_or_else(|| {
        EditError::Refused("renseignez d'abord la date, les heures et l'observateur de l'observation".into())
    })
}

fn empty_observation(date: Date, start: TimeOfDay, end: TimeOfDay, by: &str) -> Observation {
    Observation {
        date,
        start,
        end,
        by: by.to_string(),
        referee: None,
        referee_remarks: None,
        contacts: Vec::new(),
        interview: None,
        location: crate::diag::Location::default(),
        end_location: crate::diag::Location::default(),
    }
}

/// The contact `number`, created in number order when new.
fn contact_mut(o: &mut Observation, number: u32) -> &mut Contact {
    let at = match o.contacts.iter().position(|c| c.number >= number) {
        Some(i) if o.contacts[i].number == number => i,
        Some(i) => {
            o.contacts.insert(i, new_contact(number));
            i
        }
        None => {
            o.contacts.push(new_contact(number));
            o.contacts.len() - 1
        }
    };
    &mut o.contacts[at]
}

fn new_contact(number: u32) -> Contact {
    Contact {
        number,
        start: None,
        end: None,
        assessments: Vec::new(),
        field: String::new(),
        location: crate::diag::Location::default(),
    }
}

/// Loads `yaml` with the real loader.
fn load(yaml: &str, library: &Library) -> Result<Dossier, Diagnostics> {
    load_dossier(&SourceFile { name: "dossier.yaml".into(), text: yaml.to_string() }, library)
}

/// A time as the format writes it, quoted (`"09:05"`: unquoted, YAML 1.1 would read a number).
fn time(t: TimeOfDay) -> String {
    format!("\"{t}\"")
}

fn referee_inline(r: &Referee) -> String {
    match &r.role {
        Some(role) => format!("{{ name: {}, role: {} }}", quote_yaml(&r.name), quote_yaml(role)),
        None => format!("{{ name: {} }}", quote_yaml(&r.name)),
    }
}

/// Writes the assessments of a list at `indent` spaces; `by` and `on` are left out where they
/// are the list's defaults (the observer and the observation's date).
fn assessments(out: &mut String, list: &[Assessment], indent: usize, defaults: Option<(&str, Date)>) {
    let pad = " ".repeat(indent);
    for a in list {
        let _ = writeln!(out, "{pad}- item: {}", a.item);
        let _ = writeln!(out, "{pad}  level: {}", a.level);
        if let Some(j) = &a.justification {
            let _ = writeln!(out, "{pad}  justification: {}", quote_yaml(j));
        }
        if defaults.is_none_or(|(by, _)| by != a.by) {
            let _ = writeln!(out, "{pad}  by: {}", quote_yaml(&a.by));
        }
        if defaults.is_none_or(|(_, on)| on != a.on) {
            let _ = writeln!(out, "{pad}  on: {}", a.on);
        }
    }
}

/// The `evaluating_body` block of `body`, its whole history kept.
pub fn body_block(body: &EvaluatingBody) -> String {
    let mut out = format!(
        "evaluating_body:\n  id: {}\n  name: {}\n  trained_candidate: {}\n",
        quote_yaml(&body.id),
        quote_yaml(&body.name),
        body.trained_candidate
    );
    out.push_str("  accreditation:\n");
    for r in &body.accreditation {
        let _ = writeln!(out, "    - {{ event: {}, on: {} }}", r.event, r.on);
    }
    if let Some(e) = &body.evaluator {
        let _ = writeln!(out, "  evaluator: {}", quote_yaml(e));
    }
    let others: Vec<String> = body
        .evaluators
        .iter()
        .filter(|e| Some(*e) != body.evaluator.as_ref())
        .map(|e| quote_yaml(e))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(out, "  evaluators: [{}]", others.join(", "));
    }
    out
}

/// The `convention` block.
pub fn convention_block(c: &Convention) -> String {
    let mut out = format!("convention:\n  signed: {}\n", c.signed);
    if let Some(r) = &c.reference {
        let _ = writeln!(out, "  reference: {}", quote_yaml(r));
    }
    out
}

/// The `preuves` block.
pub fn preuves_block(preuves: &[Preuve]) -> String {
    if preuves.is_empty() {
        return "preuves: []\n".into();
    }
    let mut out = String::from("preuves:\n");
    for p in preuves {
        let _ = writeln!(out, "  - id: {}", quote_yaml(&p.id));
        let _ = writeln!(out, "    title: {}", quote_yaml(&p.title));
        let _ = writeln!(out, "    kind: {}", p.kind);
        if let Some(r) = &p.referee {
            let _ = writeln!(out, "    referee: {}", referee_inline(r));
        }
        if p.assessments.is_empty() {
            out.push_str("    assessments: []\n");
        } else {
            out.push_str("    assessments:\n");
            assessments(&mut out, &p.assessments, 6, None);
        }
    }
    out
}

/// The `observation` block.
pub fn observation_block(o: &Observation) -> String {
    let mut out = format!(
        "observation:\n  date: {}\n  start: {}\n  end: {}\n  by: {}\n",
        o.date,
        time(o.start),
        time(o.end),
        quote_yaml(&o.by)
    );
    if let Some(r) = &o.referee {
        let _ = writeln!(out, "  referee: {}", referee_inline(r));
    }
    if let Some(r) = &o.referee_remarks {
        let _ = writeln!(out, "  referee_remarks: {}", quote_yaml(r));
    }
    if o.contacts.is_empty() {
        out.push_str("  contacts: []\n");
    } else {
        out.push_str("  contacts:\n");
        contacts(&mut out, &o.contacts, (&o.by, o.date));
    }
    if let Some(i) = &o.interview {
        let _ = writeln!(out, "  interview:\n    done: {}", i.done);
        if let Some(n) = &i.notes {
            let _ = writeln!(out, "    notes: {}", quote_yaml(n));
        }
    }
    out
}

fn contacts(out: &mut String, list: &[Contact], defaults: (&str, Date)) {
    for c in list {
        let _ = writeln!(out, "    - number: {}", c.number);
        if let Some(s) = c.start {
            let _ = writeln!(out, "      start: {}", time(s));
        }
        if let Some(e) = c.end {
            let _ = writeln!(out, "      end: {}", time(e));
        }
        if c.assessments.is_empty() {
            out.push_str("      assessments: []\n");
        } else {
            out.push_str("      assessments:\n");
            assessments(out, &c.assessments, 8, Some(defaults));
        }
    }
}

/// The `interview` block.
pub fn interview_block(i: &InterviewRecord) -> String {
    let mut out = format!("interview:\n  date: {}\n  by: {}\n", i.date, quote_yaml(&i.by));
    if let Some(n) = &i.notes {
        let _ = writeln!(out, "  notes: {}", quote_yaml(n));
    }
    if !i.contacts.is_empty() {
        out.push_str("  contacts:\n");
        let mut inner = String::new();
        contacts(&mut inner, &i.contacts, (&i.by, i.date));
        // The interview's contacts sit two spaces less deep than the observation's.
        for line in inner.lines() {
            let _ = writeln!(out, "{}", line.strip_prefix("  ").unwrap_or(line));
        }
    }
    out
}

/// The `overrides` block.
pub fn overrides_block(overrides: &[Override]) -> String {
    if overrides.is_empty() {
        return String::new();
    }
    let mut out = String::from("overrides:\n");
    for o in overrides {
        match &o.target {
            OverrideTarget::Item { item, level } => {
                let _ = writeln!(out, "  - target: item\n    item: {item}\n    level: {level}");
            }
            OverrideTarget::Activity { activity, status } => {
                let _ = writeln!(out, "  - target: activity\n    activity: {activity}\n    status: {status}");
            }
            OverrideTarget::Proposal { proposal } => {
                let _ = writeln!(out, "  - target: proposal\n    proposal: {proposal}");
            }
        }
        let _ = writeln!(out, "    reason: {}", quote_yaml(&o.reason));
        let _ = writeln!(out, "    by: {}", quote_yaml(&o.by));
        let _ = writeln!(out, "    on: {}", o.on);
    }
    out
}

/// A new piece's id: `P` and the first number no piece uses.
pub fn next_preuve_id(preuves: &[Preuve]) -> String {
    // At most `len` ids are taken, so one of the first `len + 1` is free.
    (1..=preuves.len() + 1)
        .map(|n| format!("P{n}"))
        .find(|id| !preuves.iter().any(|p| &p.id == id))
        .unwrap_or_default()
}

/// The kinds of piece, for forms.
pub const PREUVE_KINDS: [PreuveKind; 3] =
    [PreuveKind::Description, PreuveKind::Document, PreuveKind::Temoignage];
