//! The French label of every code (routes, contracts, pieces, colleges, appeal grounds, rejection
//! reasons, findings, statuses, proposals, payers, modalities, categories, kinds, diagnostics),
//! read from `referentiels/libelles.toml`, which the secretariat edits. Documents, CSV files,
//! the terminal and JSON print these labels (JSON gives both: [`super::labelled`]).
//!
//! The file must label every code of every set and nothing else: a missing or unknown code is
//! a diagnostic with its file and line.

use crate::diag::{Code, Diagnostic, Diagnostics, Location, Severity};
use crate::dossier::{
    AccreditationEvent, ActivityStatus, AppealGround, College, Contract, DocumentKind, PreuveKind, Proposal,
    Route,
};
use crate::phases::{FindingCode, ItemStatus, Payer, Reason};
use crate::policy::Modality;
use crate::referentiel::{Category, ItemKind};
use crate::source::SourceFile;
use std::collections::BTreeMap;
use strum::VariantNames;

/// The name of the labels file in the référentiels folder.
pub const LABELS_FILE: &str = "libelles.toml";

/// A set of codes: one table of the labels file, named in kebab-case (`[voie-acces]`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, strum::IntoStaticStr, strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum LabelSet {
    /// Access routes ([`Route`]).
    VoieAcces,
    /// Work contracts ([`Contract`]).
    Contrat,
    /// Pieces sent to AUVICOM ([`DocumentKind`]).
    Piece,
    /// Pieces of the dossier de preuves ([`PreuveKind`]).
    Preuve,
    /// Colleges of the commission ([`College`]).
    College,
    /// Grounds of an appeal ([`AppealGround`]).
    MotifRecours,
    /// Accreditation events ([`AccreditationEvent`]).
    Habilitation,
    /// `recevable` / `non-recevable`.
    Recevabilite,
    /// Rejection reasons ([`Reason`]).
    MotifRejet,
    /// Procedural findings ([`FindingCode`]).
    Constat,
    /// Severity of a finding ([`Severity`]).
    Gravite,
    /// Status of an activity ([`ActivityStatus`]).
    StatutActivite,
    /// Status of a unit (bloc de compétences, feminine in French: [`ActivityStatus`]).
    StatutUnite,
    /// Status of an item ([`ItemStatus`]).
    StatutSavoir,
    /// Proposals and decisions ([`Proposal`]).
    Proposition,
    /// Who pays ([`Payer`]).
    Financeur,
    /// Evaluation modalities ([`Modality`]).
    Modalite,
    /// Item categories ([`Category`]).
    Categorie,
    /// Item kinds ([`ItemKind`]).
    Nature,
    /// Diagnostic codes ([`Code`]).
    Diagnostic,
    /// States of a dossier in the workspace ([`crate::store::DOSSIER_STATES`]).
    EtatDossier,
    /// Where a quiz question is in its life ([`crate::quiz::Status`]).
    StatutQuestion,
    /// The pools of the quiz bank, phase 0 or 2B ([`crate::quiz::Pool`]).
    ReserveQuestion,
    /// The writing rules of the quiz bank, Q01… ([`crate::quiz::rules::Rule`]).
    RegleQuiz,
    /// Why item statistics send a question to review ([`crate::quiz::stats::ReviewReason`]).
    RevueQuestion,
}

/// The code of an item status (its serde name; the enum derives no name list).
fn item_status_code(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Atteint => "atteint",
        ItemStatus::Insuffisant => "insuffisant",
        ItemStatus::NonEvalue => "non-evalue",
        ItemStatus::NonApplicable => "non-applicable",
        ItemStatus::Facultatif => "facultatif",
        ItemStatus::UniteAcquise => "unite-acquise",
    }
}

/// Every item status.
const ITEM_STATUSES: [ItemStatus; 6] = [
    ItemStatus::Atteint,
    ItemStatus::Insuffisant,
    ItemStatus::NonEvalue,
    ItemStatus::NonApplicable,
    ItemStatus::Facultatif,
    ItemStatus::UniteAcquise,
];

/// The code of a modality (its serde name).
fn modality_code(m: Modality) -> &'static str {
    match m {
        Modality::Preuves => "preuves",
        Modality::Quiz => "quiz",
        Modality::Observation => "observation",
    }
}

