//! AUVICOM's application form, library side: what an officer types, kept as typed (every
//! value is a `String`, so a refused value is shown again as it was), written as a dossier
//! YAML text in the documented format, and checked with the real loader. Every problem is
//! reported at once on the form field it concerns, in French: what is expected, what was
//! typed.
//!
//! Form field names are flat: `candidate_id`, `family_name`, `given_name`, `birth_date`,
//! `certificate`, `route`, `priority_dif`, `contract_target`, `contract_end`, `submitted`, and
//! for rows `employment.N.FIELD` and `documents.N.FIELD`, `N` counting from 0 the rows kept
//! (blank rows are dropped, see [`ApplicationForm::from_pairs`]).

use super::edit::quote_yaml;
use super::values::{Contract, DocumentKind, Route};
use super::{Dossier, load_dossier};
use crate::diag::{Code, Diagnostic};
use crate::documents::labels::{LabelSet, Labels};
use crate::referentiel::Library;
use crate::source::SourceFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use strum::VariantNames;

/// The most rows of employment, and of documents, a form holds.
pub const MAX_ROWS: usize = 20;

/// Longest typed value quoted back in a message, in characters.
const MAX_ECHO_CHARS: usize = 60;

/// The name given to the form's text in the loader's diagnostics.
const FILE_NAME: &str = "formulaire.yaml";

/// One period of work, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct EmploymentRow {
    /// The employer.
    pub employer: String,
    /// Checkbox: the employer is in the branch (`on` or empty).
    pub in_branch: String,
    /// The contract's code.
    pub contract: String,
    /// The job held.
    pub job: String,
    /// Checkbox: the job is related to the CQPT (`on` or empty).
    pub related: String,
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD`, empty when ongoing.
    pub end: String,
    /// Hours of effective work.
    pub hours: String,
}

/// One document sent to AUVICOM, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct DocumentRow {
    /// The kind's code.
    pub kind: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// Its reference.
    pub reference: String,
}

/// An application as an officer types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct ApplicationForm {
    /// The candidate's file number.
    pub candidate_id: String,
    /// Family name.
    pub family_name: String,
    /// Given name.
    pub given_name: String,
    /// Date of birth, optional.
    pub birth_date: String,
    /// The certificate id.
    pub certificate: String,
    /// The route's code.
    pub route: String,
    /// Checkbox: a priority DIF (`on` or empty).
    pub priority_dif: String,
    /// The certificate the ending contrat de professionnalisation aimed at (route
    /// `fin-contrat-de-professionnalisation`).
    pub contract_target: String,
    /// The end of that contract.
    pub contract_end: String,
    /// Periods of work.
    pub employment: Vec<EmploymentRow>,
    /// Documents.
    pub documents: Vec<DocumentRow>,
    /// The day AUVICOM received the application.
    pub submitted: String,
}

/// A problem of one form field, in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The form field (`employment.0.hours`); empty for the form as a whole.
    pub field: String,
    /// What is wrong: the field's label, what is expected, what was typed.
    pub message: String,
}

/// The choices of the form's select boxes: `(code, French label)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FormChoices {
    /// Certificates: id and title.
    pub certificates: Vec<(String, String)>,
    /// Access routes.
    pub routes: Vec<(String, String)>,
    /// Contracts.
    pub contracts: Vec<(String, String)>,
    /// Document kinds.
    pub document_kinds: Vec<(String, String)>,
}

/// The `(code, label)` pairs of a label set.
fn pairs(labels: &Labels, set: LabelSet, codes: &[&str]) -> Vec<(String, String)> {
    codes.iter().map(|c| ((*c).to_string(), labels.get(set, c).to_string())).collect()
}

/// The choices of the select boxes, labelled in French.
pub fn choices(labels: &Labels, library: &Library) -> FormChoices {
    FormChoices {
        certificates: library.certificates().map(|r| (r.id.clone(), r.title.clone())).collect(),
        routes: pairs(labels, LabelSet::VoieAcces, Route::VARIANTS),
        contracts: pairs(labels, LabelSet::Contrat, Contract::VARIANTS),
        document_kinds: pairs(labels, LabelSet::Piece, DocumentKind::VARIANTS),
    }
}

