//! The question bank of `quiz/`: each question tied to the knowledge items it assesses and the
//! level it tests, single or multiple choice, with its answer key, a one-line explanation, the
//! pool it is drawn for (phase 0 or phase 2B, disjoint), and its life: status, author, two
//! reviewers, source, review date, re-check date, near-duplicate family and Angoff rating.

use crate::date::Date;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::referentiel::Library;
use crate::source::SourceFile;
use crate::yaml::{self, Decoder, Node};
use serde::Serialize;
use std::collections::HashMap;

/// Single or multiple choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    /// Exactly one right answer.
    Single,
    /// One or more right answers.
    Multiple,
}

/// Where a question is drawn: the prédiagnostic and the evaluation draw from disjoint pools, so
/// no question a candidate saw in phase 0 reaches their phase 2B sitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pool {
    /// Phase 0, the prédiagnostic (advice; savoir-faire questions may stay here).
    P0,
    /// Phase 2B, the evaluation of the savoirs.
    #[serde(rename = "2b")]
    Evaluation,
}

/// Where a question is in its life; only live questions are drawn for phase 2B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Being written.
    Draft,
    /// Tried in phase 0 sittings to gather statistics before it counts.
    Pilot,
    /// Reviewed, drawn for phase 2B.
    Live,
    /// No longer drawn.
    Retired,
}

impl Pool {
    /// Every pool, with its code in the bank (`pool:`), the code of its French label.
    pub const CHOICES: [(&'static str, Pool); 2] = [("p0", Pool::P0), ("2b", Pool::Evaluation)];

    /// Its code in the bank.
    pub fn as_str(self) -> &'static str {
        match self {
            Pool::P0 => "p0",
            Pool::Evaluation => "2b",
        }
    }
}

impl Status {
    /// Every status, with its code in the bank (`status:`), the code of its French label.
    pub const CHOICES: [(&'static str, Status); 4] = [
        ("draft", Status::Draft),
        ("pilot", Status::Pilot),
        ("live", Status::Live),
        ("retired", Status::Retired),
    ];

    /// Its code in the bank.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Pilot => "pilot",
            Status::Live => "live",
            Status::Retired => "retired",
        }
    }
}

/// A choice of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// Its text.
    pub text: String,
    /// Part of the answer key.
    pub correct: bool,
}

/// A question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Stable id.
    pub id: String,
    /// The first item it assesses.
    pub item: String,
    /// Every item it assesses (the first is [`Question::item`]).
    pub items: Vec<String>,
    /// The level it tests (1 to 3).
    pub level: u8,
    /// Single or multiple choice.
    pub kind: QuestionKind,
    /// The question.
    pub question: String,
    /// The choices, in the bank's order.
    pub choices: Vec<Choice>,
    /// Why the answer is right.
    pub explanation: String,
    /// The pool it is drawn for.
    pub pool: Pool,
    /// Its status.
    pub status: Status,
    /// Who wrote it.
    pub author: Option<String>,
    /// Who reviewed it (two for a live question).
    pub reviewers: Vec<String>,
    /// The legal or technical text it rests on.
    pub source: Option<String>,
    /// When it was last reviewed.
    pub reviewed: Option<Date>,
    /// When a date-sensitive fact must be checked again.
    pub recheck: Option<Date>,
    /// Its near-duplicate family: questions of one family never meet in a sitting.
    pub family: Option<String>,
    /// Angoff rating: the chance, percent, that a minimally competent candidate answers right.
    pub angoff: Option<u8>,
    /// Where it is defined.
    #[serde(skip)]
    pub location: Location,
}

impl Question {
    /// Whether it assesses `item`.
    pub fn assesses(&self, item: &str) -> bool {
        self.items.iter().any(|i| i == item)
    }

    /// Whether a phase 2B sitting may draw it: live and in the 2B pool.
    pub fn drawable_for_evaluation(&self) -> bool {
        self.status == Status::Live && self.pool == Pool::Evaluation
    }

    /// Whether a phase 0 sitting may draw it: in the phase 0 pool, live or in pilot.
    pub fn drawable_for_prediagnostic(&self) -> bool {
        matches!(self.status, Status::Live | Status::Pilot) && self.pool == Pool::P0
    }
}

/// The whole bank.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    /// Every question, in file order.
    pub questions: Vec<Question>,
    /// The near-duplicate cluster of each question id (its family, joined with every question
    /// whose stem is near its own): two questions of one cluster never meet in a sitting.
    pub clusters: HashMap<String, String>,
}

