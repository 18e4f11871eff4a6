//! The CPNE's annual review (art. 7): counts per certificate, route and evaluating body;
//! recevabilité rate and rejection reasons; proposals and decisions; mean level per item and
//! per activity. A dossier belongs to the year its application was submitted.

use super::summary::CsvDialect;
use super::{Failure, dossier_files, load_and_evaluate, parallel};
use crate::documents::{Context, LabelSet};
use crate::error::Result;
use crate::phases::ItemStatus;
use crate::render::french;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

/// The key of the evaluations blocked by findings among the proposals.
const BLOCKED: &str = "bloque";

/// A running mean.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Mean {
    /// Values counted.
    pub count: usize,
    /// Their sum.
    pub sum: f64,
}

impl Mean {
    fn add(&mut self, v: f64) {
        self.count += 1;
        self.sum += v;
    }
    /// The mean, 0 when empty.
    pub fn value(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.sum / self.count as f64 }
    }
}

/// The annual review.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bilan {
    /// The year.
    pub year: i32,
    /// Dossiers of the year.
    pub dossiers: usize,
    /// Per certificate.
    pub certificates: BTreeMap<String, usize>,
    /// Per route.
    pub routes: BTreeMap<String, usize>,
    /// Per evaluating body (recevable dossiers with one).
    pub bodies: BTreeMap<String, usize>,
    /// Recevable dossiers.
    pub recevable: usize,
    /// Rejection reasons (a dossier may have several).
    pub reasons: BTreeMap<String, usize>,
    /// Proposals of the syntheses, by code (and `bloque` for blocked evaluations).
    pub proposals: BTreeMap<String, usize>,
    /// The commission's decisions, by code.
    pub decisions: BTreeMap<String, usize>,
    /// Mean final level per item, over the syntheses.
    pub items: BTreeMap<String, Mean>,
    /// Per item, the syntheses where it is below the required level.
    pub below: BTreeMap<String, usize>,
    /// Mean level per activity (mean of its items), over the syntheses.
    pub activities: BTreeMap<String, Mean>,
    /// What AUVICOM owes for the year's dossiers, in euros (art. 6-2).
    pub funding: f64,
    /// Dossiers that could not be read.
    pub failures: usize,
    /// Dossiers of the year of certificates another certifier awards (a titre professionnel…):
    /// not the CPNE's to review, left out of every count.
    pub other_certifiers: usize,
}

impl Bilan {
    /// Recevabilité rate, 0 to 1.
    pub fn recevability_rate(&self) -> f64 {
        if self.dossiers == 0 { 0.0 } else { self.recevable as f64 / self.dossiers as f64 }
    }
}

/// Whether the review covers `certificate`: one the default certifier awards (the CPNE's CQPT),
/// not one whose texts name another certifier (`[certificats.<id>.cpne]` of `documents.toml`).
fn reviewed_here(ctx: &Context, certificate: &str) -> bool {
    ctx.texts().map_or(true, |t| t.for_certificate(certificate).cpne.nom == t.cpne.nom)
}