/// The labels shipped in the binary (`referentiels/libelles.toml`); empty if they do not load
/// (codes then stand for their labels).
pub fn shipped_labels() -> Labels {
    crate::source::embedded_files()
        .iter()
        .find(|(path, _)| path.ends_with("libelles.toml"))
        .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
        .and_then(|text| Labels::load(&SourceFile { name: "libelles.toml".into(), text: text.into() }).ok())
        .unwrap_or_default()
}

/// What a field holds, for the expected value of its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Date,
    Hours,
    Checkbox,
    Route,
    Contract,
    Piece,
    Certificate,
}

/// The French label and the kind of a form field (`employment.0.hours` → « Heures »).
fn describe(field: &str) -> (String, Kind) {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["employment", n, name] => {
            let (label, kind) = employment_field(name);
            (format!("Emploi n° {} — {label}", row_number(n)), kind)
        }
        ["documents", n, name] => {
            let (label, kind) = document_field(name);
            (format!("Pièce n° {} — {label}", row_number(n)), kind)
        }
        [name] => {
            let (label, kind) = top_field(name);
            (label.to_string(), kind)
        }
        _ => (field.to_string(), Kind::Text),
    }
}

/// A 0-based row index shown from 1.
fn row_number(n: &str) -> String {
    n.parse::<usize>().map_or_else(|_| n.to_string(), |i| (i + 1).to_string())
}

fn top_field(name: &str) -> (&'static str, Kind) {
    match name {
        "candidate_id" => ("Identifiant du candidat", Kind::Text),
        "family_name" => ("Nom de famille", Kind::Text),
        "given_name" => ("Prénom", Kind::Text),
        "birth_date" => ("Date de naissance", Kind::Date),
        "certificate" => ("Certificat visé", Kind::Certificate),
        "route" => ("Voie d'accès", Kind::Route),
        "priority_dif" => ("DIF prioritaire", Kind::Checkbox),
        "contract_target" => ("Certificat visé par le contrat de professionnalisation", Kind::Certificate),
        "contract_end" => ("Fin du contrat de professionnalisation", Kind::Date),
        "submitted" => ("Date de réception de la candidature", Kind::Date),
        _ => ("Formulaire", Kind::Text),
    }
}

fn employment_field(name: &str) -> (&'static str, Kind) {
    match name {
        "employer" => ("Employeur", Kind::Text),
        "in_branch" => ("Entreprise de la branche", Kind::Checkbox),
        "contract" => ("Contrat", Kind::Contract),
        "job" => ("Emploi occupé", Kind::Text),
        "related" => ("En rapport avec le CQPT", Kind::Checkbox),
        "start" => ("Début", Kind::Date),
        "end" => ("Fin", Kind::Date),
        "hours" => ("Heures", Kind::Hours),
        _ => ("Champ inconnu", Kind::Text),
    }
}

fn document_field(name: &str) -> (&'static str, Kind) {
    match name {
        "kind" => ("Nature de la pièce", Kind::Piece),
        "date" => ("Date de la pièce", Kind::Date),
        "reference" => ("Référence", Kind::Text),
        _ => ("Champ inconnu", Kind::Text),
    }
}

/// What a field of `kind` expects, as the subject of « … est attendu ».
fn expected(kind: Kind, labels: &Labels, library: &Library) -> String {
    let list = |set: LabelSet, codes: &[&str]| {
        codes.iter().map(|c| format!("{} ({c})", labels.get(set, c))).collect::<Vec<_>>().join(", ")
    };
    match kind {
        Kind::Text => "un texte non vide est attendu".into(),
        Kind::Date => "une date AAAA-MM-JJ qui existe est attendue".into(),
        Kind::Hours => "un nombre entier d'heures de 0 à 100 000 est attendu".into(),
        Kind::Checkbox => "une case cochée ou non est attendue".into(),
        Kind::Route => {
            format!("une de ces voies d'accès est attendue : {}", list(LabelSet::VoieAcces, Route::VARIANTS))
        }
        Kind::Contract => {
            format!("un de ces contrats est attendu : {}", list(LabelSet::Contrat, Contract::VARIANTS))
        }
        Kind::Piece => {
            format!("une de ces pièces est attendue : {}", list(LabelSet::Piece, DocumentKind::VARIANTS))
        }
        Kind::Certificate => {
            let certificates: Vec<String> =
                library.certificates().map(|r| format!("{} ({})", r.title, r.id)).collect();
            format!("un de ces certificats est attendu : {}", certificates.join(", "))
        }
    }
}

