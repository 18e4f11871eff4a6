//! The tableau récapitulatif AUVICOM draws up for the attribution commission (annexe 2 §IV):
//! one row per candidate, in French words (with the codes beside them for machines), as CSV
//! and as PDF with subtotals per certificate and per evaluating body.

use crate::documents::{Context, Labels};
use crate::dossier::Dossier;
use crate::error::Result;
use crate::phases::Evaluation;
use crate::render::french;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a CSV file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvDialect {
    /// For French spreadsheets: `;` between fields, UTF-8 with a byte-order mark, decimal comma.
    #[default]
    French,
    /// RFC 4180, for programs: `,` between fields, no byte-order mark, decimal point.
    Rfc4180,
}

/// The byte-order mark that tells a spreadsheet the file is UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl CsvDialect {
    /// A CSV writer of this dialect into memory, the byte-order mark already written.
    pub fn writer(self) -> csv::Writer<Vec<u8>> {
        self.writer_to(Vec::new()).expect("writing to memory cannot fail")
    }

    /// A CSV writer of this dialect into `out`, the byte-order mark written first.
    pub fn writer_to<W: std::io::Write>(self, mut out: W) -> std::io::Result<csv::Writer<W>> {
        let delimiter = match self {
            CsvDialect::French => {
                out.write_all(BOM)?;
                b';'
            }
            CsvDialect::Rfc4180 => b',',
        };
        Ok(csv::WriterBuilder::new().delimiter(delimiter).from_writer(out))
    }

    /// A number with `places` decimals in this dialect: `1400,50` or `1400.50` (no grouping,
    /// so that a spreadsheet reads it as a number).
    pub fn number(self, value: f64, places: usize) -> String {
        let text = format!("{:.*}", places, if value.is_finite() { value } else { 0.0 });
        match self {
            CsvDialect::French => text.replace('.', ","),
            CsvDialect::Rfc4180 => text,
        }
    }

    /// The dialect of a file written by cqpt, and its text after the byte-order mark.
    fn detect(bytes: &[u8]) -> (CsvDialect, &[u8]) {
        match bytes.strip_prefix(BOM) {
            Some(rest) => (CsvDialect::French, rest),
            None => (CsvDialect::Rfc4180, bytes),
        }
    }
}

/// One row of the tableau récapitulatif.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    /// The dossier file.
    pub dossier: String,
    /// The candidate's file number.
    pub candidat: String,
    /// The candidate's name.
    pub nom: String,
    /// The certificate's title.
    pub certificat: String,
    /// Evaluating body (empty when none).
    pub organisme_evaluateur: String,
    /// Access route, in words.
    pub voie_acces: String,
    /// Its code.
    pub voie_acces_code: String,
    /// « recevable » / « non recevable ».
    pub recevabilite: String,
    /// `recevable` / `non-recevable`.
    pub recevabilite_code: String,
    /// Rejection reasons, in words, ` ; `-separated.
    pub motifs_rejet: String,
    /// Their codes, `;`-separated.
    pub motifs_rejet_codes: String,
    /// Phase reached.
    pub phase: u8,
    /// Proposal to the CPNE, in words (empty when none).
    pub proposition: String,
    /// Its code.
    pub proposition_code: String,
    /// The commission's decision, in words (empty when not recorded).
    pub decision: String,
    /// Its code.
    pub decision_code: String,
    /// The date of the commission's decision (empty when not recorded).
    pub date_decision: String,
    /// Who pays, in words.
    pub financement: String,
    /// Euros AUVICOM owes.
    pub montant_euros: f64,
    /// Blocking findings, in words, ` ; `-separated.
    pub constats_bloquants: String,
    /// Other findings, in words, ` ; `-separated.
    pub remarques: String,
    /// The codes of every finding, `;`-separated.
    pub constats_codes: String,
}

/// The CSV header: the fields of [`SummaryRow`] in order.
const HEADER: [&str; 22] = [
    "dossier",
    "candidat",
    "nom",
    "certificat",
    "organisme_evaluateur",
    "voie_acces",
    "voie_acces_code",
    "recevabilite",
    "recevabilite_code",
    "motifs_rejet",
    "motifs_rejet_codes",
    "phase",
    "proposition",
    "proposition_code",
    "decision",
    "decision_code",
    "date_decision",
    "financement",
    "montant_euros",
    "constats_bloquants",
    "remarques",
    "constats_codes",
];