/// Computes the review of `year` over the dossiers of `input`.
pub fn bilan(
    ctx: &Context,
    input: &Path,
    year: i32,
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Bilan, Vec<Failure>)> {
    let entries = dossier_files(input)?;
    let files = entries.dossiers;
    let acc = Mutex::new(Bilan { year, ..Bilan::default() });
    let results = parallel::map(
        &files,
        threads,
        |path| {
            let (dossier, e) = load_and_evaluate(ctx, path)?;
            if dossier.application.submitted.year() != year {
                return Ok(());
            }
            let mut b = acc.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if !reviewed_here(ctx, &dossier.certificate) {
                b.other_certifiers += 1;
                return Ok(());
            }
            b.dossiers += 1;
            b.funding += e.funding.euros;
            *b.certificates.entry(dossier.certificate.clone()).or_default() += 1;
            *b.routes.entry(dossier.route.to_string()).or_default() += 1;
            if e.recevabilite.recevable {
                b.recevable += 1;
                if let Some(body) = &dossier.evaluating_body {
                    *b.bodies.entry(body.name.clone()).or_default() += 1;
                }
            }
            for r in &e.recevabilite.reasons {
                *b.reasons.entry(r.code.as_str().to_string()).or_default() += 1;
            }
            match &e.synthese {
                Some(s) => {
                    *b.proposals.entry(<&str>::from(s.proposal).to_string()).or_default() += 1;
                    for i in &s.items {
                        if let (Some(l), false) = (i.level, i.status == ItemStatus::NonApplicable) {
                            b.items.entry(i.id.clone()).or_default().add(f64::from(l));
                            if l < ctx.policy.for_certificate(&dossier.certificate).levels.required {
                                *b.below.entry(i.id.clone()).or_default() += 1;
                            }
                        }
                    }
                    for a in &s.activities {
                        let levels: Vec<f64> = a
                            .items
                            .iter()
                            .filter_map(|id| s.item(id))
                            .filter(|i| i.status != ItemStatus::NonApplicable)
                            .map(|i| f64::from(i.level.unwrap_or(0)))
                            .collect();
                        if !levels.is_empty() {
                            b.activities
                                .entry(a.id.clone())
                                .or_default()
                                .add(levels.iter().sum::<f64>() / levels.len() as f64);
                        }
                    }
                }
                None if e.recevabilite.recevable && e.blocked() => {
                    *b.proposals.entry(BLOCKED.to_string()).or_default() += 1;
                }
                None => {}
            }
            if let Some(d) = &e.decision {
                *b.decisions.entry(<&str>::from(d.outcome).to_string()).or_default() += 1;
            }
            Ok(())
        },
        progress,
    );
    let mut failures: Vec<Failure> = entries.refused;
    failures.extend(results.into_iter().filter_map(|r: std::result::Result<(), Failure>| r.err()));
    let mut b = acc.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    b.failures = failures.len();
    Ok((b, failures))
}

/// The review as CSV in `dialect`: one line per figure (`indicateur,cle,libelle,nombre,valeur`),
/// each code with its French label.
pub fn to_csv(b: &Bilan, ctx: &Context, dialect: CsvDialect) -> Result<Vec<u8>> {
    let labels = ctx.labels()?;
    let mut w = dialect.writer();
    w.write_record(["indicateur", "cle", "libelle", "nombre", "valeur"]).expect("CSV to memory");
    let mut row = |indicateur: &str, cle: &str, libelle: &str, nombre: usize, valeur: String| {
        w.write_record([indicateur, cle, libelle, &nombre.to_string(), &valeur]).expect("CSV to memory");
    };
    row("dossiers", "", &format!("dossiers {}", b.year), b.dossiers, String::new());
    row(
        "dossiers",
        "autres-certificateurs",
        "dossiers d'autres certificateurs, non comptés",
        b.other_certifiers,
        String::new(),
    );
    row(
        "recevabilite",
        "taux",
        "taux de recevabilité",
        b.recevable,
        dialect.number(b.recevability_rate(), 3),
    );
    row("financement", "auvicom", "financement AUVICOM (euros)", b.dossiers, dialect.number(b.funding, 2));
    for (k, n) in &b.certificates {
        let label = ctx.library.referentiel(k).map_or(k.clone(), |r| r.title.clone());
        row("certificat", k, &label, *n, String::new());
    }
    for (k, n) in &b.routes {
        row("voie_acces", k, labels.get(LabelSet::VoieAcces, k), *n, String::new());
    }
    for (k, n) in &b.bodies {
        row("organisme_evaluateur", k, k, *n, String::new());
    }
    for (k, n) in &b.reasons {
        row("motif_rejet", k, labels.get(LabelSet::MotifRejet, k), *n, String::new());
    }
    for (k, n) in &b.proposals {
        row("proposition", k, &proposal_label(labels, k), *n, String::new());
    }
    for (k, n) in &b.decisions {
        row("decision", k, labels.get(LabelSet::Proposition, k), *n, String::new());
    }
    for (k, m) in &b.activities {
        let label = ctx
            .library
            .referentiels
            .iter()
            .find_map(|r| r.activity(k))
            .map_or(k.clone(), |a| a.title.clone());
        row("niveau_moyen_activite", k, &label, m.count, dialect.number(m.value(), 2));
    }
    for (k, m) in &b.items {
        let label = ctx.library.item(k).map_or(k.clone(), |i| i.label.clone());
        row("niveau_moyen_savoir", k, &label, m.count, dialect.number(m.value(), 2));
    }
    Ok(w.into_inner().expect("CSV to memory"))
}