/// A typed value quoted back, cut when long.
fn echo(value: &str) -> String {
    match value.char_indices().nth(MAX_ECHO_CHARS) {
        None => format!("« {value} »"),
        Some((end, _)) => format!("« {}… »", &value[..end]),
    }
}

/// Whether a checkbox value means checked; `None` when it is neither checked nor unchecked.
fn checkbox(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "on" | "true" | "oui" | "1" | "yes" => Some(true),
        "" | "off" | "false" | "non" | "0" | "no" => Some(false),
        _ => None,
    }
}

impl EmploymentRow {
    /// Whether nothing but checkboxes was typed.
    fn is_blank(&self) -> bool {
        [&self.employer, &self.contract, &self.job, &self.start, &self.end, &self.hours]
            .iter()
            .all(|v| v.trim().is_empty())
    }

    /// Sets one field by its name; unknown names are ignored.
    fn set(&mut self, name: &str, value: String) {
        match name {
            "employer" => self.employer = value,
            "in_branch" => self.in_branch = value,
            "contract" => self.contract = value,
            "job" => self.job = value,
            "related" => self.related = value,
            "start" => self.start = value,
            "end" => self.end = value,
            "hours" => self.hours = value,
            _ => {}
        }
    }
}

impl DocumentRow {
    /// Whether nothing was typed.
    fn is_blank(&self) -> bool {
        [&self.kind, &self.date, &self.reference].iter().all(|v| v.trim().is_empty())
    }

    /// Sets one field by its name; unknown names are ignored.
    fn set(&mut self, name: &str, value: String) {
        match name {
            "kind" => self.kind = value,
            "date" => self.date = value,
            "reference" => self.reference = value,
            _ => {}
        }
    }
}

/// Writes `key: "value"` at `indent`, trimmed (the loader reads texts trimmed, and dates and
/// codes typed with spaces around are meant without), when `value` is not blank.
fn text_line(out: &mut String, indent: &str, key: &str, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        let _ = writeln!(out, "{indent}{key}: {}", quote_yaml(value));
    }
}

/// Writes a checkbox: `true`/`false` when it reads as one, the typed text otherwise (for the
/// loader to refuse). Unchecked optional boxes are left out.
fn checkbox_line(out: &mut String, indent: &str, key: &str, value: &str, required: bool) {
    match checkbox(value) {
        Some(false) if !required => {}
        Some(b) => {
            let _ = writeln!(out, "{indent}{key}: {b}");
        }
        None => text_line(out, indent, key, value),
    }
}

/// Writes hours: a plain integer when it reads as one, the typed text otherwise.
fn hours_line(out: &mut String, indent: &str, value: &str) {
    let v = value.trim();
    if !v.is_empty() && v.len() <= 9 && v.bytes().all(|b| b.is_ascii_digit()) {
        let _ = writeln!(out, "{indent}hours: {}", v.trim_start_matches('0').parse::<u32>().unwrap_or(0));
    } else {
        text_line(out, indent, "hours", value);
    }
}

/// A form field name for a loader's field path (`employment[0].hours` → `employment.0.hours`).
fn form_field(path: &str) -> String {
    let path = path.replace('[', ".").replace(']', "");
    let mapped = match path.as_str() {
        "candidate" | "candidate.id" => "candidate_id",
        "candidate.family_name" => "family_name",
        "candidate.given_name" => "given_name",
        "candidate.birth_date" => "birth_date",
        "professionalisation_contract" | "professionalisation_contract.target" => "contract_target",
        "professionalisation_contract.end" => "contract_end",
        "application" | "application.submitted" => "submitted",
        other => other,
    };
    mapped.to_string()
}