impl SummaryRow {
    /// The row of one evaluated dossier, in the labels' words.
    pub fn new(file: &str, ctx: &Context, d: &Dossier, e: &Evaluation) -> Result<SummaryRow> {
        let labels = ctx.labels()?;
        let findings = |errors: bool| {
            let mut c: Vec<&str> = e
                .findings
                .iter()
                .filter(|f| f.is_error() == errors)
                .map(|f| labels.finding(f.code))
                .collect();
            c.dedup();
            c.join(" ; ")
        };
        let mut codes: Vec<&str> = e.findings.iter().map(|f| f.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        let proposal = e.synthese.as_ref().map(|s| s.proposal);
        let decision = e.decision.as_ref();
        Ok(SummaryRow {
            dossier: file.to_string(),
            candidat: e.candidate.clone(),
            nom: e.name.clone(),
            certificat: ctx
                .library
                .referentiel(&d.certificate)
                .map_or(d.certificate.clone(), |r| r.title.clone()),
            organisme_evaluateur: d.evaluating_body.as_ref().map_or(String::new(), |b| b.name.clone()),
            voie_acces: labels.route(d.route).to_string(),
            voie_acces_code: d.route.as_str().to_string(),
            recevabilite: labels.recevabilite(e.recevabilite.recevable).to_string(),
            recevabilite_code: if e.recevabilite.recevable { "recevable" } else { "non-recevable" }
                .to_string(),
            motifs_rejet: e
                .recevabilite
                .reasons
                .iter()
                .map(|r| labels.reason(r.code))
                .collect::<Vec<_>>()
                .join(" ; "),
            motifs_rejet_codes: e
                .recevabilite
                .reasons
                .iter()
                .map(|r| r.code.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            phase: e.state.phase,
            proposition: proposal.map_or(String::new(), |p| labels.proposal(p).to_string()),
            proposition_code: proposal.map_or(String::new(), |p| <&str>::from(p).to_string()),
            decision: decision.map_or(String::new(), |x| labels.proposal(x.outcome).to_string()),
            decision_code: decision.map_or(String::new(), |x| <&str>::from(x.outcome).to_string()),
            date_decision: decision.map_or(String::new(), |x| x.date.to_string()),
            financement: labels.payer(e.funding.payer).to_string(),
            montant_euros: e.funding.euros,
            constats_bloquants: findings(true),
            remarques: findings(false),
            constats_codes: codes.join(";"),
        })
    }

    /// Whether the dossier is recevable.
    pub fn is_recevable(&self) -> bool {
        self.recevabilite_code == "recevable"
    }

    /// Whether the evaluating body proposes to award the certificate.
    pub fn proposes_attribution(&self) -> bool {
        self.proposition_code == "attribution"
    }

    fn record(&self, dialect: CsvDialect) -> [String; 22] {
        [
            self.dossier.clone(),
            self.candidat.clone(),
            self.nom.clone(),
            self.certificat.clone(),
            self.organisme_evaluateur.clone(),
            self.voie_acces.clone(),
            self.voie_acces_code.clone(),
            self.recevabilite.clone(),
            self.recevabilite_code.clone(),
            self.motifs_rejet.clone(),
            self.motifs_rejet_codes.clone(),
            self.phase.to_string(),
            self.proposition.clone(),
            self.proposition_code.clone(),
            self.decision.clone(),
            self.decision_code.clone(),
            self.date_decision.clone(),
            self.financement.clone(),
            dialect.number(self.montant_euros, 2),
            self.constats_bloquants.clone(),
            self.remarques.clone(),
            self.constats_codes.clone(),
        ]
    }

    fn from_record(r: &csv::StringRecord, dialect: CsvDialect) -> std::result::Result<SummaryRow, String> {
        let field = |i: usize| r.get(i).map(str::to_string).ok_or_else(|| format!("no field {}", HEADER[i]));
        let amount = field(18)?;
        let amount = match dialect {
            CsvDialect::French => amount.replace(',', "."),
            CsvDialect::Rfc4180 => amount,
        };
        Ok(SummaryRow {
            dossier: field(0)?,
            candidat: field(1)?,
            nom: field(2)?,
            certificat: field(3)?,
            organisme_evaluateur: field(4)?,
            voie_acces: field(5)?,
            voie_acces_code: field(6)?,
            recevabilite: field(7)?,
            recevabilite_code: field(8)?,
            motifs_rejet: field(9)?,
            motifs_rejet_codes: field(10)?,
            phase: field(11)?
                .parse()
                .map_err(|_| format!("phase: not a number: {}", field(11).unwrap_or_default()))?,
            proposition: field(12)?,
            proposition_code: field(13)?,
            decision: field(14)?,
            decision_code: field(15)?,
            date_decision: field(16)?,
            financement: field(17)?,
            montant_euros: amount.parse().map_err(|_| format!("montant_euros: not a number: {amount}"))?,
            constats_bloquants: field(19)?,
            remarques: field(20)?,
            constats_codes: field(21)?,
        })
    }
}

/// The rows as CSV in `dialect`, with a header line.
pub fn to_csv(rows: &[SummaryRow], dialect: CsvDialect) -> Vec<u8> {
    let mut writer = dialect.writer();
    write_header(&mut writer).expect("writing CSV to memory cannot fail");
    for row in rows {
        write_row(&mut writer, row, dialect).expect("writing CSV to memory cannot fail");
    }
    writer.into_inner().expect("flushing to memory cannot fail")
}

/// Writes the CSV header line.
pub fn write_header<W: std::io::Write>(writer: &mut csv::Writer<W>) -> csv::Result<()> {
    writer.write_record(HEADER)
}

/// Writes one row as CSV in `dialect`.
pub fn write_row<W: std::io::Write>(
    writer: &mut csv::Writer<W>,
    row: &SummaryRow,
    dialect: CsvDialect,
) -> csv::Result<()> {
    writer.write_record(row.record(dialect))
}

/// Reads rows back from a CSV file cqpt wrote, in either dialect (a byte-order mark means the
/// French one); an error names the line and the field.
pub fn from_csv(bytes: &[u8]) -> std::result::Result<Vec<SummaryRow>, String> {
    let (dialect, text) = CsvDialect::detect(bytes);
    let delimiter = if dialect == CsvDialect::French { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text);
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.map_err(|e| format!("line {}: {e}", i + 2))?;
            SummaryRow::from_record(&r, dialect).map_err(|e| format!("line {}: {e}", i + 2))
        })
        .collect()
}

