//! The sittings file an evaluator opens with `cqpt quiz serve`: the candidates, their sitting and
//! their one-time access code.

use crate::date::Date;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::quiz::SittingId;
use crate::source::SourceFile;
use crate::yaml::{self, Decoder, Node};
use std::path::{Path, PathBuf};

/// One candidate of a quiz session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// The candidate's file number (also the name of their journal).
    pub id: String,
    /// Their name, shown to the evaluator.
    pub name: String,
    /// The sitting drawn for them.
    pub sitting: SittingId,
    /// Their one-time access code.
    pub code: String,
    /// Extra minutes granted beforehand (accommodation).
    pub extra_minutes: u32,
}

/// A quiz session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizSession {
    /// Date.
    pub date: Date,
    /// Who runs it.
    pub by: String,
    /// The evaluator's code for the evaluator page.
    pub evaluator_code: String,
    /// The folder of the journals and results.
    pub state_dir: PathBuf,
    /// Length of a sitting in seconds (default: the policy's minutes).
    pub duration_seconds: Option<u32>,
    /// Offset of local time from UTC, minutes (default +60, Paris in winter).
    pub utc_offset_minutes: i32,
    /// The candidates.
    pub seats: Vec<Seat>,
}

/// Reads a sittings file; the state folder is relative to it.
pub fn load_session(file: &SourceFile, path: &Path) -> Result<QuizSession, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let root = yaml::parse(&file.name, &file.text).map_err(|d| Diagnostics(vec![*d]))?;
    let mut d = Decoder::new(&file.name, &mut diagnostics);
    let session = decode_session(&mut d, &root, path);
    if let Some(s) = &session {
        check_codes(&mut d, &root, s);
    }
    match session {
        Some(s) if !diagnostics.has_errors() => Ok(s),
        _ => {
            diagnostics.sort();
            Err(diagnostics)
        }
    }
}

/// Decodes the session's keys and its candidates; `None` when a required key is missing.
fn decode_session(d: &mut Decoder<'_>, root: &Node, path: &Path) -> Option<QuizSession> {
    let mut m = d.map(root, "")?;
    let date = m.required(d, "date", "the date of the sitting").and_then(|n| d.date(n, "date"));
    let by = m.required(d, "by", "the evaluator's name").and_then(|n| d.string(n, "by"));
    let evaluator_code = m
        .required(d, "evaluator_code", "a code of 8 characters or more")
        .and_then(|n| d.string(n, "evaluator_code"));
    let state = m.optional("state").and_then(|n| d.string(n, "state")).unwrap_or_else(|| "quiz-state".into());
    let duration_seconds = m
        .optional("duration_seconds")
        .and_then(|n| d.int(n, "duration_seconds", 10, 6 * 3600))
        .map(|s| s as u32);
    let utc_offset_minutes = m
        .optional("utc_offset_minutes")
        .and_then(|n| d.int(n, "utc_offset_minutes", -720, 840))
        .unwrap_or(60) as i32;
    let mut seats = Vec::new();
    if let Some(list) = m.required(d, "candidates", "the list of candidates") {
        for (f, n) in d.seq(list, "candidates").unwrap_or_default() {
            seats.extend(decode_seat(d, n, &f));
        }
    }
    m.finish(
        d,
        &["date", "by", "evaluator_code", "state", "duration_seconds", "utc_offset_minutes", "candidates"],
    );
    let base = path.parent().unwrap_or(Path::new("."));
    Some(QuizSession {
        date: date?,
        by: by?,
        evaluator_code: evaluator_code?,
        state_dir: base.join(state),
        duration_seconds,
        utc_offset_minutes,
        seats,
    })
}

/// Decodes one candidate (`f` is its field, `candidates[i]`); `None` when a key is missing or
/// wrong, or when the id cannot name a journal file.
fn decode_seat(d: &mut Decoder<'_>, n: &Node, f: &str) -> Option<Seat> {
    let mut cm = d.map(n, f)?;
    let id =
        cm.required(d, "id", "the candidate's file number").and_then(|x| d.string(x, &format!("{f}.id")));
    let name = cm.required(d, "name", "the candidate's name").and_then(|x| d.string(x, &format!("{f}.name")));
    let sitting = cm
        .required(d, "sitting", "a sitting id like distance-2b-42")
        .and_then(|x| decode_sitting_id(d, x, f));
    let code =
        cm.required(d, "code", "a one-time access code").and_then(|x| d.string(x, &format!("{f}.code")));
    let extra_minutes = cm
        .optional("extra_minutes")
        .and_then(|x| d.int(x, &format!("{f}.extra_minutes"), 0, 600))
        .unwrap_or(0) as u32;
    cm.finish(d, &["id", "name", "sitting", "code", "extra_minutes"]);
    let valid_id =
        id.as_deref().is_some_and(|i| i.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    if let (Some(i), false) = (&id, valid_id) {
        let diag = Diagnostic::error(
            Code::InvalidValue,
            d.location(n),
            format!("{f}.id"),
            format!("\"{i}\" cannot name a journal file"),
        )
        .expected("letters, digits, - and _")
        .found(format!("\"{i}\""));
        d.report(diag);
    }
    if let (Some(id), Some(name), Some(sitting), Some(code), true) = (id, name, sitting, code, valid_id) {
        Some(Seat { id, name, sitting, code, extra_minutes })
    } else {
        None
    }
}

/// Decodes a candidate's sitting id, reporting one that does not parse.
fn decode_sitting_id(d: &mut Decoder<'_>, x: &Node, f: &str) -> Option<SittingId> {
    let text = d.string(x, &format!("{f}.sitting"))?;
    match text.parse::<SittingId>() {
        Ok(id) => Some(id),
        Err(message) => {
            let diag = Diagnostic::error(Code::InvalidValue, d.location(x), format!("{f}.sitting"), message)
                .expected("certificate-p0|2b-seed")
                .found(format!("\"{text}\""));
            d.report(diag);
            None
        }
    }
}

/// Reports access codes that two candidates share or that are too short to guess hard, and an
/// evaluator's code that is too short.
fn check_codes(d: &mut Decoder<'_>, root: &Node, session: &QuizSession) {
    let mut codes: Vec<(&str, &str)> =
        session.seats.iter().map(|x| (x.code.as_str(), x.id.as_str())).collect();
    codes.sort_unstable();
    let repeated: Vec<String> =
        codes.windows(2).filter(|w| w[0].0 == w[1].0).map(|w| format!("{} and {}", w[0].1, w[1].1)).collect();
    let short_codes: Vec<&str> = codes
        .iter()
        .filter(|(c, _)| c.chars().filter(char::is_ascii_alphanumeric).count() < 8)
        .map(|(_, id)| *id)
        .collect();
    for (problem, who) in [
        ("two candidates share an access code", repeated.join(", ")),
        ("access codes of fewer than 8 letters or digits", short_codes.join(", ")),
    ] {
        if !who.is_empty() {
            d.report(
                Diagnostic::error(Code::InvalidValue, d.location(root), "candidates[].code", problem)
                    .expected("distinct codes of 8+ letters or digits")
                    .found(who),
            );
        }
    }
    if session.evaluator_code.chars().filter(char::is_ascii_alphanumeric).count() < 8 {
        d.report(
            Diagnostic::error(
                Code::InvalidValue,
                d.location(root),
                "evaluator_code",
                "the evaluator's code is too short",
            )
            .expected("8 letters or digits or more")
            .found("a shorter code"),
        );
    }
}
