//! A sitting: questions drawn from the bank for a certificate, at most the policy's number,
//! every assessed item represented, answer order shuffled.
//!
//! The draw takes a **secret seed** kept by whoever runs the sitting (the server), apart from
//! the sitting's public reference: the reference a candidate sees rebuilds nothing. A phase 2B
//! sitting draws live questions of the 2B pool only, assessing savoirs only (art. 6-2,
//! annexe 2 §III 2B); a phase 0 sitting draws from the disjoint phase 0 pool. Questions of one
//! near-duplicate family never meet in a sitting, and a question over the exposure limit is
//! drawn only when nothing else covers its item.

use super::bank::{Bank, Question, QuestionKind};
use super::coverage::{sitting_items, unit_of};
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::referentiel::Library;
use crate::rng::Rng;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::str::FromStr;

/// What a sitting is for: the same bank, disjoint pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Phase 0, the optional prédiagnostic.
    Prediagnostic,
    /// Phase 2B, the evaluation.
    #[default]
    Evaluation,
}

impl Purpose {
    /// `p0` or `2b`.
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Prediagnostic => "p0",
            Purpose::Evaluation => "2b",
        }
    }
}

/// What to draw: everything but the secret seed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SittingSpec {
    /// Certificate.
    pub certificate: String,
    /// Purpose.
    pub purpose: Purpose,
    /// The public reference shown to the candidate and printed on paper; it must not reveal the
    /// seed (the server numbers its sittings, e.g. `2026-11-30-07`).
    pub reference: String,
    /// Questions the candidate has already seen (their phase 0 sitting): never drawn.
    pub seen: BTreeSet<String>,
    /// How often each question was drawn for this certificate so far.
    pub exposure: Exposure,
}

/// How often questions were drawn: the number of sittings so far and, per question id, how
/// many of them held it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exposure {
    /// Sittings drawn so far.
    pub sittings: u32,
    /// Sittings that held each question.
    pub drawn: BTreeMap<String, u32>,
}

impl Exposure {
    /// Counts a drawn sitting.
    pub fn record(&mut self, sitting: &Sitting) {
        self.sittings += 1;
        for q in &sitting.questions {
            *self.drawn.entry(q.question.clone()).or_default() += 1;
        }
    }

    /// Whether drawing `question` once more would put it over the policy's exposure limit.
    pub fn over(&self, question: &str, policy: &Policy) -> bool {
        if self.sittings < policy.quiz.exposure_after {
            return false;
        }
        let drawn = u64::from(self.drawn.get(question).copied().unwrap_or(0));
        (drawn + 1) * 100 > u64::from(policy.quiz.exposure_percent) * (u64::from(self.sittings) + 1)
    }
}

/// The former id of a sitting, `<certificate>-<p0|2b>-<seed>`, as the standalone server's
/// sittings file still names them (the seed stays in that evaluator's file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SittingId {
    /// Certificate.
    pub certificate: String,
    /// Purpose.
    pub purpose: Purpose,
    /// Seed.
    pub seed: u64,
}

impl SittingId {
    /// What to draw, with a public reference that does not hold the seed.
    pub fn spec(&self) -> SittingSpec {
        SittingSpec {
            certificate: self.certificate.clone(),
            purpose: self.purpose,
            reference: format!("{}-{}", self.certificate, self.purpose.code()),
            ..SittingSpec::default()
        }
    }
}

impl fmt::Display for SittingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.certificate, self.purpose.code(), self.seed)
    }
}

impl FromStr for SittingId {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<SittingId, String> {
        let bad = || format!("\"{s}\" is not a sitting id like distance-2b-42 (certificate, p0 or 2b, seed)");
        let mut parts = s.rsplitn(3, '-');
        let seed = parts.next().and_then(|x| x.parse::<u64>().ok()).ok_or_else(bad)?;
        let purpose = match parts.next() {
            Some("p0") => Purpose::Prediagnostic,
            Some("2b") => Purpose::Evaluation,
            _ => return Err(bad()),
        };
        let certificate = parts.next().filter(|c| !c.is_empty()).ok_or_else(bad)?.to_string();
        Ok(SittingId { certificate, purpose, seed })
    }
}

/// A choice as shown in a sitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SittingChoice {
    /// A, B, C…
    pub letter: char,
    /// Its text.
    pub text: String,
}

