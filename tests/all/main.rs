//! Integration tests, one module per area.

// Tests may read the clock for deadlines and timings (clippy.toml bans it in the library only).
#![allow(clippy::disallowed_methods)]
// Sums and rates are compared exactly: they are computed from whole euros and hours, and an
// approximate comparison would hide a wrong rounding.
#![allow(clippy::float_cmp)]
// Tests build expected texts and tables the plainest way; these style lints add noise there:
// `push_str(&format!(…))`, rule tables written arm by arm as in the text, literal seeds, JSON
// values handed over, `Default::default()` for test fixtures.
#![allow(
    clippy::format_push_string,
    clippy::format_collect,
    clippy::match_same_arms,
    clippy::unreadable_literal,
    clippy::needless_pass_by_value,
    clippy::default_trait_access
)]

mod api;
mod application_form;
mod bodies_admin;
mod builder;
mod candidate_page;
mod case_export;
mod certificate_policy;
mod cli_generated;
mod cli_snapshots;
mod closed_values;
mod codes;
mod commission;
mod common;
mod complement_round;
mod credential;
mod credential_verification;
mod documents;
mod dossier_diagnostics;
mod evaluation_browser;
mod evaluation_edit;
mod evaluator_desk;
mod examples;
mod exit_codes;
mod fonts;
mod french_documents;
mod grids_by_hand;
mod limits;
mod malformed;
mod mixed_session;
mod observation_records;
mod pagination;
mod procedure_browser;
mod procedure_walk;
mod qti;
mod quiz;
mod quiz_browser;
mod quiz_draw;
mod quiz_durability;
mod quiz_rules;
mod quiz_scoring;
mod quiz_stats;
mod quiz_stats_store;
mod readme_tour;
mod referentiel_cli;
mod referentiel_data;
mod referentiel_diagnostics;
mod referentiel_props;
mod referentiel_seeds;
mod referentiel_units;
mod referentiel_wordings;
mod registry;
mod rgpd;
mod session;
mod sheet;
mod slow_clients;
mod store;
mod units_decision;
mod webdriver;
mod workflow_rules;
mod workspace;
mod workspace_browser;
mod workspace_durability;
mod workspace_quiz;
mod workspace_tls;
