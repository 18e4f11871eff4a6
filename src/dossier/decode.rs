//! Reading a dossier file: YAML tree → [`Dossier`], every problem collected with its file,
//! line and field: wrong types, unknown keys, unknown item ids, levels out of range, dates
//! that do not exist or come in the wrong order.

mod evaluation;

use super::model::{
    AccreditationRecord, AcquiredUnit, Appeal, Application, Assessment, Candidate, ComplementRound, Contact,
    Convention, CqptHeld, Decision, Document, Dossier, Employment, EvaluatingBody, Interview,
    InterviewRecord, Member, Observation, Override, OverrideTarget, Preuve, ProfessionalisationContract,
    QuizResult, RecordedAnswer, Referee, SyntheseRecord, Tutor, ValidatedItem,
};
use super::values::{self, AccreditationEvent};
use crate::date::Date;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::referentiel::Library;
use crate::scale::Level;
use crate::yaml::{Decoder, MapReader, Node, Value};
use evaluation::{complement, interview, observation, preuve, quiz, unique_contacts};
use std::str::FromStr;
use strum::VariantNames;

/// What the decoder needs besides the file: the référentiels, to check ids.
struct Ctx<'l> {
    library: &'l Library,
    /// The default evaluator (the evaluating body's `evaluator`).
    evaluator: Option<String>,
}

const TOP_KEYS: &[&str] = &[
    "candidate",
    "certificate",
    "route",
    "priority_dif",
    "professionalisation_contract",
    "employment",
    "documents",
    "application",
    "cqpt_held",
    "acquired_units",
    "evaluating_body",
    "convention",
    "tutor",
    "evaluation_hours",
    "prediagnostic",
    "preuves",
    "quiz",
    "observation",
    "interview",
    "overrides",
    "synthese",
    "complement",
    "decision",
];

/// Decodes a dossier; every problem goes to `diagnostics`. `None` when a required part is
/// missing or wrong.
pub fn decode_dossier(
    file: &str,
    root: &Node,
    library: &Library,
    diagnostics: &mut Diagnostics,
) -> Option<Dossier> {
    let mut d = Decoder::new(file, diagnostics);
    let mut top = d.map(root, "")?;
    let evaluator = evaluator_of(root);
    let ctx = Ctx { library, evaluator };

    let candidate =
        top.required(&mut d, "candidate", "the candidate's identity").and_then(|n| candidate(&mut d, n));
    let certificate = top
        .required(&mut d, "certificate", "a certificate id")
        .and_then(|n| library.read_certificate(&mut d, n, "certificate"));
    let route = closed(&mut d, &mut top, "route");
    let priority_dif = bool_opt(&mut d, &mut top, "priority_dif");
    let professionalisation_contract = top
        .optional("professionalisation_contract")
        .and_then(|n| professionalisation_contract(&mut d, n, library));
    let employment = list(&mut d, &mut top, "employment", &ctx, employment);
    let documents = list(&mut d, &mut top, "documents", &ctx, document);
    let application = top
        .required(&mut d, "application", "the application to AUVICOM")
        .and_then(|n| application(&mut d, n));
    let cqpt_held = top.optional("cqpt_held").and_then(|n| cqpt_held(&mut d, n, &ctx));
    let acquired_units = top
        .optional("acquired_units")
        .map(|n| acquired_units(&mut d, n, certificate.as_deref(), library))
        .unwrap_or_default();
    let evaluating_body = top.optional("evaluating_body").and_then(|n| evaluating_body(&mut d, n));
    let convention = top.optional("convention").and_then(|n| convention(&mut d, n));
    let tutor = top.optional("tutor").and_then(|n| tutor(&mut d, n));
    let evaluation_hours =
        top.optional("evaluation_hours").and_then(|n| d.number(n, "evaluation_hours", 0.0, 100.0));
    let prediagnostic = top.optional("prediagnostic").and_then(|n| quiz(&mut d, n, "prediagnostic", &ctx));
    let preuves = list(&mut d, &mut top, "preuves", &ctx, preuve);
    let quiz_result = top.optional("quiz").and_then(|n| quiz(&mut d, n, "quiz", &ctx));
    let mut observation = top.optional("observation").and_then(|n| observation(&mut d, n, &ctx));
    let mut interview = top.optional("interview").and_then(|n| interview(&mut d, n, &ctx));
    unique_contacts(
        &mut d,
        observation.iter_mut().map(|o| &mut o.contacts).chain(interview.iter_mut().map(|i| &mut i.contacts)),
    );
    if let (Some(o), Some(i), Some(n)) = (&observation, &interview, top.optional("interview")) {
        check_order(&mut d, n, "interview.date", ("the observation", o.date), ("the interview", i.date));
    }
    let overrides = list(&mut d, &mut top, "overrides", &ctx, override_);
    let synthese = top.optional("synthese").and_then(|n| synthese_record(&mut d, n, &ctx));
    let complement = top.optional("complement").and_then(|n| complement(&mut d, n, &ctx));
    let decision =
        top.optional("decision").and_then(|n| decision(&mut d, n, certificate.as_deref(), library));
    top.finish(&mut d, TOP_KEYS);

    Some(Dossier {
        file: file.to_string(),
        candidate: candidate?,
        certificate: certificate?,
        route: route?,
        priority_dif,
        professionalisation_contract,
        employment,
        documents,
        application: application?,
        cqpt_held,
        acquired_units,
        evaluating_body,
        convention,
        tutor,
        evaluation_hours,
        prediagnostic,
        preuves,
        quiz: quiz_result,
        observation,
        interview,
        overrides,
        synthese,
        complement,
        decision,
    })
}

