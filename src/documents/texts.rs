//! What the documents say and who signs them, read from `referentiels/documents.toml`, which the
//! secretariat edits: the organisations' names, addresses and signatories, the place, the wording
//! of the recevabilité decisions and the CPNE's text of the annual review.
//!
//! Wording may hold `{placeholders}`, filled by [`fill`]; an unknown placeholder is reported when
//! the file is read.

use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use serde::{Deserialize, Serialize};

/// The name of the file in the référentiels folder.
pub const TEXTS_FILE: &str = "documents.toml";

/// The placeholders wording may use.
pub const PLACEHOLDERS: [&str; 5] = ["certificat", "recue", "decidee", "delai", "pieces"];

/// AUVICOM, which decides the recevabilité (art. 6-1).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Auvicom {
    /// Its name.
    pub nom: String,
    /// The department that signs.
    pub service: String,
    /// Postal address, one line each.
    pub adresse: Vec<String>,
    /// Where its letters are written.
    pub lieu: String,
    /// Who signs the decisions.
    pub signataire: String,
    /// The signatory's function.
    pub fonction: String,
}

/// The CPNE (art. 5, art. 7).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Cpne {
    /// Its name.
    pub nom: String,
    /// The attribution commission's name.
    pub commission: String,
    /// Where the commission sits.
    pub lieu: String,
}

/// The wording of the recevabilité decisions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RecevabiliteLetter {
    /// Object line of an acceptance.
    pub objet_recevable: String,
    /// Object line of a rejection.
    pub objet_non_recevable: String,
    /// Salutation.
    pub appel: String,
    /// The decision, recevable.
    pub decision_recevable: String,
    /// What happens next.
    pub suite_recevable: String,
    /// The decision, not recevable (the reasons follow).
    pub decision_non_recevable: String,
    /// How to apply again.
    pub nouvelle_demande: String,
    /// Which pieces to add, only when some are missing.
    pub pieces_manquantes: String,
    /// The appeal route and its deadline.
    pub recours: String,
    /// The appeal deadline, in words.
    pub delai_recours: String,
    /// Closing formula.
    pub salutations: String,
}

/// Settings of the tableau récapitulatif.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Tableau {
    /// Where the commission sits.
    pub lieu: String,
}

/// A section of the CPNE's own text in the annual review.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BilanSection {
    /// Its heading.
    pub titre: String,
    /// Its paragraph.
    pub texte: String,
}

/// The whole file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Texts {
    /// AUVICOM.
    pub auvicom: Auvicom,
    /// The CPNE.
    pub cpne: Cpne,
    /// The recevabilité letters.
    pub lettre_recevabilite: RecevabiliteLetter,
    /// The tableau récapitulatif.
    pub tableau: Tableau,
    /// The CPNE's text of the annual review.
    #[serde(default)]
    pub bilan: Vec<BilanSection>,
}

/// Replaces each `{name}` of `text` by its value in `values`; unknown names are left as written.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

impl Texts {
    /// Reads the file; a syntax error, a missing or unknown key and an unknown placeholder are
    /// reported with their line.
    pub fn load(file: &SourceFile) -> Result<Texts, Diagnostics> {
        let mut diagnostics = Diagnostics::default();
        let at = |offset: usize| {
            let line = file.text[..offset.min(file.text.len())].matches('\n').count() + 1;
            Location { file: file.name.clone(), line: u32::try_from(line).unwrap_or(0), column: 1 }
        };
        if let Err(d) = crate::limits::check_size(&file.name, &file.text, &crate::limits::POLICY) {
            diagnostics.push(*d);
            return Err(diagnostics);
        }
        let texts: Texts = match toml::from_str(&file.text) {
            Ok(t) => t,
            Err(e) => {
                let place = e
                    .span()
                    .map_or(Location { file: file.name.clone(), line: 0, column: 0 }, |s| at(s.start));
                diagnostics.push(Diagnostic::error(
                    Code::Syntax,
                    place,
                    "",
                    format!("invalid documents file: {}", e.message().trim()),
                ));
                return Err(diagnostics);
            }
        };
        let mut rest = file.text.as_str();
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            let name = &after[..close];
            let in_comment = file.text[..offset + open]
                .rsplit('\n')
                .next()
                .is_some_and(|l| l.trim_start().starts_with('#'));
            if !in_comment && !PLACEHOLDERS.contains(&name) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        at(offset + open),
                        "",
                        format!("unknown placeholder `{{{name}}}`"),
                    )
                    .expected(PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" | "))
                    .found(format!("{{{name}}}"))
                    .help(crate::suggest::did_you_mean(name, PLACEHOLDERS)),
                );
            }
            offset += open + 1 + close + 1;
            rest = &file.text[offset..];
        }
        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(texts) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> SourceFile {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/referentiels/documents.toml"))
                .expect("shipped texts");
        SourceFile { name: "documents.toml".into(), text }
    }

    #[test]
    fn the_shipped_file_loads_and_fills() {
        let t = Texts::load(&shipped()).unwrap();
        assert_eq!(t.auvicom.nom, "AUVICOM");
        let object = fill(&t.lettre_recevabilite.objet_recevable, &[("certificat", "X")]);
        assert!(object.contains("« X »"), "{object}");
    }

    #[test]
    fn unknown_keys_and_placeholders_are_reported_at_their_line() {
        let mut file = shipped();
        file.text = file.text.replace("{delai} à compter", "{delay} à compter");
        let d = Texts::load(&file).unwrap_err().to_string();
        assert!(d.contains("unknown placeholder `{delay}`"), "{d}");
        assert!(d.contains("did you mean `delai`?"), "{d}");
        let mut file = shipped();
        file.text = file.text.replace("lieu = \"Paris\"\nsignataire", "ville = \"Paris\"\nsignataire");
        let d = Texts::load(&file).unwrap_err();
        assert_eq!(d.0[0].code, Code::Syntax);
        assert!(d.0[0].location.line > 1, "{d}");
    }
}
