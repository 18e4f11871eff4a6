//! Sittings that cannot be learned: the secret seed, the disjoint pools of phase 0 and phase
//! 2B (a property over many draws), near-duplicates kept apart, savoirs only in 2B, the size of
//! a sitting, the overlap of two sittings and the exposure limit.

use crate::builder::context;
use crate::quiz::spec;
use cqpt::quiz::{self, Exposure, Purpose, Sitting};
use cqpt::referentiel::ItemKind;
use cqpt::source::DataSource;
use std::collections::{BTreeSet, HashSet};

fn bank() -> &'static quiz::Bank {
    static BANK: std::sync::OnceLock<quiz::Bank> = std::sync::OnceLock::new();
    BANK.get_or_init(|| quiz::load(&DataSource::Embedded, &context().0).expect("the shipped bank loads"))
}

fn draw(certificate: &str, purpose: Purpose, seed: u64) -> Sitting {
    let (library, policy) = context();
    quiz::draw(bank(), library, policy, &spec(certificate, purpose), seed).unwrap()
}

fn ids(s: &Sitting) -> BTreeSet<String> {
    s.questions.iter().map(|q| q.question.clone()).collect()
}

/// A phase 0 question never reaches the same candidate's 2B sitting, nor a near-duplicate of
/// one; every 2B question is live, of the 2B pool, on savoirs only; near-duplicates never meet;
/// every savoir is assessed within the policy's maximum.
#[test]
fn a_phase_0_question_never_reaches_the_candidates_2b_sitting() {
    let (library, policy) = context();
    let b = bank();
    for certificate in ["distance", "point-de-distribution"] {
        let savoirs = quiz::quiz_items(library, policy, Some(certificate));
        for candidate in 0..150u64 {
            let p0 = draw(certificate, Purpose::Prediagnostic, candidate.wrapping_mul(7919));
            let mut s = spec(certificate, Purpose::Evaluation);
            s.seen = ids(&p0);
            let ev = quiz::draw(b, library, policy, &s, candidate.wrapping_mul(104_729) ^ 0xdead).unwrap();
            let seen_clusters: HashSet<&str> =
                p0.questions.iter().map(|q| b.cluster_of(&q.question)).collect();
            let mut clusters = HashSet::new();
            for q in &ev.questions {
                assert!(!s.seen.contains(&q.question), "{} seen in phase 0", q.question);
                assert!(
                    !seen_clusters.contains(b.cluster_of(&q.question)),
                    "{} near a phase 0 question",
                    q.question
                );
                assert!(clusters.insert(b.cluster_of(&q.question)), "two near-duplicates: {}", q.question);
                let bq = b.get(&q.question).unwrap();
                assert!(bq.drawable_for_evaluation(), "{} not live in the 2B pool", q.question);
                for item in &q.items {
                    assert_ne!(library.item(item).unwrap().kind, ItemKind::SavoirFaire, "{item} in 2B");
                }
            }
            assert!(ev.questions.len() <= policy.quiz.max_questions);
            for item in &savoirs {
                assert!(
                    ev.questions.iter().any(|q| q.items.iter().any(|i| i == item)),
                    "{item} not assessed"
                );
            }
            let score = quiz::score(&ev, &crate::quiz::all_right(&ev), policy);
            for item in score.levels.keys() {
                assert_ne!(
                    library.item(item).unwrap().kind,
                    ItemKind::SavoirFaire,
                    "{item} levelled by the quiz"
                );
            }
        }
    }
}

#[test]
fn the_candidate_sees_a_reference_that_rebuilds_nothing() {
    let (library, policy) = context();
    let mut s = spec("distance", Purpose::Evaluation);
    s.reference = "2026-11-30-07".into();
    let a = quiz::draw(bank(), library, policy, &s, 0x5eed_1234_5678_9abc).unwrap();
    assert_eq!(a.id, "2026-11-30-07");
    let json = serde_json::to_string(&a).unwrap();
    assert!(!json.contains("seed") && !json.contains(&a.seed.to_string()), "no seed shown");
    assert!(!json.contains("explanation") && !json.contains("\"key\""), "no key shown");
    let b = quiz::draw(bank(), library, policy, &s, 0x5eed_1234_5678_9abd).unwrap();
    assert_ne!(ids(&a), ids(&b), "the same reference with another seed is another sitting");
}

/// The mean share of questions two sittings have in common stays under a third.
#[test]
fn two_sittings_share_at_most_a_third_of_their_questions() {
    for certificate in ["distance", "point-de-distribution"] {
        let sittings: Vec<BTreeSet<String>> =
            (0..40).map(|seed| ids(&draw(certificate, Purpose::Evaluation, seed * 31 + 5))).collect();
        let mut shares = Vec::new();
        for (i, a) in sittings.iter().enumerate() {
            for b in &sittings[i + 1..] {
                shares.push(a.intersection(b).count() as f64 / a.len().min(b.len()) as f64);
            }
        }
        let mean = shares.iter().sum::<f64>() / shares.len() as f64;
        assert!(mean <= 1.0 / 3.0, "{certificate}: two sittings share {:.0} % on average", mean * 100.0);
    }
}

/// Once the policy's number of sittings is drawn, a question over the exposure limit is drawn
/// only when nothing else covers its item: the most drawn questions stay near the limit.
#[test]
fn the_exposure_limit_holds_questions_back() {
    let (library, policy) = context();
    let mut exposure = Exposure::default();
    let mut s = spec("point-de-distribution", Purpose::Evaluation);
    for seed in 0..120u64 {
        s.exposure = exposure.clone();
        let sitting = quiz::draw(bank(), library, policy, &s, seed).unwrap();
        exposure.record(&sitting);
    }
    let limit = f64::from(policy.quiz.exposure_percent) / 100.0;
    let over: Vec<(&String, f64)> = exposure
        .drawn
        .iter()
        .map(|(q, n)| (q, f64::from(*n) / f64::from(exposure.sittings)))
        .filter(|(_, rate)| *rate > limit + 0.05)
        .collect();
    assert!(over.is_empty(), "over the exposure limit: {over:?}");
    // Without the limit the same draws go over it.
    let mut loose = policy.clone();
    loose.quiz.exposure_percent = 100;
    let mut free = Exposure::default();
    for seed in 0..120u64 {
        free.record(
            &quiz::draw(bank(), library, &loose, &spec("point-de-distribution", Purpose::Evaluation), seed)
                .unwrap(),
        );
    }
    let max = free.drawn.values().max().copied().unwrap_or(0);
    assert!(f64::from(max) / 120.0 > limit, "the limit is what holds them back ({max} of 120)");
}

#[test]
fn a_question_already_seen_is_not_drawn_again() {
    let (library, policy) = context();
    let first = draw("distance", Purpose::Evaluation, 3);
    let mut s = spec("distance", Purpose::Evaluation);
    s.seen = first.questions.iter().take(10).map(|q| q.question.clone()).collect();
    let again = quiz::draw(bank(), library, policy, &s, 3).unwrap();
    assert!(again.questions.iter().all(|q| !s.seen.contains(&q.question)));
}

#[test]
fn a_bank_that_cannot_cover_a_certificate_in_its_size_is_refused_with_the_remedy() {
    let (library, policy) = context();
    let mut small = policy.clone();
    small.quiz.max_questions = 20;
    let e = quiz::draw(bank(), library, &small, &spec("distance", Purpose::Evaluation), 1).unwrap_err();
    assert!(e.to_string().contains("write questions that assess several items"), "{e}");
}
