//! The question bank of `quiz/`: each question tied to one knowledge item and the level it
//! tests, single or multiple choice, with its answer key and a one-line explanation.

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
    /// The item it tests.
    pub item: String,
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
    /// Where it is defined.
    #[serde(skip)]
    pub location: Location,
}

/// The whole bank.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    /// Every question, in file order.
    pub questions: Vec<Question>,
}

impl Bank {
    /// The question with this id.
    pub fn get(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
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
        Ok(bank)
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

fn question(d: &mut Decoder, node: &Node, field: &str, library: &Library) -> Option<Question> {
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the question id").and_then(|n| d.id(n, &format!("{field}.id")));
    let item =
        m.required(d, "item", "an item id").and_then(|n| item_id(d, n, &format!("{field}.item"), library));
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
    m.finish(d, &["id", "item", "level", "kind", "question", "choices", "explanation"]);
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
    Some(Question {
        id: id?,
        item: item?,
        level: level?,
        kind: kind?,
        question: text?,
        choices,
        explanation: explanation?,
        location: d.location(node),
    })
}
