//! Reading the evaluation of phase 2 and after: the levels of the dossier de preuves, the quiz,
//! the observation and the interview that may complete it, and the complementary round.

use super::{
    Assessment, Code, ComplementRound, Contact, Ctx, Date, Decoder, Diagnostic, Interview, InterviewRecord,
    Node, Observation, Preuve, QuizResult, RecordedAnswer, Referee, SyntheseRecord, Value, bool_opt,
    bool_req, by, closed, date_req, item_id, item_id_at, item_levels, level_at, text_opt, text_req, values,
};

pub(super) fn assessment(
    d: &mut Decoder,
    node: &Node,
    field: &str,
    ctx: &Ctx,
    default_on: Option<Date>,
    default_by: Option<&str>,
) -> Option<Assessment> {
    let mut m = d.map(node, field)?;
    let item =
        m.required(d, "item", "an item id").and_then(|n| item_id_at(d, n, || format!("{field}.item"), ctx));
    let level = m
        .required(d, "level", "an integer from 0 to 5")
        .and_then(|n| level_at(d, n, || format!("{field}.level")));
    let justification = text_opt(d, &mut m, "justification");
    let by = match (m.optional("by"), default_by) {
        (Some(n), _) => d.string(n, || format!("{field}.by")),
        (None, Some(b)) => Some(b.to_string()),
        (None, None) => by(d, &mut m, ctx),
    };
    let on = match (m.optional("on"), default_on) {
        (Some(n), _) => d.date(n, || format!("{field}.on")),
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

pub(super) fn preuve(d: &mut Decoder, node: &Node, field: &str, ctx: &Ctx) -> Option<Preuve> {
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
pub(super) fn quiz(d: &mut Decoder, node: &Node, field: &str, ctx: &Ctx) -> Option<QuizResult> {
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
        Some(n) => {
            if let Value::Str(s) = &n.value {
                Some(s.clone())
            } else {
                d.wrong_type(n, &format!("{field}.given"), "the letters given, as text");
                None
            }
        }
        None => Some(String::new()),
    };
    let at = m.optional("at").and_then(|n| d.time(n, &format!("{field}.at")));
    let correct = bool_req(d, &mut m, "correct");
    let late = bool_opt(d, &mut m, "late");
    // `order` (the bank's choices shown under A, B…) is for the quiz's item statistics.
    let _ = m.optional("order");
    m.finish(d, &["number", "question", "given", "at", "correct", "late", "order"]);
    Some(RecordedAnswer {
        number: number? as u32,
        question: question?,
        given: given?,
        at,
        correct: correct?,
        late,
    })
}

pub(super) fn observation(d: &mut Decoder, node: &Node, ctx: &Ctx) -> Option<Observation> {
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
    let end_location = end_node.map_or_else(|| d.location(node), |n| d.location(n));
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
        let start = cm.optional("start").and_then(|x| d.time(x, &format!("{f}.start")));
        let end_node = cm.optional("end");
        let end = end_node.and_then(|x| d.time(x, &format!("{f}.end")));
        cm.finish(d, &["number", "start", "end", "assessments"]);
        if let (Some(s), Some(e), Some(n)) = (start, end, end_node)
            && e < s
        {
            let diag = Diagnostic::error(
                Code::DatesOutOfOrder,
                d.location(n),
                format!("{f}.end"),
                format!("the contact ends ({e}) before it starts ({s})"),
            )
            .expected(format!("a time from {s}"))
            .found(e.to_string());
            d.report(diag);
        }
        if let Some(number) = number.and_then(|n| u32::try_from(n).ok()) {
            let location = cm_number_node(c).map_or_else(|| d.location(c), |x| d.location(x));
            contacts.push(Contact {
                number,
                start,
                end,
                assessments,
                field: format!("{f}.number"),
                location,
            });
        }
    }
    contacts
}

/// Contact numbers are unique across the observation and the interview that completes it: a
/// number used twice is an error, and the later contact is left out.
pub(super) fn unique_contacts<'c>(d: &mut Decoder, lists: impl IntoIterator<Item = &'c mut Vec<Contact>>) {
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
pub(super) fn interview(d: &mut Decoder, node: &Node, ctx: &Ctx) -> Option<InterviewRecord> {
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
pub(super) fn complement(d: &mut Decoder, node: &Node, ctx: &Ctx) -> Option<ComplementRound> {
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
                    if let Some((_, v)) =
                        entries.iter().find(|(k, _)| k.value == Value::Str("modality".into()))
                    {
                        values::read::<crate::policy::Modality>(d, v, &format!("{f}.modality"))
                    } else {
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
