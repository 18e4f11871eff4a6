//! Item statistics over the results of real sittings (`cqpt quiz stats`), as certifiers keep a
//! bank honest: per question its facility (share of candidates right), its discrimination (the
//! point-biserial correlation with the rest of the sitting, and the upper-lower index over the
//! top and bottom 27 % of candidates), the rate each choice was picked; per group of results
//! that answered the same questions, the reliability KR-20; and the questions to review.

use super::bank::Bank;
use crate::documents::labels::{LabelSet, Labels};
use crate::policy::Policy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One answer of a result, as the result files hold it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ResultAnswer {
    /// Number in the sitting.
    pub number: usize,
    /// Bank question id.
    pub question: String,
    /// The letters given.
    #[serde(default)]
    pub given: String,
    /// Marked right.
    pub correct: bool,
    /// Given after the time limit.
    #[serde(default)]
    pub late: bool,
    /// The bank's choices shown under A, B, C… (`CADB`), when recorded.
    #[serde(default)]
    pub order: Option<String>,
}

/// The result of one candidate's sitting, as `cqpt quiz score` and the server write it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SittingResult {
    /// The sitting's public reference.
    pub sitting: String,
    /// Every answer.
    #[serde(default)]
    pub answers: Vec<ResultAnswer>,
}

/// Reads a result file (the `quiz:` section `cqpt quiz score` writes).
pub fn read_result(file: &str, text: &str) -> Result<SittingResult, String> {
    serde_saphyr::from_str::<SittingResult>(text).map_err(|e| format!("{file}: not a quiz result: {e}"))
}

/// The statistics of one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionStats {
    /// Bank question id.
    pub question: String,
    /// Its first item.
    pub item: String,
    /// Its level.
    pub level: u8,
    /// Candidates who met it.
    pub answers: usize,
    /// Share right, 0 to 1.
    pub facility: f64,
    /// Point-biserial correlation of being right with the rest score (the sitting's score
    /// without this question); `None` when every candidate scored alike.
    pub point_biserial: Option<f64>,
    /// Share right in the top 27 % minus share right in the bottom 27 % (by sitting score).
    pub upper_lower: Option<f64>,
    /// Share of candidates who picked each choice, in the bank's order (A is the bank's first).
    pub choices: Vec<ChoiceRate>,
    /// Why to review it (empty: nothing seen).
    pub review: Vec<Review>,
}

/// Why a question is to be reviewed: a stable code (its French label in the `[revue-question]`
/// table of `referentiels/libelles.toml`) and the figure that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewReason {
    /// Fewer candidates right than the policy's minimum facility.
    TooHard,
    /// More candidates right than the policy's maximum facility.
    TooEasy,
    /// A point-biserial correlation under the policy's minimum.
    PoorDiscrimination,
    /// A distractor picked by fewer candidates than the policy's minimum.
    RareDistractor,
}

impl ReviewReason {
    /// Every reason.
    pub const ALL: [ReviewReason; 4] = [
        ReviewReason::TooHard,
        ReviewReason::TooEasy,
        ReviewReason::PoorDiscrimination,
        ReviewReason::RareDistractor,
    ];

    /// Its stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewReason::TooHard => "too-hard",
            ReviewReason::TooEasy => "too-easy",
            ReviewReason::PoorDiscrimination => "poor-discrimination",
            ReviewReason::RareDistractor => "rare-distractor",
        }
    }
}

/// A reason to review a question, with its figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    /// The reason.
    pub reason: ReviewReason,
    /// The figure, in French (`12 % de bonnes réponses`, `r = 0,12`, `C : 3 %`).
    pub figure: String,
}

impl Review {
    /// The review as a reader sees it: the French label of its reason and its figure.
    pub fn describe(&self, labels: &Labels) -> String {
        format!("{} ({})", labels.get(LabelSet::RevueQuestion, self.reason.as_str()), self.figure)
    }
}

/// How often a choice was picked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceRate {
    /// The bank's letter of the choice.
    pub letter: char,
    /// Part of the key.
    pub key: bool,
    /// Share of the candidates who met the question and picked it.
    pub rate: f64,
}

/// The reliability of a group of results that answered the same questions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reliability {
    /// The sitting reference of the group.
    pub sitting: String,
    /// Candidates.
    pub candidates: usize,
    /// Questions.
    pub questions: usize,
    /// KR-20, when there are two candidates and two questions at least and the scores vary.
    pub kr20: Option<f64>,
}

/// The statistics of a bank over results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Per question met at least once, in bank order.
    pub questions: Vec<QuestionStats>,
    /// Per group of identical sittings.
    pub reliability: Vec<Reliability>,
}

/// The mean of `xs` (0 when empty).
fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() { 0.0 } else { xs.iter().sum::<f64>() / xs.len() as f64 }
}

