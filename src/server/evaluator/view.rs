//! The evaluator's page of one dossier, as the template reads it: the convention, the pieces of
//! the dossier de preuves, the quiz result, the observation grid in the grid's own order with a
//! column per contact, the interview, the live synthesis, the overrides, what blocks the
//! sending, the versions sent and the history of the levels.

use super::super::AppState;
use super::super::desk::Me;
use super::super::dossier_page::{Loaded, moment};
use crate::dossier::grid::{GridGroup, grid_groups};
use crate::dossier::{ActivityStatus, Dossier, OverrideTarget, Proposal};
use crate::phases::Evaluation;
use crate::policy::Modality;
use crate::render::french;
use crate::store::evaluation::{HistoryRow, SentVersion};
use serde::Serialize;

/// A choice of a select.
#[derive(Serialize, Clone)]
pub struct Choice {
    value: String,
    label: String,
}

/// A group of choices (an activity's items).
#[derive(Serialize, Clone)]
pub struct ChoiceGroup {
    title: String,
    choices: Vec<Choice>,
}

#[derive(Serialize)]
struct PieceRow {
    n: usize,
    item: String,
    item_label: String,
    level: String,
    justification: String,
    on: String,
    by: String,
}

#[derive(Serialize)]
struct Piece {
    id: String,
    title: String,
    kind: String,
    kind_label: String,
    referee_name: String,
    referee_role: String,
    rows: Vec<PieceRow>,
    count: usize,
    /// The rows of the edit form: those given, then empty ones.
    form_rows: Vec<PieceRow>,
}

#[derive(Serialize)]
struct Cell {
    name: String,
    value: String,
    label: String,
    r: usize,
    c: usize,
}