impl ApplicationForm {
    /// Reads a form from its posted `(name, value)` pairs: the top fields by their names, the
    /// rows by `employment.N.FIELD` and `documents.N.FIELD` (`N` from 0 to [`MAX_ROWS`] − 1).
    /// Blank rows are dropped and the others kept in index order, renumbered from 0. Unknown
    /// names are ignored; a row index of [`MAX_ROWS`] or more is an error.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<ApplicationForm, FieldError> {
        let mut form = ApplicationForm::default();
        let mut employment: BTreeMap<usize, EmploymentRow> = BTreeMap::new();
        let mut documents: BTreeMap<usize, DocumentRow> = BTreeMap::new();
        for (name, value) in pairs {
            let value = value.clone();
            if let Some((list, index, field)) = row_key(name)? {
                if list == "employment" {
                    employment.entry(index).or_default().set(field, value);
                } else {
                    documents.entry(index).or_default().set(field, value);
                }
            } else {
                form.set(name, value);
            }
        }
        form.employment = employment.into_values().filter(|r| !r.is_blank()).collect();
        form.documents = documents.into_values().filter(|r| !r.is_blank()).collect();
        Ok(form)
    }

    /// Sets one top field by its name; unknown names are ignored.
    fn set(&mut self, name: &str, value: String) {
        match name {
            "candidate_id" => self.candidate_id = value,
            "family_name" => self.family_name = value,
            "given_name" => self.given_name = value,
            "birth_date" => self.birth_date = value,
            "certificate" => self.certificate = value,
            "route" => self.route = value,
            "priority_dif" => self.priority_dif = value,
            "contract_target" => self.contract_target = value,
            "contract_end" => self.contract_end = value,
            "submitted" => self.submitted = value,
            _ => {}
        }
    }

    /// The form as [`ApplicationForm::from_dossier`] gives it back once its dossier loads:
    /// every value trimmed, checkboxes `on` or empty, hours without leading zeros.
    pub fn normalised(&self) -> ApplicationForm {
        let t = |v: &String| v.trim().to_string();
        let b = |v: &String| match checkbox(v) {
            Some(true) => "on".to_string(),
            Some(false) => String::new(),
            None => v.trim().to_string(),
        };
        let hours = |v: &String| {
            let v = v.trim();
            if v.bytes().all(|c| c.is_ascii_digit()) && !v.is_empty() {
                let stripped = v.trim_start_matches('0');
                if stripped.is_empty() { "0".to_string() } else { stripped.to_string() }
            } else {
                v.to_string()
            }
        };
        ApplicationForm {
            candidate_id: t(&self.candidate_id),
            family_name: t(&self.family_name),
            given_name: t(&self.given_name),
            birth_date: t(&self.birth_date),
            certificate: t(&self.certificate),
            route: t(&self.route),
            priority_dif: b(&self.priority_dif),
            contract_target: t(&self.contract_target),
            contract_end: t(&self.contract_end),
            employment: self
                .employment
                .iter()
                .map(|r| EmploymentRow {
                    employer: t(&r.employer),
                    in_branch: b(&r.in_branch),
                    contract: t(&r.contract),
                    job: t(&r.job),
                    related: b(&r.related),
                    start: t(&r.start),
                    end: t(&r.end),
                    hours: hours(&r.hours),
                })
                .collect(),
            documents: self
                .documents
                .iter()
                .map(|r| DocumentRow { kind: t(&r.kind), date: t(&r.date), reference: t(&r.reference) })
                .collect(),
            submitted: t(&self.submitted),
        }
    }

    /// The dossier YAML text of the form, in the documented format: a header comment, then the
    /// fields typed (blank ones left out), every text quoted so that it reads back as typed.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from("# Candidature enregistrée au formulaire d'AUVICOM.\n");
        self.write_candidate(&mut out);
        text_line(&mut out, "", "certificate", &self.certificate);
        text_line(&mut out, "", "route", &self.route);
        checkbox_line(&mut out, "", "priority_dif", &self.priority_dif, false);
        if !(self.contract_target.trim().is_empty() && self.contract_end.trim().is_empty()) {
            out.push_str("professionalisation_contract:\n");
            text_line(&mut out, "  ", "target", &self.contract_target);
            text_line(&mut out, "  ", "end", &self.contract_end);
        }
        self.write_employment(&mut out);
        self.write_documents(&mut out);
        if !self.submitted.trim().is_empty() {
            out.push_str("application:\n");
            text_line(&mut out, "  ", "submitted", &self.submitted);
        }
        out
    }

    fn write_candidate(&self, out: &mut String) {
        let fields = [
            ("id", &self.candidate_id),
            ("family_name", &self.family_name),
            ("given_name", &self.given_name),
            ("birth_date", &self.birth_date),
        ];
        if fields.iter().all(|(_, v)| v.trim().is_empty()) {
            return;
        }
        out.push_str("candidate:\n");
        for (key, value) in fields {
            text_line(out, "  ", key, value);
        }
    }

    fn write_employment(&self, out: &mut String) {
        if self.employment.is_empty() {
            return;
        }
        out.push_str("employment:\n");
        for row in &self.employment {
            out.push_str("  -\n");
            let i = "    ";
            text_line(out, i, "employer", &row.employer);
            checkbox_line(out, i, "in_branch", &row.in_branch, true);
            text_line(out, i, "contract", &row.contract);
            text_line(out, i, "job", &row.job);
            checkbox_line(out, i, "related", &row.related, true);
            text_line(out, i, "start", &row.start);
            text_line(out, i, "end", &row.end);
            hours_line(out, i, &row.hours);
        }
    }

    fn write_documents(&self, out: &mut String) {
        if self.documents.is_empty() {
            return;
        }
        out.push_str("documents:\n");
        for row in &self.documents {
            out.push_str("  -\n");
            text_line(out, "    ", "kind", &row.kind);
            text_line(out, "    ", "date", &row.date);
            text_line(out, "    ", "reference", &row.reference);
        }
    }

    /// Checks the form with the shipped French labels: see [`ApplicationForm::check_with`].
    pub fn check(&self, library: &Library) -> Result<(String, Dossier), Vec<FieldError>> {
        self.check_with(library, &shipped_labels())
    }

    /// Writes the form's YAML and loads it with the real loader: the text and the dossier, or
    /// every problem at once on its form field, in French (`labels` name the expected values).
    pub fn check_with(
        &self,
        library: &Library,
        labels: &Labels,
    ) -> Result<(String, Dossier), Vec<FieldError>> {
        let mut errors = self.missing_fields();
        let yaml = self.to_yaml();
        let loaded = load_dossier(&SourceFile { name: FILE_NAME.into(), text: yaml.clone() }, library);
        match loaded {
            Ok(dossier) if errors.is_empty() => Ok((yaml, dossier)),
            Ok(_) => {
                errors.sort_by_key(|e| rank(&e.field));
                Err(errors)
            }
            Err(diagnostics) => {
                for diagnostic in diagnostics.iter().filter(|d| d.severity == crate::diag::Severity::Error) {
                    let error = self.translate(diagnostic, labels, library);
                    if !errors.iter().any(|e| e.field == error.field) {
                        errors.push(error);
                    }
                }
                errors.sort_by_key(|e| rank(&e.field));
                Err(errors)
            }
        }
    }

    /// The required fields left blank: « champ obligatoire ».
    fn missing_fields(&self) -> Vec<FieldError> {
        let mut required: Vec<(String, &str)> = vec![
            ("candidate_id".into(), &self.candidate_id),
            ("family_name".into(), &self.family_name),
            ("given_name".into(), &self.given_name),
            ("certificate".into(), &self.certificate),
            ("route".into(), &self.route),
            ("submitted".into(), &self.submitted),
        ];
        // The contract is optional even on its route: without it the recevabilité rejects the
        // application with its reason, which the officer must be able to record. Started, it
        // needs both fields.
        if !self.contract_target.trim().is_empty() || !self.contract_end.trim().is_empty() {
            required.push(("contract_target".into(), &self.contract_target));
            required.push(("contract_end".into(), &self.contract_end));
        }
        for (i, row) in self.employment.iter().enumerate() {
            for (name, value) in [
                ("employer", &row.employer),
                ("contract", &row.contract),
                ("start", &row.start),
                ("hours", &row.hours),
            ] {
                required.push((format!("employment.{i}.{name}"), value));
            }
        }
        for (i, row) in self.documents.iter().enumerate() {
            required.push((format!("documents.{i}.kind"), &row.kind));
        }
        required
            .into_iter()
            .filter(|(_, value)| value.trim().is_empty())
            .map(|(field, _)| {
                let (label, _) = describe(&field);
                FieldError { message: format!("{label} : champ obligatoire"), field }
            })
            .collect()
    }

    /// The value typed in a form field, when the field exists.
    fn typed(&self, field: &str) -> Option<&str> {
        let parts: Vec<&str> = field.split('.').collect();
        let value = match parts.as_slice() {
            ["employment", n, name] => {
                let row = self.employment.get(n.parse::<usize>().ok()?)?;
                match *name {
                    "employer" => &row.employer,
                    "in_branch" => &row.in_branch,
                    "contract" => &row.contract,
                    "job" => &row.job,
                    "related" => &row.related,
                    "start" => &row.start,
                    "end" => &row.end,
                    "hours" => &row.hours,
                    _ => return None,
                }
            }
            ["documents", n, name] => {
                let row = self.documents.get(n.parse::<usize>().ok()?)?;
                match *name {
                    "kind" => &row.kind,
                    "date" => &row.date,
                    "reference" => &row.reference,
                    _ => return None,
                }
            }
            [name] => self.top_value(name)?,
            _ => return None,
        };
        Some(value)
    }

    fn top_value(&self, name: &str) -> Option<&String> {
        Some(match name {
            "candidate_id" => &self.candidate_id,
            "family_name" => &self.family_name,
            "given_name" => &self.given_name,
            "birth_date" => &self.birth_date,
            "certificate" => &self.certificate,
            "route" => &self.route,
            "priority_dif" => &self.priority_dif,
            "contract_target" => &self.contract_target,
            "contract_end" => &self.contract_end,
            "submitted" => &self.submitted,
            _ => return None,
        })
    }

    /// A loader's diagnostic as a French message on its form field.
    fn translate(&self, diagnostic: &Diagnostic, labels: &Labels, library: &Library) -> FieldError {
        let field = form_field(&diagnostic.field);
        let Some(typed) = self.typed(&field) else {
            return whole_form_error(diagnostic);
        };
        let (label, kind) = describe(&field);
        let message = if diagnostic.code == Code::DatesOutOfOrder {
            let start =
                field.strip_suffix("end").and_then(|p| self.typed(&format!("{p}start"))).unwrap_or("");
            format!(
                "{label} : la fin ne peut pas précéder le début ({}), {} a été saisi",
                start.trim(),
                echo(typed)
            )
        } else if typed.trim().is_empty() {
            format!("{label} : champ obligatoire")
        } else if let Some(codes) = choice_codes(kind, library) {
            let mut message = format!("{label} : {} a été saisi", echo(typed));
            if let Some(close) = crate::suggest::closest(typed.trim(), codes.iter().map(String::as_str)) {
                let _ = write!(message, " (vouliez-vous dire « {close} » ?)");
            }
            let _ = write!(message, " ; {}", expected(kind, labels, library));
            message
        } else {
            format!("{label} : {}, {} a été saisi", expected(kind, labels, library), echo(typed))
        };
        FieldError { field, message }
    }

    /// The form of a stored dossier, to edit its application: the candidate, route, contract,
    /// employment, documents and submission date, written as the form writes them (checkboxes
    /// `on` or empty, dates `YYYY-MM-DD`).
    pub fn from_dossier(dossier: &Dossier) -> ApplicationForm {
        let on = |b: bool| if b { "on".to_string() } else { String::new() };
        let contract = dossier.professionalisation_contract.as_ref();
        ApplicationForm {
            candidate_id: dossier.candidate.id.clone(),
            family_name: dossier.candidate.family_name.clone(),
            given_name: dossier.candidate.given_name.clone(),
            birth_date: dossier.candidate.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            certificate: dossier.certificate.clone(),
            route: dossier.route.as_str().to_string(),
            priority_dif: on(dossier.priority_dif),
            contract_target: contract.map(|c| c.target.clone()).unwrap_or_default(),
            contract_end: contract.map(|c| c.end.to_string()).unwrap_or_default(),
            employment: dossier
                .employment
                .iter()
                .map(|e| EmploymentRow {
                    employer: e.employer.clone(),
                    in_branch: on(e.in_branch),
                    contract: e.contract.as_str().to_string(),
                    job: e.job.clone().unwrap_or_default(),
                    related: on(e.related),
                    start: e.start.to_string(),
                    end: e.end.map(|d| d.to_string()).unwrap_or_default(),
                    hours: e.hours.to_string(),
                })
                .collect(),
            documents: dossier
                .documents
                .iter()
                .map(|d| DocumentRow {
                    kind: d.kind.as_str().to_string(),
                    date: d.date.map(|x| x.to_string()).unwrap_or_default(),
                    reference: d.reference.clone().unwrap_or_default(),
                })
                .collect(),
            submitted: dossier.application.submitted.to_string(),
        }
    }
}

