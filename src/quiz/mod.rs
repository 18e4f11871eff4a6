//! The quiz (phases 0 and 2B): a bank of questions, each tied to the knowledge items it assesses
//! and a level, with its life (status, reviewers, source) and its writing rules; sittings drawn
//! from it with a secret seed, sized to their time; scoring into levels 0–3 from enough
//! evidence; item statistics over the results of real sittings.
//!
//! A server calls [`draw`]`(&bank, &library, &policy, &spec, secret_seed)` and
//! [`score`]`(&sitting, &answers, &policy)`.

pub mod answer_sheet;
pub mod bank;
pub mod coverage;
pub mod paper;
pub mod rules;
pub mod scoring;
pub mod sitting;
pub mod stats;

pub use bank::{Bank, Pool, Question, QuestionKind, Status, load_bank};
pub use coverage::{ItemCoverage, coverage, quiz_items};
pub use scoring::{Answer, Answers, QuizScore, score};
pub use sitting::{Exposure, Purpose, Sitting, SittingId, SittingQuestion, SittingSpec, draw};

use crate::error::{Error, Result};
use crate::referentiel::Library;
use crate::source::DataSource;

/// Loads the bank of `quiz/` from `source`.
pub fn load(source: &DataSource, library: &Library) -> Result<Bank> {
    load_bank(&source.files("quiz", "yaml")?, library).map_err(Error::Invalid)
}
