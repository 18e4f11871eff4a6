//! A commission session at scale: a folder of dossiers in; every decision, report and the
//! tableau récapitulatif out — spread over the cores, each output written atomically (in
//! batches: one sync for many files, see [`Batch`]), one bad dossier reported without stopping
//! the others.

pub mod bilan;
pub mod entries;
pub mod outputs;
pub mod parallel;
pub mod summary;

use crate::documents::{self, Context, ReportKind};
use crate::dossier::Dossier;
use crate::error::{Error, Result};
use crate::output::Batch;
use crate::phases::Evaluation;
use crate::render;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
pub use summary::{CsvDialect, SummaryRow};

/// Which PDFs a session writes for each dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documents {
    /// None (and no PDF of the tableau either): decisions and CSV only.
    None,
    /// The synthesis report of every recevable dossier, the decision letter of every rejected one.
    Standard,
    /// Also the recevabilité letter of every dossier and the filled global grid.
    All,
}

/// How to run a session.
#[derive(Debug, Clone, Copy)]
pub struct SessionOptions {
    /// PDFs to write.
    pub documents: Documents,
    /// Threads.
    pub threads: usize,
    /// How the CSV is written.
    pub csv: CsvDialect,
    /// The date of the commission's session, printed on the tableau; when none, the latest
    /// decision recorded, else the latest date of the dossiers.
    pub date: Option<crate::date::Date>,
}

/// A dossier that could not be processed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Its file.
    pub file: String,
    /// Why, as a person reads it (diagnostics with file, line and field).
    pub message: String,
}

/// What a session did. The rows themselves are in the tableau récapitulatif it wrote (the
/// CSV and the PDFs), not kept in memory.
#[derive(Debug, Clone)]
pub struct SessionReport {
    /// Dossiers processed (a row each in the tableau).
    pub processed: usize,
    /// Of which recevable.
    pub recevables: usize,
    /// Of which the evaluating body proposes to award the certificate.
    pub attributions: usize,
    /// Dossiers that could not be processed.
    pub failures: Vec<Failure>,
    /// PDFs written.
    pub documents: usize,
    /// Files written, relative to the output folder.
    pub written: Vec<String>,
    /// Entries of the input folder that are not dossiers (left alone, listed).
    pub ignored: Vec<String>,
    /// Files of earlier runs removed because they no longer apply.
    pub removed: Vec<String>,
}

/// The dossier files of a folder (`*.yaml`, `*.yml`, in any case, sorted by name); see
/// [`entries::scan`] for what is refused or ignored.
pub fn dossier_files(folder: &Path) -> Result<entries::Entries> {
    entries::scan(folder, None)
}

/// Reads, loads and evaluates one dossier as of its latest date.
pub fn load_and_evaluate(ctx: &Context, path: &Path) -> std::result::Result<(Dossier, Evaluation), Failure> {
    crate::evaluate::load_and_evaluate(path, ctx.library, ctx.policy, None).map_err(|error| Failure {
        file: path.display().to_string(),
        message: match error {
            Error::Invalid(diagnostics) => diagnostics.to_string(),
            other => other.to_string(),
        },
    })
}

use entries::output_stem as stem;

/// Every file a session may write for `dossiers`: the manifest records them before the run.
/// Made again when needed rather than kept (four names a dossier).
fn planned<'a>(
    ctx: &'a Context,
    dossiers: &'a [PathBuf],
    options: SessionOptions,
) -> impl Iterator<Item = String> + 'a {
    let fixed = ["tableau-recapitulatif.csv", "tableau-recapitulatif.pdf", "dossiers-en-erreur.txt"]
        .into_iter()
        .map(String::from)
        .chain(ctx.library.certificates().map(|r| tableau_file(ctx, &r.id)));
    let documents = if options.documents == Documents::None { &[][..] } else { dossiers };
    fixed.chain(documents.iter().flat_map(|path| {
        let stem = stem(path);
        [ReportKind::Recevabilite, ReportKind::Synthese, ReportKind::Grille, ReportKind::Decision]
            .map(|kind| format!("{stem}/{}.pdf", kind.template()))
    }))
}