/// A question as drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SittingQuestion {
    /// Its number in the sitting.
    pub number: usize,
    /// The bank's question id.
    pub question: String,
    /// The first item it assesses.
    pub item: String,
    /// Every item it assesses.
    #[serde(skip)]
    pub items: Vec<String>,
    /// The level it tests.
    pub level: u8,
    /// Single or multiple.
    pub kind: QuestionKind,
    /// The question.
    pub text: String,
    /// Choices, shuffled.
    pub choices: Vec<SittingChoice>,
    /// The letters of the right choices (never shown to a candidate).
    #[serde(skip)]
    pub key: Vec<char>,
    /// The bank's index of the choice shown under each letter (never shown to a candidate).
    #[serde(skip)]
    pub order: Vec<usize>,
    /// The question's Angoff rating, percent (never shown to a candidate).
    #[serde(skip)]
    pub angoff: Option<u8>,
    /// Why (never shown to a candidate).
    #[serde(skip)]
    pub explanation: String,
}

/// A sitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sitting {
    /// Its public reference (rebuilds nothing).
    pub id: String,
    /// Certificate.
    pub certificate: String,
    /// Purpose.
    pub purpose: Purpose,
    /// The secret seed it was drawn with (never shown to a candidate).
    #[serde(skip)]
    pub seed: u64,
    /// Minutes allowed.
    pub minutes: u32,
    /// The items of the certificate it assesses.
    #[serde(skip)]
    pub items: Vec<String>,
    /// The unit each item's level is decided in (its environment, or itself), by the policy.
    #[serde(skip)]
    pub units: BTreeMap<String, String>,
    /// Questions, in the order asked.
    pub questions: Vec<SittingQuestion>,
}

fn salt(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// Draws of the cover tried before the smallest cover is taken.
const COVER_ATTEMPTS: usize = 64;

/// The questions a draw may take and what they conflict with.
struct Candidates<'b> {
    /// Eligible questions: right pool and status, not seen, on an item of the sitting.
    questions: Vec<&'b Question>,
    /// Questions over the exposure limit (ids).
    over: HashSet<&'b str>,
}

/// The cluster of near-duplicates a question belongs to.
fn cluster<'b>(bank: &'b Bank, q: &'b Question) -> &'b str {
    bank.cluster_of(&q.id)
}

/// One attempt at a sitting: cover every item, then fill to the maximum.
fn attempt<'b>(
    bank: &'b Bank,
    c: &Candidates<'b>,
    items: &[&str],
    max: usize,
    rng: &mut Rng,
    greedy: bool,
    strict: bool,
) -> std::result::Result<Vec<&'b Question>, String> {
    let mut drawn: Vec<&Question> = Vec::new();
    let mut clusters: HashSet<&str> = HashSet::new();
    let mut covered: HashSet<&str> = HashSet::new();
    let mut order: Vec<&str> = items.to_vec();
    shuffle(&mut order, rng);
    let mut levels = [1u8, 2, 3];
    let mut next_level = 0;
    for item in order {
        if covered.contains(item) {
            continue;
        }
        if next_level % 3 == 0 {
            shuffle(&mut levels, rng);
        }
        let target = levels[next_level % 3];
        next_level += 1;
        let free = |q: &&&Question| q.assesses(item) && !clusters.contains(cluster(bank, q));
        let gain = |q: &Question| {
            q.items.iter().filter(|i| items.contains(&i.as_str()) && !covered.contains(i.as_str())).count()
        };
        let all: Vec<&&Question> = c.questions.iter().filter(free).collect();
        let within: Vec<&&Question> =
            all.iter().copied().filter(|q| !c.over.contains(q.id.as_str())).collect();
        let best_all = all.iter().map(|q| gain(q)).max().ok_or_else(|| item.to_string())?;
        let best_within = within.iter().map(|q| gain(q)).max().unwrap_or(0);
        // Over the exposure limit: only when nothing within it does as well (strict: only when
        // nothing within it covers the item at all).
        let pool: Vec<&&Question> = if !within.is_empty() && (strict || best_within >= best_all) {
            within
        } else if strict {
            all
        } else {
            all.into_iter().filter(|q| gain(q) == best_all).collect()
        };
        let q = if greedy {
            let best = pool.iter().map(|q| gain(q)).max().unwrap_or(1);
            let top: Vec<_> = pool.iter().filter(|q| gain(q) == best).collect();
            **top[rng.below(top.len())]
        } else {
            // Weighted by the items still uncovered it assesses, so a sitting stays in its size,
            // and thrice for the level this item's turn asks for.
            let weights: Vec<usize> =
                pool.iter().map(|q| gain(q).max(1) * if q.level == target { 3 } else { 1 }).collect();
            let mut pick = rng.below(weights.iter().sum());
            let mut chosen = pool[0];
            for (q, w) in pool.iter().zip(&weights) {
                if pick < *w {
                    chosen = q;
                    break;
                }
                pick -= w;
            }
            *chosen
        };
        clusters.insert(cluster(bank, q));
        covered.extend(q.items.iter().map(String::as_str));
        drawn.push(q);
    }
    let mut rest: Vec<&&Question> = c
        .questions
        .iter()
        .filter(|q| !c.over.contains(q.id.as_str()) && !drawn.iter().any(|d| d.id == q.id))
        .collect();
    shuffle(&mut rest, rng);
    for q in rest {
        if drawn.len() >= max {
            break;
        }
        if clusters.insert(cluster(bank, q)) {
            drawn.push(q);
        }
    }
    Ok(drawn)
}

