//! A dossier builder for rule tests: a complete, valid dossier by default, with every core item
//! assessed by the modalities the shipped policy assigns; each test changes one thing.

use cqpt::context::load_context;
use cqpt::date::Date;
use cqpt::dossier::{Dossier, load_dossier};
use cqpt::phases::{Evaluation, evaluate};
use cqpt::policy::Policy;
use cqpt::referentiel::{Category, Library};
use cqpt::source::{DataSource, SourceFile};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::OnceLock;

/// The shipped référentiels and policy, loaded once.
pub fn context() -> &'static (Library, Policy) {
    static CONTEXT: OnceLock<(Library, Policy)> = OnceLock::new();
    CONTEXT.get_or_init(|| load_context(&DataSource::Embedded).expect("shipped data loads"))
}

/// A date.
pub fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// What a test dossier holds.
#[derive(Clone)]
pub struct Spec {
    pub certificate: &'static str,
    pub route: &'static str,
    pub priority_dif: bool,
    pub contract_target: Option<&'static str>,
    /// The end of the contrat de professionnalisation.
    pub contract_end: &'static str,
    /// The kind of contract of every employment period.
    pub contract: &'static str,
    /// (start, end, hours, related, `in_branch`)
    pub employment: Vec<(&'static str, Option<&'static str>, u32, bool, bool)>,
    pub documents: Vec<&'static str>,
    pub submitted: &'static str,
    pub cqpt_held: Option<(&'static str, &'static str, bool)>,
    /// The savoirs communs validated for the CQPT held; by default every savoir commun that
    /// certificate assesses, at level 3.
    pub validated: Option<Vec<(String, u8)>>,
    pub accredited_on: &'static str,
    pub withdrawn_on: Option<&'static str>,
    /// More accreditation events: (granted | renewed | withdrawn, date).
    pub accreditation: Vec<(&'static str, &'static str)>,
    pub trained: bool,
    pub evaluated: bool,
    pub assessed_on: &'static str,
    pub contacts: usize,
    pub obs_start: &'static str,
    pub obs_end: &'static str,
    pub interview: bool,
    /// Level of every assessment unless `levels` says otherwise.
    pub level: u8,
    pub levels: BTreeMap<String, u8>,
    /// Items left without any assessment.
    pub skip: Vec<String>,
    pub overrides: Vec<String>,
    pub synthese: Option<&'static str>,
    pub decision: Option<(&'static str, usize, usize, Option<&'static str>)>,
    pub hours: f64,
    /// The convention between the company and the evaluating body is recorded.
    pub convention: bool,
}

impl Spec {
    /// A complete dossier for `certificate`, recevable on the plan de formation route.
    pub fn complete(certificate: &'static str) -> Spec {
        Spec {
            certificate,
            route: "plan-de-formation",
            priority_dif: false,
            contract_target: None,
            contract_end: "2026-02-27",
            contract: "cdi",
            employment: vec![("2022-01-03", None, 5600, true, true)],
            documents: vec!["contrat-de-travail", "bulletin-de-paie", "attestation-sur-honneur"],
            submitted: "2026-03-02",
            cqpt_held: None,
            validated: None,
            accredited_on: "2025-01-15",
            withdrawn_on: None,
            accreditation: Vec::new(),
            trained: false,
            evaluated: true,
            assessed_on: "2026-04-14",
            contacts: if certificate == "distance" { 5 } else { 3 },
            obs_start: "09:00",
            obs_end: "11:00",
            interview: true,
            level: 3,
            levels: BTreeMap::new(),
            skip: Vec::new(),
            overrides: Vec::new(),
            synthese: Some("2026-04-20"),
            decision: None,
            hours: 3.0,
            convention: true,
        }
    }

    /// Only phase 1.
    pub fn application(certificate: &'static str) -> Spec {
        Spec { evaluated: false, synthese: None, ..Spec::complete(certificate) }
    }

