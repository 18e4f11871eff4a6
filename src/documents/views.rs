//! What each template sees: plain serialisable views of the dossier, the evaluation and the
//! référentiels, with French labels. Templates choose the wording and the layout.

use super::Context;
use super::grids::{CertificateGrids, GridKind, WriteBox};
use crate::dossier::Dossier;
use crate::error::Result;
use crate::phases::{Evaluation, ItemStatus, Payer};
use crate::referentiel::{ItemKind, Referentiel};
use serde::Serialize;
use std::collections::BTreeSet;

/// The candidate.
#[derive(Serialize)]
pub struct CandidateView {
    id: String,
    name: String,
    family_name: String,
    given_name: String,
}

/// The certificate.
#[derive(Serialize)]
pub struct CertificateView {
    id: String,
    title: String,
}

/// The evaluating body.
#[derive(Serialize)]
pub struct BodyView {
    id: String,
    name: String,
    evaluator: String,
    accredited_on: String,
}

/// A level of a scale.
#[derive(Serialize)]
pub struct LevelView {
    level: u8,
    label: String,
}

/// A scale, for legends.
#[derive(Serialize)]
pub struct ScaleView {
    title: String,
    levels: Vec<LevelView>,
}

fn candidate(d: &Dossier) -> CandidateView {
    CandidateView {
        id: d.candidate.id.clone(),
        name: d.candidate_name(),
        family_name: d.candidate.family_name.clone(),
        given_name: d.candidate.given_name.clone(),
    }
}

fn certificate(r: &Referentiel) -> CertificateView {
    CertificateView { id: r.id.clone(), title: r.title.clone() }
}

fn body(d: &Dossier) -> Option<BodyView> {
    d.evaluating_body.as_ref().map(|b| BodyView {
        id: b.id.clone(),
        name: b.name.clone(),
        evaluator: b.evaluator.clone().unwrap_or_default(),
        accredited_on: b.accredited_on().map(|d| d.to_string()).unwrap_or_default(),
    })
}

fn scales(ctx: &Context, kinds: &BTreeSet<ItemKind>) -> Vec<ScaleView> {
    ctx.library
        .scales
        .scales
        .iter()
        .filter(|s| s.applies_to.iter().any(|k| kinds.contains(k)))
        .map(|s| ScaleView {
            title: s.title.clone(),
            levels: s
                .levels
                .iter()
                .map(|l| LevelView { level: l.level.value(), label: l.label.clone() })
                .collect(),
        })
        .collect()
}

fn the_certificate<'a>(ctx: &'a Context, d: &Dossier) -> &'a Referentiel {
    ctx.library.referentiel(&d.certificate).expect("a loaded dossier names a known certificate")
}

/// A rejection reason, for the letter.
#[derive(Serialize)]
pub struct ReasonView {
    code: &'static str,
    article: &'static str,
    message: String,
}

/// The recevabilité letter.
#[derive(Serialize)]
pub struct RecevabiliteView {
    candidate: CandidateView,
    certificate: CertificateView,
    route: String,
    submitted: String,
    decided: String,
    recevable: bool,
    reasons: Vec<ReasonView>,
    related_days: i64,
    window_hours: String,
}

/// Builds the recevabilité letter's view.
pub fn recevabilite(ctx: &Context, d: &Dossier, e: &Evaluation) -> RecevabiliteView {
    let r = &e.recevabilite;
    RecevabiliteView {
        candidate: candidate(d),
        certificate: certificate(the_certificate(ctx, d)),
        route: d.route.label().to_string(),
        submitted: d.application.submitted.to_string(),
        decided: d.application.decided.unwrap_or(d.application.submitted).to_string(),
        recevable: r.recevable,
        reasons: r
            .reasons
            .iter()
            .map(|x| ReasonView { code: x.code.as_str(), article: x.article, message: x.message.clone() })
            .collect(),
        related_days: r.facts.related_days,
        window_hours: format!("{}", r.facts.window_hours.floor()),
    }
}

