//! The quiz in a browser (`cqpt quiz serve`): a local server that seats candidates with
//! one-time codes, keeps time itself, journals every answer before acknowledging it, closes and
//! scores each sitting at the end of time, and gives the evaluator a page to follow and act.

pub mod http;
pub mod journal;
pub mod sittings;
pub mod state;

pub use http::{Pages, serve};
pub use sittings::{QuizSession, Seat, load_session};
pub use state::{Clock, Refusal, Sittings};

use crate::error::{Error, Result};
use crate::source::DataSource;

/// Reads the pages of `templates/` (quiz-candidat.html, quiz-evaluateur.html, their scripts and
/// quiz.css): served as they are, without any external resource.
pub fn pages(source: &DataSource) -> Result<Pages> {
    let mut files = source.files("templates", "html")?;
    files.extend(source.files("templates", "js")?);
    files.extend(source.files("templates", "css")?);
    let get = |name: &str| {
        files.iter().find(|f| f.file_name() == name).map(|f| f.text.clone()).ok_or_else(|| Error::Template {
            template: format!("templates/{name}"),
            line: None,
            message: "missing".into(),
        })
    };
    Ok(Pages {
        candidate: get("quiz-candidat.html")?,
        evaluator: get("quiz-evaluateur.html")?,
        candidate_js: get("quiz-candidat.js")?,
        evaluator_js: get("quiz-evaluateur.js")?,
        css: get("quiz.css")?,
    })
}