    /// The dossier as YAML.
    pub fn yaml(&self) -> String {
        let (library, policy) = context();
        let mut y = String::new();
        let _ = writeln!(y, "candidate: {{id: T-1, family_name: Test, given_name: Alex}}");
        let _ = writeln!(
            y,
            "certificate: {}\nroute: {}\npriority_dif: {}",
            self.certificate, self.route, self.priority_dif
        );
        if let Some(t) = self.contract_target {
            let _ = writeln!(y, "professionalisation_contract: {{target: {t}, end: {}}}", self.contract_end);
        }
        let _ = writeln!(y, "employment:");
        for (start, end, hours, related, in_branch) in &self.employment {
            let end = end.map(|e| format!(", end: {e}")).unwrap_or_default();
            let _ = writeln!(
                y,
                "  - {{employer: Opérateur Test, in_branch: {in_branch}, contract: {}, related: {related}, start: {start}{end}, hours: {hours}}}",
                self.contract
            );
        }
        if self.employment.is_empty() {
            y.truncate(y.len() - "employment:\n".len());
            y.push_str("employment: []\n");
        }
        let _ = writeln!(y, "documents:");
        for k in &self.documents {
            let _ = writeln!(y, "  - {{kind: {k}, date: 2026-02-01}}");
        }
        if self.documents.is_empty() {
            y.truncate(y.len() - "documents:\n".len());
            y.push_str("documents: []\n");
        }
        let _ = writeln!(y, "application: {{submitted: {}}}", self.submitted);
        if let Some((c, awarded, practising)) = self.cqpt_held {
            let validated = self.validated.clone().unwrap_or_else(|| common_items_of(c, 3));
            let _ = writeln!(
                y,
                "cqpt_held:\n  certificate: {c}\n  awarded: {awarded}\n  practising: {practising}\n  validated:"
            );
            for (item, level) in &validated {
                let _ = writeln!(y, "    {item}: {level}");
            }
            if validated.is_empty() {
                y.truncate(y.len() - "  validated:\n".len());
                y.push_str("  validated: {}\n");
            }
        }
        let mut withdrawn = self.withdrawn_on.map(|w| format!(", withdrawn_on: {w}")).unwrap_or_default();
        if !self.accreditation.is_empty() {
            let events: Vec<String> = self
                .accreditation
                .iter()
                .map(|(event, on)| format!("{{event: {event}, on: {on}}}"))
                .collect();
            withdrawn.push_str(&format!(", accreditation: [{}]", events.join(", ")));
        }
        let _ = writeln!(
            y,
            "evaluating_body: {{id: OE-1, name: Organisme Test, accredited_on: {}{withdrawn}, trained_candidate: {}, evaluator: Eva Luatrice}}",
            self.accredited_on, self.trained
        );
        if self.convention {
            let _ = writeln!(y, "convention: {{signed: {}, reference: CONV-1}}", self.submitted);
        }
        let _ = writeln!(y, "evaluation_hours: {}", self.hours);
        if self.evaluated {
            let r = library.referentiel(self.certificate).unwrap();
            let mut general = Vec::new();
            let mut specific = Vec::new();
            for (_, reference) in r
                .core_activities()
                .filter_map(|a| a.knowledge.as_ref())
                .flat_map(cqpt::referentiel::Knowledge::refs)
            {
                let id = reference.id.as_str();
                if self.skip.iter().any(|s| s == id) || general.contains(&id) || specific.contains(&id) {
                    continue;
                }
                let item = library.item(id).unwrap();
                if policy
                    .modalities
                    .for_category(item.category)
                    .contains(&cqpt::policy::Modality::Observation)
                    && item.category == Category::Specifique
                {
                    specific.push(id);
                } else {
                    general.push(id);
                }
            }
            let level = |id: &str| self.levels.get(id).copied().unwrap_or(self.level);
            let _ = writeln!(
                y,
                "preuves:\n  - id: P1\n    title: Description d'activité\n    kind: description\n    assessments:"
            );
            // The quiz assesses savoirs only (art. 6-2): the general savoir-faire take their level
            // from the dossier de preuves.
            let savoir_faire =
                |id: &&str| library.item(id).unwrap().kind == cqpt::referentiel::ItemKind::SavoirFaire;
            for id in general.iter().take(3).filter(|id| !savoir_faire(id)) {
                let l = level(id).min(3);
                let _ = writeln!(y, "      - {{item: {id}, level: {l}, on: {}}}", self.assessed_on);
            }
            for id in general.iter().filter(|id| savoir_faire(id)) {
                let l = level(id);
                let justification = if l >= 4 { ", justification: pièce probante" } else { "" };
                let _ = writeln!(
                    y,
                    "      - {{item: {id}, level: {l}, on: {}{justification}}}",
                    self.assessed_on
                );
            }
            let _ = writeln!(y, "quiz:\n  sitting: Q-1\n  date: {}\n  levels:", self.assessed_on);
            for id in general.iter().filter(|id| !savoir_faire(id)) {
                let _ = writeln!(y, "    {id}: {}", level(id));
            }
            let _ = writeln!(
                y,
                "observation:\n  date: {}\n  start: \"{}\"\n  end: \"{}\"\n  contacts:",
                self.assessed_on, self.obs_start, self.obs_end
            );
            for n in 1..=self.contacts {
                let _ = writeln!(y, "    - number: {n}\n      assessments:");
                for id in &specific {
                    let l = level(id);
                    let justification = if l >= 4 { ", justification: observé avec aisance" } else { "" };
                    let _ = writeln!(y, "        - {{item: {id}, level: {l}{justification}}}");
                }
                if specific.is_empty() {
                    y.truncate(y.len() - "      assessments:\n".len());
                    y.push_str("      assessments: []\n");
                }
            }
            if self.contacts == 0 {
                y.truncate(y.len() - "  contacts:\n".len());
                y.push_str("  contacts: []\n");
            }
            if self.interview {
                let _ = writeln!(y, "  interview: {{done: true, notes: Entretien mené}}");
            }
        }
        if !self.overrides.is_empty() {
            let _ = writeln!(y, "overrides:");
            for o in &self.overrides {
                let _ = writeln!(y, "  - {o}");
            }
        }
        if let Some(s) = self.synthese {
            let _ = writeln!(y, "synthese: {{date: {s}}}");
        }
        if let Some((date, salaries, employeurs, appeal)) = self.decision {
            let _ = writeln!(y, "decision:\n  date: {date}\n  outcome: attribution\n  members:");
            for i in 0..salaries {
                let _ = writeln!(y, "    - {{name: S{i}, college: salaries}}");
            }
            for i in 0..employeurs {
                let _ = writeln!(y, "    - {{name: E{i}, college: employeurs}}");
            }
            if let Some(ground) = appeal {
                let _ = writeln!(y, "  appeal: {{filed: 2026-06-01, ground: {ground}}}");
            }
        }
        y
    }