impl Bank {
    /// A bank of `questions`, its near-duplicate clusters computed.
    pub fn new(questions: Vec<Question>) -> Bank {
        let clusters = super::rules::clusters(&questions);
        Bank { questions, clusters }
    }

    /// The question with this id.
    pub fn get(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The near-duplicate cluster of the question `id` (its own id when it has none).
    pub fn cluster_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.clusters.get(id).map_or(id, String::as_str)
    }
}

/// Loads and validates the bank: every question tied to an existing item, a valid key, 3 to 5
/// choices, unique ids. Every problem of every file is returned at once.
pub fn load_bank(files: &[SourceFile], library: &Library) -> Result<Bank, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut bank = Bank::default();
    for file in files {
        match yaml::parse_with(&file.name, &file.text, &crate::limits::QUIZ_BANK) {
            Ok(root) => decode(&file.name, &root, library, &mut bank, &mut diagnostics),
            Err(d) => diagnostics.push(*d),
        }
    }
    let mut seen: HashMap<&str, &Location> = HashMap::new();
    let mut duplicates = Vec::new();
    for q in &bank.questions {
        if let Some(first) = seen.insert(q.id.as_str(), &q.location) {
            duplicates.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    q.location.clone(),
                    "questions[].id",
                    format!("the question id `{}` is used twice", q.id),
                )
                .expected(format!("an id not used since {first}"))
                .found(format!("`{}`", q.id)),
            );
        }
    }
    diagnostics.0.extend(duplicates);
    if diagnostics.has_errors() {
        diagnostics.sort();
        Err(diagnostics)
    } else {
        Ok(Bank::new(bank.questions))
    }
}

fn decode(file: &str, root: &Node, library: &Library, bank: &mut Bank, diagnostics: &mut Diagnostics) {
    let mut d = Decoder::new(file, diagnostics);
    let Some(mut top) = d.map(root, "") else { return };
    if let Some(list) = top.required(&mut d, "questions", "a list of questions") {
        for (field, node) in d.seq(list, "questions").unwrap_or_default() {
            if let Some(q) = question(&mut d, node, &field, library) {
                bank.questions.push(q);
            }
        }
    }
    top.finish(&mut d, &["questions"]);
}

/// An item id that the référentiels define; an unknown one is reported.
fn item_id(d: &mut Decoder, n: &Node, field: &str, library: &Library) -> Option<String> {
    let id = d.string(n, field)?;
    if library.item(&id).is_some() {
        return Some(id);
    }
    let diag = Diagnostic::error(
        Code::DanglingReference,
        d.location(n),
        field,
        format!("no item has the id `{id}`"),
    )
    .expected("an item id of the référentiels")
    .found(format!("`{id}`"));
    d.report(diag);
    None
}

/// One choice of a question (`f` is its field); `None` when its text is missing.
fn read_choice(d: &mut Decoder, c: &Node, f: &str) -> Option<Choice> {
    let mut cm = d.map(c, f)?;
    let text = cm.required(d, "text", "text").and_then(|n| d.string(n, &format!("{f}.text")));
    let correct = cm.optional("correct").and_then(|n| d.bool(n, &format!("{f}.correct"))).unwrap_or(false);
    cm.finish(d, &["text", "correct"]);
    Some(Choice { text: text?, correct })
}

/// What is wrong with a question's answer key, as (expected, found): not 3 to 5 choices, not
/// exactly one right choice for a single-choice question, no right choice for a multiple one.
fn answer_key_problem(choices: &[Choice], kind: Option<QuestionKind>) -> Option<(String, String)> {
    let right = choices.iter().filter(|c| c.correct).count();
    if !(3..=5).contains(&choices.len()) {
        Some(("3 to 5 choices".to_string(), format!("{} choice(s)", choices.len())))
    } else if kind == Some(QuestionKind::Single) && right != 1 {
        Some((
            "exactly one right choice for a single-choice question".to_string(),
            format!("{right} right choice(s)"),
        ))
    } else if kind == Some(QuestionKind::Multiple) && right == 0 {
        Some(("at least one right choice".to_string(), "none".to_string()))
    } else {
        None
    }
}

