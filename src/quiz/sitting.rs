//! A sitting: questions drawn from the bank for a certificate, every assessed item represented,
//! answer order shuffled, reproducible from its id (certificate, purpose, seed).

use super::bank::{Bank, QuestionKind};
use super::coverage::quiz_items;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::referentiel::Library;
use crate::rng::Rng;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// What a sitting is for: the same bank, different draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Phase 0, the optional prédiagnostic.
    Prediagnostic,
    /// Phase 2B, the evaluation.
    Evaluation,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::Prediagnostic => "p0",
            Purpose::Evaluation => "2b",
        }
    }
}

/// The id of a sitting: `<certificate>-<p0|2b>-<seed>`, enough to draw it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SittingId {
    /// Certificate.
    pub certificate: String,
    /// Purpose.
    pub purpose: Purpose,
    /// Seed.
    pub seed: u64,
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
    /// The item it tests.
    pub item: String,
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
    /// Why (never shown to a candidate).
    #[serde(skip)]
    pub explanation: String,
}

/// A sitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sitting {
    /// Its id.
    pub id: String,
    /// Certificate.
    pub certificate: String,
    /// Purpose.
    pub purpose: Purpose,
    /// Seed.
    pub seed: u64,
    /// Minutes allowed.
    pub minutes: u32,
    /// Questions, in the order asked.
    pub questions: Vec<SittingQuestion>,
}

fn salt(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The levels to draw for one item: spread from low to high, the highest always included.
fn target_levels(n: usize, rng: &mut Rng) -> Vec<u8> {
    match n {
        0 => vec![],
        1 => vec![3],
        2 => vec![1 + rng.below(2) as u8, 3],
        _ => {
            let mut levels = vec![1, 2, 3];
            while levels.len() < n {
                levels.push(1 + rng.below(3) as u8);
            }
            levels.sort_unstable();
            levels
        }
    }
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// Draws the sitting `id` from `bank`.
pub fn draw(bank: &Bank, library: &Library, policy: &Policy, id: &SittingId) -> Result<Sitting> {
    if library
        .referentiel(&id.certificate)
        .is_none_or(|r| r.kind != crate::referentiel::ReferentielKind::Certificat)
    {
        return Err(Error::Unknown {
            what: "certificate",
            id: id.certificate.clone(),
            known: library.certificates().map(|r| r.id.clone()).collect::<Vec<_>>().join(", "),
        });
    }
    let mut rng = Rng::new(id.seed ^ salt(&id.certificate) ^ salt(id.purpose.code()).rotate_left(17));
    let mut drawn = Vec::new();
    for item in quiz_items(library, policy, Some(&id.certificate)) {
        let pool: Vec<_> = bank.questions.iter().filter(|q| q.item == item).collect();
        if pool.is_empty() {
            return Err(Error::Data(format!(
                "the quiz bank has no question on `{item}`: see cqpt quiz coverage"
            )));
        }
        let mut taken: Vec<&str> = Vec::new();
        for level in target_levels(policy.quiz.questions_per_item, &mut rng) {
            let fresh: Vec<_> = pool.iter().filter(|q| !taken.contains(&q.id.as_str())).collect();
            if fresh.is_empty() {
                break;
            }
            let nearest = fresh.iter().map(|q| q.level.abs_diff(level)).min().unwrap_or(0);
            let best: Vec<_> = fresh.iter().filter(|q| q.level.abs_diff(level) == nearest).collect();
            let q = **best[rng.below(best.len())];
            taken.push(&q.id);
            drawn.push(q);
        }
    }
    shuffle(&mut drawn, &mut rng);
    let questions = drawn
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let mut order: Vec<usize> = (0..q.choices.len()).collect();
            shuffle(&mut order, &mut rng);
            let letters = ['A', 'B', 'C', 'D', 'E'];
            let choices: Vec<SittingChoice> = order
                .iter()
                .zip(letters)
                .map(|(&c, letter)| SittingChoice { letter, text: q.choices[c].text.clone() })
                .collect();
            let key =
                order.iter().zip(letters).filter(|(c, _)| q.choices[**c].correct).map(|(_, l)| l).collect();
            SittingQuestion {
                number: i + 1,
                question: q.id.clone(),
                item: q.item.clone(),
                level: q.level,
                kind: q.kind,
                text: q.question.clone(),
                choices,
                key,
                explanation: q.explanation.clone(),
            }
        })
        .collect();
    Ok(Sitting {
        id: id.to_string(),
        certificate: id.certificate.clone(),
        purpose: id.purpose,
        seed: id.seed,
        minutes: policy.quiz.minutes,
        questions,
    })
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
