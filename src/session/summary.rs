//! The tableau récapitulatif AUVICOM draws up for the attribution commission (annexe 2 §IV):
//! one row per candidate, as CSV (UTF-8) and as PDF.

use crate::phases::{Evaluation, Payer};
use serde::{Deserialize, Serialize};

/// One row of the tableau récapitulatif.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// The dossier file.
    pub dossier: String,
    /// The candidate's file number.
    pub candidat: String,
    /// The candidate's name.
    pub nom: String,
    /// Certificate id.
    pub certificat: String,
    /// Evaluating body.
    pub organisme_evaluateur: String,
    /// Access route.
    pub voie_acces: String,
    /// recevable / non recevable.
    pub recevabilite: String,
    /// Rejection codes, `;`-separated.
    pub motifs_rejet: String,
    /// Phase reached.
    pub phase: u8,
    /// Proposal to the CPNE (empty when none).
    pub proposition: String,
    /// The commission's decision (empty when none).
    pub decision: String,
    /// Who pays.
    pub financement: String,
    /// Euros AUVICOM owes.
    pub montant_euros: f64,
    /// Blocking findings, `;`-separated.
    pub constats_bloquants: String,
    /// Other findings, `;`-separated.
    pub remarques: String,
}

impl SummaryRow {
    /// The row of one evaluated dossier.
    pub fn new(dossier: &str, e: &Evaluation, body: Option<&str>, route: &str) -> SummaryRow {
        let codes = |errors: bool| {
            let mut c: Vec<&str> =
                e.findings.iter().filter(|f| f.is_error() == errors).map(|f| f.code.as_str()).collect();
            c.sort_unstable();
            c.dedup();
            c.join(";")
        };
        SummaryRow {
            dossier: dossier.to_string(),
            candidat: e.candidate.clone(),
            nom: e.name.clone(),
            certificat: e.certificate.clone(),
            organisme_evaluateur: body.unwrap_or("").to_string(),
            voie_acces: route.to_string(),
            recevabilite: if e.recevabilite.recevable { "recevable" } else { "non recevable" }.to_string(),
            motifs_rejet: e
                .recevabilite
                .reasons
                .iter()
                .map(|r| r.code.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            phase: e.state.phase,
            proposition: e.synthese.as_ref().map_or(String::new(), |s| s.proposal.label().to_string()),
            decision: e.decision.as_ref().map_or(String::new(), |d| d.outcome.label().to_string()),
            financement: match e.funding.payer {
                Payer::Auvicom => "AUVICOM",
                Payer::Entreprise => "entreprise",
                Payer::Aucun => "aucun",
            }
            .to_string(),
            montant_euros: e.funding.euros,
            constats_bloquants: codes(true),
            remarques: codes(false),
        }
    }
}

/// The rows as CSV (UTF-8, header line, comma-separated).
pub fn to_csv(rows: &[SummaryRow]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row).expect("writing CSV to memory cannot fail");
    }
    writer.into_inner().expect("flushing to memory cannot fail")
}

/// Reads rows back from CSV.
pub fn from_csv(bytes: &[u8]) -> Result<Vec<SummaryRow>, csv::Error> {
    csv::Reader::from_reader(bytes).deserialize().collect()
}
