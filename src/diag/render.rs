//! Diagnostics rendered for a person: the heading, `--> file:line:col`, the source line with a
//! caret under the place (annotate-snippets), then the field, what was expected, what was found
//! and the help line. Without the file's text, the same report without the source line.

use super::{Diagnostic, Diagnostics, Severity};
use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// How to render: with terminal colours or as plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// Plain text (a file, a pipe, a test).
    #[default]
    Plain,
    /// ANSI colours, for a terminal.
    Colored,
}

impl Diagnostic {
    /// Renders the diagnostic; `source` is the text of the file it names, when known.
    pub fn render(&self, source: Option<&str>, style: Style) -> String {
        let renderer = match style {
            Style::Plain => Renderer::plain(),
            Style::Colored => Renderer::styled(),
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(self.message.as_str()).id(self.code.as_str());
        let place = self.snippet(source);
        let mut group = match place {
            Some(snippet) => title.element(snippet),
            None => title.element(self.origin()),
        };
        let notes = [
            ("field", (!self.field.is_empty()).then_some(self.field.as_str())),
            ("expected", self.expected.as_deref()),
            ("found", self.found.as_deref()),
        ];
        for (name, text) in notes {
            if let Some(text) = text {
                group = group.element(Level::NOTE.with_name(name).message(text));
            }
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        renderer.render(&[group])
    }

    /// `--> file:line:col` without the source line.
    fn origin(&self) -> Origin<'_> {
        let origin = Origin::path(self.location.file.as_str());
        match (self.location.line, self.location.column) {
            (0, _) => origin,
            (line, 0) => origin.line(line as usize),
            (line, column) => origin.line(line as usize).char_column(column as usize),
        }
    }

    /// The line the diagnostic points at, with its place underlined, if `source` has it.
    fn snippet<'a>(
        &'a self,
        source: Option<&'a str>,
    ) -> Option<Snippet<'a, annotate_snippets::Annotation<'a>>> {
        let line_number = self.location.line as usize;
        let line = source?.lines().nth(line_number.checked_sub(1)?)?;
        let span = underline(line, self.location.column as usize, self.found.as_deref());
        Some(
            Snippet::source(line)
                .line_start(line_number)
                .path(self.location.file.as_str())
                .annotation(AnnotationKind::Primary.span(span)),
        )
    }
}

/// The byte range to underline in `line` from `column` (1-based, in characters): the value
/// found when it is a literal that stands there; else the word there, or the whole `key: value`
/// (or `- entry`) when the word is a key (or a list dash). When the column is unknown: the
/// literal found in the line, else the whole line. Comments are left out.
fn underline(line: &str, column: usize, found: Option<&str>) -> std::ops::Range<usize> {
    let content_start = line.len() - line.trim_start().len();
    let content_end = line.find(" #").map_or(line, |i| &line[..i]).trim_end().len().max(content_start);
    let start = match column {
        0 => content_start,
        c => line.char_indices().nth(c - 1).map_or(line.len(), |(i, _)| i),
    };
    let rest = &line[start..];
    if let Some((at, value)) = found.and_then(literal).and_then(|v| rest.find(v).map(|at| (at, v))) {
        return start + at..start + at + value.len();
    }
    if column == 0 {
        return content_start..content_end;
    }
    let word_len =
        rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#')).unwrap_or(rest.len());
    let word = &rest[..word_len];
    let whole_entry =
        (word == "-" || word.len() > 1 && word.ends_with(':')) && content_end > start + word_len;
    if whole_entry {
        return start..content_end;
    }
    start..start + word.trim_end_matches(':').len().max(usize::from(!rest.is_empty()))
}

/// The text inside a found value written as a literal (`` `x` `` or `"x"`).
fn literal(found: &str) -> Option<&str> {
    ['`', '"']
        .into_iter()
        .find_map(|q| found.strip_prefix(q).and_then(|f| f.strip_suffix(q)))
        .filter(|f| !f.is_empty())
}

