//! The writing rules of `cqpt quiz validate`, each at its boundary, on crafted questions; the
//! shipped bank passes every one.

use crate::builder::context;
use crate::common::run;
use cqpt::diag::Severity;
use cqpt::quiz::bank::Choice;
use cqpt::quiz::rules::{self, Rule};
use cqpt::quiz::{Bank, Pool, Question, QuestionKind, Status};

/// A live 2B single-choice question on a savoir, that passes every rule.
fn question(id: &str, stem: &str) -> Question {
    Question {
        id: id.into(),
        item: "c-droit-commercial-contrats".into(),
        items: vec!["c-droit-commercial-contrats".into()],
        level: 2,
        kind: QuestionKind::Single,
        question: stem.into(),
        choices: vec![choice("0123456789", true), choice("abcdefghij", false), choice("klmnopqrst", false)],
        explanation: "Parce que.".into(),
        pool: Pool::Evaluation,
        status: Status::Live,
        author: Some("A. Auteur".into()),
        reviewers: vec!["R. Un".into(), "R. Deux".into()],
        source: Some("Code de la consommation, art. L221-18".into()),
        reviewed: Some("2026-01-15".parse().unwrap()),
        recheck: None,
        family: None,
        angoff: Some(60),
        location: cqpt::diag::Location::default(),
    }
}

fn choice(text: &str, correct: bool) -> Choice {
    Choice { text: text.into(), correct }
}

fn findings(questions: Vec<Question>, today: Option<&str>) -> Vec<(Rule, Severity, String)> {
    let (library, policy) = context();
    let bank = Bank::new(questions);
    rules::check(&bank, library, policy, today.map(|d| d.parse().unwrap()))
        .into_iter()
        .map(|f| (f.rule, f.severity, f.question))
        .collect()
}

fn rules_of(questions: Vec<Question>) -> Vec<Rule> {
    findings(questions, None).into_iter().map(|(r, _, _)| r).collect()
}