    /// The dossier, loaded.
    pub fn dossier(&self) -> Dossier {
        let (library, _) = context();
        let file = SourceFile { name: "test.yaml".into(), text: self.yaml() };
        load_dossier(&file, library).unwrap_or_else(|e| panic!("{e}\n---\n{}", file.text))
    }

    /// The dossier, evaluated as of its latest date.
    pub fn evaluate(&self) -> Evaluation {
        let (library, policy) = context();
        let dossier = self.dossier();
        evaluate(&dossier, library, policy, dossier.latest_date())
    }
}

/// The savoirs communs (Annexe 3) that `certificate` assesses, each at `level`.
pub fn common_items_of(certificate: &str, level: u8) -> Vec<(String, u8)> {
    let (library, _) = context();
    let common = library.referentiel("savoirs-communs").unwrap();
    cqpt::phases::synthese::core_items(library.referentiel(certificate).unwrap())
        .into_iter()
        .filter(|id| common.item_refs().any(|(_, r)| r.id == *id))
        .map(|id| (id.to_string(), level))
        .collect()
}

/// The codes of the evaluation's findings.
pub fn codes(e: &Evaluation) -> Vec<&'static str> {
    e.findings.iter().map(|f| f.code.as_str()).collect()
}

/// The codes of the recevabilité's reasons.
pub fn reasons(e: &Evaluation) -> Vec<&'static str> {
    e.recevabilite.reasons.iter().map(|r| r.code.as_str()).collect()
}
