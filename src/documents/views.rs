//! What each template sees: plain serialisable views of the dossier, the evaluation and the
//! référentiels, with French labels. Templates choose the wording and the layout.

use super::Context;
use super::grids::{CertificateGrids, GridKind, WriteBox};
use super::labels::{LabelSet, Labels};
use super::texts::fill;
use crate::dossier::{College, Dossier};
use crate::error::Result;
use crate::phases::{Evaluation, ItemStatus, Reason};
use crate::referentiel::{ItemKind, Referentiel};
use crate::render::french;
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
    /// Its family as the documents name it (« CQPT », « titre professionnel »).
    family: String,
    /// Who awards it (« CPNE des télécommunications »).
    certifier: String,
    /// The body that decides on the dossiers (« Commission d'attribution des CQPT »).
    commission: String,
}

impl CertificateView {
    /// Its title.
    pub(super) fn title_str(&self) -> &str {
        &self.title
    }
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

pub(super) fn candidate(d: &Dossier) -> CandidateView {
    CandidateView {
        id: d.candidate.id.clone(),
        name: d.candidate_name(),
        family_name: d.candidate.family_name.clone(),
        given_name: d.candidate.given_name.clone(),
    }
}

/// The certificate as the documents name it, with its own family and organisations
/// (`documents.toml`, `[certificats.<id>…]`).
pub(super) fn certificate(r: &Referentiel, texts: &super::texts::Texts) -> CertificateView {
    let texts = texts.for_certificate(&r.id);
    CertificateView {
        id: r.id.clone(),
        title: r.title.clone(),
        family: texts.famille.sigle.clone(),
        certifier: texts.cpne.nom.clone(),
        commission: texts.cpne.commission.clone(),
    }
}

fn body(d: &Dossier) -> Option<BodyView> {
    d.evaluating_body.as_ref().map(|b| BodyView {
        id: b.id.clone(),
        name: b.name.clone(),
        evaluator: b.evaluator.clone().unwrap_or_default(),
        accredited_on: french::date_or_blank(b.accredited_on()),
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

pub(super) fn the_certificate<'a>(ctx: &'a Context, d: &Dossier) -> &'a Referentiel {
    ctx.library.referentiel(&d.certificate).expect("a loaded dossier names a known certificate")
}

/// A rejection reason, for the letter: its label, its explanation and its article.
#[derive(Serialize)]
pub struct ReasonView {
    code: &'static str,
    label: String,
    article: &'static str,
    message: String,
}

/// The sender of a letter.
#[derive(Serialize)]
pub struct SenderView {
    name: String,
    service: String,
    address: Vec<String>,
}

/// AUVICOM's decision of recevabilité or of non-recevabilité (art. 6-1).
#[derive(Serialize)]
pub struct RecevabiliteView {
    candidate: CandidateView,
    certificate: CertificateView,
    sender: SenderView,
    /// The family of the certificate (« CQPT », « titre professionnel »).
    family: super::texts::Famille,
    /// The candidate's address lines: blank lines to fill in, the dossier format having none.
    recipient_address: Vec<String>,
    place: String,
    route: String,
    submitted: String,
    decided: String,
    recevable: bool,
    object: String,
    salutation: String,
    decision: String,
    reasons: Vec<ReasonView>,
    next: String,
    missing_pieces: String,
    appeal: String,
    closing: String,
    signatory: String,
    function: String,
    related_days: String,
    window_hours: String,
}

/// The pieces a rejection asks for, in the labels of the pieces: none unless a reason is a
/// missing piece.
fn missing_pieces(labels: &Labels, reasons: &[Reason]) -> Vec<String> {
    let piece = |code| labels.get(LabelSet::Piece, code).to_string();
    let mut pieces = Vec::new();
    for r in reasons {
        match r {
            Reason::NoProofOfActivity => {
                pieces.push(format!("{} ou {}", piece("contrat-de-travail"), piece("bulletin-de-paie")));
            }
            Reason::NoSwornStatement => pieces.push(piece("attestation-sur-honneur")),
            _ => {}
        }
    }
    pieces
}

/// Builds the recevabilité decision's view.
pub fn recevabilite(ctx: &Context, d: &Dossier, e: &Evaluation) -> Result<RecevabiliteView> {
    let labels = ctx.labels()?;
    let texts = ctx.texts()?.for_certificate(&d.certificate);
    let w = &texts.lettre_recevabilite;
    let r = &e.recevabilite;
    let cert = certificate(the_certificate(ctx, d), ctx.texts()?);
    let submitted = french::date(d.application.submitted);
    let decided = french::date(d.application.decided.unwrap_or(d.application.submitted));
    let codes: Vec<Reason> = r.reasons.iter().map(|x| x.code).collect();
    let pieces = missing_pieces(labels, &codes);
    let values = [
        ("certificat", cert.title.as_str()),
        ("recue", submitted.as_str()),
        ("decidee", decided.as_str()),
        ("delai", w.delai_recours.as_str()),
    ];
    let say = |text: &str| fill(text, &values);
    Ok(RecevabiliteView {
        sender: SenderView {
            name: texts.auvicom.nom.clone(),
            service: texts.auvicom.service.clone(),
            address: texts.auvicom.adresse.clone(),
        },
        family: texts.famille.clone(),
        recipient_address: vec![String::new(); 3],
        place: texts.auvicom.lieu.clone(),
        route: labels.route(d.route).to_string(),
        recevable: r.recevable,
        object: say(if r.recevable { &w.objet_recevable } else { &w.objet_non_recevable }),
        salutation: w.appel.clone(),
        decision: say(if r.recevable { &w.decision_recevable } else { &w.decision_non_recevable }),
        reasons: r
            .reasons
            .iter()
            .map(|x| ReasonView {
                code: x.code.as_str(),
                label: labels.reason(x.code).to_string(),
                article: x.article,
                message: french::dates_in(&x.message.replace(
                    &format!("« {} »", d.route.as_str()),
                    &format!("« {} »", labels.route(d.route)),
                )),
            })
            .collect(),
        next: say(if r.recevable { &w.suite_recevable } else { &w.nouvelle_demande }),
        missing_pieces: if r.recevable || pieces.is_empty() {
            String::new()
        } else {
            fill(&w.pieces_manquantes, &[("pieces", &pieces.join(" ; "))])
        },
        appeal: if r.recevable { String::new() } else { say(&w.recours) },
        closing: w.salutations.clone(),
        signatory: texts.auvicom.signataire.clone(),
        function: texts.auvicom.fonction.clone(),
        related_days: french::count(usize::try_from(r.facts.related_days.max(0)).unwrap_or(0)),
        window_hours: french::number(r.facts.window_hours.floor(), 0),
        candidate: candidate(d),
        certificate: cert,
        submitted,
        decided,
    })
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
    /// « Sur 4 savoirs évalués, 1 atteint le niveau attendu. », agreed in number.
    summary: String,
    scales: Vec<ScaleView>,
}

/// How many of the assessed items reach the required level, in a French sentence whose nouns
/// and verb agree with the numbers.
fn reached_sentence(reached: usize, assessed: usize) -> String {
    let items = if assessed == 1 { "savoir évalué" } else { "savoirs évalués" };
    let verb = match reached {
        0 => "aucun n'atteint le niveau attendu".to_string(),
        1 if assessed == 1 => "il atteint le niveau attendu".to_string(),
        n if n == assessed => format!("tous les {n} atteignent le niveau attendu"),
        1 => "1 atteint le niveau attendu".to_string(),
        n => format!("{n} atteignent le niveau attendu"),
    };
    format!("Sur {} {items}, {verb}.", french::count(assessed))
}

/// Builds the prédiagnostic view; `None` when the dossier records none.
pub fn prediagnostic(ctx: &Context, d: &Dossier) -> Result<Option<PrediagnosticView>> {
    ctx.labels()?;
    Ok(prediagnostic_view(ctx, d, ctx.texts()?))
}

fn prediagnostic_view(ctx: &Context, d: &Dossier, texts: &super::texts::Texts) -> Option<PrediagnosticView> {
    let p = d.prediagnostic.as_ref()?;
    let r = the_certificate(ctx, d);
    let policy = ctx.policy.for_certificate(&d.certificate);
    let required = policy.levels.required;
    let cap = policy.levels.quiz_max;
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
    // Each item once, under the first activity that lists it: its level is the same everywhere.
    let mut listed = BTreeSet::new();
    for a in r.core_activities() {
        let items: Vec<LevelledItem> = a
            .knowledge
            .iter()
            .flat_map(super::super::referentiel::model::Knowledge::refs)
            .filter(|(_, x)| listed.insert(x.id.clone()))
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
        certificate: certificate(r, texts),
        body: body(d),
        date: french::date(p.date),
        by: p.by.clone(),
        required,
        activities,
        needs,
        assessed: assessed.len(),
        reached,
        summary: reached_sentence(reached, assessed.len()),
        scales: scales(ctx, &kinds),
    })
}

/// An activity of the synthesis report.
#[derive(Serialize)]
pub struct ActivityView {
    id: String,
    title: String,
    status: String,
    computed: String,
    overridden: bool,
    override_reason: String,
    /// « unité acquise le … » when its unit was acquired earlier.
    kept: String,
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
    severity: String,
    code: &'static str,
    label: String,
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
    /// Findings block the synthesis: no decision boxes, signatures nor funding are printed.
    blocked: bool,
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
    funding_payer: String,
    funding_euros: String,
    funding_basis: String,
    /// « □ attribution », … each held on one line.
    decision_choices: Vec<String>,
    /// The units of a certificate assessed unit by unit.
    units: Vec<super::decision::UnitView>,
    members: Vec<String>,
}

/// The synthesis after a complementary evaluation round.
#[derive(Debug, Serialize)]
pub struct ComplementView {
    date: String,
    items: Vec<String>,
    activities: Vec<(String, String)>,
    proposal: String,
}

/// The signature blocks of the attribution commission: as many of each college as the policy's
/// `[commission]` names (art. 5), « Représentant(e) des salariés — 1 », …
pub fn commission_members(ctx: &Context, labels: &Labels) -> Vec<String> {
    let c = &ctx.policy.commission;
    [(College::Salaries, c.salaries), (College::Employeurs, c.employeurs)]
        .into_iter()
        .flat_map(|(college, n)| {
            let label = capitalised(labels.college(college));
            (1..=n).map(move |i| format!("{label} — {i}"))
        })
        .collect()
}

/// The text with its first letter in capital.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// Builds the synthesis report's view.
pub fn synthese(ctx: &Context, d: &Dossier, e: &Evaluation) -> Result<SyntheseView> {
    let labels = ctx.labels()?;
    let r = the_certificate(ctx, d);
    let required = ctx.policy.for_certificate(&d.certificate).levels.required;
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
                status: labels.activity_status(a.status).to_string(),
                computed: labels.activity_status(a.computed).to_string(),
                overridden: a.override_reason.is_some(),
                override_reason: a.override_reason.clone().unwrap_or_default(),
                kept: a
                    .unit_acquired_on
                    .map_or(String::new(), |d| format!("unité acquise le {}", french::date(d))),
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
        proposal = labels.proposal(s.proposal).to_string();
        computed_proposal = labels.proposal(s.computed_proposal).to_string();
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
                        .map_or("—", |a| labels.activity_status(a.computed));
                    let title = r.activity(activity).map_or(activity.clone(), |a| a.title.clone());
                    (
                        format!("activité « {title} »"),
                        computed.to_string(),
                        labels.activity_status(*status).to_string(),
                    )
                }
                crate::dossier::OverrideTarget::Proposal { proposal } => (
                    "proposition".to_string(),
                    computed_proposal.clone(),
                    labels.proposal(*proposal).to_string(),
                ),
            };
            OverrideView {
                what,
                computed,
                result,
                reason: o.reason.clone(),
                by: o.by.clone(),
                on: french::date(o.on),
            }
        })
        .collect();
    let carry_over = e.carry_over.as_ref().map_or(String::new(), |c| {
        let held = ctx.library.referentiel(&c.certificate).map_or(c.certificate.clone(), |r| r.title.clone());
        let (awarded, until) = (french::date(c.awarded), french::date(c.valid_until));
        if c.applies {
            format!("Titulaire du CQPT « {held} » depuis le {awarded} : savoirs communs conservés jusqu'au {until} (art. 3).")
        } else {
            format!("Titulaire du CQPT « {held} » depuis le {awarded} : délai de conservation des savoirs communs dépassé le {until} (art. 3).")
        }
    });
    let members = commission_members(ctx, labels);
    let own = ctx.policy.for_certificate(&d.certificate);
    let per_unit = own.pass_rule == crate::policy::PassRule::PerUnit && !r.units().is_empty();
    let units =
        e.synthese.as_ref().map_or_else(Vec::new, |s| super::decision::unit_views(labels, s, &[], None));
    Ok(SyntheseView {
        candidate: candidate(d),
        certificate: certificate(r, ctx.texts()?),
        body: body(d),
        route: labels.route(d.route).to_string(),
        submitted: french::date(d.application.submitted),
        preuves: d.preuves.len(),
        quiz_date: french::date_or_blank(d.quiz.as_ref().map(|q| q.date)),
        observation: d.observation.as_ref().map_or(String::new(), |o| {
            format!(
                "{} de {} à {}, {} contact(s)",
                french::date(o.date),
                french::time(o.start),
                french::time(o.end),
                o.contacts.len()
            )
        }),
        synthese_date: french::date(d.synthese.as_ref().map_or(e.date, |s| s.date)),
        recevable: e.recevabilite.recevable,
        synthesised: e.synthese.is_some(),
        blocked: e.recevabilite.recevable && e.blocked(),
        required,
        activities,
        proposal,
        computed_proposal,
        proposal_overridden: !proposal_override_reason.is_empty(),
        proposal_override_reason,
        to_evaluate_again: again,
        complement: e.complement.as_ref().map(|c| ComplementView {
            date: french::date(c.date),
            items: d
                .complement
                .iter()
                .flat_map(|r| &r.items)
                .filter_map(|id| c.item(id))
                .map(|i| {
                    format!("{} : {}", i.label, i.level.map_or("non évalué".to_string(), |l| l.to_string()))
                })
                .collect(),
            activities: c
                .activities
                .iter()
                .map(|a| (a.title.clone(), labels.activity_status(a.status).to_string()))
                .collect(),
            proposal: labels.proposal(c.proposal).to_string(),
        }),
        overrides,
        findings: e
            .findings
            .iter()
            .map(|f| FindingView {
                blocking: f.is_error(),
                severity: labels.severity(f.severity).to_string(),
                code: f.code.as_str(),
                label: labels.finding(f.code).to_string(),
                article: f.article,
                message: french::dates_in(&f.message),
            })
            .collect(),
        carry_over,
        funding_payer: labels.payer(e.funding.payer).to_string(),
        funding_euros: french::euros(e.funding.euros),
        funding_basis: french::dates_in(&e.funding.basis),
        // A validation partielle is a choice only for a certificate awarded unit by unit.
        decision_choices: <crate::dossier::Proposal as strum::VariantNames>::VARIANTS
            .iter()
            .filter(|p| **p != crate::dossier::Proposal::ValidationPartielle.as_str() || per_unit)
            .map(|p| format!("□\u{a0}{}", labels.get(LabelSet::Proposition, p).replace(' ', "\u{a0}")))
            .collect(),
        units,
        members,
    })
}