#[derive(Serialize)]
struct GridRow {
    id: String,
    label: String,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct GridSection {
    title: String,
    span: usize,
    rows: Vec<GridRow>,
}

#[derive(Serialize)]
struct ContactCol {
    number: u32,
    start: String,
    end: String,
}

#[derive(Serialize)]
struct Justification {
    name: String,
    label: String,
    value: String,
}

#[derive(Serialize, Default)]
struct Header {
    date: String,
    start: String,
    end: String,
    by: String,
    referee_name: String,
    referee_role: String,
    referee_remarks: String,
}

/// The live synthesis panel (also returned alone after each level saved).
#[derive(Serialize)]
pub struct SynthesisView {
    computed: bool,
    proposal: String,
    activities: Vec<Choice>,
    again: Vec<String>,
    errors: Vec<String>,
    warnings: Vec<String>,
    warning_count: usize,
    contacts: usize,
    min_contacts: u32,
    minutes: String,
    max_minutes: String,
    over_time: bool,
    too_few: bool,
}

#[derive(Serialize)]
struct OverrideRow {
    n: usize,
    what: String,
    reason: String,
    by: String,
    on: String,
}

#[derive(Serialize)]
struct Version {
    number: i64,
    sent: String,
    by: String,
    sha256: String,
    reopened: String,
}

#[derive(Serialize)]
struct History {
    at: String,
    actor: String,
    place: String,
    item: String,
    change: String,
}

/// The page's view.
#[derive(Serialize)]
pub struct EvaluationView {
    me: Me,
    id: String,
    name: String,
    candidate_id: String,
    certificate: String,
    body: String,
    frozen: bool,
    versions: Vec<Version>,
    convention_signed: String,
    convention_reference: String,
    pieces: Vec<Piece>,
    new_piece_id: String,
    new_piece_rows: Vec<PieceRow>,
    preuve_items: Vec<ChoiceGroup>,
    kinds: Vec<Choice>,
    quiz: Option<Vec<Choice>>,
    quiz_title: String,
    header: Header,
    has_observation: bool,
    contacts: Vec<ContactCol>,
    more_contacts: u32,
    grid: Vec<GridSection>,
    justifications: Vec<Justification>,
    interview_date: String,
    interview_notes: String,
    synthesis: SynthesisView,
    overrides: Vec<OverrideRow>,
    all_items: Vec<ChoiceGroup>,
    activities: Vec<Choice>,
    statuses: Vec<Choice>,
    proposals: Vec<Choice>,
    levels: Vec<u8>,
    blockers: Vec<String>,
    history: Vec<History>,
    errors: Vec<String>,
    error_count: usize,
    notice: String,
    today: String,
}

fn choice(value: impl Into<String>, label: impl Into<String>) -> Choice {
    Choice { value: value.into(), label: label.into() }
}

fn groups_as_choices(groups: &[GridGroup]) -> Vec<ChoiceGroup> {
    groups
        .iter()
        .map(|g| ChoiceGroup {
            title: g.title.clone(),
            choices: g.items.iter().map(|i| choice(&i.id, &i.label)).collect(),
        })
        .collect()
}

/// The label of item `id` (its id when unknown).
fn item_label(state: &AppState, id: &str) -> String {
    state.library.item(id).map_or_else(|| id.to_string(), |i| i.label.clone())
}

/// The (id, label) of the observation grid's items, in its order.
pub fn observation_items(state: &AppState, certificate: &str) -> Vec<(String, String)> {
    grid_groups(&state.library, &state.policy, certificate, Some(Modality::Observation))
        .into_iter()
        .flat_map(|g| g.items.into_iter().map(|i| (i.id, i.label)))
        .collect()
}

/// The (id, label) of the dossier de preuves' items.
pub fn preuve_items(state: &AppState, certificate: &str) -> std::collections::BTreeMap<String, String> {
    grid_groups(&state.library, &state.policy, certificate, Some(Modality::Preuves))
        .into_iter()
        .flat_map(|g| g.items.into_iter().map(|i| (i.id, i.label)))
        .collect()
}

/// The live synthesis of `d`.
pub fn synthesis(state: &AppState, d: &Dossier, e: &Evaluation) -> SynthesisView {
    let labels = &state.labels;
    let policy = state.policy.for_certificate(&d.certificate);
    let min_contacts = policy.observation.min_contacts.get(&d.certificate).copied().unwrap_or(0);
    let contacts = d.observed_contacts().count();
    let max = policy.observation.max_minutes;
    let minutes = d.observation.as_ref().map(crate::dossier::Observation::minutes);
    let s = e.synthese.as_ref();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for f in &e.findings {
        let line = format!("{} ({})", french::dates_in(&f.message), f.article);
        match f.severity {
            crate::diag::Severity::Error => errors.push(line),
            crate::diag::Severity::Warning => warnings.push(line),
        }
    }
    SynthesisView {
        computed: s.is_some(),
        proposal: s.map_or(String::new(), |s| labels.proposal(s.proposal).to_string()),
        activities: s.map_or_else(Vec::new, |s| {
            s.activities.iter().map(|a| choice(labels.activity_status(a.status), &a.title)).collect()
        }),
        again: s
            .map_or_else(Vec::new, |s| s.to_evaluate_again.iter().map(|i| item_label(state, i)).collect()),
        errors,
        warning_count: warnings.len(),
        warnings,
        contacts,
        min_contacts,
        minutes: minutes.map_or("—".into(), hours),
        max_minutes: hours(max),
        over_time: minutes.is_some_and(|m| m > max),
        too_few: contacts < min_contacts as usize,
    }
}

/// Minutes as « 1 h 50 ».
fn hours(minutes: u32) -> String {
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

/// Everything the page shows.
pub struct PageParts {
    /// The dossier.
    pub loaded: Loaded,
    /// Frozen, and the versions sent.
    pub versions: (bool, Vec<SentVersion>),
    /// The history of the levels.
    pub history: Vec<HistoryRow>,
    /// What blocks the sending.
    pub blockers: Vec<String>,
    /// Columns wanted at least (`?contacts=`).
    pub columns: u32,
}

/// The page's view.
#[allow(clippy::too_many_lines)]
pub fn build(
    state: &AppState,
    me: Me,
    parts: PageParts,
    errors: Vec<String>,
    notice: String,
) -> EvaluationView {
    let PageParts { loaded, versions: (frozen, versions), history, blockers, columns } = parts;
    let d = &loaded.dossier;
    let labels = &state.labels;
    let cert = &d.certificate;
    let preuve_groups = grid_groups(&state.library, &state.policy, cert, Some(Modality::Preuves));
    let obs_groups = grid_groups(&state.library, &state.policy, cert, Some(Modality::Observation));
    let all_groups = grid_groups(&state.library, &state.policy, cert, None);
    let policy = state.policy.for_certificate(cert);
    let today = super::super::auvicom::today(state);
    let piece_row = |n: usize, a: Option<&crate::dossier::Assessment>| PieceRow {
        n,
        item: a.map_or(String::new(), |a| a.item.clone()),
        item_label: a.map_or(String::new(), |a| item_label(state, &a.item)),
        level: a.map_or(String::new(), |a| a.level.to_string()),
        justification: a.and_then(|a| a.justification.clone()).unwrap_or_default(),
        on: a.map_or(String::new(), |a| a.on.to_string()),
        by: a.map_or(String::new(), |a| a.by.clone()),
    };
    let pieces = d
        .preuves
        .iter()
        .map(|p| {
            let rows: Vec<PieceRow> =
                p.assessments.iter().enumerate().map(|(n, a)| piece_row(n, Some(a))).collect();
            let mut form_rows: Vec<PieceRow> =
                p.assessments.iter().enumerate().map(|(n, a)| piece_row(n, Some(a))).collect();
            let k = form_rows.len();
            form_rows.extend((k..k + 3).map(|n| piece_row(n, None)));
            Piece {
                id: p.id.clone(),
                title: p.title.clone(),
                kind: p.kind.to_string(),
                kind_label: labels.get(crate::documents::LabelSet::Preuve, p.kind.into()).to_string(),
                referee_name: p.referee.as_ref().map_or(String::new(), |r| r.name.clone()),
                referee_role: p.referee.as_ref().and_then(|r| r.role.clone()).unwrap_or_default(),
                count: rows.len(),
                rows,
                form_rows,
            }
        })
        .collect();
    // The observation grid: a column per contact, as many as the grid prints, the minimum, the
    // contacts recorded, or what was asked.
    let grid_def = crate::documents::grids::load_grids(&state.data, &state.library, cert).ok();
    let observation = d.observation.as_ref();
    let recorded = observation.map_or(0, |o| o.contacts.iter().map(|c| c.number).max().unwrap_or(0));
    let min_contacts = policy.observation.min_contacts.get(cert).copied().unwrap_or(0);
    let printed = grid_def.as_ref().map_or(0, |g| g.observation.contacts);
    let count = printed.max(min_contacts).max(recorded).max(columns.min(60));
    let contact = |n: u32| observation.and_then(|o| o.contacts.iter().find(|c| c.number == n));
    let contacts: Vec<ContactCol> = (1..=count)
        .map(|n| ContactCol {
            number: n,
            start: contact(n).and_then(|c| c.start).map_or(String::new(), |t| t.to_string()),
            end: contact(n).and_then(|c| c.end).map_or(String::new(), |t| t.to_string()),
        })
        .collect();
    let mut justifications = Vec::new();
    let mut r = 0;
    let grid = obs_groups
        .iter()
        .map(|g| GridSection {
            title: g.title.clone(),
            span: count as usize + 1,
            rows: g
                .items
                .iter()
                .map(|i| {
                    r += 1;
                    GridRow {
                        id: i.id.clone(),
                        label: i.label.clone(),
                        cells: (1..=count)
                            .map(|n| {
                                let a =
                                    contact(n).and_then(|c| c.assessments.iter().find(|a| a.item == i.id));
                                if let Some(a) =
                                    a.filter(|a| a.level.value() >= policy.levels.justification_from)
                                {
                                    justifications.push(Justification {
                                        name: format!("j-{n}-{}", i.id),
                                        label: format!("Contact {n} — {} (niveau {})", i.label, a.level),
                                        value: a.justification.clone().unwrap_or_default(),
                                    });
                                }
                                Cell {
                                    name: format!("n-{n}-{}", i.id),
                                    value: a.map_or(String::new(), |a| a.level.to_string()),
                                    label: format!("Contact {n} — {}", i.label),
                                    r,
                                    c: n as usize,
                                }
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    let header = observation.map_or_else(Header::default, |o| Header {
        date: o.date.to_string(),
        start: o.start.to_string(),
        end: o.end.to_string(),
        by: o.by.clone(),
        referee_name: o.referee.as_ref().map_or(String::new(), |r| r.name.clone()),
        referee_role: o.referee.as_ref().and_then(|r| r.role.clone()).unwrap_or_default(),
        referee_remarks: o.referee_remarks.clone().unwrap_or_default(),
    });
    let overrides = d
        .overrides
        .iter()
        .enumerate()
        .map(|(n, o)| OverrideRow {
            n,
            what: match &o.target {
                OverrideTarget::Item { item, level } => {
                    format!("{} : niveau {level}", item_label(state, item))
                }
                OverrideTarget::Activity { activity, status } => {
                    format!("activité {activity} : {}", labels.activity_status(*status))
                }
                OverrideTarget::Proposal { proposal } => {
                    format!("proposition : {}", labels.proposal(*proposal))
                }
            },
            reason: o.reason.clone(),
            by: o.by.clone(),
            on: french::date(o.on),
        })
        .collect();
    let place = |h: &HistoryRow| match h.phase.as_str() {
        "preuves" => format!("pièce {}", h.place),
        "observation" => format!("observation, contact {}", h.place),
        "interview" => format!("entretien, contact {}", h.place),
        _ => "dérogation".to_string(),
    };
    let level = |l: Option<u8>| l.map_or("—".to_string(), |l| l.to_string());
    EvaluationView {
        me,
        id: loaded.summary.id.clone(),
        name: d.candidate_name(),
        candidate_id: d.candidate.id.clone(),
        certificate: state.library.referentiel(cert).map_or_else(|| cert.clone(), |r| r.title.clone()),
        body: d.evaluating_body.as_ref().map_or(String::new(), |b| b.name.clone()),
        frozen,
        versions: versions
            .iter()
            .map(|v| Version {
                number: v.version,
                sent: moment(v.sent_ms),
                by: v.sent_by.clone(),
                sha256: v.sha256[..16].to_string(),
                reopened: v.reopened.as_ref().map_or(String::new(), |(at, by, why)| {
                    format!("rouverte le {} par {by} : {why}", moment(*at))
                }),
            })
            .collect(),
        convention_signed: d.convention.as_ref().map_or(String::new(), |c| c.signed.to_string()),
        convention_reference: d.convention.as_ref().and_then(|c| c.reference.clone()).unwrap_or_default(),
        pieces,
        new_piece_id: crate::dossier::evaluation_edit::next_preuve_id(&d.preuves),
        new_piece_rows: (0..6).map(|n| piece_row(n, None)).collect(),
        preuve_items: groups_as_choices(&preuve_groups),
        kinds: crate::dossier::evaluation_edit::PREUVE_KINDS
            .iter()
            .map(|k| choice(k.to_string(), labels.get(crate::documents::LabelSet::Preuve, (*k).into())))
            .collect(),
        quiz: d.quiz.as_ref().map(|q| {
            q.levels.iter().map(|a| choice(a.level.to_string(), item_label(state, &a.item))).collect()
        }),
        quiz_title: d.quiz.as_ref().map_or(String::new(), |q| {
            format!(
                "Séance {} du {}, {} savoirs évalués",
                q.sitting.clone().unwrap_or_default(),
                french::date(q.date),
                q.levels.len()
            )
        }),
        header,
        has_observation: observation.is_some(),
        contacts,
        more_contacts: count + 1,
        grid,
        justifications,
        interview_date: d.interview.as_ref().map_or(String::new(), |i| i.date.to_string()),
        interview_notes: d.interview.as_ref().and_then(|i| i.notes.clone()).unwrap_or_default(),
        synthesis: synthesis(state, d, &loaded.evaluation),
        overrides,
        all_items: groups_as_choices(&all_groups),
        activities: state
            .library
            .referentiel(cert)
            .map(|r| r.core_activities().map(|a| choice(&a.id, &a.title)).collect())
            .unwrap_or_default(),
        statuses: [ActivityStatus::Acquis, ActivityStatus::ACompleter, ActivityStatus::NonAcquis]
            .iter()
            .map(|s| choice(s.to_string(), labels.activity_status(*s)))
            .collect(),
        proposals: [Proposal::Attribution, Proposal::EvaluationComplementaire, Proposal::NonAttribution]
            .iter()
            .map(|p| choice(p.to_string(), labels.proposal(*p)))
            .collect(),
        levels: (0..=5).collect(),
        blockers,
        history: history
            .iter()
            .rev()
            .take(100)
            .map(|h| History {
                at: moment(h.at_ms),
                actor: h.by.clone().unwrap_or_else(|| h.actor.clone()),
                place: place(h),
                item: item_label(state, &h.item),
                change: format!("{} → {}", level(h.before), level(h.after)),
            })
            .collect(),
        error_count: errors.len(),
        errors,
        notice,
        today: today.to_string(),
    }
}