/// The top fields, in the order of the form.
const TOP_FIELDS: [&str; 10] = [
    "candidate_id",
    "family_name",
    "given_name",
    "birth_date",
    "certificate",
    "route",
    "priority_dif",
    "contract_target",
    "contract_end",
    "submitted",
];

/// The fields of a row, in the order of the form.
const ROW_FIELDS: [&str; 11] = [
    "employer",
    "in_branch",
    "contract",
    "job",
    "related",
    "start",
    "end",
    "hours",
    "kind",
    "date",
    "reference",
];

/// Where a field comes in the form: top fields, employment rows, document rows, the date of
/// reception, then the form as a whole.
fn rank(field: &str) -> (usize, usize, usize) {
    let top = |name: &str| TOP_FIELDS.iter().position(|f| *f == name);
    let sub = |name: &str| ROW_FIELDS.iter().position(|f| *f == name).unwrap_or(ROW_FIELDS.len());
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["submitted"] => (12, 0, 0),
        [name] => top(name).map_or((13, 0, 0), |i| (i, 0, 0)),
        ["employment", n, name] => (10, n.parse().unwrap_or(usize::MAX), sub(name)),
        ["documents", n, name] => (11, n.parse().unwrap_or(usize::MAX), sub(name)),
        _ => (13, 0, 0),
    }
}

