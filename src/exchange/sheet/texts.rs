//! What the workbook says, read from `referentiels/tableur.toml`: sheet names, titles, column
//! headings, instructions and the help of the input cells. Nothing of it is in code.

use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::error::{Error, Result};
use crate::source::{DataSource, SourceFile};
use serde::Deserialize;
use std::path::PathBuf;

/// The name of the file in the référentiels folder.
pub const SHEET_TEXTS_FILE: &str = "tableur.toml";

/// The names of the sheets (also how the filled workbook is read back).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SheetNames {
    /// The identity sheet: dossier, candidate, certificate.
    pub identite: String,
    /// The observation grid (phase 2C).
    pub observation: String,
    /// The dossier de preuves (phase 2A).
    pub preuves: String,
    /// The list of the grids' items (read only).
    pub savoirs: String,
}

/// The identity sheet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IdentityTexts {
    /// Its title (`{certificat}`).
    pub titre: String,
    /// Label of the dossier id.
    pub dossier: String,
    /// Label of the candidate's name.
    pub candidat: String,
    /// Label of the candidate's file number.
    pub numero: String,
    /// Label of the certificate.
    pub certificat: String,
    /// Label of the evaluating body.
    pub organisme: String,
    /// Instructions, one line each (`{niveau}`).
    pub consignes: Vec<String>,
}

/// The observation sheet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ObservationTexts {
    /// Its title (`{titre}`: the grid's, `{candidat}`, `{dossier}`).
    pub titre: String,
    /// Instruction (`{min}`, `{max}`).
    pub consigne: String,
    /// Label of the observation's date.
    pub date: String,
    /// Label of its start time.
    pub debut: String,
    /// Label of its end time.
    pub fin: String,
    /// Label of the observer.
    pub observateur: String,
    /// Heading of the item ids.
    pub savoir: String,
    /// Heading of the item labels.
    pub libelle: String,
    /// Heading of a contact's column (`{n}`).
    pub contact: String,
    /// Label of the contacts' number row.
    pub numero: String,
    /// Label of the contacts' start row.
    pub debut_contact: String,
    /// Label of the contacts' end row.
    pub fin_contact: String,
    /// Title of the justifications table (`{niveau}`).
    pub justifications: String,
    /// Heading of its contact column.
    pub justification_contact: String,
    /// Heading of its item column.
    pub justification_savoir: String,
    /// Heading of its text column.
    pub justification_texte: String,
    /// Its number of empty rows.
    pub lignes_justification: u32,
}

/// The dossier de preuves sheet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PreuvesTexts {
    /// Its title (`{titre}`, `{candidat}`, `{dossier}`).
    pub titre: String,
    /// Instruction.
    pub consigne: String,
    /// Heading: piece id.
    pub piece: String,
    /// Heading: piece title.
    pub titre_piece: String,
    /// Heading: kind.
    pub nature: String,
    /// Heading: referee.
    pub referent: String,
    /// Heading: referee's role.
    pub fonction: String,
    /// Heading: item.
    pub savoir: String,
    /// Heading: level.
    pub niveau: String,
    /// Heading: justification.
    pub justification: String,
    /// Its number of empty rows.
    pub lignes: u32,
}

/// The items sheet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ItemsTexts {
    /// Its title (`{certificat}`).
    pub titre: String,
    /// Heading: id.
    pub savoir: String,
    /// Heading: label.
    pub libelle: String,
    /// Heading: kind of knowledge.
    pub nature: String,
    /// Heading: category.
    pub categorie: String,
    /// Heading: the grids that list it.
    pub grille: String,
    /// Name of the observation grid in that column.
    pub observation: String,
    /// Name of the dossier de preuves in that column.
    pub preuves: String,
}

/// The help shown on the input cells (title and message).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HelpTexts {
    /// Level cells: title.
    pub niveau_titre: String,
    /// Level cells: message.
    pub niveau: String,
    /// Time cells: title.
    pub heure_titre: String,
    /// Time cells: message.
    pub heure: String,
    /// Date cells: title.
    pub date_titre: String,
    /// Date cells: message.
    pub date: String,
    /// Contact numbers: title.
    pub contact_titre: String,
    /// Contact numbers: message.
    pub contact: String,
    /// Kind of a piece: title.
    pub nature_titre: String,
    /// Kind of a piece: message.
    pub nature: String,
    /// Item cells: title.
    pub savoir_titre: String,
    /// Item cells: message.
    pub savoir: String,
}

