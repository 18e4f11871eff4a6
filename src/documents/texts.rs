//! What the documents say and who signs them, read from `referentiels/documents.toml`, which the
//! secretariat edits: the organisations' names, addresses and signatories, the place, the wording
//! of the recevabilité decisions and the CPNE's text of the annual review.
//!
//! Wording may hold `{placeholders}`, filled by [`fill`]; an unknown placeholder is reported when
//! the file is read.
//!
//! The sections are the default, that of the two CQPT; a certificate built the same way (a titre
//! professionnel…) names its own family, certifier, fund and commission in `[certificats.<id>…]`
//! tables, key by key: [`Texts::for_certificate`] gives the merged texts.

use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The name of the file in the référentiels folder.
pub const TEXTS_FILE: &str = "documents.toml";

/// The placeholders wording may use.
pub const PLACEHOLDERS: [&str; 9] =
    ["certificat", "recue", "decidee", "delai", "pieces", "famille", "commission", "unites", "conservation"];

/// The family of the certificate, as the letters name it: `{famille}` in the wording is replaced
/// by its short name when the texts are read.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Famille {
    /// Short name (« CQPT », « titre professionnel »).
    pub sigle: String,
    /// Long name, plural, for a header (« certificats de qualification professionnelle des
    /// télécommunications »).
    pub nom: String,
}

/// The fund that decides the recevabilité: AUVICOM for the CQPT (art. 6-1).
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

/// The certifier and its attribution commission: the CPNE for the CQPT (art. 5, art. 7).
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
    /// Its name where the candidate finds it (the workspace).
    pub titre: String,
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

/// The wording of the commission's decision letter (phase 4, art. 5), one paragraph per outcome.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DecisionLetter {
    /// Its name where the candidate finds it (the workspace).
    pub titre: String,
    /// Object line.
    pub objet: String,
    /// Salutation.
    pub appel: String,
    /// The texts the decision rests on (« Vu l'accord du 23 septembre 2005… »).
    pub vu: String,
    /// The decision: attribution.
    pub attribution: String,
    /// The decision: validation partielle, `{unites}` the units validated.
    pub validation_partielle: String,
    /// The decision: a complementary evaluation first.
    pub evaluation_complementaire: String,
    /// The decision: non-attribution.
    pub non_attribution: String,
    /// How long the units validated are kept, `{conservation}` « à vie » or a date.
    pub conservation: String,
    /// What the candidate may do next after a validation partielle.
    pub suite_validation_partielle: String,
    /// The appeal route (art. 5: on the procedure only) and its deadline.
    pub recours: String,
    /// The appeal deadline, in words.
    pub delai_recours: String,
    /// Closing formula.
    pub salutations: String,
    /// Who signs.
    pub signataire: String,
    /// The signatory's function.
    pub fonction: String,
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
    /// The family of the certificate.
    pub famille: Famille,
    /// The fund that decides the recevabilité (AUVICOM).
    pub auvicom: Auvicom,
    /// The CPNE.
    pub cpne: Cpne,
    /// The recevabilité letters.
    pub lettre_recevabilite: RecevabiliteLetter,
    /// The commission's decision letters.
    pub lettre_decision: DecisionLetter,
    /// The tableau récapitulatif.
    pub tableau: Tableau,
    /// The CPNE's text of the annual review.
    #[serde(default)]
    pub bilan: Vec<BilanSection>,
    /// Per certificate, the keys it sets itself, as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub certificats: BTreeMap<String, toml::Table>,
    /// Per certificate with its own keys, the default merged with them (built when reading).
    #[serde(skip)]
    effective: BTreeMap<String, Texts>,
}

/// The default sections with `overrides` laid over them key by key, `{famille}` replaced.
fn merged(default: &toml::Table, overrides: &toml::Table) -> toml::Table {
    fn name_family(value: &mut toml::Value, sigle: &str) {
        match value {
            toml::Value::String(s) => *s = s.replace("{famille}", sigle),
            toml::Value::Array(a) => a.iter_mut().for_each(|v| name_family(v, sigle)),
            toml::Value::Table(t) => t.iter_mut().for_each(|(_, v)| name_family(v, sigle)),
            _ => {}
        }
    }
    let mut base = default.clone();
    base.remove("certificats");
    crate::policy::overlay(&mut base, overrides);
    let sigle = base
        .get("famille")
        .and_then(|f| f.get("sigle"))
        .and_then(toml::Value::as_str)
        .unwrap_or_default()
        .to_string();
    for (key, value) in &mut base {
        if key != "famille" {
            name_family(value, &sigle);
        }
    }
    base
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
    /// The texts of the documents of the certificate `id`: its own family, organisations and
    /// wording where `[certificats.<id>…]` sets them, the default elsewhere.
    pub fn for_certificate(&self, id: &str) -> &Texts {
        self.effective.get(id).unwrap_or(self)
    }

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
        let mut texts: Texts = match toml::from_str(&file.text) {
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
        if !diagnostics.has_errors() {
            texts = Texts::with_certificates(&texts, file, &mut diagnostics);
        }
        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(texts) }
    }

    /// A `[certificats.<id>]` of `file` whose id is no certificate of `library`, at its line.
    pub fn unknown_certificates(
        &self,
        file: &SourceFile,
        library: &crate::referentiel::Library,
    ) -> Diagnostics {
        let mut out = Diagnostics::default();
        let ids: Vec<&str> = library.certificates().map(|r| r.id.as_str()).collect();
        for id in self.certificats.keys().filter(|id| !ids.contains(&id.as_str())) {
            let header = format!("[certificats.{id}");
            let line =
                file.text.lines().position(|l| l.trim_start().starts_with(&header)).map_or(0, |i| i + 1);
            out.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    Location { file: file.name.clone(), line: u32::try_from(line).unwrap_or(0), column: 1 },
                    format!("certificats.{id}"),
                    format!("no certificate has the id `{id}`"),
                )
                .expected("certificate ids")
                .found(id.clone())
                .help(crate::suggest::did_you_mean(id, ids.iter().copied())),
            );
        }
        out
    }

    /// The default texts with `{famille}` named, and the texts of each certificate of
    /// `[certificats]`; a key or a type that does not fit is reported at the certificate's table.
    fn with_certificates(texts: &Texts, file: &SourceFile, diagnostics: &mut Diagnostics) -> Texts {
        let Ok(table) = toml::from_str::<toml::Table>(&file.text) else { return texts.clone() };
        let read = |id: &str, overrides: &toml::Table, diagnostics: &mut Diagnostics| match merged(
            &table, overrides,
        )
        .try_into::<Texts>()
        {
            Ok(t) => Some(t),
            Err(e) => {
                let header = format!("[certificats.{id}");
                let line =
                    file.text.lines().position(|l| l.trim_start().starts_with(&header)).map_or(0, |i| i + 1);
                diagnostics.push(Diagnostic::error(
                    Code::Syntax,
                    Location { file: file.name.clone(), line: u32::try_from(line).unwrap_or(0), column: 1 },
                    format!("certificats.{id}"),
                    format!("invalid documents of `{id}`: {}", e.message().trim()),
                ));
                None
            }
        };
        let Some(mut out) = read("", &toml::Table::new(), diagnostics) else { return texts.clone() };
        out.certificats.clone_from(&texts.certificats);
        for (id, overrides) in &texts.certificats {
            if let Some(own) = read(id, overrides, diagnostics) {
                out.effective.insert(id.clone(), own);
            }
        }
        out
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
