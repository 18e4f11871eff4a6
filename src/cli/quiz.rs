//! `cqpt quiz validate | coverage | draw | paper | score | stats`.

use super::{EXIT_INVALID, EXIT_OK, Format, Outcome, print_json};
use clap::{Args, Subcommand, ValueEnum};
use cqpt::Error;
use cqpt::context;
use cqpt::date::{Date, TimeOfDay};
use cqpt::documents::labels::LabelSet;
use cqpt::output::write_atomic;
use cqpt::quiz::{self, Answers, Purpose, SittingSpec};
use cqpt::render::{self, Templates};
use cqpt::source::DataSource;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PurposeArg {
    /// Phase 0, the prédiagnostic.
    Prediagnostic,
    /// Phase 2B, the evaluation.
    Evaluation,
}

/// Which sitting: drawn again from its certificate, purpose and secret seed.
#[derive(Debug, Args)]
pub struct SittingArgs {
    /// Certificate.
    #[arg(long)]
    certificate: String,
    /// The secret seed: keep it with the evaluator, never on the candidate's paper.
    #[arg(long)]
    seed: u64,
    /// Prédiagnostic (phase 0) or evaluation (phase 2B): disjoint pools of the bank.
    #[arg(long, value_enum, default_value = "evaluation")]
    purpose: PurposeArg,
    /// The public reference printed for the candidate (rebuilds nothing); default
    /// `<certificate>-<p0|2b>`.
    #[arg(long)]
    reference: Option<String>,
}