/// Every modality.
const MODALITIES: [Modality; 3] = [Modality::Preuves, Modality::Quiz, Modality::Observation];

/// The code of a severity (its serde name).
fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Every severity.
const SEVERITIES: [Severity; 2] = [Severity::Error, Severity::Warning];

/// Every payer (the match of [`payer_code`] fails to compile when one is added).
const PAYERS: [Payer; 3] = [Payer::Auvicom, Payer::Entreprise, Payer::Aucun];

/// The code of a payer (its derived name).
fn payer_code(p: Payer) -> &'static str {
    match p {
        Payer::Auvicom | Payer::Entreprise | Payer::Aucun => p.into(),
    }
}

impl LabelSet {
    /// Every set, in the order of the file.
    pub const ALL: &'static [LabelSet] = <LabelSet as strum::VariantArray>::VARIANTS;

    /// The table's name in the labels file.
    pub fn table(self) -> &'static str {
        self.into()
    }

    /// Every code of the set, from the enums' derived lists.
    pub fn codes(self) -> Vec<&'static str> {
        match self {
            LabelSet::VoieAcces => Route::VARIANTS.to_vec(),
            LabelSet::Contrat => Contract::VARIANTS.to_vec(),
            LabelSet::Piece => DocumentKind::VARIANTS.to_vec(),
            LabelSet::Preuve => PreuveKind::VARIANTS.to_vec(),
            LabelSet::College => College::VARIANTS.to_vec(),
            LabelSet::MotifRecours => AppealGround::VARIANTS.to_vec(),
            LabelSet::Habilitation => AccreditationEvent::VARIANTS.to_vec(),
            LabelSet::Recevabilite => vec!["recevable", "non-recevable"],
            LabelSet::MotifRejet => Reason::ALL.iter().map(|r| r.as_str()).collect(),
            LabelSet::Constat => FindingCode::ALL.iter().map(|c| c.as_str()).collect(),
            LabelSet::Gravite => SEVERITIES.into_iter().map(severity_code).collect(),
            LabelSet::StatutActivite | LabelSet::StatutUnite => ActivityStatus::VARIANTS.to_vec(),
            LabelSet::StatutSavoir => ITEM_STATUSES.into_iter().map(item_status_code).collect(),
            LabelSet::Proposition => Proposal::VARIANTS.to_vec(),
            LabelSet::Financeur => PAYERS.into_iter().map(payer_code).collect(),
            LabelSet::Modalite => MODALITIES.into_iter().map(modality_code).collect(),
            LabelSet::Categorie => Category::CHOICES.iter().map(|(n, _)| *n).collect(),
            LabelSet::Nature => ItemKind::ALL.iter().map(|k| k.as_str()).collect(),
            LabelSet::Diagnostic => Code::ALL.iter().map(|c| c.as_str()).collect(),
            LabelSet::EtatDossier => crate::store::DOSSIER_STATES.to_vec(),
            LabelSet::StatutQuestion => crate::quiz::Status::CHOICES.iter().map(|(c, _)| *c).collect(),
            LabelSet::ReserveQuestion => crate::quiz::Pool::CHOICES.iter().map(|(c, _)| *c).collect(),
            LabelSet::RegleQuiz => crate::quiz::rules::Rule::ALL.iter().map(|r| r.code()).collect(),
            LabelSet::RevueQuestion => {
                crate::quiz::stats::ReviewReason::ALL.iter().map(|r| r.as_str()).collect()
            }
        }
    }
}

/// The labels of every code, loaded and complete.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels {
    sets: BTreeMap<LabelSet, BTreeMap<String, String>>,
}