/// A subtotal of the tableau: a certificate or an evaluating body.
#[derive(Debug, Clone, Serialize)]
pub struct Subtotal {
    label: String,
    dossiers: String,
    recevables: String,
    attributions: String,
    montant: String,
}

/// A row of the tableau, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct TableauRow {
    candidat: String,
    nom: String,
    certificat: String,
    organisme_evaluateur: String,
    voie_acces: String,
    recevabilite: String,
    motifs: String,
    proposition: String,
    decision: String,
    montant: String,
    constats: String,
}

/// The tableau récapitulatif's view (`templates/tableau-recapitulatif.hbs`).
#[derive(Debug, Clone, Serialize)]
pub struct TableauView {
    /// Who draws it up and funds (AUVICOM for the CQPT).
    sender: String,
    place: String,
    session_date: String,
    commission: String,
    rows: Vec<TableauRow>,
    total: String,
    recevables: String,
    attributions: String,
    montant: String,
    per_certificate: Vec<Subtotal>,
    per_body: Vec<Subtotal>,
    failures: Vec<String>,
    members: Vec<String>,
}

/// Strings kept once each, numbered (the labels, certificates and bodies a tableau repeats).
#[derive(Debug, Default)]
struct Strings {
    ids: std::collections::HashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Strings {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(id) = self.ids.get(text) {
            return *id;
        }
        let id = u32::try_from(self.texts.len()).expect("fewer than 4 billion distinct strings");
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    fn get(&self, id: u32) -> &str {
        &self.texts[id as usize]
    }
}

/// The fields of a row kept by number in [`Strings`]: certificate, body, route,
/// recevabilité, rejection reasons, proposal, decision, blocking findings.
const KEPT: usize = 8;

/// A row of a tableau as kept while a session runs: what the tableau prints of it, the
/// repeated texts by number.
#[derive(Debug)]
struct CompactRow {
    candidat: Box<str>,
    nom: Box<str>,
    fields: [u32; KEPT],
    montant: f64,
    recevable: bool,
    attribution: bool,
}

/// The rows of a tableau récapitulatif, gathered while the dossiers are processed and kept
/// small (a few dozen bytes a dossier, not its [`SummaryRow`]), so that a session's memory
/// does not grow with its dossiers.
#[derive(Debug, Default)]
pub struct TableauRows {
    strings: Strings,
    rows: Vec<CompactRow>,
}

impl TableauRows {
    /// Adds a row, after those added before.
    pub fn push(&mut self, r: &SummaryRow) {
        let s = &mut self.strings;
        let fields = [
            s.id(&r.certificat),
            s.id(&r.organisme_evaluateur),
            s.id(&r.voie_acces),
            s.id(&r.recevabilite),
            s.id(&r.motifs_rejet),
            s.id(&r.proposition),
            s.id(&r.decision),
            s.id(&r.constats_bloquants),
        ];
        self.rows.push(CompactRow {
            candidat: r.candidat.as_str().into(),
            nom: r.nom.as_str().into(),
            fields,
            montant: r.montant_euros,
            recevable: r.is_recevable(),
            attribution: r.proposes_attribution(),
        });
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows `range` as the tableau prints them.
    pub fn printed(&self, range: std::ops::Range<usize>) -> Vec<TableauRow> {
        let s = &self.strings;
        self.rows[range]
            .iter()
            .map(|r| {
                let f = |k: usize| s.get(r.fields[k]).to_string();
                TableauRow {
                    candidat: r.candidat.to_string(),
                    nom: r.nom.to_string(),
                    certificat: f(0),
                    organisme_evaluateur: f(1),
                    voie_acces: f(2),
                    recevabilite: f(3),
                    motifs: f(4),
                    proposition: f(5),
                    decision: f(6),
                    montant: french::euros(r.montant),
                    constats: f(7),
                }
            })
            .collect()
    }

    /// Subtotals per value of field `k` ([`KEPT`]), sorted by its text; the sums of the
    /// amounts added in row order.
    fn subtotals(&self, k: usize) -> Vec<Subtotal> {
        let mut groups: BTreeMap<&str, (usize, usize, usize, f64)> = BTreeMap::new();
        for r in &self.rows {
            // The neutral element of `Sum` (−0.0 in recent Rust), as a `sum()` starts from.
            let zero = std::iter::empty::<f64>().sum::<f64>();
            let g = groups.entry(self.strings.get(r.fields[k])).or_insert((0, 0, 0, zero));
            g.0 += 1;
            g.1 += usize::from(r.recevable);
            g.2 += usize::from(r.attribution);
            g.3 += r.montant;
        }
        groups
            .into_iter()
            .map(|(label, (dossiers, recevables, attributions, montant))| Subtotal {
                label: if label.is_empty() { "(aucun)".to_string() } else { label.to_string() },
                dossiers: french::count(dossiers),
                recevables: french::count(recevables),
                attributions: french::count(attributions),
                montant: french::euros(montant),
            })
            .collect()
    }
}

/// Builds the tableau's view: the session's `date` (the commission's sitting), its rows in
/// French (all of them when `with_rows`, else none: they are then streamed, see
/// [`TableauRows::printed`]), subtotals, the total funding and the commission's signature
/// blocks; the commission is that of `certificate`'s texts when given, else the default one.
pub fn tableau_view(
    ctx: &Context,
    rows: &TableauRows,
    with_rows: bool,
    failures: &[String],
    date: crate::date::Date,
    certificate: Option<&str>,
) -> Result<TableauView> {
    let labels: &Labels = ctx.labels()?;
    let texts = ctx.texts()?;
    let texts = certificate.map_or(texts, |c| texts.for_certificate(c));
    let montant: f64 = rows.rows.iter().map(|r| r.montant).sum();
    Ok(TableauView {
        sender: texts.auvicom.nom.clone(),
        place: texts.tableau.lieu.clone(),
        session_date: french::date(date),
        commission: texts.cpne.commission.clone(),
        rows: if with_rows { rows.printed(0..rows.len()) } else { Vec::new() },
        total: french::count(rows.len()),
        recevables: french::count(rows.rows.iter().filter(|r| r.recevable).count()),
        attributions: french::count(rows.rows.iter().filter(|r| r.attribution).count()),
        montant: french::euros(montant),
        per_certificate: rows.subtotals(0),
        per_body: rows.subtotals(1),
        failures: failures.to_vec(),
        members: crate::documents::views::commission_members(ctx, labels),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_dialect() {
        assert_eq!(CsvDialect::French.number(1400.5, 2), "1400,50");
        assert_eq!(CsvDialect::Rfc4180.number(1400.5, 2), "1400.50");
    }
}