/// The contrat de professionnalisation a candidate without experience is finishing.
fn professionalisation_contract(
    d: &mut Decoder,
    n: &Node,
    library: &Library,
) -> Option<ProfessionalisationContract> {
    let mut m = d.map(n, "professionalisation_contract")?;
    let target = m
        .required(d, "target", "a certificate id")
        .and_then(|t| library.read_certificate(d, t, "professionalisation_contract.target"));
    let end = date_req(d, &mut m, "end");
    m.finish(d, &["target", "end"]);
    Some(ProfessionalisationContract { target: target?, end: end? })
}

/// The convention between the company and the evaluating body.
fn convention(d: &mut Decoder, n: &Node) -> Option<Convention> {
    let mut m = d.map(n, "convention")?;
    let signed = date_req(d, &mut m, "signed");
    let reference = text_opt(d, &mut m, "reference");
    m.finish(d, &["signed", "reference"]);
    Some(Convention { signed: signed?, reference, location: d.location(n) })
}

/// The company tutor, and when the recevable file was sent to them.
fn tutor(d: &mut Decoder, n: &Node) -> Option<Tutor> {
    let mut m = d.map(n, "tutor")?;
    let name = text_req(d, &mut m, "name");
    let transmitted = date_opt(d, &mut m, "transmitted");
    m.finish(d, &["name", "transmitted"]);
    Some(Tutor { name: name?, transmitted, location: d.location(n) })
}

/// The record of the synthesis: when, and by whom.
fn synthese_record(d: &mut Decoder, n: &Node, ctx: &Ctx) -> Option<SyntheseRecord> {
    let mut m = d.map(n, "synthese")?;
    let date = date_req(d, &mut m, "date");
    let by = by(d, &mut m, ctx);
    m.finish(d, &["date", "by"]);
    Some(SyntheseRecord { date: date?, by: by?, location: d.location(n) })
}

