//! # cqpt — competency assessment and certification for the telecom CQPT
//!
//! cqpt runs the evaluation procedure of the two *certificats de qualification professionnelle
//! des télécommunications* created by the agreement of 23 September 2005 (*Conseiller clientèle
//! à distance*, *Conseiller clientèle en point de distribution*), and any référentiel built the
//! same way. Référentiels, scales, grids, policies and templates are data files, never code.
//!
//! # Steps
//! Data flows one way, each step using only those before it:
//! 1. **Sources** — [`source::DataSource`]: the data embedded in the binary, or a data folder
//!    with the same layout ([`source::DATA_FOLDERS`]); [`source::export_embedded`] writes the
//!    embedded copy as a folder to edit.
//! 2. **YAML** — [`yaml::parse`] reads a file into a tree that remembers positions;
//!    [`yaml::Decoder`] turns it into typed values and collects every problem as a
//!    [`diag::Diagnostic`].
//! 3. **Référentiels** — [`referentiel::load`] reads the référentiels and the [`scale`]s,
//!    checks them against each other and returns a [`referentiel::Library`] or every
//!    diagnostic at once; [`context::load_context`] adds the decision [`policy::Policy`].
//! 4. **Dossier** — [`dossier::load_dossier`] reads a candidate's file into a
//!    [`dossier::Dossier`], checked against the library.
//! 5. **Phases** — [`phases::evaluate`] takes the dossier through recevabilité (phase 1), the
//!    phase-2 checks, the carry-over of savoirs communs, the decision and the funding, as of a
//!    date passed in; [`evaluate::load_and_evaluate`] does steps 4 and 5 for a file.
//! 6. **Synthèse** — [`phases::synthese`] (phase 3): a level per item with its sources, a status
//!    per activity and the proposal to the commission, in [`phases::Evaluation::synthese`].
//! 7. **Documents** — [`documents::report_document`] fills a [`render`] template with a view
//!    of the evaluation and lays it out; [`render::pdf::to_pdf`] gives the PDF bytes
//!    ([`documents::report_pdf`] does both; [`documents::grid_pdf`] prints blank grids).
//! 8. **Session** — [`session::run`]: every dossier of a folder through steps 4–7 over the
//!    cores, with the tableau récapitulatif; [`session::bilan`] for the CPNE's annual review.
//! 9. **Quiz** — [`quiz::load`] reads the bank, [`quiz::draw`] draws a sitting from its
//!    [`quiz::SittingSpec`] and a secret seed, [`quiz::score`] turns answers into levels that a
//!    dossier takes in; sittings in a browser run in the workspace ([`server::quiz`]).
//! 10. **Store** — [`store::Store`] keeps dossiers, people, [`accounts`] and files in one `SQLite`
//!     file, every change with its hash-chained [`registry`] entry and [`retention`] periods.
//!
//! An example dossier through the steps, on the embedded data:
//!
//! ```
//! use cqpt::documents::{self, Context, ReportKind};
//! use cqpt::dossier::Proposal;
//! use cqpt::source::DataSource;
//! use cqpt::{context, evaluate, quiz, render};
//! use std::path::Path;
//!
//! // 1–3: the référentiels, the scales and the policy.
//! let data = DataSource::Embedded;
//! let (library, policy) = context::load_context(&data)?;
//! // 4–6: a dossier through the phases, as of the latest date it records.
//! let path = Path::new("examples/dossiers/01-distance-attribution.yaml");
//! let (dossier, evaluation) = evaluate::load_and_evaluate(path, &library, &policy, None)?;
//! assert!(evaluation.recevabilite.recevable);
//! let synthese = evaluation.synthese.as_ref().expect("a complete dossier is synthesised");
//! assert_eq!(synthese.proposal, Proposal::Attribution);
//! // 7: the synthesis report for the commission, as PDF bytes.
//! let templates = render::Templates::load(&data)?;
//! let ctx = Context::new(&library, &policy, &templates, &data);
//! let pdf = documents::report_pdf(&ctx, ReportKind::Synthese, &dossier, &evaluation)?;
//! assert!(pdf.starts_with(b"%PDF"));
//! // 9: the quiz sitting of the README's tour, drawn again from its secret seed.
//! let bank = quiz::load(&data, &library)?;
//! let spec = quiz::SittingSpec {
//!     certificate: "distance".into(),
//!     reference: "distance-2b".into(),
//!     ..quiz::SittingSpec::default()
//! };
//! let sitting = quiz::draw(&bank, &library, &policy, &spec, 42)?;
//! assert!(!sitting.questions.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The library never reads the clock (clippy.toml bans it) and never prints: the `cqpt` binary
//! does the I/O.

pub mod accounts;
pub mod clock;
mod closed_set;
pub mod context;
pub mod credential;
pub mod date;
pub mod diag;
pub mod documents;
pub mod dossier;
pub mod error;
pub mod evaluate;
pub mod exchange;
pub mod limits;
pub mod output;
pub mod phases;
pub mod policy;
pub mod quiz;
pub mod referentiel;
pub mod registry;
pub mod render;
pub mod retention;
pub mod rng;
pub mod scale;
pub mod server;
pub mod session;
pub mod source;
pub mod store;
pub mod suggest;
pub mod synthetic;
pub mod yaml;

pub use error::{Error, Result};