/// The codes a select box offers, for a suggestion; `None` for other fields.
fn choice_codes(kind: Kind, library: &Library) -> Option<Vec<String>> {
    let owned = |codes: &[&str]| codes.iter().map(|c| (*c).to_string()).collect();
    match kind {
        Kind::Route => Some(owned(Route::VARIANTS)),
        Kind::Contract => Some(owned(Contract::VARIANTS)),
        Kind::Piece => Some(owned(DocumentKind::VARIANTS)),
        Kind::Certificate => Some(library.certificates().map(|r| r.id.clone()).collect()),
        Kind::Text | Kind::Date | Kind::Hours | Kind::Checkbox => None,
    }
}

/// A diagnostic on no form field (the text as a whole: too large, …).
fn whole_form_error(diagnostic: &Diagnostic) -> FieldError {
    let message = if diagnostic.code == Code::TooLarge {
        "Formulaire : les valeurs saisies sont trop longues (un dossier tient en 1 Mio au plus)".to_string()
    } else {
        format!("Formulaire : le dossier écrit n'a pas pu être relu ({})", diagnostic.message)
    };
    FieldError { field: String::new(), message }
}

/// A row key `employment.N.FIELD` / `documents.N.FIELD` split; `None` for other names; an
/// error for an index of [`MAX_ROWS`] or more.
fn row_key(name: &str) -> Result<Option<(&str, usize, &str)>, FieldError> {
    let mut parts = name.splitn(3, '.');
    let (Some(list), Some(index), Some(field)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    if !matches!(list, "employment" | "documents")
        || index.is_empty()
        || !index.bytes().all(|b| b.is_ascii_digit())
    {
        return Ok(None);
    }
    match index.parse::<usize>() {
        Ok(i) if i < MAX_ROWS => Ok(Some((list, i, field))),
        _ => Err(FieldError {
            field: crate::limits::shorten(name),
            message: format!(
                "Formulaire : au plus {MAX_ROWS} lignes sont admises (numérotées de 0 à {}), la ligne {} a été envoyée",
                MAX_ROWS - 1,
                echo(index)
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loader_paths_map_to_form_fields() {
        assert_eq!(form_field("employment[3].hours"), "employment.3.hours");
        assert_eq!(form_field("candidate.id"), "candidate_id");
        assert_eq!(form_field("application"), "submitted");
    }

    #[test]
    fn a_row_index_past_the_maximum_is_refused() {
        let pairs = vec![("documents.20.kind".to_string(), "autre".to_string())];
        assert!(ApplicationForm::from_pairs(&pairs).is_err());
        let pairs = vec![("documents.x.kind".to_string(), "autre".to_string())];
        assert!(ApplicationForm::from_pairs(&pairs).unwrap().documents.is_empty());
    }

    #[test]
    fn hours_are_plain_only_when_they_are_an_integer() {
        let mut out = String::new();
        hours_line(&mut out, "", "0012");
        hours_line(&mut out, "", "douze");
        assert_eq!(out, "hours: 12\nhours: \"douze\"\n");
    }
}
