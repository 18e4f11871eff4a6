//! Scoring a certifier can defend: a level from enough answers (per environment or per item),
//! partial credit as a policy choice, the Angoff cut score at level 3.

use crate::builder::context;
use cqpt::policy::{PartialCredit, Policy, QuizEvidence};
use cqpt::quiz::sitting::SittingChoice;
use cqpt::quiz::{self, Answer, Answers, Purpose, QuestionKind, Sitting, SittingQuestion};
use std::collections::BTreeMap;

/// A question of item `item` at `level`, keys `key` among A–D.
fn q(number: usize, item: &str, level: u8, key: &[char], angoff: Option<u8>) -> SittingQuestion {
    SittingQuestion {
        number,
        question: format!("q-{number}"),
        item: item.into(),
        items: vec![item.into()],
        level,
        kind: if key.len() > 1 { QuestionKind::Multiple } else { QuestionKind::Single },
        text: "?".into(),
        choices: ['A', 'B', 'C', 'D']
            .iter()
            .map(|&letter| SittingChoice { letter, text: letter.into() })
            .collect(),
        key: key.to_vec(),
        order: vec![0, 1, 2, 3],
        angoff,
        explanation: String::new(),
    }
}

fn sitting(questions: Vec<SittingQuestion>, units: &[(&str, &str)]) -> Sitting {
    let mut items: Vec<String> = questions.iter().map(|q| q.item.clone()).collect();
    items.dedup();
    Sitting {
        id: "test".into(),
        certificate: "distance".into(),
        purpose: Purpose::Evaluation,
        seed: 0,
        minutes: 30,
        items,
        units: units.iter().map(|(i, u)| ((*i).to_string(), (*u).to_string())).collect::<BTreeMap<_, _>>(),
        questions,
    }
}

fn answers(given: &[&str]) -> Answers {
    Answers {
        date: "2026-11-30".parse().unwrap(),
        started: None,
        ended: None,
        extra_minutes: 0,
        answers: given
            .iter()
            .enumerate()
            .map(|(i, g)| Answer { number: i + 1, given: (*g).to_string(), at: None })
            .collect(),
    }
}

fn policy(f: impl FnOnce(&mut Policy)) -> Policy {
    let mut p = context().1.clone();
    f(&mut p);
    p
}

#[test]
fn a_unit_with_fewer_answers_than_the_policy_gets_no_level() {
    let p = policy(|p| p.quiz.min_answers = 3);
    let two = sitting(vec![q(1, "c-a", 1, &['A'], None), q(2, "c-a", 2, &['A'], None)], &[]);
    let s = quiz::score(&two, &answers(&["A", "A"]), &p);
    assert!(s.levels.is_empty(), "{:?}", s.levels);
    assert_eq!(s.insufficient, vec!["c-a".to_string()]);
    let three = sitting(
        vec![q(1, "c-a", 1, &['A'], None), q(2, "c-a", 2, &['A'], None), q(3, "c-a", 3, &['A'], None)],
        &[],
    );
    let s = quiz::score(&three, &answers(&["A", "A", "A"]), &p);
    assert_eq!(s.levels.get("c-a"), Some(&3));
}

#[test]
fn an_environment_decides_the_level_of_each_of_its_items() {
    let p = policy(|p| {
        p.quiz.evidence = QuizEvidence::Environment;
        p.quiz.min_answers = 3;
    });
    // Three items of one environment, one answer each: enough together.
    let s = sitting(
        vec![q(1, "c-a", 1, &['A'], None), q(2, "c-b", 2, &['A'], None), q(3, "c-c", 3, &['A'], None)],
        &[("c-a", "env"), ("c-b", "env"), ("c-c", "env")],
    );
    let r = quiz::score(&s, &answers(&["A", "A", "B"]), &p);
    assert_eq!(r.levels.values().copied().collect::<Vec<_>>(), vec![2, 2, 2], "{:?}", r.levels);
}

#[test]
fn a_level_needs_the_policys_share_of_its_credit() {
    let p = policy(|p| {
        p.quiz.min_answers = 1;
        p.quiz.pass_percent = 60;
    });
    let level_1 = |n: usize| (1..=n).map(|i| q(i, "c-a", 1, &['A'], None)).collect::<Vec<_>>();
    // 3 of 5 right at level 1 is 60 %: reached; 2 of 5 is 40 %: not.
    let s = sitting(level_1(5), &[]);
    assert_eq!(quiz::score(&s, &answers(&["A", "A", "A", "B", "B"]), &p).levels["c-a"], 1);
    assert_eq!(quiz::score(&s, &answers(&["A", "A", "B", "B", "B"]), &p).levels["c-a"], 0);
}

#[test]
fn partial_credit_for_multiple_answers_is_a_policy_choice() {
    let s = sitting(vec![q(1, "c-a", 1, &['A', 'B', 'C'], None)], &[]);
    let none = policy(|p| p.quiz.partial_credit = PartialCredit::None);
    let proportional = policy(|p| p.quiz.partial_credit = PartialCredit::Proportional);
    assert!((quiz::score(&s, &answers(&["A;B"]), &none).credit).abs() < 1e-9);
    assert!((quiz::score(&s, &answers(&["A;B"]), &proportional).credit - 2.0 / 3.0).abs() < 1e-9);
    // A wrong letter takes back a right one; never below zero.
    assert!((quiz::score(&s, &answers(&["A;B;D"]), &proportional).credit - 1.0 / 3.0).abs() < 1e-9);
    assert!(quiz::score(&s, &answers(&["D"]), &proportional).credit.abs() < 1e-9);
    assert!((quiz::score(&s, &answers(&["A;B;C"]), &none).credit - 1.0).abs() < 1e-9);
}

#[test]
fn level_3_needs_the_angoff_cut_of_the_units_questions() {
    let p = policy(|p| {
        p.quiz.min_answers = 1;
        p.quiz.pass_percent = 50;
        p.quiz.partial_credit = PartialCredit::None;
    });
    // Ratings 90 + 90 + 90 + 90: a minimally competent candidate earns 3.6 of 4.
    let qs = (1..=4).map(|i| q(i, "c-a", if i <= 2 { 2 } else { 3 }, &['A'], Some(90))).collect();
    let s = sitting(qs, &[]);
    let three_right = quiz::score(&s, &answers(&["A", "A", "A", "B"]), &p);
    assert_eq!(three_right.cut.map(|c| (c * 10.0).round()), Some(36.0));
    assert_eq!(three_right.levels["c-a"], 2, "3 < 3.6: level 3 not reached");
    assert_eq!(quiz::score(&s, &answers(&["A", "A", "A", "A"]), &p).levels["c-a"], 3);
}
