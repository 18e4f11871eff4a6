//! Diagnostics: what is wrong in an input file, where, and what was expected.
//!
//! A [`Diagnostic`] is data (severity, stable code, file, line, column, field, expected, found);
//! the library collects every problem of every file before it stops, and the CLI prints them in
//! one place, with the source line and a caret under the place ([`Diagnostics::render`]). Codes
//! are stable kebab-case strings that scripts and tests can rely on.

mod render;

pub use render::Style;

use crate::closed_set::code_set;
use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be used as it is.
    Error,
    /// The input can be used, but something looks wrong.
    Warning,
}

code_set! {
    /// Stable codes of the problems cqpt reports in its input files.
    ///
    /// The kebab-case string of each code is derived from its variant name (strum), and serde
    /// serialises through that same string: adding a code is adding a variant.
    pub enum Code {
        /// A file could not be read.
        Io,
        /// The file is not valid YAML (or TOML).
        Syntax,
        /// The file holds no document.
        EmptyFile,
        /// A value has the wrong type (text where a list was expected, …).
        WrongType,
        /// A required key is absent.
        MissingField,
        /// A key that the format does not know.
        UnknownKey,
        /// A value outside the allowed set (unknown kind, category, malformed id, …).
        InvalidValue,
        /// Two definitions share one id.
        DuplicateId,
        /// A reference to an id that nothing defines.
        DanglingReference,
        /// An item listed under a kind other than its own.
        KindMismatch,
        /// The same id listed twice in one list.
        DuplicateReference,
        /// A mastery level outside 0–5.
        LevelOutOfRange,
        /// A scale without every level from 0 to 5.
        ScaleIncomplete,
        /// An activity with neither tasks nor knowledge, or an empty list that must not be.
        EmptyActivity,
        /// An item defined but referenced from nowhere.
        UnusedItem,
        /// Dates in the wrong order (an end before its start, …).
        DatesOutOfOrder,
        /// A date after the evaluation date.
        DateInFuture,
        /// A file over its size, depth or expansion budget ([`crate::limits`]).
        TooLarge,
        /// A file that is not UTF-8.
        Encoding,
    }
}

/// A place in an input file: 1-based line and column; 0 when unknown.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    /// The file as the user named it (or `referentiels/x.yaml (embedded)`).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.file),
            (l, 0) => write!(f, "{}:{l}", self.file),
            (l, c) => write!(f, "{}:{l}:{c}", self.file),
        }
    }
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code of the problem.
    pub code: Code,
    /// Where it is.
    pub location: Location,
    /// The field, as a path from the top of the file (`activities[2].knowledge.connaissances[0]`).
    pub field: String,
    /// What is wrong, in a sentence.
    pub message: String,
    /// What was expected, when that helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What was found, when that helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// A hint to fix it, such as a suggestion (``did you mean `x`?``).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `location` on `field`.
    pub fn error(
        code: Code,
        location: Location,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            location,
            field: field.into(),
            message: crate::limits::shorten_message(message.into()),
            expected: None,
            found: None,
            help: None,
        }
    }

    /// A warning at `location` on `field`.
    pub fn warning(
        code: Code,
        location: Location,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, location, field, message) }
    }

    /// Adds what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Adds what was found, shortened when long ([`crate::limits::shorten`]): no input is
    /// ever echoed whole.
    pub fn found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(crate::limits::shorten(&found.into()));
        self
    }

    /// Adds a hint (``did you mean `x`?``); `None` leaves the diagnostic as it is.
    pub fn help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Whether this diagnostic blocks the use of the input.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The plain rendering without the source line (see [`Diagnostic::render`]).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None, Style::Plain))
    }
}

/// Every diagnostic of a run, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// The number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Sorts by file, line and column, keeping the order of equal places.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.location.file, a.location.line, a.location.column).cmp(&(
                &b.location.file,
                b.location.line,
                b.location.column,
            ))
        });
    }

    /// Iterates over the diagnostics.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no diagnostic at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The plain rendering without source lines (see [`Diagnostics::render`]).
impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(|_| None, Style::Plain))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_column_field_expected_and_found() {
        let d = Diagnostic::error(
            Code::UnknownKey,
            Location { file: "a.yaml".into(), line: 3, column: 5 },
            "activities[0].titel",
            "unknown key `titel`",
        )
        .expected("one of id, title")
        .found("`titel`");
        let text = d.to_string();
        assert!(text.contains("error[unknown-key]"));
        assert!(text.contains("a.yaml:3:5"));
        assert!(text.contains("field: activities[0].titel"));
        assert!(text.contains("expected: one of id, title"));
        assert!(text.contains("found: `titel`"));
    }
}