/// The population variance of `xs`.
fn variance(xs: &[f64]) -> f64 {
    let m = mean(xs);
    mean(&xs.iter().map(|x| (x - m) * (x - m)).collect::<Vec<_>>())
}

/// KR-20 of a matrix of right (true) and wrong answers, one row per candidate, one column per
/// question: k/(k−1) × (1 − Σ p·q / σ²), σ² the population variance of the candidates' scores.
/// `None` with fewer than two candidates or questions, or scores that do not vary.
pub fn kr20(matrix: &[Vec<bool>]) -> Option<f64> {
    let k = matrix.first()?.len();
    if matrix.len() < 2 || k < 2 || matrix.iter().any(|r| r.len() != k) {
        return None;
    }
    let n = matrix.len() as f64;
    let totals: Vec<f64> = matrix.iter().map(|r| r.iter().filter(|x| **x).count() as f64).collect();
    let var = variance(&totals);
    if var <= 0.0 {
        return None;
    }
    let pq: f64 = (0..k)
        .map(|j| {
            let p = matrix.iter().filter(|r| r[j]).count() as f64 / n;
            p * (1.0 - p)
        })
        .sum();
    let k = k as f64;
    Some(k / (k - 1.0) * (1.0 - pq / var))
}

/// The point-biserial correlation of `right` with `scores` (population standard deviation).
pub fn point_biserial(right: &[bool], scores: &[f64]) -> Option<f64> {
    let sd = variance(scores).sqrt();
    let n = right.len() as f64;
    let ones: Vec<f64> = right.iter().zip(scores).filter(|(r, _)| **r).map(|(_, s)| *s).collect();
    let zeros: Vec<f64> = right.iter().zip(scores).filter(|(r, _)| !**r).map(|(_, s)| *s).collect();
    if sd <= 0.0 || ones.is_empty() || zeros.is_empty() {
        return None;
    }
    let p = ones.len() as f64 / n;
    Some((mean(&ones) - mean(&zeros)) / sd * (p * (1.0 - p)).sqrt())
}

/// The upper-lower index: share right among the top 27 % by score minus among the bottom 27 %.
pub fn upper_lower(right: &[bool], scores: &[f64]) -> Option<f64> {
    let n = right.len();
    let group = ((n as f64) * 0.27).round() as usize;
    if group == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
    let share = |idx: &[usize]| idx.iter().filter(|i| right[**i]).count() as f64 / idx.len() as f64;
    Some(share(&order[n - group..]) - share(&order[..group]))
}

/// The statistics of `bank`'s questions over `results`, with the policy's review thresholds.
pub fn stats(bank: &Bank, results: &[SittingResult], policy: &Policy) -> Stats {
    let limits = &policy.quiz.stats;
    let totals: Vec<f64> =
        results.iter().map(|r| r.answers.iter().filter(|a| a.correct).count() as f64).collect();
    let mut questions = Vec::new();
    for q in &bank.questions {
        let mut right = Vec::new();
        let mut rest = Vec::new();
        let mut picked = vec![0usize; q.choices.len()];
        for (r, total) in results.iter().zip(&totals) {
            let Some(a) = r.answers.iter().find(|a| a.question == q.id) else { continue };
            right.push(a.correct);
            rest.push(total - if a.correct { 1.0 } else { 0.0 });
            let order: Vec<char> = a.order.as_deref().unwrap_or("").chars().collect();
            for letter in a.given.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_uppercase()) {
                let shown = usize::from(letter as u8 - b'A');
                if let Some(bank_letter) = order.get(shown)
                    && let Some(slot) =
                        picked.get_mut(usize::from(*bank_letter as u8).wrapping_sub(usize::from(b'A')))
                {
                    *slot += 1;
                }
            }
        }
        if right.is_empty() {
            continue;
        }
        let n = right.len();
        let facility = right.iter().filter(|x| **x).count() as f64 / n as f64;
        let point_biserial = point_biserial(&right, &rest);
        let upper_lower = upper_lower(&right, &rest);
        let choices: Vec<ChoiceRate> = q
            .choices
            .iter()
            .zip(&picked)
            .enumerate()
            .map(|(i, (c, p))| ChoiceRate {
                letter: char::from(b'A' + u8::try_from(i).unwrap_or(25)),
                key: c.correct,
                rate: *p as f64 / n as f64,
            })
            .collect();
        let mut review = Vec::new();
        if n >= limits.min_answers {
            let pct = |x: f64| x * 100.0;
            let flag = |reason, figure: String| Review { reason, figure };
            if pct(facility) < f64::from(limits.facility_min_percent) {
                review
                    .push(flag(ReviewReason::TooHard, format!("{:.0} % de bonnes réponses", pct(facility))));
            }
            if pct(facility) > f64::from(limits.facility_max_percent) {
                review
                    .push(flag(ReviewReason::TooEasy, format!("{:.0} % de bonnes réponses", pct(facility))));
            }
            if let Some(r) = point_biserial.filter(|r| pct(*r) < f64::from(limits.discrimination_min_percent))
            {
                review.push(flag(ReviewReason::PoorDiscrimination, format!("r = {}", french(Some(r)))));
            }
            let has_order =
                results.iter().any(|r| r.answers.iter().any(|a| a.question == q.id && a.order.is_some()));
            for c in choices.iter().filter(|c| !c.key && has_order) {
                if pct(c.rate) < f64::from(limits.distractor_min_percent) {
                    review.push(flag(
                        ReviewReason::RareDistractor,
                        format!("{} : {:.0} %", c.letter, pct(c.rate)),
                    ));
                }
            }
        }
        questions.push(QuestionStats {
            question: q.id.clone(),
            item: q.item.clone(),
            level: q.level,
            answers: n,
            facility,
            point_biserial,
            upper_lower,
            choices,
            review,
        });
    }
    let mut groups: BTreeMap<(String, Vec<String>), Vec<&SittingResult>> = BTreeMap::new();
    for r in results {
        let mut ids: Vec<String> = r.answers.iter().map(|a| a.question.clone()).collect();
        ids.sort();
        groups.entry((r.sitting.clone(), ids)).or_default().push(r);
    }
    let reliability = groups
        .into_iter()
        .map(|((sitting, ids), rs)| {
            let matrix: Vec<Vec<bool>> = rs
                .iter()
                .map(|r| {
                    ids.iter().map(|id| r.answers.iter().any(|a| &a.question == id && a.correct)).collect()
                })
                .collect();
            Reliability { sitting, candidates: rs.len(), questions: ids.len(), kr20: kr20(&matrix) }
        })
        .collect();
    Stats { questions, reliability }
}