impl Labels {
    /// Reads the labels file: every code of every set labelled, no unknown set or code, no empty
    /// label; every problem is reported with its line.
    pub fn load(file: &SourceFile) -> Result<Labels, Diagnostics> {
        let mut diagnostics = Diagnostics::default();
        let at = |line: usize| Location {
            file: file.name.clone(),
            line: u32::try_from(line).unwrap_or(0),
            column: u32::from(line > 0),
        };
        if let Err(d) = crate::limits::check_size(&file.name, &file.text, &crate::limits::POLICY) {
            diagnostics.push(*d);
            return Err(diagnostics);
        }
        let raw: BTreeMap<String, BTreeMap<String, String>> = match toml::from_str(&file.text) {
            Ok(raw) => raw,
            Err(e) => {
                let line = e
                    .span()
                    .map_or(0, |s| file.text[..s.start.min(file.text.len())].matches('\n').count() + 1);
                diagnostics.push(
                    Diagnostic::error(
                        Code::Syntax,
                        at(line),
                        "",
                        format!("invalid labels file: {}", e.message()),
                    )
                    .expected("tables of `code = \"libellé\"` lines"),
                );
                return Err(diagnostics);
            }
        };
        let line_of_table = |table: &str| {
            file.text.lines().position(|l| l.trim() == format!("[{table}]")).map_or(0, |i| i + 1)
        };
        let line_of_key = |table: &str, key: &str| {
            let start = line_of_table(table);
            file.text
                .lines()
                .enumerate()
                .skip(start)
                .take_while(|(_, l)| !l.trim_start().starts_with('['))
                .find(|(_, l)| l.split('=').next().is_some_and(|k| k.trim().trim_matches('"') == key))
                .map_or(start, |(i, _)| i + 1)
        };
        let tables: Vec<&str> = LabelSet::ALL.iter().map(|s| s.table()).collect();
        for name in raw.keys() {
            if !tables.contains(&name.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::UnknownKey,
                        at(line_of_table(name)),
                        name.clone(),
                        "unknown set of codes",
                    )
                    .expected(tables.join(" | "))
                    .found(name.clone())
                    .help(crate::suggest::did_you_mean(name, tables.iter().copied())),
                );
            }
        }
        let mut labels = Labels::default();
        for set in LabelSet::ALL {
            let codes = set.codes();
            let Some(found) = raw.get(set.table()) else {
                diagnostics.push(
                    Diagnostic::error(
                        Code::MissingField,
                        at(0),
                        set.table(),
                        format!("no `[{}]` table: every code needs its French label", set.table()),
                    )
                    .expected(codes.join(" | ")),
                );
                continue;
            };
            for code in &codes {
                match found.get(*code) {
                    None => diagnostics.push(
                        Diagnostic::error(
                            Code::MissingField,
                            at(line_of_table(set.table())),
                            format!("{}.{code}", set.table()),
                            format!("code `{code}` has no label"),
                        )
                        .expected(format!("{code} = \"libellé\"")),
                    ),
                    Some(label) if label.trim().is_empty() => diagnostics.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            at(line_of_key(set.table(), code)),
                            format!("{}.{code}", set.table()),
                            "empty label",
                        )
                        .expected("the French words a reader sees for this code"),
                    ),
                    Some(_) => {}
                }
            }
            for key in found.keys() {
                if !codes.contains(&key.as_str()) {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::UnknownKey,
                            at(line_of_key(set.table(), key)),
                            format!("{}.{key}", set.table()),
                            format!("`{key}` is not a code of `[{}]`", set.table()),
                        )
                        .expected(codes.join(" | "))
                        .found(key.clone())
                        .help(crate::suggest::did_you_mean(key, codes.iter().copied())),
                    );
                }
            }
            labels.sets.insert(*set, found.clone());
        }
        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(labels) }
    }

    /// The label of `code` in `set`; the code itself if the set does not label it.
    pub fn get<'a>(&'a self, set: LabelSet, code: &'a str) -> &'a str {
        self.sets.get(&set).and_then(|s| s.get(code)).map_or(code, String::as_str)
    }

    /// An access route.
    pub fn route(&self, r: Route) -> &str {
        self.get(LabelSet::VoieAcces, r.as_str())
    }

    /// A rejection reason.
    pub fn reason(&self, r: Reason) -> &str {
        self.get(LabelSet::MotifRejet, r.as_str())
    }

    /// A finding.
    pub fn finding(&self, c: FindingCode) -> &str {
        self.get(LabelSet::Constat, c.as_str())
    }

    /// The severity of a finding (« bloquant », « remarque »).
    pub fn severity(&self, s: Severity) -> &str {
        self.get(LabelSet::Gravite, severity_code(s))
    }

    /// A proposal or decision.
    pub fn proposal(&self, p: Proposal) -> &str {
        self.get(LabelSet::Proposition, p.into())
    }

    /// The status of an activity.
    pub fn activity_status(&self, s: ActivityStatus) -> &str {
        self.get(LabelSet::StatutActivite, s.into())
    }

    /// The status of a unit (bloc de compétences).
    pub fn unit_status(&self, s: ActivityStatus) -> &str {
        self.get(LabelSet::StatutUnite, s.into())
    }

    /// The status of an item.
    pub fn item_status(&self, s: ItemStatus) -> &str {
        self.get(LabelSet::StatutSavoir, item_status_code(s))
    }

    /// Who pays.
    pub fn payer(&self, p: Payer) -> &str {
        self.get(LabelSet::Financeur, payer_code(p))
    }

    /// A modality.
    pub fn modality(&self, m: Modality) -> &str {
        self.get(LabelSet::Modalite, modality_code(m))
    }

    /// A category.
    pub fn category(&self, c: Category) -> &str {
        self.get(LabelSet::Categorie, c.as_str())
    }

    /// A kind of item.
    pub fn kind(&self, k: ItemKind) -> &str {
        self.get(LabelSet::Nature, k.as_str())
    }

    /// A college of the commission.
    pub fn college(&self, c: College) -> &str {
        self.get(LabelSet::College, c.into())
    }

    /// Recevable or not.
    pub fn recevabilite(&self, recevable: bool) -> &str {
        self.get(LabelSet::Recevabilite, if recevable { "recevable" } else { "non-recevable" })
    }

    /// Every label of every set, for tests and checks: (set, code, label).
    pub fn all(&self) -> impl Iterator<Item = (LabelSet, &str, &str)> {
        self.sets.iter().flat_map(|(set, m)| m.iter().map(move |(c, l)| (*set, c.as_str(), l.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> SourceFile {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/referentiels/libelles.toml"))
                .expect("shipped labels");
        SourceFile { name: "libelles.toml".into(), text }
    }

    #[test]
    fn every_code_of_every_set_has_a_label() {
        let labels = Labels::load(&shipped()).expect("the shipped labels load");
        let labelled: std::collections::BTreeSet<(LabelSet, &str)> =
            labels.all().filter(|(_, _, l)| !l.trim().is_empty()).map(|(s, c, _)| (s, c)).collect();
        for set in LabelSet::ALL {
            let codes = set.codes();
            assert!(!codes.is_empty(), "{set:?}");
            for code in codes {
                assert!(labelled.contains(&(*set, code)), "{set:?}.{code} has no label");
            }
        }
        assert_eq!(labelled.len(), LabelSet::ALL.iter().map(|s| s.codes().len()).sum::<usize>());
        assert_eq!(labels.route(Route::Cif), "congé individuel de formation (CIF)");
        assert_eq!(labels.item_status(ItemStatus::NonEvalue), "non évalué");
        assert_eq!(labels.severity(Severity::Error), "bloquant");
    }

    #[test]
    fn serde_names_are_the_codes() {
        let name = |v: serde_json::Value| v.as_str().unwrap().to_string();
        for s in ITEM_STATUSES {
            assert_eq!(item_status_code(s), name(serde_json::to_value(s).unwrap()));
        }
        for m in MODALITIES {
            assert_eq!(modality_code(m), name(serde_json::to_value(m).unwrap()));
        }
        for s in SEVERITIES {
            assert_eq!(severity_code(s), name(serde_json::to_value(s).unwrap()));
        }
        for p in PAYERS {
            assert_eq!(payer_code(p), name(serde_json::to_value(p).unwrap()));
        }
    }

    #[test]
    fn a_missing_or_unknown_code_is_reported_at_its_line() {
        let mut file = shipped();
        file.text = file.text.replace("cif = \"congé", "cfi = \"congé");
        let d = Labels::load(&file).unwrap_err();
        let text = d.to_string();
        assert!(text.contains("code `cif` has no label"), "{text}");
        assert!(text.contains("`cfi` is not a code of `[voie-acces]`"), "{text}");
        assert!(text.contains("did you mean `cif`?"), "{text}");
        let unknown = d.0.iter().find(|x| x.code == Code::UnknownKey).unwrap();
        let line = file.text.lines().position(|l| l.starts_with("cfi")).unwrap() + 1;
        assert_eq!(unknown.location.line as usize, line);
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let file = SourceFile { name: "libelles.toml".into(), text: "[voie-acces]\ncif = \n".into() };
        let d = Labels::load(&file).unwrap_err();
        assert_eq!(d.0[0].code, Code::Syntax);
        assert_eq!(d.0[0].location.line, 2);
    }
}
