//! Edits of a stored dossier's YAML text that keep everything else byte-identical, comments
//! included: one top-level block is replaced (or appended), and the result is reloaded with
//! the real loader so that nothing invalid is returned.
//!
//! A top-level block is the line `key:` at column 0 and every line after it up to the next
//! line that starts at column 0 with a character other than a space, a tab, `#` or `-` (a
//! sequence written at column 0 under its key belongs to it), or with a document marker
//! (`---`, `...`). Blank lines and column-0 comments at the end of a block are left out of
//! it: they usually introduce the next key, so they stay where they are. A comment on the
//! `key:` line itself, and comments inside the block, are part of it and replaced with it.
//! Only plain keys are recognised (`key:`, not `"key":`); with a key written otherwise the
//! block is appended and the reload reports the duplicate key, so nothing invalid is returned.

use super::{Dossier, load_dossier};
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::referentiel::Library;
use crate::source::SourceFile;
use std::fmt::Write as _;

/// The name given to the text in diagnostics.
const FILE_NAME: &str = "dossier.yaml";

/// The evaluating body AUVICOM assigns to a recevable dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyChoice {
    /// The body's id (`OE-042`).
    pub id: String,
    /// The body's name.
    pub name: String,
    /// The date of its accreditation by the CPNE.
    pub accredited_on: Date,
    /// Whether the body trained the candidate (required by the dossier format).
    pub trained_candidate: bool,
    /// The default evaluator, when already known.
    pub evaluator: Option<String>,
}

/// `text` as a double-quoted YAML scalar that reads back as exactly `text`: quotes,
/// backslashes, line breaks and every character YAML does not print are escaped.
pub fn quote_yaml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if printable(c) => out.push(c),
            c if u32::from(c) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// Whether YAML 1.2 lets `c` stand as itself in a double-quoted scalar (the BOM excluded).
fn printable(c: char) -> bool {
    matches!(u32::from(c), 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFEFE | 0xFF00..=0xFFFD | 0x1_0000..)
}

/// The line ending of `yaml`: `\r\n` when it uses it, `\n` otherwise.
fn line_ending(yaml: &str) -> &'static str {
    if yaml.contains("\r\n") { "\r\n" } else { "\n" }
}

/// `block` with every line ending `eol`, ending with one.
fn normalise_block(block: &str, eol: &str) -> String {
    let mut out = String::with_capacity(block.len() + 2);
    for line in block.lines() {
        out.push_str(line);
        out.push_str(eol);
    }
    out
}

/// Whether `line` (without its ending) opens the top-level `key`.
fn opens_key(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Whether `line` (without its ending) may continue a block for sure (indented content or a
/// column-0 sequence item), may continue it if content follows (blank, column-0 comment), or
/// ends it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineRole {
    Content,
    Tentative,
    End,
}

fn role(line: &str) -> LineRole {
    if line.trim().is_empty() || line.starts_with('#') {
        LineRole::Tentative
    } else if line.starts_with("---") || line.starts_with("...") {
        LineRole::End
    } else if line.starts_with([' ', '\t', '-']) {
        LineRole::Content
    } else {
        LineRole::End
    }
}

/// The byte range of the top-level block of `key` in `yaml`, when present.
pub fn top_level_range(yaml: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    let mut start = None;
    let mut end = 0;
    for line in yaml.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let bom = if offset == 0 { bare.len() - bare.trim_start_matches('\u{feff}').len() } else { 0 };
        let bare = &bare[bom..];
        let next = offset + line.len();
        match start {
            None if opens_key(bare, key) => {
                start = Some(offset + bom);
                end = next;
            }
            None => {}
            Some(_) => match role(bare) {
                LineRole::Content => end = next,
                LineRole::Tentative => {}
                LineRole::End => break,
            },
        }
        offset = next;
    }
    start.map(|s| s..end)
}

/// Replaces the whole top-level `key:` block of `yaml` with `block` (which holds the `key:`
/// line itself), or appends `block` at the end when the key is absent; an empty `block`
/// removes the key. `block` takes the line endings of `yaml`; the rest of the text is kept
/// byte for byte.
pub fn set_top_level(yaml: &str, key: &str, block: &str) -> String {
    let eol = line_ending(yaml);
    let block = normalise_block(block, eol);
    let Some(range) = top_level_range(yaml, key) else {
        let mut out = yaml.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(&block);
        return out;
    };
    let mut out = String::with_capacity(yaml.len() + block.len());
    out.push_str(&yaml[..range.start]);
    if yaml[..range.end].ends_with('\n') {
        out.push_str(&block);
    } else {
        out.push_str(block.trim_end_matches(['\n', '\r']));
    }
    out.push_str(&yaml[range.end..]);
    out
}