/// Draws a sitting for `spec` with the secret `seed`: the same spec and seed give the same
/// sitting. Every assessed item of the certificate is covered (phase 2B: the savoirs; phase 0:
/// the items its pool covers), within the policy's maximum of questions.
pub fn draw(
    bank: &Bank,
    library: &Library,
    policy: &Policy,
    spec: &SittingSpec,
    seed: u64,
) -> Result<Sitting> {
    if library
        .referentiel(&spec.certificate)
        .is_none_or(|r| r.kind != crate::referentiel::ReferentielKind::Certificat)
    {
        return Err(Error::Unknown {
            what: "certificate",
            id: spec.certificate.clone(),
            known: library.certificates().map(|r| r.id.clone()).collect::<Vec<_>>().join(", "),
        });
    }
    let all_items = sitting_items(library, policy, &spec.certificate, spec.purpose);
    let eligible = |q: &&Question| match spec.purpose {
        Purpose::Evaluation => q.drawable_for_evaluation(),
        Purpose::Prediagnostic => q.drawable_for_prediagnostic(),
    };
    let questions: Vec<&Question> = bank
        .questions
        .iter()
        .filter(eligible)
        .filter(|q| !spec.seen.contains(&q.id))
        .filter(|q| q.items.iter().any(|i| all_items.contains(&i.as_str())))
        .collect();
    let over: HashSet<&str> =
        questions.iter().filter(|q| spec.exposure.over(&q.id, policy)).map(|q| q.id.as_str()).collect();
    // Phase 0 is advice: it covers what its pool offers; phase 2B covers every item or fails.
    let items: Vec<&str> = match spec.purpose {
        Purpose::Evaluation => all_items.clone(),
        Purpose::Prediagnostic => {
            all_items.iter().copied().filter(|i| questions.iter().any(|q| q.assesses(i))).collect()
        }
    };
    let max = policy.quiz.max_questions;
    let mut rng = Rng::new(seed ^ salt(&spec.certificate) ^ salt(spec.purpose.code()).rotate_left(17));
    let mut drawn = None;
    // First within the exposure limit; when the questions left cannot cover every item in the
    // sitting's size, with the over-exposed ones too.
    let candidates = Candidates { questions, over };
    'draws: for strict in [true, false] {
        for n in 0..=COVER_ATTEMPTS {
            match attempt(bank, &candidates, &items, max, &mut rng, n == COVER_ATTEMPTS, strict) {
                Err(item) => {
                    return Err(Error::Data(format!(
                        "the quiz bank has no {} question left on `{item}` for a {} sitting of `{}`: see cqpt quiz coverage",
                        if spec.purpose == Purpose::Evaluation { "live 2B" } else { "phase 0" },
                        spec.purpose.code(),
                        spec.certificate
                    )));
                }
                Ok(d) if d.len() <= max => {
                    drawn = Some(d);
                    break 'draws;
                }
                Ok(_) => {}
            }
        }
    }
    let Some(mut drawn) = drawn else {
        return Err(Error::Data(format!(
            "the quiz bank cannot assess every item of `{}` in {max} questions: write questions that assess several items, or raise quiz.max_questions",
            spec.certificate
        )));
    };
    shuffle(&mut drawn, &mut rng);
    let questions = drawn.into_iter().enumerate().map(|(i, q)| shown(i + 1, q, &mut rng)).collect();
    Ok(assemble(library, policy, spec, seed, &items, questions))
}