/// The evaluating body's default evaluator, read before the rest so that assessments can use it.
fn evaluator_of(root: &Node) -> Option<String> {
    let get = |node: &Node, key: &str| match &node.value {
        Value::Map(entries) => {
            entries.iter().find(|(k, _)| k.value == Value::Str(key.into())).map(|(_, v)| v.clone())
        }
        _ => None,
    };
    match get(root, "evaluating_body").and_then(|b| get(&b, "evaluator"))?.value {
        Value::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

// The readers below write a value's field path (`preuves[2].assessments[0].item`) only when
// there is a problem to report: a well-formed value is read here as the `Decoder` reads it, and
// anything else goes to the `Decoder` with its path, which reports it as always.

/// A level at `node`, as [`crate::scale::read_level`] reads it; `field` is written only for a
/// diagnostic.
fn level_at(d: &mut Decoder, node: &Node, field: impl FnOnce() -> String) -> Option<Level> {
    if let Value::Int(i) = node.value
        && let Some(level) = u8::try_from(i).ok().and_then(Level::new)
    {
        return Some(level);
    }
    level_of(d, node, &field())
}

fn text_req(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<String> {
    m.required(d, key, "text").and_then(|n| d.string(n, || m.path(key)))
}

/// A required value of a closed set, decoded into its type.
fn closed<T: VariantNames + FromStr + Copy>(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<T> {
    let Some(n) = m.optional(key) else {
        m.required(d, key, &format!("one of {}", values::names::<T>()));
        return None;
    };
    // One of the names, as `values::read` takes it (its choices are the names that parse).
    if let Value::Str(s) = &n.value
        && T::VARIANTS.contains(&s.trim())
        && let Ok(v) = s.trim().parse()
    {
        return Some(v);
    }
    values::read(d, n, &m.path(key))
}

fn text_opt(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<String> {
    m.optional(key).and_then(|n| d.string(n, || m.path(key)))
}

fn bool_req(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<bool> {
    let n = m.required(d, key, "`true` or `false`")?;
    if let Value::Bool(b) = n.value { Some(b) } else { d.bool(n, &m.path(key)) }
}

fn bool_opt(d: &mut Decoder, m: &mut MapReader, key: &str) -> bool {
    let Some(n) = m.optional(key) else { return false };
    if let Value::Bool(b) = n.value { b } else { d.bool(n, &m.path(key)).unwrap_or(false) }
}

fn date_req(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<Date> {
    m.required(d, key, "a date YYYY-MM-DD").and_then(|n| d.date(n, || m.path(key)))
}

fn date_opt(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<Date> {
    m.optional(key).and_then(|n| d.date(n, || m.path(key)))
}

/// `by`, or the evaluating body's evaluator; reported missing when neither is there.
fn by(d: &mut Decoder, m: &mut MapReader, ctx: &Ctx) -> Option<String> {
    match m.optional("by") {
        Some(n) => d.string(n, || m.path("by")),
        None => ctx.evaluator.clone().or_else(|| {
            m.required(d, "by", "who gave the assessment (or evaluating_body.evaluator)");
            None
        }),
    }
}

/// Reports `later` before `earlier`.
fn check_order(d: &mut Decoder, node: &Node, field: &str, earlier: (&str, Date), later: (&str, Date)) {
    if later.1 < earlier.1 {
        let diag = Diagnostic::error(
            Code::DatesOutOfOrder,
            d.location(node),
            field,
            format!("{} ({}) is before {} ({})", later.0, later.1, earlier.0, earlier.1),
        )
        .expected(format!("{} on or after {}", later.0, earlier.1))
        .found(later.1.to_string());
        d.report(diag);
    }
}

fn list<T>(
    d: &mut Decoder,
    m: &mut MapReader,
    key: &str,
    ctx: &Ctx,
    each: fn(&mut Decoder, &Node, &str, &Ctx) -> Option<T>,
) -> Vec<T> {
    let path = m.path(key);
    let Some(node) = m.optional(key) else { return Vec::new() };
    d.seq(node, &path).unwrap_or_default().into_iter().filter_map(|(f, n)| each(d, n, &f, ctx)).collect()
}

fn candidate(d: &mut Decoder, node: &Node) -> Option<Candidate> {
    let mut m = d.map(node, "candidate")?;
    let id = text_req(d, &mut m, "id");
    let family_name = text_req(d, &mut m, "family_name");
    let given_name = text_req(d, &mut m, "given_name");
    let birth_date = date_opt(d, &mut m, "birth_date");
    m.finish(d, &["id", "family_name", "given_name", "birth_date"]);
    Some(Candidate { id: id?, family_name: family_name?, given_name: given_name?, birth_date })
}

fn employment(d: &mut Decoder, node: &Node, field: &str, _: &Ctx) -> Option<Employment> {
    let mut m = d.map(node, field)?;
    let employer = text_req(d, &mut m, "employer");
    let in_branch = bool_req(d, &mut m, "in_branch");
    let contract = closed(d, &mut m, "contract");
    let job = text_opt(d, &mut m, "job");
    let related = bool_req(d, &mut m, "related");
    let start = date_req(d, &mut m, "start");
    let end = date_opt(d, &mut m, "end");
    let hours = {
        let path = m.path("hours");
        m.required(d, "hours", "hours of effective work").and_then(|n| d.int(n, &path, 0, 100_000))
    };
    m.finish(d, &["employer", "in_branch", "contract", "job", "related", "start", "end", "hours"]);
    if let (Some(s), Some(e)) = (start, end) {
        check_order(d, node, &format!("{field}.end"), ("start", s), ("end", e));
    }
    Some(Employment {
        employer: employer?,
        in_branch: in_branch?,
        contract: contract?,
        job,
        related: related?,
        start: start?,
        end,
        hours: u32::try_from(hours?).ok()?,
        location: d.location(node),
    })
}

fn document(d: &mut Decoder, node: &Node, field: &str, _: &Ctx) -> Option<Document> {
    let mut m = d.map(node, field)?;
    let kind = closed(d, &mut m, "kind");
    let date = date_opt(d, &mut m, "date");
    let reference = text_opt(d, &mut m, "reference");
    m.finish(d, &["kind", "date", "reference"]);
    Some(Document { kind: kind?, date, reference })
}

fn application(d: &mut Decoder, node: &Node) -> Option<Application> {
    let mut m = d.map(node, "application")?;
    let submitted = date_req(d, &mut m, "submitted");
    let decided = date_opt(d, &mut m, "decided");
    m.finish(d, &["submitted", "decided"]);
    if let (Some(s), Some(e)) = (submitted, decided) {
        check_order(d, node, "application.decided", ("submitted", s), ("decided", e));
    }
    Some(Application { submitted: submitted?, decided, location: d.location(node) })
}

fn cqpt_held(d: &mut Decoder, node: &Node, ctx: &Ctx) -> Option<CqptHeld> {
    let mut m = d.map(node, "cqpt_held")?;
    let certificate = m
        .required(d, "certificate", "a certificate id")
        .and_then(|n| ctx.library.read_certificate(d, n, "cqpt_held.certificate"));
    let awarded = date_req(d, &mut m, "awarded");
    let practising = bool_req(d, &mut m, "practising");
    let validated = m
        .required(d, "validated", "a mapping of the savoirs communs validated to their levels")
        .map(|n| item_levels(d, n, "cqpt_held.validated", ctx))
        .unwrap_or_default()
        .into_iter()
        .map(|(item, level, location)| ValidatedItem { item, level, location })
        .collect();
    let synthese_reference = text_opt(d, &mut m, "synthese_reference");
    m.finish(d, &["certificate", "awarded", "practising", "validated", "synthese_reference"]);
    Some(CqptHeld {
        certificate: certificate?,
        awarded: awarded?,
        practising: practising?,
        validated,
        synthese_reference,
        location: d.location(node),
    })
}

/// A mapping of item ids to levels (`{ c-deontologie: 3, … }`), each checked.
fn item_levels(d: &mut Decoder, n: &Node, path: &str, ctx: &Ctx) -> Vec<(String, Level, Location)> {
    let Value::Map(entries) = &n.value else {
        d.wrong_type(n, path, "a mapping of item ids to levels");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let key_field = || {
            format!(
                "{path}.{}",
                match &k.value {
                    Value::Str(s) => s.clone(),
                    other => other.describe(),
                }
            )
        };
        let item = item_id_at(d, k, key_field, ctx);
        let level = level_at(d, v, key_field);
        if let (Some(item), Some(level)) = (item, level) {
            out.push((item, level, d.location(k)));
        }
    }
    out
}

/// The evaluating body. Its accreditation is a dated history (`accreditation: [{event, on}]`);
/// `accredited_on` and `withdrawn_on` are short for a grant and a withdrawal.
/// The history of the body's accreditation, by date: `accredited_on` and `withdrawn_on`, and the
/// events of `accreditation`. A history without a grant is reported missing, a withdrawal before
/// the grant out of order.
fn accreditation_history(d: &mut Decoder, m: &mut MapReader<'_>, node: &Node) -> Vec<AccreditationRecord> {
    let mut accreditation = Vec::new();
    for (key, event) in
        [("accredited_on", AccreditationEvent::Granted), ("withdrawn_on", AccreditationEvent::Withdrawn)]
    {
        if let Some(n) = m.optional(key)
            && let Some(on) = d.date(n, &format!("evaluating_body.{key}"))
        {
            accreditation.push(AccreditationRecord { event, on, location: d.location(n) });
        }
    }
    if let Some(n) = m.optional("accreditation") {
        for (f, e) in d.seq(n, "evaluating_body.accreditation").unwrap_or_default() {
            let Some(mut em) = d.map(e, &f) else { continue };
            let event = closed(d, &mut em, "event");
            let on = date_req(d, &mut em, "on");
            em.finish(d, &["event", "on"]);
            if let (Some(event), Some(on)) = (event, on) {
                accreditation.push(AccreditationRecord { event, on, location: d.location(e) });
            }
        }
    }
    accreditation.sort_by_key(|r| r.on);
    if !accreditation.iter().any(|r| r.event != AccreditationEvent::Withdrawn) {
        m.required(d, "accreditation", "the accreditation's history (or accredited_on)");
    }
    if let (Some(first), Some(w)) = (
        accreditation.iter().find(|r| r.event != AccreditationEvent::Withdrawn),
        accreditation.iter().find(|r| r.event == AccreditationEvent::Withdrawn),
    ) {
        check_order(
            d,
            node,
            "evaluating_body.withdrawn_on",
            ("the accreditation", first.on),
            ("its withdrawal", w.on),
        );
    }
    accreditation
}

fn evaluating_body(d: &mut Decoder, node: &Node) -> Option<EvaluatingBody> {
    let mut m = d.map(node, "evaluating_body")?;
    let id = text_req(d, &mut m, "id");
    let name = text_req(d, &mut m, "name");
    let accreditation = accreditation_history(d, &mut m, node);
    let trained_candidate = bool_req(d, &mut m, "trained_candidate");
    let evaluator = text_opt(d, &mut m, "evaluator");
    let mut evaluators: Vec<String> = m
        .optional("evaluators")
        .and_then(|n| d.seq(n, "evaluating_body.evaluators"))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(f, n)| d.string(n, &f))
        .collect();
    evaluators.extend(evaluator.clone().filter(|e| !evaluators.contains(e)));
    m.finish(
        d,
        &[
            "id",
            "name",
            "accredited_on",
            "withdrawn_on",
            "accreditation",
            "trained_candidate",
            "evaluator",
            "evaluators",
        ],
    );
    Some(EvaluatingBody {
        id: id?,
        name: name?,
        accreditation,
        trained_candidate: trained_candidate?,
        evaluator,
        evaluators,
        location: d.location(node),
    })
}

/// A level 0–5 and its item id, checked against the référentiels.
fn level_of(d: &mut Decoder, node: &Node, field: &str) -> Option<Level> {
    crate::scale::read_level(d, node, field)
}

/// An item id at `node`, as [`item_id`] reads it; `field` is written only for a diagnostic.
fn item_id_at(d: &mut Decoder, node: &Node, field: impl FnOnce() -> String, ctx: &Ctx) -> Option<String> {
    if let Value::Str(s) = &node.value
        && let id = s.trim()
        && !id.is_empty()
        && ctx.library.item(id).is_some()
    {
        return Some(id.to_string());
    }
    item_id(d, node, &field(), ctx)
}

fn item_id(d: &mut Decoder, node: &Node, field: &str, ctx: &Ctx) -> Option<String> {
    let id = d.string(node, field)?;
    if ctx.library.item(&id).is_some() {
        return Some(id);
    }
    let diag = Diagnostic::error(
        Code::DanglingReference,
        d.location(node),
        field,
        format!("no item has the id `{id}`"),
    )
    .expected("an item id of the référentiels (cqpt referentiel show <certificate>)")
    .found(format!("`{id}`"))
    .help(crate::suggest::did_you_mean(&id, ctx.library.items.keys().map(String::as_str)));
    d.report(diag);
    None
}

/// What an override targets, before its keys are read.
#[derive(Clone, Copy)]
enum TargetKind {
    Item,
    Activity,
    Proposal,
}

impl TargetKind {
    /// The keys of an override with this target, beside reason, by and on.
    fn keys(self) -> &'static [&'static str] {
        match self {
            TargetKind::Item => &["item", "level"],
            TargetKind::Activity => &["activity", "status"],
            TargetKind::Proposal => &["proposal"],
        }
    }
}

fn override_(d: &mut Decoder, node: &Node, field: &str, ctx: &Ctx) -> Option<Override> {
    let mut m = d.map(node, field)?;
    let target_kind = {
        let path = m.path("target");
        m.required(d, "target", "item, activity or proposal").and_then(|n| {
            d.choice(
                n,
                &path,
                &[
                    ("item", TargetKind::Item),
                    ("activity", TargetKind::Activity),
                    ("proposal", TargetKind::Proposal),
                ],
            )
        })
    };
    let target = match target_kind {
        Some(TargetKind::Item) => {
            let item = m
                .required(d, "item", "an item id")
                .and_then(|n| item_id(d, n, &format!("{field}.item"), ctx));
            let level = m
                .required(d, "level", "the new level")
                .and_then(|n| level_of(d, n, &format!("{field}.level")));
            item.zip(level).map(|(item, level)| OverrideTarget::Item { item, level })
        }
        Some(TargetKind::Activity) => {
            let activity = m
                .required(d, "activity", "an activity id")
                .and_then(|n| activity_id(d, n, &format!("{field}.activity"), ctx));
            let status = closed(d, &mut m, "status");
            activity.zip(status).map(|(activity, status)| OverrideTarget::Activity { activity, status })
        }
        Some(TargetKind::Proposal) => {
            closed(d, &mut m, "proposal").map(|proposal| OverrideTarget::Proposal { proposal })
        }
        None => None,
    };
    other_targets_keys(d, &mut m, field, target_kind);
    let reason = m
        .required(d, "reason", "the written reason for the override")
        .and_then(|n| d.string(n, &format!("{field}.reason")));
    let by = by(d, &mut m, ctx);
    let on = date_req(d, &mut m, "on");
    m.finish(d, &["target", "item", "level", "activity", "status", "proposal", "reason", "by", "on"]);
    Some(Override { target: target?, reason: reason?, by: by?, on: on?, location: d.location(node) })
}

/// An activity id that some référentiel defines; an unknown one is reported with a suggestion.
fn activity_id(d: &mut Decoder, n: &Node, field: &str, ctx: &Ctx) -> Option<String> {
    let id = d.id(n, field)?;
    if ctx.library.referentiels.iter().any(|r| r.activity(&id).is_some()) {
        Some(id)
    } else {
        let diag = Diagnostic::error(
            Code::DanglingReference,
            d.location(n),
            field,
            format!("no activity has the id `{id}`"),
        )
        .expected("an activity id of the certificate")
        .found(format!("`{id}`"))
        .help(crate::suggest::did_you_mean(
            &id,
            ctx.library.referentiels.iter().flat_map(|r| &r.activities).map(|a| a.id.as_str()),
        ));
        d.report(diag);
        None
    }
}

/// Names the keys of another target as such, rather than as unknown keys. An unknown target
/// is reported once: its keys are not reported again as unknown.
fn other_targets_keys(d: &mut Decoder, m: &mut MapReader<'_>, field: &str, target_kind: Option<TargetKind>) {
    let Some(kind) = target_kind else {
        for key in ["item", "level", "activity", "status", "proposal"] {
            m.optional(key);
        }
        return;
    };
    for (other, name) in
        [(TargetKind::Item, "item"), (TargetKind::Activity, "activity"), (TargetKind::Proposal, "proposal")]
    {
        if other.keys() == kind.keys() {
            continue;
        }
        for key in other.keys() {
            if let Some(n) = m.optional(key) {
                let diag = Diagnostic::error(
                    Code::UnknownKey,
                    d.location(n),
                    format!("{field}.{key}"),
                    format!("`{key}` belongs to an override with `target: {name}`"),
                )
                .expected(format!("for this target: {}, reason, by, on", kind.keys().join(", ")))
                .found(format!("`{key}`"))
                .help(Some(format!("write a separate override with `target: {name}`")));
                d.report(diag);
            }
        }
    }
}

fn decision(d: &mut Decoder, node: &Node, certificate: Option<&str>, library: &Library) -> Option<Decision> {
    let mut m = d.map(node, "decision")?;
    let date = date_req(d, &mut m, "date");
    let mut members = Vec::new();
    if let Some(n) = m.required(d, "members", "the commission members present") {
        for (f, mn) in d.seq(n, "decision.members").unwrap_or_default() {
            let Some(mut mm) = d.map(mn, &f) else { continue };
            let name = text_req(d, &mut mm, "name");
            let college = closed(d, &mut mm, "college");
            let trained_candidate = bool_opt(d, &mut mm, "trained_candidate");
            mm.finish(d, &["name", "college", "trained_candidate"]);
            if let (Some(name), Some(college)) = (name, college) {
                members.push(Member { name, college, trained_candidate });
            }
        }
    }
    let outcome = closed(d, &mut m, "outcome");
    let units = match m.optional("units") {
        Some(n) => d
            .seq(n, "decision.units")
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(f, un)| unit_id(d, un, &f, certificate, library))
            .collect(),
        None => Vec::new(),
    };
    let appeal = m.optional("appeal").and_then(|n| {
        let mut am = d.map(n, "decision.appeal")?;
        let filed = date_req(d, &mut am, "filed");
        let ground = closed(d, &mut am, "ground");
        let details = text_opt(d, &mut am, "details");
        am.finish(d, &["filed", "ground", "details"]);
        if let (Some(f), Some(dt)) = (filed, date) {
            check_order(d, n, "decision.appeal.filed", ("the decision", dt), ("the appeal", f));
        }
        Some(Appeal { filed: filed?, ground: ground?, details })
    });
    m.finish(d, &["date", "members", "outcome", "units", "appeal"]);
    Some(Decision { date: date?, members, outcome: outcome?, units, appeal, location: d.location(node) })
}

/// The units of the certificate acquired in an earlier attempt: each once, dated.
fn acquired_units(
    d: &mut Decoder,
    node: &Node,
    certificate: Option<&str>,
    library: &Library,
) -> Vec<AcquiredUnit> {
    let mut units: Vec<AcquiredUnit> = Vec::new();
    for (f, n) in d.seq(node, "acquired_units").unwrap_or_default() {
        let Some(mut m) = d.map(n, &f) else { continue };
        let unit = m
            .required(d, "unit", "the id of a unit of the certificate")
            .and_then(|un| unit_id(d, un, &format!("{f}.unit"), certificate, library));
        let on = date_req(d, &mut m, "on");
        let reference = text_opt(d, &mut m, "reference");
        m.finish(d, &["unit", "on", "reference"]);
        let (Some(unit), Some(on)) = (unit, on) else { continue };
        if units.iter().any(|u| u.unit == unit) {
            let diag = Diagnostic::error(
                Code::DuplicateReference,
                d.location(n),
                format!("{f}.unit"),
                format!("the unit `{unit}` is listed twice as acquired"),
            )
            .expected("each acquired unit once, with the date of the decision that validated it")
            .found(format!("`{unit}` again"));
            d.report(diag);
            continue;
        }
        units.push(AcquiredUnit { unit, on, reference, location: d.location(n) });
    }
    units
}

/// A unit id of the dossier's certificate; an unknown one is reported with the certificate's
/// units (or the fact that it declares none) and a suggestion.
fn unit_id(
    d: &mut Decoder,
    n: &Node,
    field: &str,
    certificate: Option<&str>,
    library: &Library,
) -> Option<String> {
    let id = d.id(n, field)?;
    let r = library.referentiel(certificate?)?;
    if r.unit(&id).is_some() {
        return Some(id);
    }
    let known: Vec<&str> = r.units().iter().map(|u| u.id.as_str()).collect();
    let expected = if known.is_empty() {
        format!("nothing: the certificate `{}` declares no units and is awarded as a whole", r.id)
    } else {
        format!("a unit of `{}`: {}", r.id, known.join(", "))
    };
    let diag = Diagnostic::error(
        Code::DanglingReference,
        d.location(n),
        field,
        format!("the certificate `{}` has no unit `{id}`", r.id),
    )
    .expected(expected)
    .found(format!("`{id}`"))
    .help(crate::suggest::did_you_mean(&id, known.iter().copied()));
    d.report(diag);
    None
}