impl Diagnostics {
    /// Renders every diagnostic and the summary line; `source_of` gives the text of a file
    /// from the name a diagnostic carries (`None` when it cannot be read).
    pub fn render(&self, source_of: impl Fn(&str) -> Option<String>, style: Style) -> String {
        let mut texts: HashMap<&str, Option<String>> = HashMap::new();
        let mut out = String::new();
        for d in self {
            let file = d.location.file.as_str();
            let text = match d.location.line {
                0 => None,
                _ => texts.entry(file).or_insert_with(|| source_of(file)).as_deref(),
            };
            out.push_str(&d.render(text, style));
            out.push_str("\n\n");
        }
        let files: BTreeSet<&str> = self.iter().map(|d| d.location.file.as_str()).collect();
        let _ = write!(
            out,
            "{} error(s), {} warning(s) in {} file(s)",
            self.error_count(),
            self.warning_count(),
            files.len()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Location};

    const SOURCE: &str =
        "id: distance\nkind: certificat\nitems:\n  - id: c-deontologie-xyz\n    label: Déontologie é\n";

    fn at(line: u32, column: u32) -> Location {
        Location { file: "referentiels/distance.yaml".into(), line, column }
    }

    fn dangling() -> Diagnostic {
        Diagnostic::error(
            Code::DanglingReference,
            at(4, 9),
            "items[0].id",
            "no item has the id `c-deontologie-xyz`",
        )
        .expected("an item id")
        .found("`c-deontologie-xyz`")
        .help(Some("did you mean `c-deontologie`?".into()))
    }

    #[test]
    fn the_source_line_is_shown_with_a_caret_under_the_value_found() {
        let text = dangling().render(Some(SOURCE), Style::Plain);
        let expected = "\
error[dangling-reference]: no item has the id `c-deontologie-xyz`
 --> referentiels/distance.yaml:4:9
  |
4 |   - id: c-deontologie-xyz
  |         ^^^^^^^^^^^^^^^^^
  |
  = field: items[0].id
  = expected: an item id
  = found: `c-deontologie-xyz`
  = help: did you mean `c-deontologie`?";
        assert_eq!(text, expected);
    }

    #[test]
    fn without_the_source_the_place_field_and_help_remain() {
        let text = dangling().render(None, Style::Plain);
        assert!(text.contains("--> referentiels/distance.yaml:4:9\n"), "{text}");
        assert!(!text.contains('^'), "{text}");
        assert!(text.contains("= help: did you mean `c-deontologie`?"), "{text}");
        // A line past the end of the text is the same as an unknown source.
        let mut far = dangling();
        far.location.line = 99;
        assert_eq!(
            far.render(Some(SOURCE), Style::Plain),
            far.render(None, Style::Plain).replace(":4:", ":99:")
        );
    }

    #[test]
    fn the_place_is_underlined_in_characters_not_bytes() {
        // A key with its value, comment left out.
        assert_eq!(underline("    label: Déontologie é # note", 5, None), 4..26);
        // Column 12 is the `D` of `Déontologie`; `é` takes two bytes.
        assert_eq!(underline("    label: Déontologie é", 12, None), 11..23);
        assert_eq!(underline("    label: Déontologie é", 24, None), 24..26);
        // A list entry from its dash; a key alone.
        assert_eq!(underline("  - level: 0", 3, None), 2..12);
        assert_eq!(underline("  items:", 3, None), 2..7);
        // Unknown column: the value found in the line, else the whole line without indentation.
        assert_eq!(underline("    label: x  ", 0, None), 4..12);
        assert_eq!(underline("3,7,25:00", 0, Some("\"25:00\"")), 4..9);
        // Past the end: an empty place at the end of the line.
        assert_eq!(underline("ab", 9, None), 2..2);
        // The value found, even with spaces in it, even after the column.
        assert_eq!(underline("title: [non fermé", 8, Some("\"[non fermé\"")), 7..18);
        assert_eq!(underline("  - id: c-x", 5, Some("`c-x`")), 8..11);
        // A found value that is not a literal is not searched for.
        assert_eq!(underline("  - id: none", 5, Some("none")), 4..12);
    }

    #[test]
    fn colours_only_when_asked() {
        assert!(!dangling().render(Some(SOURCE), Style::Plain).contains('\u{1b}'));
        assert!(dangling().render(Some(SOURCE), Style::Colored).contains('\u{1b}'));
    }

    #[test]
    fn every_diagnostic_then_the_summary_reading_each_file_once() {
        let mut all = Diagnostics::default();
        all.push(dangling());
        all.push(Diagnostic::warning(Code::UnusedItem, at(2, 1), "", "unused"));
        let reads = std::cell::Cell::new(0);
        let text = all.render(
            |name| {
                reads.set(reads.get() + 1);
                (name == "referentiels/distance.yaml").then(|| SOURCE.to_string())
            },
            Style::Plain,
        );
        assert_eq!(reads.get(), 1);
        assert!(text.contains("2 | kind: certificat\n  | ^^^^^^^^^^^^^^^^\n"), "{text}");
        assert!(text.ends_with("\n\n1 error(s), 1 warning(s) in 1 file(s)"), "{text}");
    }
}
