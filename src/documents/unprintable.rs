//! A report that cannot print a character of its view, blamed on the dossier: the dossier's
//! fields that hold the character, each with the file, line and column where it is written, as
//! diagnostics of the input (exit status 3), not as a fault of the template.

use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::dossier::Dossier;
use crate::error::Error;
use crate::render::unprintable::{self, describe};

/// `error` as diagnostics of `dossier` when it is text the font cannot print that the dossier
/// holds; any other error, or characters that come from elsewhere, unchanged.
pub fn blame_dossier(error: Error, dossier: &Dossier) -> Error {
    let Error::Unprintable { chars, .. } = &error else { return error };
    let fields: Vec<_> = unprintable::find(dossier)
        .into_iter()
        .filter(|f| f.chars.iter().any(|c| chars.contains(c)))
        .collect();
    if fields.is_empty() {
        return error;
    }
    let source = std::fs::read_to_string(&dossier.file).unwrap_or_default();
    let mut diagnostics = Diagnostics::default();
    for field in fields {
        let (line, column) = place(&source, &field.field, &field.chars);
        let location = Location { file: dossier.file.clone(), line, column };
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidValue,
                location,
                field.field.clone(),
                format!(
                    "the PDF font cannot print {}: the document would show blank boxes",
                    describe(&field.chars)
                ),
            )
            .found(field.text.clone())
            .help(Some(
                "the font covers Latin (Vietnamese included), Greek and Cyrillic: write the text \
                 with those letters, or widen the repertoire of scripts/make-fonts.sh"
                    .to_string(),
            )),
        );
    }
    Error::Invalid(diagnostics)
}

/// The 1-based line and column of the first of `chars` in `source`: on a line of the field's own
/// key when there is one (`family_name: …`), else anywhere; (0, 0) when not found (an escape).
fn place(source: &str, field: &str, chars: &[char]) -> (u32, u32) {
    let key = field.rsplit('.').next().unwrap_or(field);
    let key = key.split('[').next().unwrap_or(key);
    let hits = source.lines().enumerate().filter_map(|(i, line)| {
        let column = line.chars().position(|c| chars.contains(&c))?;
        Some((i, column, line))
    });
    let own_key = |line: &str| {
        let trimmed = line.trim_start().trim_start_matches("- ");
        trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':'))
    };
    let hits: Vec<_> = hits.collect();
    let best = hits.iter().find(|(_, _, line)| own_key(line)).or(hits.first());
    best.map_or((0, 0), |(i, column, _)| (*i as u32 + 1, *column as u32 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_is_on_the_line_of_the_field() {
        let source =
            "candidate:\n  given_name: \"漢\"\n  family_name: \"Lê 漢\"\noverrides:\n  - reason: \"x 漢\"\n";
        assert_eq!(place(source, "candidate.family_name", &['漢']), (3, 20));
        assert_eq!(place(source, "overrides[0].reason", &['漢']), (5, 16));
        assert_eq!(place(source, "somewhere.else", &['漢']), (2, 16));
        assert_eq!(place(source, "candidate.family_name", &['字']), (0, 0));
    }
}