/// The tableau récapitulatif a dossier of `certificate` goes on: that of the default commission
/// (the CPNE's for the CQPT), or, for a certificate decided by its own commission or jury
/// (`[certificats.<id>.cpne]` of `documents.toml`), a tableau of its own.
fn tableau_file(ctx: &Context, certificate: &str) -> String {
    let own =
        ctx.texts().ok().filter(|t| t.for_certificate(certificate).cpne.commission != t.cpne.commission);
    if own.is_some() {
        format!("tableau-recapitulatif-{certificate}.pdf")
    } else {
        "tableau-recapitulatif.pdf".into()
    }
}

/// The text of `dossiers-en-erreur.txt`: every dossier that could not be processed, then
/// every entry of the folder that is not a dossier.
fn error_report(failures: &[Failure], ignored: &[String]) -> String {
    let mut report = String::new();
    for f in failures {
        let _ = write!(report, "== {}\n{}\n\n", f.file, f.message);
    }
    if !ignored.is_empty() {
        report.push_str("== not dossiers (a dossier's name ends in .yaml or .yml), left alone:\n");
        for name in ignored {
            let _ = writeln!(report, "{name}");
        }
    }
    report
}

/// The dossiers of one tableau récapitulatif.
#[derive(Default)]
struct Tableau {
    /// Its rows, kept small.
    rows: summary::TableauRows,
    /// A certificate of its dossiers (for the commission's name).
    certificate: Option<String>,
    /// The latest date of its dossiers.
    latest: Option<crate::date::Date>,
    /// The latest decision among them.
    decided: Option<crate::date::Date>,
}

/// What one dossier gave: its row, the files written, its date.
struct Processed {
    row: SummaryRow,
    /// The certificate id.
    certificate: String,
    written: Vec<String>,
    date: crate::date::Date,
    /// The date is the commission's decision.
    decided: bool,
}