/// Everything the workbook says.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SheetTexts {
    /// Sheet names.
    pub feuilles: SheetNames,
    /// The identity sheet.
    pub identite: IdentityTexts,
    /// The observation sheet.
    pub observation: ObservationTexts,
    /// The dossier de preuves sheet.
    pub preuves: PreuvesTexts,
    /// The items sheet.
    pub savoirs: ItemsTexts,
    /// Help of the input cells.
    pub aide: HelpTexts,
}

/// Longest list of empty rows a sheet may ask for.
const MAX_ROWS: u32 = 1_000;

impl SheetTexts {
    /// Reads the texts from a file: TOML syntax, every key known, row counts bounded, sheet
    /// names distinct and valid for a spreadsheet (at most 31 characters, none of `[]:*?/\`).
    pub fn load(file: &SourceFile) -> std::result::Result<SheetTexts, Diagnostics> {
        let at = |offset: usize| {
            let line = file.text[..offset.min(file.text.len())].matches('\n').count() + 1;
            Location { file: file.name.clone(), line: u32::try_from(line).unwrap_or(0), column: 1 }
        };
        if let Err(d) = crate::limits::check_size(&file.name, &file.text, &crate::limits::POLICY) {
            return Err(Diagnostics(vec![*d]));
        }
        let texts: SheetTexts = toml::from_str(&file.text).map_err(|e| {
            let place =
                e.span().map_or(Location { file: file.name.clone(), line: 0, column: 0 }, |s| at(s.start));
            Diagnostics(vec![Diagnostic::error(
                Code::Syntax,
                place,
                "",
                format!("invalid spreadsheet texts: {}", e.message().trim()),
            )])
        })?;
        let mut diagnostics = Diagnostics::default();
        let line_of = |key: &str| {
            file.text.lines().position(|l| l.trim_start().starts_with(key)).map_or(0, |i| i as u32 + 1)
        };
        for (key, rows) in [
            ("lignes-justification", texts.observation.lignes_justification),
            ("lignes", texts.preuves.lignes),
        ] {
            if rows == 0 || rows > MAX_ROWS {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        Location { file: file.name.clone(), line: line_of(&format!("{key} =")), column: 1 },
                        key,
                        "a number of rows out of range",
                    )
                    .expected(format!("1 to {MAX_ROWS}"))
                    .found(rows.to_string()),
                );
            }
        }
        let names = &texts.feuilles;
        let all = [
            ("identite", &names.identite),
            ("observation", &names.observation),
            ("preuves", &names.preuves),
            ("savoirs", &names.savoirs),
        ];
        for (i, (key, name)) in all.iter().enumerate() {
            let bad = name.is_empty()
                || name.chars().count() > 31
                || name.contains(['[', ']', ':', '*', '?', '/', '\\'])
                || all[..i].iter().any(|(_, n)| n.eq_ignore_ascii_case(name));
            if bad {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        Location { file: file.name.clone(), line: line_of(&format!("{key} =")), column: 1 },
                        format!("feuilles.{key}"),
                        "a sheet name a spreadsheet cannot hold",
                    )
                    .expected("a distinct name of 1 to 31 characters, none of [ ] : * ? / \\")
                    .found(crate::limits::quote(name)),
                );
            }
        }
        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(texts) }
    }

    /// Loads the texts of a data source; a data folder without the file uses the embedded one
    /// (folders exported before it existed keep working).
    pub fn from_source(source: &DataSource) -> Result<SheetTexts> {
        let find = |s: &DataSource| -> Result<Option<SourceFile>> {
            Ok(s.files("referentiels", "toml")?.into_iter().find(|f| f.file_name() == SHEET_TEXTS_FILE))
        };
        let file = match find(source)? {
            Some(f) => f,
            None => find(&DataSource::Embedded)?.ok_or_else(|| Error::Read {
                path: PathBuf::from(format!("referentiels/{SHEET_TEXTS_FILE}")),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not embedded"),
            })?,
        };
        SheetTexts::load(&file).map_err(Error::Invalid)
    }
}

/// `text` with each `{name}` of `values` replaced.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_texts_load() {
        let t = SheetTexts::from_source(&DataSource::Embedded).unwrap();
        assert_eq!(t.feuilles.observation, "Observation");
        assert_eq!(fill("Contact {n}", &[("n", "3")]), "Contact 3");
    }

    #[test]
    fn a_bad_sheet_name_and_row_count_are_reported_together() {
        let text = include_str!("../../../referentiels/tableur.toml")
            .replace("savoirs = \"Savoirs\"", "savoirs = \"Dossier\"")
            .replace("lignes = 80", "lignes = 0");
        let file = SourceFile { name: "tableur.toml".into(), text };
        let d = SheetTexts::load(&file).unwrap_err();
        assert_eq!(d.0.len(), 2, "{d:?}");
    }
}
