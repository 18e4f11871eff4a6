//! The quiz (phases 0 and 2B): a bank of questions, each tied to a knowledge item and a level;
//! sittings drawn from it, reproducible from their seed; scoring into levels 0–3 per item.

pub mod answer_sheet;
pub mod bank;
pub mod coverage;
pub mod paper;
pub mod scoring;
pub mod serve;
pub mod sitting;

pub use bank::{Bank, Question, QuestionKind, load_bank};
pub use coverage::{ItemCoverage, coverage, quiz_items};
pub use scoring::{Answer, Answers, QuizScore, score};
pub use sitting::{Purpose, Sitting, SittingId, draw};

use crate::error::{Error, Result};
use crate::referentiel::Library;
use crate::source::DataSource;

/// Loads the bank of `quiz/` from `source`.
pub fn load(source: &DataSource, library: &Library) -> Result<Bank> {
    load_bank(&source.files("quiz", "yaml")?, library).map_err(Error::Invalid)
}