/// A row of a grid.
#[derive(Serialize)]
pub struct GridRow {
    id: String,
    label: String,
    kind: String,
    category: String,
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
    /// What marks a cell of a modality that does not assess the item (policy's `[modalities]`):
    /// the markup's greyed cell.
    not_assessed: &'static str,
}

/// The mark of a cell whose modality does not assess the item: the cell is greyed.
const NOT_ASSESSED: &str = crate::render::markup::GREY_CELL;

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
    let labels = ctx.labels()?;
    // The policy of this certificate: its required level and which modality assesses what.
    let policy = ctx.policy.for_certificate(&grids.certificate);
    let def = grids.get(kind);
    let synthese = filled.and_then(|(_, e)| e.synthese.as_ref());
    let mut seen = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    let mut groups = Vec::new();
    for a in r.core_activities() {
        let mut rows = Vec::new();
        for (_, x) in a.knowledge.iter().flat_map(super::super::referentiel::model::Knowledge::refs) {
            let Some(item) = ctx.library.item(&x.id) else { continue };
            if let Some(m) = def.modality
                && !policy.modalities.for_category(item.category).contains(&m)
            {
                continue;
            }
            if !seen.insert(x.id.clone()) {
                continue;
            }
            kinds.insert(item.kind);
            let result = synthese.and_then(|s| s.item(&x.id));
            let assigned = policy.modalities.for_category(item.category);
            let source = |m: crate::policy::Modality| {
                let given = result.and_then(|i| i.sources.iter().find(|s| s.modality == m));
                match given {
                    Some(s) if s.counted => s.level.to_string(),
                    Some(s) => format!("({})", s.level),
                    None if !assigned.contains(&m) => NOT_ASSESSED.to_string(),
                    None => String::new(),
                }
            };
            rows.push(GridRow {
                id: x.id.clone(),
                // The wording of the référentiel at this place (issue 13 point 5).
                label: x.wording_or(item).to_string(),
                kind: labels.kind(item.kind).to_string(),
                category: labels.category(item.category).to_string(),
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
                status: result.map_or(String::new(), |i| labels.item_status(i.status).to_string()),
            });
        }
        if !rows.is_empty() {
            groups.push(GridGroup { title: a.title.clone(), rows });
        }
    }
    Ok(GridView {
        certificate: certificate(r, ctx.texts()?),
        title: def.title.clone(),
        contacts: (1..=def.contacts).collect(),
        groups,
        legend: scales(ctx, &kinds),
        boxes: def.boxes.clone(),
        filled: filled.is_some(),
        candidate: filled.map(|(d, _)| candidate(d)),
        body: filled.and_then(|(d, _)| body(d)),
        date: filled
            .map_or(String::new(), |(d, e)| french::date(d.synthese.as_ref().map_or(e.date, |s| s.date))),
        required: policy.levels.required,
        proposal: synthese.map_or(String::new(), |s| labels.proposal(s.proposal).to_string()),
        not_assessed: NOT_ASSESSED,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reached_sentence_agrees_with_its_numbers() {
        assert_eq!(reached_sentence(1, 4), "Sur 4 savoirs évalués, 1 atteint le niveau attendu.");
        assert_eq!(reached_sentence(3, 4), "Sur 4 savoirs évalués, 3 atteignent le niveau attendu.");
        assert_eq!(reached_sentence(0, 4), "Sur 4 savoirs évalués, aucun n'atteint le niveau attendu.");
        assert_eq!(reached_sentence(1, 1), "Sur 1 savoir évalué, il atteint le niveau attendu.");
        assert_eq!(reached_sentence(4, 4), "Sur 4 savoirs évalués, tous les 4 atteignent le niveau attendu.");
        assert_eq!(capitalised("représentant(e)"), "Représentant(e)");
    }
}
