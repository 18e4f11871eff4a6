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

/// What a session did.
#[derive(Debug, Clone)]
pub struct SessionReport {
    /// One row per processed dossier, in file order.
    pub rows: Vec<SummaryRow>,
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
fn planned(ctx: &Context, dossiers: &[PathBuf], options: SessionOptions) -> Vec<String> {
    let mut all: Vec<String> =
        ["tableau-recapitulatif.csv", "tableau-recapitulatif.pdf", "dossiers-en-erreur.txt"]
            .map(String::from)
            .into();
    for r in ctx.library.certificates() {
        all.push(tableau_file(ctx, &r.id));
    }
    if options.documents != Documents::None {
        for path in dossiers {
            for kind in
                [ReportKind::Recevabilite, ReportKind::Synthese, ReportKind::Grille, ReportKind::Decision]
            {
                all.push(format!("{}/{}.pdf", stem(path), kind.template()));
            }
        }
    }
    all
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
    /// Indices of its rows.
    rows: Vec<usize>,
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

/// Runs a session on the dossiers of `input`, writing into `out`.
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
    let planned = planned(ctx, &files, options);
    folder.plan(planned.iter().cloned())?;
    let batch = Batch::new(out);
    let results =
        parallel::map(&files, options.threads, |path| process(ctx, path, out, options, &batch), progress);
    let mut rows = Vec::with_capacity(results.len());
    let mut failures = entries.refused;
    let mut written = Vec::new();
    // Per tableau: its rows (indices into `rows`), its latest date and latest decision.
    let mut tableaux: BTreeMap<String, Tableau> = BTreeMap::new();
    tableaux.insert("tableau-recapitulatif.pdf".into(), Tableau::default());
    for r in results {
        match r {
            Ok(p) => {
                let t = tableaux.entry(tableau_file(ctx, &p.certificate)).or_default();
                t.rows.push(rows.len());
                t.certificate = Some(p.certificate);
                t.latest = t.latest.max(Some(p.date));
                if p.decided {
                    t.decided = t.decided.max(Some(p.date));
                }
                rows.push(p.row);
                written.extend(p.written);
            }
            Err(f) => failures.push(f),
        }
    }
    failures.sort_by(|a, b| a.file.cmp(&b.file));
    let documents = written.len();
    batch.write(&out.join("tableau-recapitulatif.csv"), &summary::to_csv(&rows, options.csv))?;
    written.push("tableau-recapitulatif.csv".into());
    let report = error_report(&failures, &entries.ignored);
    batch.write(&out.join("dossiers-en-erreur.txt"), report.as_bytes())?;
    written.push("dossiers-en-erreur.txt".into());
    if options.documents != Documents::None {
        let epoch = crate::date::Date::new(1970, 1, 1).expect("epoch");
        for (file, t) in &tableaux {
            // The failures go on the default tableau, whose commission the session is for.
            let main = file == "tableau-recapitulatif.pdf";
            let failed: Vec<String> =
                if main { failures.iter().map(|f| f.file.clone()).collect() } else { Vec::new() };
            let created = options.date.or(t.decided).or(t.latest).unwrap_or(epoch);
            // The rows by reference: a tableau of 50,000 rows is not copied.
            let own: Vec<&SummaryRow> = t.rows.iter().map(|i| &rows[*i]).collect();
            let certificate = if main { None } else { t.certificate.as_deref() };
            let view = summary::tableau_view(ctx, &own, &failed, created, certificate)?;
            let bytes = render::pdf(ctx.templates, "tableau-recapitulatif", &view, created)?;
            batch.write(&out.join(file), &bytes)?;
            written.push(file.clone());
        }
    }
    batch.commit()?;
    let removed = folder.finish(&written, planned)?;
    Ok(SessionReport { rows, failures, documents, written, ignored: entries.ignored, removed })
}