/// An item with a level, for the prédiagnostic.
#[derive(Serialize)]
pub struct LevelledItem {
    id: String,
    label: String,
    level: String,
    scale_label: String,
    reached: bool,
}

/// An activity of the prédiagnostic.
#[derive(Serialize)]
pub struct PrediagActivity {
    title: String,
    items: Vec<LevelledItem>,
}

/// The prédiagnostic feedback.
#[derive(Serialize)]
pub struct PrediagnosticView {
    candidate: CandidateView,
    certificate: CertificateView,
    body: Option<BodyView>,
    date: String,
    by: String,
    required: u8,
    activities: Vec<PrediagActivity>,
    needs: Vec<LevelledItem>,
    assessed: usize,
    reached: usize,
    scales: Vec<ScaleView>,
}

/// Builds the prédiagnostic view; `None` when the dossier records none.
pub fn prediagnostic(ctx: &Context, d: &Dossier) -> Option<PrediagnosticView> {
    let p = d.prediagnostic.as_ref()?;
    let r = the_certificate(ctx, d);
    let required = ctx.policy.levels.required;
    let cap = ctx.policy.levels.quiz_max;
    let level_of =
        |id: &str| p.levels.iter().filter(|a| a.item == id).map(|a| a.level.value().min(cap)).max();
    let item_view = |id: &str, level: u8| {
        let item = ctx.library.item(id)?;
        let scale = ctx.library.scales.for_kind(item.kind)?;
        Some(LevelledItem {
            id: id.to_string(),
            label: item.label.clone(),
            level: level.to_string(),
            scale_label: scale
                .levels
                .iter()
                .find(|l| l.level.value() == level)
                .map(|l| l.label.clone())
                .unwrap_or_default(),
            reached: level >= required,
        })
    };
    let mut seen = BTreeSet::new();
    let mut activities = Vec::new();
    let mut needs = Vec::new();
    for a in r.core_activities() {
        let items: Vec<LevelledItem> = a
            .knowledge
            .iter()
            .flat_map(|k| k.refs())
            .filter_map(|(_, x)| level_of(&x.id).and_then(|l| item_view(&x.id, l)))
            .collect();
        for i in &items {
            if !i.reached && seen.insert(i.id.clone()) {
                needs.push(item_view(&i.id, i.level.parse().unwrap_or(0))?);
            }
        }
        if !items.is_empty() {
            activities.push(PrediagActivity { title: a.title.clone(), items });
        }
    }
    let assessed: BTreeSet<&str> = p.levels.iter().map(|a| a.item.as_str()).collect();
    let reached = assessed.iter().filter(|id| level_of(id).is_some_and(|l| l >= required)).count();
    let kinds: BTreeSet<ItemKind> =
        assessed.iter().filter_map(|id| ctx.library.item(id)).map(|i| i.kind).collect();
    Some(PrediagnosticView {
        candidate: candidate(d),
        certificate: certificate(r),
        body: body(d),
        date: p.date.to_string(),
        by: p.by.clone(),
        required,
        activities,
        needs,
        assessed: assessed.len(),
        reached,
        scales: scales(ctx, &kinds),
    })
}

/// An activity of the synthesis report.
#[derive(Serialize)]
pub struct ActivityView {
    id: String,
    title: String,
    status: &'static str,
    computed: &'static str,
    overridden: bool,
    override_reason: String,
    reached: usize,
    total: usize,
    mean: String,
    short: Vec<LevelledItem>,
}

/// An item override.
#[derive(Serialize)]
pub struct OverrideView {
    what: String,
    computed: String,
    result: String,
    reason: String,
    by: String,
    on: String,
}

/// A finding.
#[derive(Serialize)]
pub struct FindingView {
    blocking: bool,
    code: &'static str,
    article: &'static str,
    message: String,
}