/// Loads `yaml` with the real loader.
fn load(yaml: &str, library: &Library) -> Result<Dossier, Diagnostics> {
    load_dossier(&SourceFile { name: FILE_NAME.into(), text: yaml.to_string() }, library)
}

/// Sets `application.decided` to `decided`, keeping `submitted`. The dossier must load before
/// and after the edit; the diagnostics say why not otherwise.
pub fn with_decision_date(
    yaml: &str,
    library: &Library,
    decided: Date,
) -> Result<(String, Dossier), Diagnostics> {
    let before = load(yaml, library)?;
    let block =
        format!("application:\n  submitted: {}\n  decided: {decided}\n", before.application.submitted);
    let text = set_top_level(yaml, "application", &block);
    let dossier = load(&text, library)?;
    Ok((text, dossier))
}

/// The `evaluating_body` block of a body AUVICOM assigns.
fn body_block(body: &BodyChoice) -> String {
    let mut block = format!(
        "evaluating_body:\n  id: {}\n  name: {}\n  accredited_on: {}\n  trained_candidate: {}\n",
        quote_yaml(&body.id),
        quote_yaml(&body.name),
        body.accredited_on,
        body.trained_candidate
    );
    if let Some(evaluator) = body.evaluator.as_deref().filter(|e| !e.trim().is_empty()) {
        let _ = writeln!(block, "  evaluator: {}", quote_yaml(evaluator));
    }
    block
}

/// Writes the `evaluating_body` block of `body`, replacing any earlier one as a whole (its
/// accreditation history and extra `evaluators` included: AUVICOM assigns a body before the
/// evaluation starts). The dossier must load before and after the edit; the diagnostics say
/// why not otherwise.
pub fn with_evaluating_body(
    yaml: &str,
    library: &Library,
    body: &BodyChoice,
) -> Result<(String, Dossier), Diagnostics> {
    load(yaml, library)?;
    let text = set_top_level(yaml, "evaluating_body", &body_block(body));
    let dossier = load(&text, library)?;
    Ok((text, dossier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_runs_to_the_next_key_and_leaves_trailing_comments_out() {
        let yaml = "a: 1\nb:\n  x: 1\n\n  y: 2 # c\n# about c\n\nc: 3\n";
        assert_eq!(set_top_level(yaml, "b", "b: {z: 1}"), "a: 1\nb: {z: 1}\n# about c\n\nc: 3\n");
    }

    #[test]
    fn a_sequence_at_column_zero_belongs_to_its_key() {
        let yaml = "employment:\n- {a: 1}\n# note\n- {a: 2}\ndocuments: []\n";
        assert_eq!(set_top_level(yaml, "employment", "employment: []\n"), "employment: []\ndocuments: []\n");
    }

    #[test]
    fn an_absent_key_is_appended_and_a_prefix_is_not_the_key() {
        assert_eq!(set_top_level("ab: 1", "a", "a: 2\n"), "ab: 1\na: 2\n");
        assert_eq!(set_top_level("x: 1\r\n", "a", "a:\n  b: 2\n"), "x: 1\r\na:\r\n  b: 2\r\n");
    }

    #[test]
    fn an_empty_block_removes_the_key() {
        assert_eq!(set_top_level("a: 1\nb:\n  c: 2\nd: 3\n", "b", ""), "a: 1\nd: 3\n");
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_key() {
        assert_eq!(set_top_level("\u{feff}a: 1\nb: 2\n", "a", "a: 3\n"), "\u{feff}a: 3\nb: 2\n");
    }

    #[test]
    fn the_last_block_without_a_final_newline_stays_without_one() {
        assert_eq!(set_top_level("a: 1\nb: 2", "b", "b: 3\n"), "a: 1\nb: 3");
    }

    #[test]
    fn quoted_values_escape_what_yaml_would_read_otherwise() {
        assert_eq!(quote_yaml("O'Brien: \"x\" # y\n"), "\"O'Brien: \\\"x\\\" # y\\n\"");
        assert_eq!(quote_yaml("\u{0}\u{85}\u{feff}"), "\"\\u0000\\u0085\\uFEFF\"");
    }
}
