//! Reading a dossier file: YAML tree → [`Dossier`], every problem collected with its file,
//! line and field: wrong types, unknown keys, unknown item ids, levels out of range, dates
//! that do not exist or come in the wrong order.

use super::model::*;
use super::values::{self, AccreditationEvent};
use crate::date::Date;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::referentiel::Library;
use crate::scale::Level;
use crate::yaml::{Decoder, MapReader, Node, Value};
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
    let professionalisation_contract = top.optional("professionalisation_contract").and_then(|n| {
        let mut m = d.map(n, "professionalisation_contract")?;
        let target = m
            .required(&mut d, "target", "a certificate id")
            .and_then(|t| library.read_certificate(&mut d, t, "professionalisation_contract.target"));
        let end = date_req(&mut d, &mut m, "end");
        m.finish(&mut d, &["target", "end"]);
        Some(ProfessionalisationContract { target: target?, end: end? })
    });
    let employment = list(&mut d, &mut top, "employment", &ctx, employment);
    let documents = list(&mut d, &mut top, "documents", &ctx, document);
    let application = top
        .required(&mut d, "application", "the application to AUVICOM")
        .and_then(|n| application(&mut d, n));
    let cqpt_held = top.optional("cqpt_held").and_then(|n| cqpt_held(&mut d, n, &ctx));
    let evaluating_body = top.optional("evaluating_body").and_then(|n| evaluating_body(&mut d, n));
    let convention = top.optional("convention").and_then(|n| {
        let mut m = d.map(n, "convention")?;
        let signed = date_req(&mut d, &mut m, "signed");
        let reference = text_opt(&mut d, &mut m, "reference");
        m.finish(&mut d, &["signed", "reference"]);
        Some(Convention { signed: signed?, reference, location: d.location(n) })
    });
    let tutor = top.optional("tutor").and_then(|n| {
        let mut m = d.map(n, "tutor")?;
        let name = text_req(&mut d, &mut m, "name");
        let transmitted = date_opt(&mut d, &mut m, "transmitted");
        m.finish(&mut d, &["name", "transmitted"]);
        Some(Tutor { name: name?, transmitted, location: d.location(n) })
    });
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
    let synthese = top.optional("synthese").and_then(|n| {
        let mut m = d.map(n, "synthese")?;
        let date = date_req(&mut d, &mut m, "date");
        let by = by(&mut d, &mut m, &ctx);
        m.finish(&mut d, &["date", "by"]);
        Some(SyntheseRecord { date: date?, by: by?, location: d.location(n) })
    });
    let complement = top.optional("complement").and_then(|n| complement(&mut d, n, &ctx));
    let decision = top.optional("decision").and_then(|n| decision(&mut d, n));
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

