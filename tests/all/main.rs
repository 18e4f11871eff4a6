//! Integration tests, one module per area.

mod browser;
mod builder;
mod closed_values;
mod common;
mod complement_round;
mod documents;
mod dossier_diagnostics;
mod examples;
mod observation_records;
mod quiz;
mod quiz_server;
mod referentiel_cli;
mod referentiel_data;
mod referentiel_diagnostics;
mod referentiel_props;
mod session;
mod workflow_rules;