/// The statistics as CSV: one row per question, the reasons to review in French.
pub fn to_csv(stats: &Stats, labels: &Labels) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let f = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.3}"));
    let _ = w.write_record([
        "question",
        "item",
        "level",
        "answers",
        "facility",
        "point_biserial",
        "upper_lower",
        "choices",
        "review",
    ]);
    for q in &stats.questions {
        let choices: Vec<String> = q
            .choices
            .iter()
            .map(|c| format!("{}{}:{:.3}", c.letter, if c.key { "*" } else { "" }, c.rate))
            .collect();
        let _ = w.write_record([
            q.question.clone(),
            q.item.clone(),
            q.level.to_string(),
            q.answers.to_string(),
            format!("{:.3}", q.facility),
            f(q.point_biserial),
            f(q.upper_lower),
            choices.join(" "),
            q.review.iter().map(|r| r.describe(labels)).collect::<Vec<_>>().join("; "),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A row of the PDF report.
#[derive(Serialize)]
pub struct StatsRow {
    question: String,
    level: u8,
    answers: usize,
    facility: String,
    point_biserial: String,
    upper_lower: String,
    choices: String,
    review: String,
}

/// A group's reliability in the PDF report.
#[derive(Serialize)]
pub struct ReliabilityRow {
    sitting: String,
    candidates: usize,
    questions: usize,
    kr20: String,
}

/// The view of `templates/quiz-statistiques.hbs`.
#[derive(Serialize)]
pub struct StatsView {
    questions: Vec<StatsRow>,
    reliability: Vec<ReliabilityRow>,
    to_review: usize,
    count: usize,
}

/// A decimal number the French way (`0,42`), or a dash.
fn french(x: Option<f64>) -> String {
    x.map_or("—".to_string(), |x| format!("{x:.2}").replace('.', ","))
}

/// Builds the view of the PDF report (and of the workspace's page).
pub fn view(stats: &Stats, labels: &Labels) -> StatsView {
    StatsView {
        questions: stats
            .questions
            .iter()
            .map(|q| StatsRow {
                question: q.question.clone(),
                level: q.level,
                answers: q.answers,
                facility: french(Some(q.facility)),
                point_biserial: french(q.point_biserial),
                upper_lower: french(q.upper_lower),
                choices: q
                    .choices
                    .iter()
                    .map(|c| format!("{}{} {:.0} %", c.letter, if c.key { "*" } else { "" }, c.rate * 100.0))
                    .collect::<Vec<_>>()
                    .join(" · "),
                review: q.review.iter().map(|r| r.describe(labels)).collect::<Vec<_>>().join(" ; "),
            })
            .collect(),
        reliability: stats
            .reliability
            .iter()
            .map(|r| ReliabilityRow {
                sitting: r.sitting.clone(),
                candidates: r.candidates,
                questions: r.questions,
                kr20: french(r.kr20),
            })
            .collect(),
        to_review: stats.questions.iter().filter(|q| !q.review.is_empty()).count(),
        count: stats.questions.len(),
    }
}