impl SittingArgs {
    fn spec(&self) -> SittingSpec {
        let purpose = purpose(self.purpose);
        SittingSpec {
            certificate: self.certificate.clone(),
            purpose,
            reference: self
                .reference
                .clone()
                .unwrap_or_else(|| format!("{}-{}", self.certificate, purpose.code())),
            ..SittingSpec::default()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum QuizCommand {
    /// Check the bank: every question tied to existing items, exactly one key for a single
    /// choice, 3 to 5 choices, unique ids, and the writing rules Q01–Q12 (key longer than the
    /// distractors, absolute words, near-duplicates, fixed key counts, source, savoir-faire in
    /// 2B, reviews, pool leaks, Angoff ratings, key among the two longest too often, or the longest too rarely). Exit 0 when no error, 3 otherwise.
    Validate {
        /// Today (YYYY-MM-DD): questions due for review on this date are listed (Q08).
        #[arg(long)]
        date: Option<String>,
    },
    /// Questions per item and level for every transversal and partly specific item; items below
    /// the minimum are flagged (exit 3).
    Coverage {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Draw a sitting (reproducible from its secret seed) and print it, without the key.
    Draw {
        #[command(flatten)]
        sitting: SittingArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print a paper sitting: the questions and an answer sheet (and the key with --with-key).
    Paper {
        #[command(flatten)]
        sitting: SittingArgs,
        /// Add the evaluator's key after the answer sheet.
        #[arg(long)]
        with_key: bool,
        /// The PDF file to write.
        #[arg(short, long, value_name = "FILE.pdf")]
        output: PathBuf,
        /// Date printed in the document's metadata (YYYY-MM-DD).
        #[arg(long)]
        date: String,
    },
    /// Rebuild the results of a sitting run in the workspace (`cqpt serve`) from the answers
    /// its store kept, and compare them with the results written at closing: prints each
    /// seat's result and whether it is the same. Exit 1 when one differs.
    Rescore {
        #[command(flatten)]
        store: super::store::StoreArgs,
        /// The sitting's reference (S-…, as on its board).
        sitting: String,
        /// One dossier of the sitting only.
        dossier: Option<String>,
    },
    /// Score a paper sitting typed in afterwards: answers.csv has a header line and the columns
    /// numero, reponse (letters, e.g. B or A;C; empty when none) and optionally heure (HH:MM),
    /// separated by `,` or `;` (the header line tells which). Every bad row is reported with
    /// its line. Writes the result as a `quiz:` section for the dossier, every answer as given.
    Score {
        #[command(flatten)]
        sitting: SittingArgs,
        /// The answers typed in.
        #[arg(long)]
        answers: PathBuf,
        /// Date of the sitting (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// Start time (HH:MM): answers after start + the policy's minutes are not counted.
        #[arg(long)]
        started: Option<String>,
        /// End time (HH:MM).
        #[arg(long)]
        ended: Option<String>,
        /// Extra minutes granted (accommodation).
        #[arg(long, default_value_t = 0)]
        extra_minutes: u32,
        /// Who ran the sitting.
        #[arg(long)]
        by: String,
        /// Where to write the result (YAML); printed when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Item statistics over result files of real sittings: facility, discrimination
    /// (point-biserial, upper-lower), choice rates, KR-20 per group of identical sittings, and
    /// the questions to review. CSV on the standard output (or --csv), PDF with --pdf.
    Stats {
        /// Result files (`quiz:` sections written by `cqpt quiz score` or the server).
        #[arg(required_unless_present = "store")]
        results: Vec<PathBuf>,
        /// Also read the results of the seats the workspace closed in this store, rebuilt from
        /// the answers it kept (absent candidates left out), oldest sitting first.
        #[arg(long, value_name = "FILE")]
        store: Option<PathBuf>,
        /// With --store: the sittings of this evaluating body only.
        #[arg(long, value_name = "BODY", requires = "store")]
        body: Option<String>,
        /// Write the CSV here instead of printing it.
        #[arg(long, value_name = "FILE.csv")]
        csv: Option<PathBuf>,
        /// Also write a PDF report.
        #[arg(long, value_name = "FILE.pdf")]
        pdf: Option<PathBuf>,
        /// Date of the report (YYYY-MM-DD), for the PDF.
        #[arg(long)]
        date: Option<String>,
    },
}

fn purpose(p: PurposeArg) -> Purpose {
    match p {
        PurposeArg::Prediagnostic => Purpose::Prediagnostic,
        PurposeArg::Evaluation => Purpose::Evaluation,
    }
}

fn parse<T: std::str::FromStr<Err = String>>(what: &str, text: &str) -> Result<T, Error> {
    text.parse::<T>().map_err(|m| Error::Usage(format!("{what}: {m}")))
}

pub fn run(source: &DataSource, cmd: &QuizCommand) -> Outcome {
    let (library, policy) = context::load_context(source)?;
    let bank = quiz::load(source, &library)?;
    match cmd {
        QuizCommand::Validate { date } => {
            let today: Option<Date> = date.as_deref().map(|d| parse("--date", d)).transpose()?;
            let findings = quiz::rules::check(&bank, &library, &policy, today);
            let labels = context::load_labels(source)?;
            for f in &findings {
                println!("{f} ({})", labels.get(LabelSet::RegleQuiz, f.rule.code()));
            }
            let errors = findings.iter().filter(|f| f.severity == cqpt::diag::Severity::Error).count();
            let due = findings.iter().filter(|f| f.rule == quiz::rules::Rule::ReviewDue).count();
            let items: std::collections::BTreeSet<&str> =
                bank.questions.iter().flat_map(|q| q.items.iter().map(String::as_str)).collect();
            let live = bank.questions.iter().filter(|q| q.drawable_for_evaluation()).count();
            let p0 = bank.questions.iter().filter(|q| q.pool == quiz::Pool::P0).count();
            let verdict = if errors == 0 { "ok" } else { "not fit" };
            println!(
                "{verdict}: {} question(s) on {} item(s), {live} live in the 2B pool, {p0} in the phase 0 pool; {errors} writing error(s), {due} due for review{}",
                bank.questions.len(),
                items.len(),
                if today.is_none() { " (no --date: reviews not checked)" } else { "" }
            );
            let count = |pool: quiz::Pool, status: quiz::Status| {
                bank.questions.iter().filter(|q| q.pool == pool && q.status == status).count()
            };
            for (pool_code, pool) in quiz::Pool::CHOICES {
                let by_status: Vec<String> = quiz::Status::CHOICES
                    .iter()
                    .map(|(code, status)| {
                        format!("{} {}", labels.get(LabelSet::StatutQuestion, code), count(pool, *status))
                    })
                    .collect();
                println!("{} : {}", labels.get(LabelSet::ReserveQuestion, pool_code), by_status.join(", "));
            }
            Ok(if errors == 0 { EXIT_OK } else { EXIT_INVALID })
        }
        QuizCommand::Coverage { format } => {
            let rows = quiz::coverage(&bank, &library, &policy);
            let short = rows.iter().filter(|r| r.short).count();
            if *format == Format::Json {
                print_json(&rows)?;
            } else {
                println!("{:<48} {:>4} {:>4} {:>4} {:>4}  ", "ITEM", "N1", "N2", "N3", "P0");
                for r in &rows {
                    let flag = if r.short { "  ← below the minimum" } else { "" };
                    println!(
                        "{:<48} {:>4} {:>4} {:>4} {:>4}{flag}",
                        r.item, r.per_level[0], r.per_level[1], r.per_level[2], r.prediagnostic
                    );
                }
                println!(
                    "{} savoir(s) assessed in phase 2B, {} below the minimum of {} live 2B question(s) spanning levels 1 to 3 (N1–N3: live 2B questions per level; P0: phase 0 questions)",
                    rows.len(),
                    short,
                    policy.quiz.min_questions_per_item
                );
                for c in library.certificates().filter(|c| policy.for_certificate(&c.id).phases.quiz) {
                    let items = quiz::quiz_items(&library, &policy, Some(&c.id)).len();
                    println!(
                        "{}: {items} savoir(s) to assess in at most {} questions ({} s a question in {} minutes)",
                        c.id,
                        policy.quiz.max_questions,
                        u64::from(policy.quiz.minutes) * 60 / policy.quiz.max_questions.max(1) as u64,
                        policy.quiz.minutes
                    );
                }
            }
            Ok(if short == 0 { EXIT_OK } else { EXIT_INVALID })
        }
        QuizCommand::Draw { sitting, format } => {
            let sitting = quiz::draw(&bank, &library, &policy, &sitting.spec(), sitting.seed)?;
            if *format == Format::Json {
                return print_json(&sitting);
            }
            println!(
                "Épreuve {} — {} question(s), {} minutes",
                sitting.id,
                sitting.questions.len(),
                sitting.minutes
            );
            for q in &sitting.questions {
                println!("\n{}. {}", q.number, q.text);
                for c in &q.choices {
                    println!("   {}. {}", c.letter, c.text);
                }
            }
            Ok(EXIT_OK)
        }
        QuizCommand::Paper { sitting, with_key, output, date } => {
            let sitting = quiz::draw(&bank, &library, &policy, &sitting.spec(), sitting.seed)?;
            let templates = Templates::load(source)?;
            let created: Date = parse("--date", date)?;
            let bytes = render::pdf(
                &templates,
                "quiz-papier",
                &quiz::paper::view(&sitting, &library, *with_key),
                created,
            )?;
            write_atomic(output, &bytes)?;
            eprintln!("wrote {} ({} questions)", output.display(), sitting.questions.len());
            Ok(EXIT_OK)
        }
        QuizCommand::Rescore { store, sitting, dossier } => {
            super::sittings::rescore(source, store, sitting, dossier.as_deref())
        }
        QuizCommand::Score { sitting, answers, date, started, ended, extra_minutes, by, output } => {
            let sitting = quiz::draw(&bank, &library, &policy, &sitting.spec(), sitting.seed)?;
            let text = cqpt::limits::read_text(answers, cqpt::limits::ANSWERS.bytes)?;
            let started = started.as_deref().map(|s| parse::<TimeOfDay>("--started", s)).transpose()?;
            let ended = ended.as_deref().map(|s| parse::<TimeOfDay>("--ended", s)).transpose()?;
            let mut problems =
                quiz::answer_sheet::check_times(started, ended, *extra_minutes, policy.quiz.minutes);
            let typed = quiz::answer_sheet::read_answers(&answers.display().to_string(), &text, &sitting)
                .unwrap_or_else(|d| {
                    problems.0.extend(d.0);
                    Vec::new()
                });
            if problems.has_errors() {
                return Err(Error::Invalid(problems));
            }
            let answers = Answers {
                date: parse("--date", date)?,
                started,
                ended,
                extra_minutes: *extra_minutes,
                answers: typed,
            };
            let result = quiz::score(&sitting, &answers, &policy);
            let yaml = quiz::scoring::to_yaml(&result, by);
            let right = result.answers.iter().filter(|a| a.correct).count();
            let cut = result.cut.map_or(String::new(), |c| format!(", Angoff cut {c:.1}"));
            let summary = format!("{right}/{} right, credit {:.1}{cut}", result.answers.len(), result.credit);
            if let Some(path) = output {
                write_atomic(path, yaml.as_bytes())?;
                eprintln!("wrote {}: {summary}", path.display());
            } else {
                print!("{yaml}");
                eprintln!("{summary}");
            }
            if !result.insufficient.is_empty() {
                eprintln!("no level from the quiz (too few answers): {}", result.insufficient.join(", "));
            }
            Ok(EXIT_OK)
        }
        QuizCommand::Stats { results, store, body, csv, pdf, date } => {
            let mut read = Vec::new();
            let mut problems = Vec::new();
            for path in results {
                let text = cqpt::limits::read_text(path, cqpt::limits::ANSWERS.bytes)?;
                match quiz::stats::read_result(&path.display().to_string(), &text) {
                    Ok(r) => read.push(r),
                    Err(e) => problems.push(e),
                }
            }
            if !problems.is_empty() {
                return Err(Error::Usage(problems.join("\n")));
            }
            if let Some(path) = store {
                let opened = super::store::open(&super::store::StoreArgs { store: path.clone() })
                    .map_err(|e| Error::Data(e.to_string()))?;
                read.extend(cqpt::server::quiz::stats::store_results(
                    &opened,
                    &bank,
                    &library,
                    &policy,
                    body.as_deref(),
                )?);
            }
            let stats = quiz::stats::stats(&bank, &read, &policy);
            let labels = context::load_labels(source)?;
            let text = quiz::stats::to_csv(&stats, &labels);
            match csv {
                Some(path) => write_atomic(path, text.as_bytes())?,
                None => print!("{text}"),
            }
            for r in &stats.reliability {
                eprintln!(
                    "{}: {} candidate(s), {} question(s), KR-20 {}",
                    r.sitting,
                    r.candidates,
                    r.questions,
                    r.kr20.map_or("—".to_string(), |k| format!("{k:.2}"))
                );
            }
            let to_review = stats.questions.iter().filter(|q| !q.review.is_empty()).count();
            eprintln!("{} question(s) met, {to_review} to review", stats.questions.len());
            if let Some(path) = pdf {
                let created: Date = parse(
                    "--date",
                    date.as_deref().ok_or_else(|| Error::Usage("--pdf needs --date".into()))?,
                )?;
                let templates = Templates::load(source)?;
                let bytes = render::pdf(
                    &templates,
                    "quiz-statistiques",
                    &quiz::stats::view(&stats, &labels),
                    created,
                )?;
                write_atomic(path, &bytes)?;
                eprintln!("wrote {}", path.display());
            }
            Ok(EXIT_OK)
        }
    }
}
