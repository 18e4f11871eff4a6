//! Scoring a sitting: each answer checked against the key (partial credit for a multiple-answer
//! question when the policy says so), answers after the time limit left out, and a level 0–3
//! from enough evidence: per environment of annexe 3 or per item as the policy sets, a unit
//! with fewer than the policy's answers getting no level (levels 4 and 5 never come from the
//! quiz, nor does any savoir-faire). Level 3 also needs the Angoff cut of the unit's questions.
//! The result is written as a `quiz:` section a dossier takes in, every answer as given.

use super::sitting::Sitting;
use crate::date::{Date, TimeOfDay};
use crate::policy::{PartialCredit, Policy, QuizScoring};
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Credit earned, 0 to 1 (partial for a multiple-answer question when the policy says so).
    pub credit: f64,
    /// Given after the time limit (not counted).
    pub late: bool,
    /// The bank's choices shown under A, B, C…, as the bank's letters (`CADB`: the bank's
    /// third choice was shown as A…), for the item statistics.
    pub order: String,
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
    /// Units (environments or items) with too few answers for a level.
    pub insufficient: Vec<String>,
    /// Credit earned over the sitting.
    pub credit: f64,
    /// The Angoff cut score of the sitting (the credit a minimally competent candidate earns),
    /// when every question is rated.
    pub cut: Option<f64>,
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
            let letters = letters(&given);
            let counted = !late && !given.trim().is_empty();
            let correct = counted && letters == key;
            let credit = if correct {
                1.0
            } else if counted && policy.quiz.partial_credit == PartialCredit::Proportional && key.len() > 1 {
                let right = letters.iter().filter(|l| key.contains(l)).count() as f64;
                let wrong = letters.len() as f64 - right;
                ((right - wrong) / key.len() as f64).max(0.0)
            } else {
                0.0
            };
            CheckedAnswer {
                number: q.number,
                question: q.question.clone(),
                item: q.item.clone(),
                correct,
                credit,
                given,
                at,
                late,
                order: q.order.iter().map(|&i| char::from(b'A' + u8::try_from(i).unwrap_or(25))).collect(),
            }
        })
        .collect();
    let (levels, insufficient) = levels(sitting, &checked, policy);
    let credit = checked.iter().map(|a| a.credit).sum();
    let cut = sitting
        .questions
        .iter()
        .map(|q| q.angoff.map(|a| f64::from(a) / 100.0))
        .sum::<Option<f64>>()
        .filter(|_| !sitting.questions.is_empty());
    QuizScore {
        sitting: sitting.id.clone(),
        seed: sitting.seed,
        date: answers.date,
        started: answers.started,
        ended: answers.ended,
        limit,
        answers: checked,
        levels,
        insufficient,
        credit,
        cut,
    }
}

/// One answer as evidence for a unit: the question's level, the credit earned, its Angoff rating.
type Evidence = (u8, f64, Option<u8>);

/// The level of one unit from its questions (level, credit, Angoff rating): going up the
/// levels, each level with questions reached when their share of credit is the policy's, level
/// 3 also needing the unit's Angoff cut when every question is rated.
fn unit_level(list: &[Evidence], policy: &Policy) -> u8 {
    let QuizScoring::Ascending = policy.quiz.scoring;
    let mut level = 0;
    for l in 1..=3u8 {
        let at: Vec<f64> = list.iter().filter(|(x, _, _)| *x == l).map(|(_, c, _)| *c).collect();
        if at.is_empty() {
            continue;
        }
        if at.iter().sum::<f64>() * 100.0 < f64::from(policy.quiz.pass_percent) * at.len() as f64 - 1e-9 {
            break;
        }
        if l == 3 {
            let cut: Option<f64> = list.iter().map(|(_, _, a)| a.map(|a| f64::from(a) / 100.0)).sum();
            let earned: f64 = list.iter().map(|(_, c, _)| *c).sum();
            if cut.is_some_and(|cut| earned + 1e-9 < cut) {
                break;
            }
        }
        level = l;
    }
    level
}

/// The level of every item the sitting assessed, decided per unit; the units with too few
/// answers.
fn levels(
    sitting: &Sitting,
    checked: &[CheckedAnswer],
    policy: &Policy,
) -> (BTreeMap<String, u8>, Vec<String>) {
    fn unit<'s>(sitting: &'s Sitting, item: &'s str) -> &'s str {
        sitting.units.get(item).map_or(item, String::as_str)
    }
    let mut by_unit: BTreeMap<&str, Vec<Evidence>> = BTreeMap::new();
    let mut assessed: BTreeMap<&str, &str> = BTreeMap::new();
    for (q, a) in sitting.questions.iter().zip(checked) {
        let mut units: Vec<&str> = Vec::new();
        for item in q.items.iter().filter(|i| sitting.items.is_empty() || sitting.items.contains(i)) {
            assessed.insert(item, unit(sitting, item));
            if !units.contains(&unit(sitting, item)) {
                units.push(unit(sitting, item));
            }
        }
        for u in units {
            by_unit.entry(u).or_default().push((q.level, a.credit, q.angoff));
        }
    }
    let mut insufficient = Vec::new();
    let mut unit_levels: BTreeMap<&str, u8> = BTreeMap::new();
    for (u, list) in &by_unit {
        if list.len() < policy.quiz.min_answers {
            insufficient.push((*u).to_string());
        } else {
            unit_levels.insert(u, unit_level(list, policy));
        }
    }
    let levels = assessed
        .into_iter()
        .filter_map(|(item, u)| {
            unit_levels.get(u).map(|l| (item.to_string(), (*l).min(policy.levels.quiz_max)))
        })
        .collect();
    (levels, insufficient)
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
    order: &'a str,
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
                order: &a.order,
            })
            .collect(),
    };
    let body = serde_saphyr::to_string(&section).unwrap_or_else(|e| format!("# cannot be written: {e}\n"));
    format!("# Résultat du quiz {} — à reprendre sous la clé `quiz:` du dossier.\n{body}", score.sitting)
}