/// The items of a question: `item` (one) or `items` (a list), not both.
fn read_items(
    d: &mut Decoder,
    m: &mut yaml::MapReader,
    node: &Node,
    field: &str,
    library: &Library,
) -> Option<Vec<String>> {
    match (m.optional("item"), m.optional("items")) {
        (Some(n), None) => item_id(d, n, &format!("{field}.item"), library).map(|i| vec![i]),
        (None, Some(list)) => {
            let mut out = Vec::new();
            let mut ok = true;
            for (f, n) in d.seq(list, &format!("{field}.items")).unwrap_or_default() {
                match item_id(d, n, &f, library) {
                    Some(i) if !out.contains(&i) => out.push(i),
                    Some(_) => {}
                    None => ok = false,
                }
            }
            if out.is_empty() && ok {
                let diag = Diagnostic::error(
                    Code::InvalidValue,
                    d.location(list),
                    format!("{field}.items"),
                    "a question assesses at least one item",
                )
                .expected("one or more item ids")
                .found("an empty list");
                d.report(diag);
                return None;
            }
            ok.then_some(out)
        }
        (item, items) => {
            let at = item.or(items).unwrap_or(node);
            let diag = Diagnostic::error(
                if item.is_some() { Code::InvalidValue } else { Code::MissingField },
                d.location(at),
                format!("{field}.item"),
                "a question names the items it assesses",
            )
            .expected("either `item: <id>` or `items: [<id>, …]`")
            .found(if item.is_some() { "both" } else { "neither" });
            d.report(diag);
            None
        }
    }
}

/// The names of a list of texts (reviewers).
fn texts(d: &mut Decoder, n: &Node, field: &str) -> Vec<String> {
    d.seq(n, field).unwrap_or_default().into_iter().filter_map(|(f, x)| d.string(x, &f)).collect()
}

fn question(d: &mut Decoder, node: &Node, field: &str, library: &Library) -> Option<Question> {
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the question id").and_then(|n| d.id(n, &format!("{field}.id")));
    let items = read_items(d, &mut m, node, field, library);
    let level = m
        .required(d, "level", "1, 2 or 3")
        .and_then(|n| d.int(n, &format!("{field}.level"), 1, 3))
        .map(|l| l as u8);
    let kind = m.required(d, "kind", "single or multiple").and_then(|n| {
        d.choice(
            n,
            &format!("{field}.kind"),
            &[("single", QuestionKind::Single), ("multiple", QuestionKind::Multiple)],
        )
    });
    let text = m.required(d, "question", "text").and_then(|n| d.string(n, &format!("{field}.question")));
    let mut choices = Vec::new();
    let choices_node = m.required(d, "choices", "3 to 5 choices");
    for (f, c) in choices_node.and_then(|n| d.seq(n, &format!("{field}.choices"))).unwrap_or_default() {
        choices.extend(read_choice(d, c, &f));
    }
    let explanation =
        m.required(d, "explanation", "one line").and_then(|n| d.string(n, &format!("{field}.explanation")));
    let pool =
        m.required(d, "pool", "p0 or 2b").and_then(|n| d.choice(n, &format!("{field}.pool"), &Pool::CHOICES));
    let status = m
        .required(d, "status", "draft, pilot, live or retired")
        .and_then(|n| d.choice(n, &format!("{field}.status"), &Status::CHOICES));
    let author = m.optional("author").and_then(|n| d.string(n, &format!("{field}.author")));
    let reviewers =
        m.optional("reviewers").map(|n| texts(d, n, &format!("{field}.reviewers"))).unwrap_or_default();
    let source = m.optional("source").and_then(|n| d.string(n, &format!("{field}.source")));
    let reviewed = m.optional("reviewed").and_then(|n| d.date(n, &format!("{field}.reviewed")));
    let recheck = m.optional("recheck").and_then(|n| d.date(n, &format!("{field}.recheck")));
    let family = m.optional("family").and_then(|n| d.id(n, &format!("{field}.family")));
    let angoff =
        m.optional("angoff").and_then(|n| d.int(n, &format!("{field}.angoff"), 0, 100)).map(|a| a as u8);
    m.finish(
        d,
        &[
            "id",
            "item",
            "items",
            "level",
            "kind",
            "question",
            "choices",
            "explanation",
            "pool",
            "status",
            "author",
            "reviewers",
            "source",
            "reviewed",
            "recheck",
            "family",
            "angoff",
        ],
    );
    if let Some(n) = choices_node
        && let Some((expected, found)) = answer_key_problem(&choices, kind)
    {
        let diag = Diagnostic::error(
            Code::InvalidValue,
            d.location(n),
            format!("{field}.choices"),
            "the answer key does not fit the question",
        )
        .expected(expected)
        .found(found);
        d.report(diag);
    }
    let items = items?;
    Some(Question {
        id: id?,
        item: items[0].clone(),
        items,
        level: level?,
        kind: kind?,
        question: text?,
        choices,
        explanation: explanation?,
        pool: pool?,
        status: status?,
        author,
        reviewers,
        source,
        reviewed,
        recheck,
        family,
        angoff,
        location: d.location(node),
    })
}