/// The label of a proposal code, or of the blocked evaluations.
fn proposal_label(labels: &crate::documents::Labels, code: &str) -> String {
    if code == BLOCKED {
        "évaluation bloquée par un constat".to_string()
    } else {
        labels.get(LabelSet::Proposition, code).to_string()
    }
}

/// A count for the PDF's charts.
#[derive(Serialize)]
struct CountView {
    label: String,
    count: usize,
    share: String,
}

/// A mean for the PDF.
#[derive(Serialize)]
struct MeanView {
    label: String,
    mean: String,
    count: usize,
}

/// The mean levels of one certificate's activities, for a chart that names it.
#[derive(Serialize)]
struct CertificateMeans {
    certificate: String,
    activities: Vec<MeanView>,
}

/// The review's view for `templates/bilan.hbs`.
#[derive(Serialize)]
pub struct BilanView {
    year: i32,
    dossiers: usize,
    recevable: usize,
    rate: String,
    failures: usize,
    /// Dossiers of other certifiers' certificates, left out.
    other_certifiers: usize,
    required: u8,
    certificates: Vec<CountView>,
    routes: Vec<CountView>,
    bodies: Vec<CountView>,
    reasons: Vec<CountView>,
    proposals: Vec<CountView>,
    decisions: Vec<CountView>,
    activities: Vec<CertificateMeans>,
    items: Vec<MeanView>,
    max_count: usize,
    funding: String,
    texts: Vec<crate::documents::texts::BilanSection>,
}

/// Builds the view of the review.
pub fn view(b: &Bilan, ctx: &Context) -> Result<BilanView> {
    let labels = ctx.labels()?;
    let counts = |map: &BTreeMap<String, usize>, label: &dyn Fn(&str) -> String| {
        let total: usize = map.values().sum();
        map.iter()
            .map(|(k, n)| CountView {
                label: label(k),
                count: *n,
                share: french::percent(if total == 0 { 0.0 } else { *n as f64 / total as f64 }),
            })
            .collect::<Vec<_>>()
    };
    let same = |k: &str| k.to_string();
    let route = |k: &str| labels.get(LabelSet::VoieAcces, k).to_string();
    let reason = |k: &str| labels.get(LabelSet::MotifRejet, k).to_string();
    let proposal = |k: &str| proposal_label(labels, k);
    let certificate = |k: &str| ctx.library.referentiel(k).map_or(k.to_string(), |r| r.title.clone());
    let max_count = [&b.certificates, &b.routes, &b.bodies, &b.reasons, &b.proposals, &b.decisions]
        .iter()
        .flat_map(|m| m.values())
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    // Only the items most often below the required level say something: the 15 first.
    let mut below: Vec<(&String, &usize)> = b.below.iter().filter(|(_, n)| **n > 0).collect();
    below.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let items: Vec<MeanView> = below
        .into_iter()
        .take(15)
        .map(|(k, n)| {
            let m = b.items.get(k).copied().unwrap_or_default();
            MeanView {
                label: ctx.library.item(k).map_or(k.clone(), |i| i.label.clone()),
                mean: french::number(m.value(), 2),
                count: *n,
            }
        })
        .collect();
    Ok(BilanView {
        texts: ctx.texts()?.bilan.clone(),
        year: b.year,
        dossiers: b.dossiers,
        recevable: b.recevable,
        rate: french::percent(b.recevability_rate()),
        failures: b.failures,
        other_certifiers: b.other_certifiers,
        required: ctx.policy.levels.required,
        certificates: counts(&b.certificates, &certificate),
        routes: counts(&b.routes, &route),
        bodies: counts(&b.bodies, &same),
        reasons: counts(&b.reasons, &reason),
        proposals: counts(&b.proposals, &proposal),
        decisions: counts(&b.decisions, &proposal),
        activities: ctx
            .library
            .certificates()
            .map(|r| CertificateMeans {
                certificate: r.title.clone(),
                activities: r
                    .activities
                    .iter()
                    .filter_map(|a| {
                        b.activities.get(&a.id).map(|m| MeanView {
                            label: a.title.clone(),
                            mean: french::number(m.value(), 2),
                            count: m.count,
                        })
                    })
                    .collect(),
            })
            .filter(|c| !c.activities.is_empty())
            .collect(),
        funding: french::euros(b.funding),
        items,
        max_count,
    })
}
