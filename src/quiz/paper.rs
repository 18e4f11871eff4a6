//! The view of a paper sitting for `templates/quiz-papier.hbs`.

use super::sitting::{Purpose, Sitting};
use crate::referentiel::Library;
use serde::Serialize;

/// A question on paper.
#[derive(Serialize)]
pub struct PaperQuestion {
    number: usize,
    text: String,
    choices: Vec<PaperChoice>,
    /// One per column of the answer sheet: whether this question has that answer.
    offers: Vec<bool>,
    key: String,
    item_label: String,
    explanation: String,
    level: u8,
}

/// A choice on paper.
#[derive(Serialize)]
pub struct PaperChoice {
    letter: char,
    text: String,
}

/// The certificate.
#[derive(Serialize)]
pub struct PaperCertificate {
    id: String,
    title: String,
}

/// A paper sitting.
#[derive(Serialize)]
pub struct PaperView {
    sitting: String,
    purpose: &'static str,
    minutes: u32,
    certificate: PaperCertificate,
    questions: Vec<PaperQuestion>,
    /// The letters of the answer sheet's columns: as many as the longest question offers.
    letters: Vec<char>,
    count: usize,
    with_key: bool,
}

/// Builds the view; the key and explanations only when `with_key`.
pub fn view(sitting: &Sitting, library: &Library, with_key: bool) -> PaperView {
    let widest = sitting.questions.iter().max_by_key(|q| q.choices.len());
    let letters: Vec<char> = widest.map(|q| q.choices.iter().map(|c| c.letter).collect()).unwrap_or_default();
    let title =
        library.referentiel(&sitting.certificate).map_or(sitting.certificate.clone(), |r| r.title.clone());
    PaperView {
        sitting: sitting.id.clone(),
        purpose: match sitting.purpose {
            Purpose::Prediagnostic => "Prédiagnostic (phase 0)",
            Purpose::Evaluation => {
                "Évaluation des savoirs transversaux et partiellement spécifiques (phase 2B)"
            }
        },
        minutes: sitting.minutes,
        certificate: PaperCertificate { id: sitting.certificate.clone(), title },
        questions: sitting
            .questions
            .iter()
            .map(|q| PaperQuestion {
                number: q.number,
                text: if q.kind == super::QuestionKind::Multiple && !q.text.contains("plusieurs réponses") {
                    format!("{} (plusieurs réponses possibles)", q.text)
                } else {
                    q.text.clone()
                },
                choices: q
                    .choices
                    .iter()
                    .map(|c| PaperChoice { letter: c.letter, text: c.text.clone() })
                    .collect(),
                offers: letters.iter().map(|l| q.choices.iter().any(|c| c.letter == *l)).collect(),
                key: if with_key { q.key.iter().collect() } else { String::new() },
                item_label: if with_key {
                    q.items
                        .iter()
                        .map(|id| library.item(id).map_or(id.clone(), |i| i.label.clone()))
                        .collect::<Vec<_>>()
                        .join(" ; ")
                } else {
                    String::new()
                },
                explanation: if with_key { q.explanation.clone() } else { String::new() },
                level: q.level,
            })
            .collect(),
        letters,
        count: sitting.questions.len(),
        with_key,
    }
}