/// One dossier: evaluate, write its PDFs, return its row and the files written.
fn process(
    ctx: &Context,
    path: &Path,
    out: &Path,
    options: SessionOptions,
    batch: &Batch,
) -> std::result::Result<Processed, Failure> {
    let (dossier, e) = load_and_evaluate(ctx, path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let row = SummaryRow::new(&name, ctx, &dossier, &e)
        .map_err(|err| Failure { file: path.display().to_string(), message: err.to_string() })?;
    let mut kinds: Vec<ReportKind> = match options.documents {
        Documents::None => vec![],
        // A rejected application gets its letter, whatever the set.
        Documents::Standard | Documents::All if !e.recevabilite.recevable => vec![ReportKind::Recevabilite],
        Documents::Standard => vec![ReportKind::Synthese],
        Documents::All => vec![ReportKind::Recevabilite, ReportKind::Synthese, ReportKind::Grille],
    };
    // A decision of a regular commission gets its letter to the candidate.
    if options.documents != Documents::None
        && e.decision.is_some()
        && e.state.phase == 4
        && e.recevabilite.recevable
    {
        kinds.push(ReportKind::Decision);
    }
    let mut written = Vec::new();
    if !kinds.is_empty() {
        let folder = out.join(stem(path));
        std::fs::create_dir_all(&folder).map_err(|err| Failure {
            file: path.display().to_string(),
            message: format!("failed to create {} ({err})", folder.display()),
        })?;
        for kind in kinds {
            documents::report_pdf(ctx, kind, &dossier, &e)
                .and_then(|b| batch.write(&folder.join(format!("{}.pdf", kind.template())), &b))
                .map_err(|err| Failure { file: path.display().to_string(), message: err.to_string() })?;
            written.push(format!("{}/{}.pdf", stem(path), kind.template()));
        }
    }
    let date = e.decision.as_ref().map_or(e.date, |d| d.date);
    Ok(Processed { row, certificate: dossier.certificate, written, date, decided: e.decision.is_some() })
}

/// Rows of the tableau given to the template at a time when it is streamed.
const BATCH: usize = 256;

/// The CSV of the tableau, written row by row to an anonymous temporary file as the dossiers
/// are processed (its text is not kept in memory), and read back at the end.
struct CsvSpill {
    writer: csv::Writer<std::io::BufWriter<std::fs::File>>,
    dialect: CsvDialect,
    /// The first write that failed.
    error: Option<csv::Error>,
}

impl CsvSpill {
    fn new(dialect: CsvDialect) -> Result<CsvSpill> {
        let file =
            tempfile::tempfile().map_err(|source| Error::Write { path: std::env::temp_dir(), source })?;
        let mut writer = dialect
            .writer_to(std::io::BufWriter::with_capacity(1 << 16, file))
            .map_err(|source| Error::Write { path: std::env::temp_dir(), source })?;
        let error = summary::write_header(&mut writer).err();
        Ok(CsvSpill { writer, dialect, error })
    }

    fn row(&mut self, row: &SummaryRow) {
        if self.error.is_none() {
            self.error = summary::write_row(&mut self.writer, row, self.dialect).err();
        }
    }

    /// Writes the CSV to `path` in `batch`, copied from the temporary file.
    fn write(self, batch: &Batch, path: &Path) -> Result<()> {
        use std::io::Seek as _;
        let fail = |e: std::io::Error| Error::Write { path: std::env::temp_dir(), source: e };
        if let Some(e) = self.error {
            return Err(fail(e.into()));
        }
        let mut file = self
            .writer
            .into_inner()
            .map_err(|e| fail(e.into_error()))?
            .into_inner()
            .map_err(|e| fail(e.into_error()))?;
        file.rewind().map_err(fail)?;
        batch.write_with(path, &mut |out| std::io::copy(&mut file, out).map(drop))
    }
}

/// Runs a session on the dossiers of `input`, writing into `out`. Memory stays flat in the
/// number of dossiers: each result is taken in file order as soon as it is ready, its CSV row
/// written to a temporary file and its tableau row kept small ([`summary::TableauRows`]);
/// the tableau's PDF is then streamed ([`render::pdf_streamed`]).
pub fn run(
    ctx: &Context,
    input: &Path,
    out: &Path,
    options: SessionOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SessionReport> {
    let folder = outputs::OutputFolder::open(out)?;
    let entries = entries::scan(input, Some(out))?;
    let files = entries.dossiers;
    folder.plan(planned(ctx, &files, options))?;
    let batch = Batch::new(out);
    let mut csv = CsvSpill::new(options.csv)?;
    let (mut processed, mut recevables, mut attributions) = (0, 0, 0);
    let mut failures = entries.refused;
    let mut written = Vec::new();
    // Per tableau: its rows, its latest date and latest decision.
    let mut tableaux: BTreeMap<String, Tableau> = BTreeMap::new();
    tableaux.insert("tableau-recapitulatif.pdf".into(), Tableau::default());
    parallel::for_each_ordered(
        &files,
        options.threads,
        |path| process(ctx, path, out, options, &batch),
        |_, r| match r {
            Ok(p) => {
                csv.row(&p.row);
                processed += 1;
                recevables += usize::from(p.row.is_recevable());
                attributions += usize::from(p.row.proposes_attribution());
                let t = tableaux.entry(tableau_file(ctx, &p.certificate)).or_default();
                if options.documents != Documents::None {
                    t.rows.push(&p.row);
                }
                t.certificate = Some(p.certificate);
                t.latest = t.latest.max(Some(p.date));
                if p.decided {
                    t.decided = t.decided.max(Some(p.date));
                }
                written.extend(p.written);
            }
            Err(f) => failures.push(f),
        },
        progress,
    );
    failures.sort_by(|a, b| a.file.cmp(&b.file));
    let documents = written.len();
    csv.write(&batch, &out.join("tableau-recapitulatif.csv"))?;
    written.push("tableau-recapitulatif.csv".into());
    let report = error_report(&failures, &entries.ignored);
    batch.write(&out.join("dossiers-en-erreur.txt"), report.as_bytes())?;
    written.push("dossiers-en-erreur.txt".into());
    if options.documents != Documents::None {
        let epoch = crate::date::Date::new(1970, 1, 1).expect("epoch");
        // The tableaux are made side by side, the longest first.
        let mut jobs: Vec<(&String, &Tableau)> = tableaux.iter().collect();
        jobs.sort_by_key(|(_, t)| std::cmp::Reverse(t.rows.len()));
        let made = parallel::map(
            &jobs,
            options.threads,
            |&(file, t)| {
                // The failures go on the default tableau, whose commission the session is for.
                let main = file == "tableau-recapitulatif.pdf";
                let failed: Vec<String> =
                    if main { failures.iter().map(|f| f.file.clone()).collect() } else { Vec::new() };
                let created = options.date.or(t.decided).or(t.latest).unwrap_or(epoch);
                let certificate = if main { None } else { t.certificate.as_deref() };
                tableau_pdf(ctx, &batch, &out.join(file), &t.rows, &failed, created, certificate)
            },
            &|_, _| {},
        );
        let mut made: BTreeMap<&String, Result<()>> = jobs.iter().map(|(file, _)| *file).zip(made).collect();
        for file in tableaux.keys() {
            made.remove(file).expect("one result a tableau")?;
            written.push(file.clone());
        }
    }
    batch.commit()?;
    let removed = folder.finish(&written, planned(ctx, &files, options))?;
    Ok(SessionReport {
        processed,
        recevables,
        attributions,
        failures,
        documents,
        written,
        ignored: entries.ignored,
        removed,
    })
}

/// Writes the PDF of a tableau récapitulatif to `path` in `batch`: streamed, a batch of
/// rows at a time, as it is made; rendered whole when it cannot be (a template whose rows loop
/// cannot be split, or an error to report).
fn tableau_pdf(
    ctx: &Context,
    batch: &Batch,
    path: &Path,
    rows: &summary::TableauRows,
    failed: &[String],
    created: crate::date::Date,
    certificate: Option<&str>,
) -> Result<()> {
    const NAME: &str = "tableau-recapitulatif";
    if !rows.is_empty() {
        let head = summary::tableau_view(ctx, rows, false, failed, created, certificate)?;
        // Streamed into a temporary of its own, so that a document found not streamable after
        // all leaves nothing behind.
        let mut streamed = false;
        let mut error = None;
        let written = batch.write_with(path, &mut |out| {
            let mut next = 0;
            let mut batches = || {
                let range = next..(next + BATCH).min(rows.len());
                next = range.end;
                (!range.is_empty()).then(|| rows.printed(range))
            };
            match render::pdf_streamed(ctx.templates, NAME, &head, &mut batches, created, out, path) {
                Ok(true) => {
                    streamed = true;
                    Ok(())
                }
                Ok(false) => Err(std::io::Error::other("not streamable")),
                Err(e) => {
                    error = Some(e);
                    Err(std::io::Error::other("failed"))
                }
            }
        });
        if let Some(e) = error {
            return Err(e);
        }
        if streamed {
            return written;
        }
    }
    let view = summary::tableau_view(ctx, rows, true, failed, created, certificate)?;
    batch.write(path, &render::pdf(ctx.templates, NAME, &view, created)?)
}

/// The bytes of a tableau récapitulatif, as [`run`] writes them.
#[cfg(test)]
fn tableau_bytes(
    ctx: &Context,
    rows: &summary::TableauRows,
    failed: &[String],
    created: crate::date::Date,
    certificate: Option<&str>,
) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("cqpt-tableau-{}-{}", std::process::id(), rows.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let batch = Batch::new(&dir);
    let path = dir.join("t.pdf");
    tableau_pdf(ctx, &batch, &path, rows, failed, created, certificate).unwrap();
    batch.commit().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::DataSource;

    /// A row with varied texts: long names that wrap, reasons, findings, amounts.
    fn row(i: usize) -> SummaryRow {
        let recevable = i % 7 != 3;
        SummaryRow {
            dossier: format!("d{i}.yaml"),
            candidat: format!("C-{i:05}"),
            nom: if i.is_multiple_of(11) {
                format!("Marie-Éloïse de La Tour d'Auvergne {i}")
            } else {
                format!("Nom {i}")
            },
            certificat: ["Accueil", "Télévente et relation client à distance"][i % 2].into(),
            organisme_evaluateur: ["", "Organisme A", "Organisme B"][i % 3].into(),
            voie_acces: "VAE".into(),
            voie_acces_code: "vae".into(),
            recevabilite: if recevable { "recevable" } else { "non recevable" }.into(),
            recevabilite_code: if recevable { "recevable" } else { "non-recevable" }.into(),
            motifs_rejet: if recevable {
                String::new()
            } else {
                "Expérience insuffisante ; pièce manquante".into()
            },
            motifs_rejet_codes: String::new(),
            phase: 3,
            proposition: if i.is_multiple_of(2) { "attribution".into() } else { String::new() },
            proposition_code: if i.is_multiple_of(2) { "attribution".into() } else { String::new() },
            decision: String::new(),
            decision_code: String::new(),
            date_decision: String::new(),
            financement: "AUVICOM".into(),
            montant_euros: if i.is_multiple_of(5) { 0.0 } else { 1400.5 + i as f64 / 3.0 },
            constats_bloquants: if i.is_multiple_of(13) {
                "Grille incomplète ; ".repeat(i % 4 + 1)
            } else {
                String::new()
            },
            remarques: String::new(),
            constats_codes: String::new(),
        }
    }

    /// The tableau streamed a batch at a time gives the very bytes of the tableau rendered
    /// whole, whatever the number of rows (none, a part of a batch, several batches and pages).
    #[test]
    fn the_streamed_tableau_is_the_whole_one() {
        let (library, policy) = crate::context::load_context(&DataSource::Embedded).unwrap();
        let templates = render::Templates::load(&DataSource::Embedded).unwrap();
        let ctx = Context::new(&library, &policy, &templates, &DataSource::Embedded);
        let created = crate::date::Date::new(2026, 10, 20).unwrap();
        for n in [0, 1, 37, BATCH, 700] {
            let mut rows = summary::TableauRows::default();
            for i in 0..n {
                rows.push(&row(i));
            }
            let failed = vec!["x.yaml".to_string()];
            let whole = summary::tableau_view(&ctx, &rows, true, &failed, created, None).unwrap();
            let whole = render::pdf(&templates, "tableau-recapitulatif", &whole, created).unwrap();
            let written = tableau_bytes(&ctx, &rows, &failed, created, None);
            assert!(whole == written, "{n} rows: the tableau written differs");
            if n > 0 {
                let head = summary::tableau_view(&ctx, &rows, false, &failed, created, None).unwrap();
                let mut once = Some(rows.printed(0..n));
                let mut streamed = Vec::new();
                let path = Path::new("t.pdf");
                let name = "tableau-recapitulatif";
                let done = render::pdf_streamed(
                    &templates,
                    name,
                    &head,
                    &mut || once.take(),
                    created,
                    &mut streamed,
                    path,
                );
                assert!(done.unwrap(), "{n} rows: not streamed");
                assert!(streamed == whole, "{n} rows: the streamed tableau differs");
            }
        }
    }
}
