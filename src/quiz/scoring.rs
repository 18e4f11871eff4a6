//! Scoring a sitting: each answer checked against the key, answers after the time limit left
//! out, and a level 0–3 per item by the policy's rule (levels 4 and 5 never come from the quiz).
//! The result is written as a `quiz:` section a dossier takes in, every answer as given.

use super::sitting::Sitting;
use crate::date::{Date, TimeOfDay};
use crate::policy::{Policy, QuizScoring};
use serde::Serialize;
use std::collections::BTreeMap;

/// One answer as the candidate gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The question's number in the sitting.
    pub number: usize,
    /// The letters given, as given (empty: no answer).
    pub given: String,
    /// When it was given.
    pub at: Option<TimeOfDay>,
}

/// A candidate's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    /// Date of the sitting.
    pub date: Date,
    /// Start time.
    pub started: Option<TimeOfDay>,
    /// End time.
    pub ended: Option<TimeOfDay>,
    /// Extra minutes granted (accommodation).
    pub extra_minutes: u32,
    /// The answers.
    pub answers: Vec<Answer>,
}

/// An answer, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedAnswer {
    /// Number in the sitting.
    pub number: usize,
    /// Bank question id.
    pub question: String,
    /// Item.
    pub item: String,
    /// Letters given, as given.
    pub given: String,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<TimeOfDay>,
    /// Right.
    pub correct: bool,
    /// Given after the time limit (not counted).
    pub late: bool,
}

/// The result of a sitting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuizScore {
    /// Sitting id.
    pub sitting: String,
    /// Seed.
    pub seed: u64,
    /// Date.
    pub date: Date,
    /// Start.
    pub started: Option<TimeOfDay>,
    /// End.
    pub ended: Option<TimeOfDay>,
    /// Time limit, when the start is known.
    pub limit: Option<TimeOfDay>,
    /// Every question with the answer given.
    pub answers: Vec<CheckedAnswer>,
    /// Level per item (0 to 3).
    pub levels: BTreeMap<String, u8>,
}

/// The letters of an answer, normalised: upper case, sorted, no separators.
fn letters(given: &str) -> Vec<char> {
    let mut l: Vec<char> =
        given.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_uppercase()).collect();
    l.sort_unstable();
    l.dedup();
    l
}

/// Scores `answers` to `sitting`: an answer after the start plus the policy's minutes (and the
/// extra minutes granted) is late and not counted.
pub fn score(sitting: &Sitting, answers: &Answers, policy: &Policy) -> QuizScore {
    let limit = answers.started.map(|s| {
        let minutes =
            u32::from(s.minutes()).saturating_add(policy.quiz.minutes).saturating_add(answers.extra_minutes);
        TimeOfDay::from_minutes(minutes)
            .unwrap_or_else(|| TimeOfDay::from_minutes(24 * 60 - 1).expect("23:59"))
    });
    let marked: Vec<(&Answer, bool)> = answers
        .answers
        .iter()
        .map(|a| (a, matches!((a.at, limit), (Some(at), Some(limit)) if at > limit)))
        .collect();
    mark(sitting, answers, limit, &marked, policy)
}

/// Marks answers whose lateness the caller decided (the quiz server keeps time to the second).
pub fn mark(
    sitting: &Sitting,
    answers: &Answers,
    limit: Option<TimeOfDay>,
    marked: &[(&Answer, bool)],
    policy: &Policy,
) -> QuizScore {
    let checked: Vec<CheckedAnswer> = sitting
        .questions
        .iter()
        .map(|q| {
            let answer = marked.iter().rev().find(|(a, _)| a.number == q.number);
            let given = answer.map(|(a, _)| a.given.clone()).unwrap_or_default();
            let at = answer.and_then(|(a, _)| a.at);
            let late = answer.is_some_and(|(_, late)| *late);
            let mut key = q.key.clone();
            key.sort_unstable();
            CheckedAnswer {
                number: q.number,
                question: q.question.clone(),
                item: q.item.clone(),
                correct: !late && !given.trim().is_empty() && letters(&given) == key,
                given,
                at,
                late,
            }
        })
        .collect();
    let mut levels = BTreeMap::new();
    let mut by_item: BTreeMap<&str, Vec<(u8, usize, bool)>> = BTreeMap::new();
    for (q, a) in sitting.questions.iter().zip(&checked) {
        by_item.entry(q.item.as_str()).or_default().push((q.level, q.number, a.correct));
    }
    for (item, mut list) in by_item {
        list.sort_unstable();
        let level = match policy.quiz.scoring {
            QuizScoring::Ascending => {
                list.iter().take_while(|(_, _, ok)| *ok).map(|(l, _, _)| *l).last().unwrap_or(0)
            }
        };
        levels.insert(item.to_string(), level.min(policy.levels.quiz_max));
    }
    QuizScore {
        sitting: sitting.id.clone(),
        seed: sitting.seed,
        date: answers.date,
        started: answers.started,
        ended: answers.ended,
        limit,
        answers: checked,
        levels,
    }
}

/// Whether `given` only uses letters of the question's choices.
pub fn valid_answer(question: &super::sitting::SittingQuestion, given: &str) -> bool {
    given.chars().all(|c| {
        matches!(c, ';' | ',' | ' ') || question.choices.iter().any(|ch| ch.letter == c.to_ascii_uppercase())
    })
}

/// The `quiz:` section of a dossier, as [`to_yaml`] writes it.
#[derive(Serialize)]
struct Section<'a> {
    sitting: &'a str,
    seed: u64,
    date: Date,
    by: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    started: Option<TimeOfDay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended: Option<TimeOfDay>,
    levels: &'a BTreeMap<String, u8>,
    answers: Vec<SectionAnswer<'a>>,
}

/// One answer of the section (the dossier's format: no item, which the bank gives).
#[derive(Serialize)]
struct SectionAnswer<'a> {
    number: usize,
    question: &'a str,
    given: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<TimeOfDay>,
    correct: bool,
    late: bool,
}

/// The result as YAML, written by a serialiser (every text quoted as YAML needs): a `quiz:`
/// section of a dossier (paste it under `quiz:`), every answer as given.
pub fn to_yaml(score: &QuizScore, by: &str) -> String {
    let section = Section {
        sitting: &score.sitting,
        seed: score.seed,
        date: score.date,
        by,
        started: score.started,
        ended: score.ended,
        levels: &score.levels,
        answers: score
            .answers
            .iter()
            .map(|a| SectionAnswer {
                number: a.number,
                question: &a.question,
                given: &a.given,
                at: a.at,
                correct: a.correct,
                late: a.late,
            })
            .collect(),
    };
    let body = serde_saphyr::to_string(&section).unwrap_or_else(|e| format!("# cannot be written: {e}\n"));
    format!("# Résultat du quiz {} — à reprendre sous la clé `quiz:` du dossier.\n{body}", score.sitting)
}