/// The synthesis report.
#[derive(Serialize)]
pub struct SyntheseView {
    candidate: CandidateView,
    certificate: CertificateView,
    body: Option<BodyView>,
    route: String,
    submitted: String,
    preuves: usize,
    quiz_date: String,
    observation: String,
    synthese_date: String,
    recevable: bool,
    synthesised: bool,
    required: u8,
    activities: Vec<ActivityView>,
    proposal: String,
    computed_proposal: String,
    proposal_overridden: bool,
    proposal_override_reason: String,
    to_evaluate_again: Vec<LevelledItem>,
    /// The synthesis after a complementary round, the first one above it.
    complement: Option<ComplementView>,
    overrides: Vec<OverrideView>,
    findings: Vec<FindingView>,
    carry_over: String,
    funding_payer: &'static str,
    funding_euros: f64,
    funding_basis: String,
    members: Vec<String>,
}

/// The synthesis after a complementary evaluation round.
#[derive(Debug, Serialize)]
pub struct ComplementView {
    date: String,
    items: Vec<String>,
    activities: Vec<(String, &'static str)>,
    proposal: &'static str,
}

/// Builds the synthesis report's view.
pub fn synthese(ctx: &Context, d: &Dossier, e: &Evaluation) -> SyntheseView {
    let r = the_certificate(ctx, d);
    let required = ctx.policy.levels.required;
    let level_text = |l: Option<u8>| l.map_or("non évalué".to_string(), |l| l.to_string());
    let mut activities = Vec::new();
    let mut again = Vec::new();
    let mut proposal = String::new();
    let mut computed_proposal = String::new();
    let mut proposal_override_reason = String::new();
    if let Some(s) = &e.synthese {
        for a in &s.activities {
            let items: Vec<&crate::phases::ItemResult> = a.items.iter().filter_map(|id| s.item(id)).collect();
            let counted: Vec<f32> = items
                .iter()
                .filter(|i| i.status != ItemStatus::NonApplicable)
                .map(|i| f32::from(i.level.unwrap_or(0)))
                .collect();
            let mean =
                if counted.is_empty() { 0.0 } else { counted.iter().sum::<f32>() / counted.len() as f32 };
            let short = items
                .iter()
                .filter(|i| matches!(i.status, ItemStatus::Insuffisant | ItemStatus::NonEvalue))
                .map(|i| LevelledItem {
                    id: i.id.clone(),
                    label: i.label.clone(),
                    level: level_text(i.level),
                    scale_label: String::new(),
                    reached: false,
                })
                .collect();
            activities.push(ActivityView {
                id: a.id.clone(),
                title: a.title.clone(),
                status: a.status.label(),
                computed: a.computed.label(),
                overridden: a.override_reason.is_some(),
                override_reason: a.override_reason.clone().unwrap_or_default(),
                reached: a.reached,
                total: items.iter().filter(|i| i.status != ItemStatus::NonApplicable).count(),
                mean: format!("{mean:.1}").replace('.', ","),
                short,
            });
        }
        for id in &s.to_evaluate_again {
            if let Some(i) = s.item(id) {
                again.push(LevelledItem {
                    id: id.clone(),
                    label: i.label.clone(),
                    level: level_text(i.level),
                    scale_label: String::new(),
                    reached: false,
                });
            }
        }
        proposal = s.proposal.label().to_string();
        computed_proposal = s.computed_proposal.label().to_string();
        proposal_override_reason = s.proposal_override_reason.clone().unwrap_or_default();
    }
    let overrides = d
        .overrides
        .iter()
        .map(|o| {
            let (what, computed, result) = match &o.target {
                crate::dossier::OverrideTarget::Item { item, level } => {
                    let label = ctx.library.item(item).map_or(item.clone(), |i| i.label.clone());
                    let computed = e
                        .synthese
                        .as_ref()
                        .and_then(|s| s.item(item))
                        .map_or("—".to_string(), |i| level_text(i.computed));
                    (format!("niveau de « {label} »"), computed, level.to_string())
                }
                crate::dossier::OverrideTarget::Activity { activity, status } => {
                    let computed = e
                        .synthese
                        .as_ref()
                        .and_then(|s| s.activities.iter().find(|a| &a.id == activity))
                        .map_or("—", |a| a.computed.label());
                    let title = r.activity(activity).map_or(activity.clone(), |a| a.title.clone());
                    (format!("activité « {title} »"), computed.to_string(), status.label().to_string())
                }
                crate::dossier::OverrideTarget::Proposal { proposal } => {
                    ("proposition".to_string(), computed_proposal.clone(), proposal.label().to_string())
                }
            };
            OverrideView {
                what,
                computed,
                result,
                reason: o.reason.clone(),
                by: o.by.clone(),
                on: o.on.to_string(),
            }
        })
        .collect();
    let carry_over = e.carry_over.as_ref().map_or(String::new(), |c| {
        if c.applies {
            format!("Titulaire du CQPT {} depuis le {} : savoirs communs conservés jusqu'au {} (art. 3).", c.certificate, c.awarded, c.valid_until)
        } else {
            format!("Titulaire du CQPT {} depuis le {} : délai de conservation des savoirs communs dépassé le {} (art. 3).", c.certificate, c.awarded, c.valid_until)
        }
    });
    let members = [
        "Représentant(e) des salariés",
        "Représentant(e) des salariés",
        "Représentant(e) des employeurs",
        "Représentant(e) des employeurs",
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| format!("{m} — {}", if i % 2 == 0 { 1 } else { 2 }))
    .collect();
    SyntheseView {
        candidate: candidate(d),
        certificate: certificate(r),
        body: body(d),
        route: d.route.label().to_string(),
        submitted: d.application.submitted.to_string(),
        preuves: d.preuves.len(),
        quiz_date: d.quiz.as_ref().map_or(String::new(), |q| q.date.to_string()),
        observation: d.observation.as_ref().map_or(String::new(), |o| {
            format!(
                "{} de {} à {}, {} contact(s)",
                crate::render::template::french_date(&o.date.to_string()),
                o.start,
                o.end,
                o.contacts.len()
            )
        }),
        synthese_date: d.synthese.as_ref().map_or(e.date, |s| s.date).to_string(),
        recevable: e.recevabilite.recevable,
        synthesised: e.synthese.is_some(),
        required,
        activities,
        proposal,
        computed_proposal,
        proposal_overridden: !proposal_override_reason.is_empty(),
        proposal_override_reason,
        to_evaluate_again: again,
        complement: e.complement.as_ref().map(|c| ComplementView {
            date: c.date.to_string(),
            items: d
                .complement
                .iter()
                .flat_map(|r| &r.items)
                .filter_map(|id| c.item(id))
                .map(|i| {
                    format!("{} : {}", i.label, i.level.map_or("non évalué".to_string(), |l| l.to_string()))
                })
                .collect(),
            activities: c.activities.iter().map(|a| (a.title.clone(), a.status.label())).collect(),
            proposal: c.proposal.label(),
        }),
        overrides,
        findings: e
            .findings
            .iter()
            .map(|f| FindingView {
                blocking: f.is_error(),
                code: f.code.as_str(),
                article: f.article,
                message: f.message.clone(),
            })
            .collect(),
        carry_over,
        funding_payer: match e.funding.payer {
            Payer::Auvicom => "AUVICOM",
            Payer::Entreprise => "l'entreprise (plan de formation)",
            Payer::Aucun => "aucun forfait prévu",
        },
        funding_euros: e.funding.euros,
        funding_basis: e.funding.basis.clone(),
        members,
    }
}

/// A row of a grid.
#[derive(Serialize)]
pub struct GridRow {
    id: String,
    label: String,
    kind: &'static str,
    category: &'static str,
    preuves: String,
    quiz: String,
    observation: String,
    level: String,
    status: String,
}

/// A group of rows (an activity).
#[derive(Serialize)]
pub struct GridGroup {
    title: String,
    rows: Vec<GridRow>,
}

/// A grid, blank or filled.
#[derive(Serialize)]
pub struct GridView {
    certificate: CertificateView,
    title: String,
    contacts: Vec<u32>,
    groups: Vec<GridGroup>,
    legend: Vec<ScaleView>,
    boxes: Vec<WriteBox>,
    filled: bool,
    candidate: Option<CandidateView>,
    body: Option<BodyView>,
    date: String,
    required: u8,
    proposal: String,
}

/// Builds a grid's view; filled from the dossier's synthesis when given.
pub fn grid(
    ctx: &Context,
    grids: &CertificateGrids,
    kind: GridKind,
    filled: Option<(&Dossier, &Evaluation)>,
) -> Result<GridView> {
    let r = ctx.library.referentiel(&grids.certificate).ok_or_else(|| crate::Error::Unknown {
        what: "certificate",
        id: grids.certificate.clone(),
        known: ctx.library.ids().join(", "),
    })?;
    let def = grids.get(kind);
    let synthese = filled.and_then(|(_, e)| e.synthese.as_ref());
    let mut seen = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    let mut groups = Vec::new();
    for a in r.core_activities() {
        let mut rows = Vec::new();
        for (_, x) in a.knowledge.iter().flat_map(|k| k.refs()) {
            let Some(item) = ctx.library.item(&x.id) else { continue };
            if let Some(m) = def.modality
                && !ctx.policy.modalities.for_category(item.category).contains(&m)
            {
                continue;
            }
            if !seen.insert(x.id.clone()) {
                continue;
            }
            kinds.insert(item.kind);
            let result = synthese.and_then(|s| s.item(&x.id));
            let source = |m: crate::policy::Modality| {
                result.and_then(|i| i.sources.iter().find(|s| s.modality == m)).map_or(String::new(), |s| {
                    if s.counted { s.level.to_string() } else { format!("({})", s.level) }
                })
            };
            rows.push(GridRow {
                id: x.id.clone(),
                label: item.label.clone(),
                kind: item.kind.heading(),
                category: item.category.label(),
                preuves: source(crate::policy::Modality::Preuves),
                quiz: source(crate::policy::Modality::Quiz),
                observation: source(crate::policy::Modality::Observation),
                level: result.map_or(String::new(), |i| {
                    let base = i.level.map_or("—".to_string(), |l| l.to_string());
                    if i.carried_over {
                        format!("{base} (report)")
                    } else if i.overridden.is_some() {
                        format!("{base} (modifié)")
                    } else {
                        base
                    }
                }),
                status: result.map_or(String::new(), |i| {
                    match i.status {
                        ItemStatus::Atteint => "acquis",
                        ItemStatus::Insuffisant => "à compléter",
                        ItemStatus::NonEvalue => "non évalué",
                        ItemStatus::NonApplicable => "sans objet",
                        ItemStatus::Facultatif => "facultatif",
                    }
                    .to_string()
                }),
            });
        }
        if !rows.is_empty() {
            groups.push(GridGroup { title: a.title.clone(), rows });
        }
    }
    Ok(GridView {
        certificate: certificate(r),
        title: def.title.clone(),
        contacts: (1..=def.contacts).collect(),
        groups,
        legend: scales(ctx, &kinds),
        boxes: def.boxes.clone(),
        filled: filled.is_some(),
        candidate: filled.map(|(d, _)| candidate(d)),
        body: filled.and_then(|(d, _)| body(d)),
        date: filled
            .map_or(String::new(), |(d, e)| d.synthese.as_ref().map_or(e.date, |s| s.date).to_string()),
        required: ctx.policy.levels.required,
        proposal: synthese.map_or(String::new(), |s| s.proposal.label().to_string()),
    })
}