fn text_req(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<String> {
    let path = m.path(key);
    m.required(d, key, "text").and_then(|n| d.string(n, &path))
}

/// A required value of a closed set, decoded into its type.
fn closed<T: VariantNames + FromStr + Copy>(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<T> {
    let path = m.path(key);
    let expected = format!("one of {}", values::names::<T>());
    m.required(d, key, &expected).and_then(|n| values::read(d, n, &path))
}

fn text_opt(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<String> {
    let path = m.path(key);
    m.optional(key).and_then(|n| d.string(n, &path))
}

fn bool_req(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<bool> {
    let path = m.path(key);
    m.required(d, key, "`true` or `false`").and_then(|n| d.bool(n, &path))
}

fn bool_opt(d: &mut Decoder, m: &mut MapReader, key: &str) -> bool {
    let path = m.path(key);
    m.optional(key).and_then(|n| d.bool(n, &path)).unwrap_or(false)
}

fn date_req(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<Date> {
    let path = m.path(key);
    m.required(d, key, "a date YYYY-MM-DD").and_then(|n| d.date(n, &path))
}

fn date_opt(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<Date> {
    let path = m.path(key);
    m.optional(key).and_then(|n| d.date(n, &path))
}

/// `by`, or the evaluating body's evaluator; reported missing when neither is there.
fn by(d: &mut Decoder, m: &mut MapReader, ctx: &Ctx) -> Option<String> {
    let path = m.path("by");
    match m.optional("by") {
        Some(n) => d.string(n, &path),
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
        let key_field = format!(
            "{path}.{}",
            match &k.value {
                Value::Str(s) => s.clone(),
                other => other.describe(),
            }
        );
        let item = item_id(d, k, &key_field, ctx);
        let level = level_of(d, v, &key_field);
        if let (Some(item), Some(level)) = (item, level) {
            out.push((item, level, d.location(k)));
        }
    }
    out
}

/// The evaluating body. Its accreditation is a dated history (`accreditation: [{event, on}]`);
/// `accredited_on` and `withdrawn_on` are short for a grant and a withdrawal.
fn evaluating_body(d: &mut Decoder, node: &Node) -> Option<EvaluatingBody> {
    let mut m = d.map(node, "evaluating_body")?;
    let id = text_req(d, &mut m, "id");
    let name = text_req(d, &mut m, "name");
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

fn assessment(
    d: &mut Decoder,
    node: &Node,
    field: &str,
    ctx: &Ctx,
    default_on: Option<Date>,
    default_by: Option<&str>,
) -> Option<Assessment> {
    let mut m = d.map(node, field)?;
    let item = m.required(d, "item", "an item id").and_then(|n| item_id(d, n, &format!("{field}.item"), ctx));
    let level = m
        .required(d, "level", "an integer from 0 to 5")
        .and_then(|n| level_of(d, n, &format!("{field}.level")));
    let justification = text_opt(d, &mut m, "justification");
    let by = match (m.optional("by"), default_by) {
        (Some(n), _) => d.string(n, &format!("{field}.by")),
        (None, Some(b)) => Some(b.to_string()),
        (None, None) => by(d, &mut m, ctx),
    };
    let on = match (m.optional("on"), default_on) {
        (Some(n), _) => d.date(n, &format!("{field}.on")),
        (None, Some(date)) => Some(date),
        (None, None) => {
            m.required(d, "on", "the date of the assessment");
            None
        }
    };
    m.finish(d, &["item", "level", "justification", "by", "on"]);
    Some(Assessment {
        item: item?,
        level: level?,
        justification,
        by: by?,
        on: on?,
        location: d.location(node),
    })
}

fn preuve(d: &mut Decoder, node: &Node, field: &str, ctx: &Ctx) -> Option<Preuve> {
    let mut m = d.map(node, field)?;
    let id = text_req(d, &mut m, "id");
    let title = text_req(d, &mut m, "title");
    let kind = closed(d, &mut m, "kind");
    let referee = m.optional("referee").and_then(|n| referee(d, n, &format!("{field}.referee")));
    let path = m.path("assessments");
    let assessments = m
        .required(d, "assessments", "the levels drawn from this piece")
        .and_then(|n| d.seq(n, &path))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(f, n)| assessment(d, n, &f, ctx, None, None))
        .collect();
    m.finish(d, &["id", "title", "kind", "referee", "assessments"]);
    Some(Preuve { id: id?, title: title?, kind: kind?, referee, assessments })
}

fn referee(d: &mut Decoder, node: &Node, field: &str) -> Option<Referee> {
    let mut m = d.map(node, field)?;
    let name = text_req(d, &mut m, "name");
    let role = text_opt(d, &mut m, "role");
    m.finish(d, &["name", "role"]);
    Some(Referee { name: name?, role })
}

/// Quiz levels: a mapping of item ids to levels.
fn quiz(d: &mut Decoder, node: &Node, field: &str, ctx: &Ctx) -> Option<QuizResult> {
    let mut m = d.map(node, field)?;
    let sitting = text_opt(d, &mut m, "sitting");
    let date = date_req(d, &mut m, "date");
    let by = by(d, &mut m, ctx);
    let mut levels = Vec::new();
    let path = m.path("levels");
    if let Some(n) = m.required(d, "levels", "a mapping of item ids to levels") {
        for (item, level, location) in item_levels(d, n, &path, ctx) {
            if let (Some(by), Some(date)) = (by.clone(), date) {
                levels.push(Assessment { item, level, justification: None, by, on: date, location });
            }
        }
    }
    let seed = m
        .optional("seed")
        .and_then(|n| d.int(n, &format!("{field}.seed"), 0, i128::from(u64::MAX)))
        .map(|s| s as u64);
    let started = m.optional("started").and_then(|n| d.time(n, &format!("{field}.started")));
    let ended = m.optional("ended").and_then(|n| d.time(n, &format!("{field}.ended")));
    let answers = m
        .optional("answers")
        .and_then(|n| d.seq(n, &format!("{field}.answers")))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(f, n)| recorded_answer(d, n, &f))
        .collect();
    m.finish(d, &["sitting", "seed", "date", "by", "started", "ended", "levels", "answers"]);
    Some(QuizResult {
        sitting,
        seed,
        started,
        ended,
        answers,
        date: date?,
        by: by?,
        levels,
        location: d.location(node),
    })
}

/// An answer of a quiz result, kept as given.
fn recorded_answer(d: &mut Decoder, node: &Node, field: &str) -> Option<RecordedAnswer> {
    let mut m = d.map(node, field)?;
    let number = m
        .required(d, "number", "the question's number")
        .and_then(|n| d.int(n, &format!("{field}.number"), 1, 10_000));
    let question = text_req(d, &mut m, "question");
    let given = match m.optional("given") {
        Some(n) => match &n.value {
            Value::Str(s) => Some(s.clone()),
            _ => {
                d.wrong_type(n, &format!("{field}.given"), "the letters given, as text");
                None
            }
        },
        None => Some(String::new()),
    };
    let at = m.optional("at").and_then(|n| d.time(n, &format!("{field}.at")));
    let correct = bool_req(d, &mut m, "correct");
    let late = bool_opt(d, &mut m, "late");
    m.finish(d, &["number", "question", "given", "at", "correct", "late"]);
    Some(RecordedAnswer {
        number: number? as u32,
        question: question?,
        given: given?,
        at,
        correct: correct?,
        late,
    })
}

fn observation(d: &mut Decoder, node: &Node, ctx: &Ctx) -> Option<Observation> {
    let mut m = d.map(node, "observation")?;
    let date = date_req(d, &mut m, "date");
    let start = m.required(d, "start", "a time HH:MM").and_then(|n| d.time(n, "observation.start"));
    let end_node = m.required(d, "end", "a time HH:MM");
    let end = end_node.and_then(|n| d.time(n, "observation.end"));
    let by = by(d, &mut m, ctx);
    let referee = m.optional("referee").and_then(|n| referee(d, n, "observation.referee"));
    let referee_remarks = text_opt(d, &mut m, "referee_remarks");
    let contacts = m
        .required(d, "contacts", "the contacts observed")
        .map(|n| contact_list(d, n, "observation.contacts", ctx, date, by.as_deref()))
        .unwrap_or_default();
    let interview = m.optional("interview").and_then(|n| {
        let mut im = d.map(n, "observation.interview")?;
        let done = bool_req(d, &mut im, "done");
        let notes = text_opt(d, &mut im, "notes");
        im.finish(d, &["done", "notes"]);
        Some(Interview { done: done?, notes })
    });
    m.finish(d, &["date", "start", "end", "by", "referee", "referee_remarks", "contacts", "interview"]);
    let end_location = end_node.map(|n| d.location(n)).unwrap_or_else(|| d.location(node));
    if let (Some(s), Some(e), Some(n)) = (start, end, end_node)
        && e <= s
    {
        let diag = Diagnostic::error(
            Code::DatesOutOfOrder,
            d.location(n),
            "observation.end",
            format!("the observation ends ({e}) before it starts ({s})"),
        )
        .expected(format!("a time after {s}"))
        .found(e.to_string());
        d.report(diag);
    }
    Some(Observation {
        date: date?,
        start: start?,
        end: end?,
        by: by?,
        referee,
        referee_remarks,
        contacts,
        interview,
        location: d.location(node),
        end_location,
    })
}

/// Contacts observed, each with its number and the levels observed on it.
fn contact_list(
    d: &mut Decoder,
    n: &Node,
    path: &str,
    ctx: &Ctx,
    date: Option<Date>,
    by: Option<&str>,
) -> Vec<Contact> {
    let mut contacts = Vec::new();
    for (f, c) in d.seq(n, path).unwrap_or_default() {
        let Some(mut cm) = d.map(c, &f) else { continue };
        let number = {
            let path = cm.path("number");
            cm.required(d, "number", "the contact's number").and_then(|x| d.int(x, &path, 1, 1000))
        };
        let path = cm.path("assessments");
        let assessments: Vec<Assessment> = cm
            .required(d, "assessments", "the levels observed")
            .and_then(|x| d.seq(x, &path))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(af, an)| assessment(d, an, &af, ctx, date, by))
            .collect();
        cm.finish(d, &["number", "assessments"]);
        if let Some(number) = number.and_then(|n| u32::try_from(n).ok()) {
            let location = cm_number_node(c).map_or_else(|| d.location(c), |x| d.location(x));
            contacts.push(Contact { number, assessments, field: format!("{f}.number"), location });
        }
    }
    contacts
}

/// Contact numbers are unique across the observation and the interview that completes it: a
/// number used twice is an error, and the later contact is left out.
fn unique_contacts<'c>(d: &mut Decoder, lists: impl IntoIterator<Item = &'c mut Vec<Contact>>) {
    let mut seen = std::collections::BTreeSet::new();
    for list in lists {
        list.retain(|c| {
            if seen.insert(c.number) {
                return true;
            }
            let diag = Diagnostic::error(
                Code::DuplicateId,
                c.location.clone(),
                c.field.clone(),
                format!("contact number {} is used twice", c.number),
            )
            .expected("each contact of the observation numbered once (Annexe 2 §III, phase 2C)")
            .found(c.number.to_string());
            d.report(diag);
            false
        });
    }
}

/// The `number` node of a contact, to point at it.
fn cm_number_node(contact: &Node) -> Option<&Node> {
    match &contact.value {
        Value::Map(entries) => {
            entries.iter().find(|(k, _)| k.value == Value::Str("number".into())).map(|(_, v)| v)
        }
        _ => None,
    }
}

/// The interview after the observation, with the contacts that complete the sequence.
fn interview(d: &mut Decoder, node: &Node, ctx: &Ctx) -> Option<InterviewRecord> {
    let mut m = d.map(node, "interview")?;
    let date = date_req(d, &mut m, "date");
    let by = by(d, &mut m, ctx);
    let notes = text_opt(d, &mut m, "notes");
    let contacts = m
        .optional("contacts")
        .map(|n| contact_list(d, n, "interview.contacts", ctx, date, by.as_deref()))
        .unwrap_or_default();
    m.finish(d, &["date", "by", "notes", "contacts"]);
    Some(InterviewRecord { date: date?, by: by?, notes, contacts, location: d.location(node) })
}

/// A complementary evaluation round: the items evaluated again, the new levels with their
/// modality, and the new synthesis.
fn complement(d: &mut Decoder, node: &Node, ctx: &Ctx) -> Option<ComplementRound> {
    let mut m = d.map(node, "complement")?;
    let items = m
        .required(d, "items", "the items evaluated again")
        .and_then(|n| d.seq(n, "complement.items"))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(f, n)| item_id(d, n, &f, ctx))
        .collect();
    let mut assessments = Vec::new();
    if let Some(n) = m.required(d, "assessments", "the new levels") {
        for (f, an) in d.seq(n, "complement.assessments").unwrap_or_default() {
            // The modality is read here; the rest of the assessment as everywhere else.
            let modality = match &an.value {
                Value::Map(entries) => {
                    match entries.iter().find(|(k, _)| k.value == Value::Str("modality".into())) {
                        Some((_, v)) => {
                            values::read::<crate::policy::Modality>(d, v, &format!("{f}.modality"))
                        }
                        None => {
                            let diag = Diagnostic::error(
                                Code::MissingField,
                                d.location(an),
                                format!("{f}.modality"),
                                "missing key `modality`",
                            )
                            .expected(format!("one of {}", values::names::<crate::policy::Modality>()));
                            d.report(diag);
                            None
                        }
                    }
                }
                _ => None,
            };
            let without: Node = match &an.value {
                Value::Map(entries) => Node {
                    value: Value::Map(
                        entries
                            .iter()
                            .filter(|(k, _)| k.value != Value::Str("modality".into()))
                            .cloned()
                            .collect(),
                    ),
                    ..an.clone()
                },
                _ => an.clone(),
            };
            if let (Some(modality), Some(a)) = (modality, assessment(d, &without, &f, ctx, None, None)) {
                assessments.push((modality, a));
            }
        }
    }
    let synthese = m.optional("synthese").and_then(|n| {
        let mut sm = d.map(n, "complement.synthese")?;
        let date = date_req(d, &mut sm, "date");
        let by = by(d, &mut sm, ctx);
        sm.finish(d, &["date", "by"]);
        Some(SyntheseRecord { date: date?, by: by?, location: d.location(n) })
    });
    m.finish(d, &["items", "assessments", "synthese"]);
    Some(ComplementRound { items, assessments, synthese, location: d.location(node) })
}

fn override_(d: &mut Decoder, node: &Node, field: &str, ctx: &Ctx) -> Option<Override> {
    let mut m = d.map(node, field)?;
    #[derive(Clone, Copy)]
    enum T {
        Item,
        Activity,
        Proposal,
    }
    let target_kind = {
        let path = m.path("target");
        m.required(d, "target", "item, activity or proposal").and_then(|n| {
            d.choice(n, &path, &[("item", T::Item), ("activity", T::Activity), ("proposal", T::Proposal)])
        })
    };
    let target = match target_kind {
        Some(T::Item) => {
            let item = m
                .required(d, "item", "an item id")
                .and_then(|n| item_id(d, n, &format!("{field}.item"), ctx));
            let level = m
                .required(d, "level", "the new level")
                .and_then(|n| level_of(d, n, &format!("{field}.level")));
            item.zip(level).map(|(item, level)| OverrideTarget::Item { item, level })
        }
        Some(T::Activity) => {
            let activity = m.required(d, "activity", "an activity id").and_then(|n| {
                let id = d.id(n, &format!("{field}.activity"))?;
                if ctx.library.referentiels.iter().any(|r| r.activity(&id).is_some()) {
                    Some(id)
                } else {
                    let diag = Diagnostic::error(
                        Code::DanglingReference,
                        d.location(n),
                        format!("{field}.activity"),
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
            });
            let status = closed(d, &mut m, "status");
            activity.zip(status).map(|(activity, status)| OverrideTarget::Activity { activity, status })
        }
        Some(T::Proposal) => {
            closed(d, &mut m, "proposal").map(|proposal| OverrideTarget::Proposal { proposal })
        }
        None => None,
    };
    // Keys of another target: named as such, rather than as unknown keys.
    let keys_of = |t: T| -> &'static [&'static str] {
        match t {
            T::Item => &["item", "level"],
            T::Activity => &["activity", "status"],
            T::Proposal => &["proposal"],
        }
    };
    if let Some(kind) = target_kind {
        for (other, name) in [(T::Item, "item"), (T::Activity, "activity"), (T::Proposal, "proposal")] {
            if keys_of(other) == keys_of(kind) {
                continue;
            }
            for key in keys_of(other) {
                if let Some(n) = m.optional(key) {
                    let diag = Diagnostic::error(
                        Code::UnknownKey,
                        d.location(n),
                        format!("{field}.{key}"),
                        format!("`{key}` belongs to an override with `target: {name}`"),
                    )
                    .expected(format!("for this target: {}, reason, by, on", keys_of(kind).join(", ")))
                    .found(format!("`{key}`"))
                    .help(Some(format!("write a separate override with `target: {name}`")));
                    d.report(diag);
                }
            }
        }
    }
    let reason = m
        .required(d, "reason", "the written reason for the override")
        .and_then(|n| d.string(n, &format!("{field}.reason")));
    let by = by(d, &mut m, ctx);
    let on = date_req(d, &mut m, "on");
    m.finish(d, &["target", "item", "level", "activity", "status", "proposal", "reason", "by", "on"]);
    Some(Override { target: target?, reason: reason?, by: by?, on: on?, location: d.location(node) })
}

fn decision(d: &mut Decoder, node: &Node) -> Option<Decision> {
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
    m.finish(d, &["date", "members", "outcome", "appeal"]);
    Some(Decision { date: date?, members, outcome: outcome?, appeal, location: d.location(node) })
}

/// Dates after `today` (the evaluation date) are input errors: nothing can be recorded in the
/// future. Returns one diagnostic per such date.
pub fn check_future_dates(dossier: &Dossier, today: Date) -> Diagnostics {
    let mut out = Diagnostics::default();
    let mut check = |date: Date, location: &Location, field: String| {
        if date > today {
            out.push(
                Diagnostic::error(
                    Code::DateInFuture,
                    location.clone(),
                    field,
                    format!("{date} is after the evaluation date {today}"),
                )
                .expected(format!("a date on or before {today}"))
                .found(date.to_string()),
            );
        }
    };
    for (i, e) in dossier.employment.iter().enumerate() {
        check(e.start, &e.location, format!("employment[{i}].start"));
        if let Some(end) = e.end {
            check(end, &e.location, format!("employment[{i}].end"));
        }
    }
    check(dossier.application.submitted, &dossier.application.location, "application.submitted".into());
    if let Some(decided) = dossier.application.decided {
        check(decided, &dossier.application.location, "application.decided".into());
    }
    if let Some(c) = &dossier.cqpt_held {
        check(c.awarded, &c.location, "cqpt_held.awarded".into());
    }
    if let Some(c) = &dossier.convention {
        check(c.signed, &c.location, "convention.signed".into());
    }
    if let Some(t) = dossier.tutor.as_ref().and_then(|t| t.transmitted.map(|d| (d, &t.location))) {
        check(t.0, t.1, "tutor.transmitted".into());
    }
    for (_, a) in dossier.assessments() {
        check(a.on, &a.location, format!("assessment of {}", a.item));
    }
    if let Some(i) = &dossier.interview {
        check(i.date, &i.location, "interview.date".into());
    }
    for a in dossier.complement.iter().flat_map(|c| &c.assessments).map(|(_, a)| a) {
        check(a.on, &a.location, format!("complement assessment of {}", a.item));
    }
    if let Some(s) = dossier.complement.as_ref().and_then(|c| c.synthese.as_ref()) {
        check(s.date, &s.location, "complement.synthese.date".into());
    }
    if let Some(s) = &dossier.synthese {
        check(s.date, &s.location, "synthese.date".into());
    }
    if let Some(dec) = &dossier.decision {
        check(dec.date, &dec.location, "decision.date".into());
    }
    out
}