/// What a server keeps of a drawn sitting to show it again after a restart, whatever the bank's
/// exposure has become since: each question's id and the order of its choices, as asked.
pub fn drawn_questions(sitting: &Sitting) -> Vec<(String, Vec<usize>)> {
    sitting.questions.iter().map(|q| (q.question.clone(), q.order.clone())).collect()
}

/// The sitting [`drawn_questions`] kept, rebuilt from the bank: the same questions in the same
/// order, the same letters; an error when the bank no longer has one of them (or its choices
/// changed), since the key would then be another.
pub fn rebuild(
    bank: &Bank,
    library: &Library,
    policy: &Policy,
    spec: &SittingSpec,
    seed: u64,
    drawn: &[(String, Vec<usize>)],
) -> Result<Sitting> {
    let mut questions = Vec::with_capacity(drawn.len());
    for (i, (id, order)) in drawn.iter().enumerate() {
        let q = bank.get(id).ok_or_else(|| {
            Error::Data(format!(
                "the quiz bank no longer has the question `{id}` drawn for {}",
                spec.reference
            ))
        })?;
        let mut sorted = order.clone();
        sorted.sort_unstable();
        if sorted != (0..q.choices.len()).collect::<Vec<_>>() {
            return Err(Error::Data(format!(
                "the choices of `{id}` changed since {} was drawn",
                spec.reference
            )));
        }
        questions.push(shown_in(i + 1, q, order.clone()));
    }
    let items: Vec<&str> = sitting_items(library, policy, &spec.certificate, spec.purpose)
        .into_iter()
        .filter(|i| {
            spec.purpose == Purpose::Evaluation || questions.iter().any(|q| q.items.iter().any(|x| x == i))
        })
        .collect();
    Ok(assemble(library, policy, spec, seed, &items, questions))
}

/// The sitting of `spec` drawn with `seed`: its `items` (with their units) and `questions`.
fn assemble(
    library: &Library,
    policy: &Policy,
    spec: &SittingSpec,
    seed: u64,
    items: &[&str],
    questions: Vec<SittingQuestion>,
) -> Sitting {
    Sitting {
        id: spec.reference.clone(),
        certificate: spec.certificate.clone(),
        purpose: spec.purpose,
        seed,
        minutes: policy.quiz.minutes,
        items: items.iter().map(ToString::to_string).collect(),
        units: items.iter().map(|i| ((*i).to_string(), unit_of(library, policy, i))).collect(),
        questions,
    }
}

/// A question as shown, its choices shuffled.
fn shown(number: usize, q: &Question, rng: &mut Rng) -> SittingQuestion {
    let mut order: Vec<usize> = (0..q.choices.len()).collect();
    shuffle(&mut order, rng);
    shown_in(number, q, order)
}

/// A question as shown, its choices in `order`.
fn shown_in(number: usize, q: &Question, order: Vec<usize>) -> SittingQuestion {
    let letters = ['A', 'B', 'C', 'D', 'E'];
    let choices: Vec<SittingChoice> = order
        .iter()
        .zip(letters)
        .map(|(&c, letter)| SittingChoice { letter, text: q.choices[c].text.clone() })
        .collect();
    let key = order.iter().zip(letters).filter(|(c, _)| q.choices[**c].correct).map(|(_, l)| l).collect();
    SittingQuestion {
        number,
        question: q.id.clone(),
        item: q.item.clone(),
        items: q.items.clone(),
        level: q.level,
        kind: q.kind,
        text: q.question.clone(),
        choices,
        key,
        order,
        angoff: q.angoff,
        explanation: q.explanation.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitting_ids_round_trip() {
        let id: SittingId = "point-de-distribution-p0-7".parse().unwrap();
        assert_eq!(id.certificate, "point-de-distribution");
        assert_eq!(id.purpose, Purpose::Prediagnostic);
        assert_eq!(id.to_string(), "point-de-distribution-p0-7");
        assert!("distance-3c-1".parse::<SittingId>().is_err());
        assert!("-2b-1".parse::<SittingId>().is_err());
    }
}
