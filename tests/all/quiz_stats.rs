//! Item statistics: KR-20 against a hand computation, a simulated population of known ability
//! facing questions of known difficulty and discrimination, and `cqpt quiz stats`.

use crate::builder::context;
use crate::common::{cqpt, run_cmd};
use cqpt::quiz::stats::{self, kr20};
use cqpt::synthetic::{SimulatedQuestion, quiz_abilities, quiz_results};

#[test]
fn kr20_matches_a_hand_computation() {
    // Scores 3, 2, 1, 0: mean 1.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
    // p = 3/4, 2/4, 1/4: Σpq = 3/16 + 4/16 + 3/16 = 0.625. KR-20 = 3/2 × (1 − 0.625/1.25) = 0.75.
    let m = vec![
        vec![true, true, true],
        vec![true, true, false],
        vec![true, false, false],
        vec![false, false, false],
    ];
    assert!((kr20(&m).unwrap() - 0.75).abs() < 1e-12);
    assert_eq!(kr20(&m[..1]), None, "one candidate");
    assert_eq!(kr20(&[vec![true, false], vec![true, false]]), None, "scores that do not vary");
}

/// A bank's ids to simulate on.
fn ids(n: usize) -> Vec<String> {
    let (library, _) = context();
    let bank = cqpt::quiz::load(&cqpt::source::DataSource::Embedded, library).unwrap();
    bank.questions.iter().filter(|q| q.drawable_for_evaluation()).take(n).map(|q| q.id.clone()).collect()
}

#[test]
fn a_simulated_population_gives_facility_and_discrimination_back_in_order() {
    let (library, policy) = context();
    let bank = cqpt::quiz::load(&cqpt::source::DataSource::Embedded, library).unwrap();
    let ids = ids(8);
    // Five questions from easy to hard, equally discriminating; three of equal difficulty from
    // blunt to sharp.
    let mut questions: Vec<SimulatedQuestion> = [-2.0, -1.0, 0.0, 1.0, 2.0]
        .iter()
        .zip(&ids)
        .map(|(b, id)| SimulatedQuestion { question: id.clone(), difficulty: *b, discrimination: 1.5 })
        .collect();
    for (a, id) in [0.3, 1.0, 3.0].iter().zip(&ids[5..]) {
        questions.push(SimulatedQuestion { question: id.clone(), difficulty: 0.0, discrimination: *a });
    }
    let results = quiz_results(&questions, &quiz_abilities(3_000, 17), 23);
    let s = stats::stats(&bank, &results, policy);
    let of = |id: &str| s.questions.iter().find(|q| q.question == id).unwrap();
    let facility: Vec<f64> = ids[..5].iter().map(|id| of(id).facility).collect();
    assert!(facility.windows(2).all(|w| w[0] > w[1]), "facility falls with difficulty: {facility:?}");
    let pbis: Vec<f64> = ids[5..].iter().map(|id| of(id).point_biserial.unwrap()).collect();
    assert!(pbis.windows(2).all(|w| w[0] < w[1]), "point-biserial rises with discrimination: {pbis:?}");
    let ul: Vec<f64> = ids[5..].iter().map(|id| of(id).upper_lower.unwrap()).collect();
    assert!(ul.windows(2).all(|w| w[0] < w[1]), "upper-lower rises with discrimination: {ul:?}");
    assert!(
        of(&ids[0]).review.iter().any(|r| r.reason == stats::ReviewReason::TooEasy),
        "{:?}",
        of(&ids[0]).review
    );
    assert!(
        of(&ids[5]).review.iter().any(|r| r.reason == stats::ReviewReason::PoorDiscrimination),
        "{:?}",
        of(&ids[5]).review
    );
    // Each reason to review is a code with its French label (referentiels/libelles.toml).
    let labels = cqpt::context::load_labels(&cqpt::source::DataSource::Embedded).unwrap();
    let easy = of(&ids[0]).review.iter().find(|r| r.reason == stats::ReviewReason::TooEasy).unwrap();
    assert!(easy.describe(&labels).starts_with("trop facile ("), "{}", easy.describe(&labels));
    let csv = stats::to_csv(&s, &labels);
    assert!(csv.contains("discrimine mal (r = 0,"), "{csv}");
    let kr = s.reliability[0].kr20.unwrap();
    assert!(kr > 0.3 && kr < 0.9, "KR-20 {kr}");
}

#[test]
fn quiz_stats_writes_csv_and_pdf_from_result_files() {
    let dir = tempfile::tempdir().unwrap();
    let ids = ids(4);
    let questions: Vec<SimulatedQuestion> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| SimulatedQuestion {
            question: id.clone(),
            difficulty: i as f64 - 1.5,
            discrimination: 1.0,
        })
        .collect();
    let mut files = Vec::new();
    for (n, r) in quiz_results(&questions, &quiz_abilities(40, 3), 5).iter().enumerate() {
        let mut yaml =
            format!("sitting: {}\nseed: 1\ndate: 2026-11-30\nby: E\nlevels: {{}}\nanswers:\n", r.sitting);
        for a in &r.answers {
            yaml.push_str(&format!(
                "- number: {}\n  question: {}\n  given: {}\n  correct: {}\n  late: false\n  order: ABCD\n",
                a.number, a.question, a.given, a.correct
            ));
        }
        let path = dir.path().join(format!("r{n}.yaml"));
        std::fs::write(&path, yaml).unwrap();
        files.push(path);
    }
    let csv = dir.path().join("stats.csv");
    let pdf = dir.path().join("stats.pdf");
    let r = run_cmd(
        cqpt()
            .args(["quiz", "stats"])
            .args(&files)
            .arg("--csv")
            .arg(&csv)
            .arg("--pdf")
            .arg(&pdf)
            .args(["--date", "2026-11-30"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("question,item,level,answers,facility,point_biserial,upper_lower,choices,review\n")
    );
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(r.stderr.contains("simulation: 40 candidate(s), 4 question(s), KR-20"), "{}", r.stderr);
    let pages = crate::documents::pdf_text(&std::fs::read(&pdf).unwrap());
    assert!(pages.contains("Statistiques des questions du quiz") && pages.contains(&ids[0]), "{pages}");
}
