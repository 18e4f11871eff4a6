//! # cqpt — competency assessment and certification for the telecom CQPT
//!
//! cqpt runs the evaluation procedure of the two *certificats de qualification professionnelle
//! des télécommunications* created by the agreement of 23 September 2005 (*Conseiller clientèle
//! à distance*, *Conseiller clientèle en point de distribution*), and any référentiel built the
//! same way. Référentiels, scales, grids, policies and templates are data files, never code.
//!
//! # Steps
//! 1. **Sources** — [`source::DataSource`]: the data embedded in the binary, or a data folder.
//! 2. **YAML** — [`yaml::parse`] reads a file into a tree that remembers positions;
//!    [`yaml::Decoder`] turns it into typed values and collects every problem.
//! 3. **Référentiels** — [`referentiel::load`] reads the référentiels and the
//!    [`scale`]s, checks them against each other and returns a [`referentiel::Library`] or
//!    every [`diag::Diagnostic`] at once.
//!
//! The library never reads the clock and never prints: the `cqpt` binary does the I/O.

pub mod date;
pub mod diag;
pub mod documents;
pub mod dossier;
pub mod error;
pub mod limits;
pub mod output;
pub mod phases;
pub mod policy;
pub mod quiz;
pub mod referentiel;
pub mod render;
pub mod rng;
pub mod scale;
pub mod session;
pub mod source;
pub mod suggest;
pub mod synthetic;
pub mod yaml;

pub use error::{Error, Result};