#[test]
fn the_shipped_bank_passes_every_writing_rule() {
    let r = run(&["quiz", "validate", "--date", "2026-11-30"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 writing error(s), 0 due for review"), "{}", r.stdout);
    // Pools and statuses by their French labels (referentiels/libelles.toml).
    assert!(
        r.stdout.contains("\névaluation des savoirs (phase 2B) : en rédaction 0, en essai "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\nprédiagnostic (phase 0) : "), "{}", r.stdout);
    assert!(r.stdout.contains(", retirée "), "{}", r.stdout);
    // A finding names its rule by code and French label: ten years on, every review is due.
    let due = run(&["quiz", "validate", "--date", "2036-11-30"]);
    assert_eq!(due.code, 0, "review dates are warnings: {}", due.stderr);
    assert!(due.stdout.contains("warning[Q08 review-due]"), "{}", due.stdout);
    assert!(
        due.stdout.lines().any(|l| l.contains("[Q08 review-due]") && l.ends_with(" (relecture à refaire)")),
        "{}",
        due.stdout
    );
    let (library, _) = context();
    let bank = cqpt::quiz::load(&cqpt::source::DataSource::Embedded, library).unwrap();
    let live_2b = bank.questions.iter().filter(|q| q.drawable_for_evaluation()).count();
    assert!(live_2b >= 150, "{live_2b} live 2B questions");
}

#[test]
fn a_key_longer_than_120_percent_of_the_longest_distractor_is_reported() {
    let mut q = question("q-1", "Quel est le délai de rétractation d'un contrat à distance ?");
    q.choices[0].text = "012345678901".into(); // 12 characters, 120 % of 10
    assert!(rules_of(vec![q.clone()]).is_empty());
    q.choices[0].text = "0123456789012".into(); // 13
    assert_eq!(rules_of(vec![q]), vec![Rule::KeyLonger]);
}

#[test]
fn an_absolute_word_in_a_distractor_is_reported_unless_a_key_holds_one() {
    let mut q = question("q-1", "Quel est le délai de rétractation d'un contrat à distance ?");
    q.choices[1].text = "Il n'y a jamais de délai".into();
    q.choices[0].text = "Quatorze jours".into();
    assert_eq!(rules_of(vec![q.clone()]), vec![Rule::AbsoluteWord]);
    q.choices[1].text = "Il n'y a pas de délai".into();
    assert!(rules_of(vec![q.clone()]).is_empty());
    q.choices[1].text = "Il n'y a jamais de délai".into();
    q.choices[0].text = "Toujours quatorze jours".into();
    assert!(rules_of(vec![q]).is_empty(), "the word is no cue when a key holds one too");
}

#[test]
fn near_duplicate_stems_under_different_items_need_one_family() {
    // Significant words: {rétractation, délai, durée} and {rétractation, délai, calcul, point}:
    // 2 in common of 5, 40 %.
    let a = question("q-1", "Quelle durée pour le délai de rétractation ?");
    let mut b = question("q-2", "Calcul du délai de rétractation, point ?");
    b.items = vec!["sp-procedures-remboursement".into()];
    b.item = b.items[0].clone();
    assert_eq!(rules_of(vec![a.clone(), b.clone()]), vec![Rule::NearDuplicate]);
    let mut same_item = b.clone();
    same_item.items.clone_from(&a.items);
    assert!(rules_of(vec![a.clone(), same_item]).is_empty(), "alternates of one item are allowed");
    let (mut fa, mut fb) = (a.clone(), b.clone());
    fa.family = Some("retractation".into());
    fb.family = Some("retractation".into());
    assert!(rules_of(vec![fa, fb]).is_empty(), "one family: never drawn together");
    let mut far = b;
    far.question = "Calcul du délai, point, somme ?".into(); // 1 of 6
    assert!(rules_of(vec![a, far]).is_empty());
}

#[test]
fn more_than_60_percent_of_multiple_answer_questions_with_one_key_count_is_reported() {
    let multiple = |id: &str, keys: usize| {
        let mut q = question(id, &format!("Question multiple {id} sur un sujet distinct numéro {id} ?"));
        q.kind = QuestionKind::Multiple;
        q.choices = (0..4).map(|i| choice(&format!("choix {i} de {id}"), i < keys)).collect();
        q
    };
    let three_of_five =
        vec![multiple("a", 3), multiple("b", 3), multiple("c", 3), multiple("d", 1), multiple("e", 2)];
    assert!(rules_of(three_of_five.clone()).is_empty(), "60 % is the limit");
    let mut four_of_five = three_of_five;
    four_of_five[3] = multiple("d", 3);
    assert_eq!(rules_of(four_of_five), vec![Rule::FixedKeyCount]);
}

#[test]
fn a_question_without_source_is_an_error_in_use_and_a_warning_in_draft() {
    let mut q = question("q-1", "Quel est le délai de rétractation d'un contrat à distance ?");
    q.source = None;
    assert_eq!(findings(vec![q.clone()], None), vec![(Rule::NoSource, Severity::Error, "q-1".into())]);
    q.status = Status::Draft;
    assert_eq!(findings(vec![q], None), vec![(Rule::NoSource, Severity::Warning, "q-1".into())]);
}

#[test]
fn a_savoir_faire_in_the_2b_pool_is_an_error_and_stays_for_phase_0() {
    let mut q = question("q-1", "Quel est le délai de rétractation d'un contrat à distance ?");
    q.items = vec!["sf-reformuler".into()];
    q.item = q.items[0].clone();
    assert_eq!(rules_of(vec![q.clone()]), vec![Rule::SavoirFaireIn2b]);
    q.pool = Pool::P0;
    assert!(rules_of(vec![q]).is_empty());
}

#[test]
fn a_live_question_needs_an_author_and_two_other_reviewers_and_a_review_date() {
    let q = question("q-1", "Quel est le délai de rétractation d'un contrat à distance ?");
    let mut one = q.clone();
    one.reviewers = vec!["R. Un".into(), "A. Auteur".into()];
    assert_eq!(rules_of(vec![one.clone()]), vec![Rule::NotReviewed], "the author does not review");
    one.status = Status::Pilot;
    assert!(rules_of(vec![one]).is_empty(), "a pilot question is not reviewed yet");
    let mut undated = q;
    undated.reviewed = None;
    assert_eq!(rules_of(vec![undated]), vec![Rule::NotReviewed]);
}

#[test]
fn a_question_is_due_for_review_on_its_review_date_plus_two_years_or_its_recheck_date() {
    let mut q = question("q-1", "Quel est le délai de rétractation d'un contrat à distance ?");
    assert!(findings(vec![q.clone()], Some("2028-01-14")).is_empty());
    assert_eq!(
        findings(vec![q.clone()], Some("2028-01-15")),
        vec![(Rule::ReviewDue, Severity::Warning, "q-1".into())]
    );
    q.recheck = Some("2027-06-30".parse().unwrap());
    assert!(findings(vec![q.clone()], Some("2027-06-29")).is_empty());
    assert_eq!(findings(vec![q], Some("2027-06-30")).len(), 1);
}

#[test]
fn a_phase_0_question_near_a_2b_one_is_a_leak() {
    let a = question("q-1", "Quel est le délai de rétractation d'un contrat à distance ?");
    let mut b = question("q-2", "Autre chose entièrement différente sur les factures mensuelles ?");
    b.pool = Pool::P0;
    b.family = Some("f".into());
    let mut a2 = a.clone();
    a2.family = Some("f".into());
    assert_eq!(rules_of(vec![a2, b.clone()]), vec![Rule::PoolLeak]);
    assert!(rules_of(vec![a, b]).is_empty());
}

#[test]
fn a_live_2b_question_needs_its_angoff_rating() {
    let mut q = question("q-1", "Quel est le délai de rétractation d'un contrat à distance ?");
    q.angoff = None;
    assert_eq!(rules_of(vec![q.clone()]), vec![Rule::NoAngoff]);
    q.pool = Pool::P0;
    assert!(rules_of(vec![q]).is_empty(), "phase 0 needs no cut score");
}

#[test]
fn every_rule_has_a_stable_code() {
    let codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes, ["Q01", "Q02", "Q03", "Q04", "Q05", "Q06", "Q07", "Q08", "Q09", "Q10", "Q11", "Q12"]);
}

#[test]
fn the_key_among_the_two_longest_choices_in_more_than_65_percent_of_single_questions_is_reported() {
    // 20 questions: the key among the two longest in 13 (65 %) passes, in 14 fails.
    let bank = |cued: usize| -> Vec<Question> {
        (0..20)
            .map(|i| {
                let mut q = question(&format!("q-{i}"), &format!("Question numéro {i} ?"));
                q.choices = if i < cued {
                    vec![choice("0123456789", true), choice("abcdefghij", false), choice("klmnopqrs", false)]
                } else {
                    vec![choice("012345678", true), choice("abcdefghij", false), choice("klmnopqrs", false)]
                };
                q
            })
            .collect()
    };
    assert!(!rules_of(bank(13)).contains(&Rule::KeyAmongLongest));
    assert!(rules_of(bank(14)).contains(&Rule::KeyAmongLongest));
    // A tie is no cue: as long as two distractors.
    let mut tie = question("q-1", "Quel est le délai ?");
    tie.choices = vec![choice("14 jours", true), choice("30 jours", false), choice("60 jours", false)];
    assert!(!cqpt::quiz::rules::key_among_longest(&tie));
}

#[test]
fn the_key_the_longest_choice_in_fewer_than_15_percent_of_single_questions_is_reported() {
    // 20 questions: the key the longest in 3 (15 %) passes, in 2 fails.
    let bank = |longest: usize| -> Vec<Question> {
        (0..20)
            .map(|i| {
                let mut q = question(&format!("q-{i}"), &format!("Question numéro {i} ?"));
                let key = if i < longest { "0123456789a" } else { "0123456789" };
                q.choices = vec![choice(key, true), choice("abcdefghij", false), choice("klmnopqrst", false)];
                q
            })
            .collect()
    };
    assert!(rules_of(bank(3)).is_empty());
    assert_eq!(rules_of(bank(2)), vec![Rule::KeyNeverLongest]);
}
