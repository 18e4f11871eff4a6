//! Integration tests, one module per area.

mod browser;
mod builder;
mod common;
mod documents;
mod dossier_diagnostics;
mod examples;
mod limits;
mod malformed;
mod quiz;
mod quiz_server;
mod referentiel_cli;
mod referentiel_data;
mod referentiel_diagnostics;
mod referentiel_props;
mod session;
mod workflow_rules;
