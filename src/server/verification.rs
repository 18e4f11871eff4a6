//! The public verification page of a credential (issue 18): `GET /verification/{token}`, the
//! address the parchemin's QR code carries ([`crate::credential::keys::verification_url`]). No
//! login: whoever holds the parchemin (an employer) checks it. The page verifies the copy the
//! certifier's folder keeps (`cqpt serve --certifier DIR`, filled by `cqpt credential issue`) as
//! `cqpt credential verify` does — proof, issuer key, signature, the canonical graph, the
//! schemas, revocation against the certifier's signed status list — and shows in French whether
//! it is valid or revoked, with the certificate, the holder's name as the credential gives it,
//! the date and the certifier, read from the signed graph: nothing else of the dossier.
//!
//! The token is 128 bits derived from the certifier's secret key: credential ids (UUID v5 of
//! stable ids) could be enumerated, tokens cannot. An address that is not a token, or a token the
//! folder does not hold, answers 404 with the same sentence either way.

use super::AppState;
use crate::credential::keys::{Folder, IssuerProfile, read_json};
use crate::credential::verify;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// What the page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every check passed.
    Valid,
    /// Signed by the certifier, then revoked in its status list.
    Revoked,
    /// A check other than revocation failed (a changed file, another key…).
    Invalid,
}

/// The view of `templates/pages/verification.hbs`.
#[derive(Debug, Serialize)]
pub struct VerificationView {
    /// The verdict.
    pub verdict: Verdict,
    /// Valid.
    pub valid: bool,
    /// Revoked.
    pub revoked: bool,
    /// The certificate (the achievement's name), from the signed graph.
    pub certificate: Option<String>,
    /// The holder's name as on the credential.
    pub holder: Option<String>,
    /// The date of the award, the French way.
    pub date: Option<String>,
    /// The certifier's name.
    pub certifier: Option<String>,
}

/// The verdict of a verification report.
pub fn verdict(report: &verify::Report) -> Verdict {
    if report.valid() {
        Verdict::Valid
    } else if report.checks.iter().all(|c| c.passed || c.check == "revocation")
        && report
            .checks
            .iter()
            .any(|c| c.check == "revocation" && !c.passed && c.detail.starts_with("revoked"))
    {
        Verdict::Revoked
    } else {
        Verdict::Invalid
    }
}

/// A date `2026-06-16T00:00:00Z` as `16/06/2026`.
fn french_date(text: &str) -> String {
    let day = text.get(..10).unwrap_or(text);
    let mut parts = day.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => day.to_string(),
    }
}

/// Verifies the credential kept under `token` in the certifier folder `dir`: `None` when the
/// token is not one or the folder holds no credential under it.
pub fn check(dir: &std::path::Path, token: &str) -> crate::Result<Option<VerificationView>> {
    let folder = Folder::new(dir);
    let Some(path) = folder.published(token) else { return Ok(None) };
    if !path.is_file() {
        return Ok(None);
    }
    let credential: Value = read_json(&path)?;
    let issuer: IssuerProfile = folder.profile()?;
    let list_path = folder.status_list_path();
    let list: Option<Value> = if list_path.is_file() { Some(read_json(&list_path)?) } else { None };
    let report = verify::verify(&credential, &issuer, list.as_ref());
    let verdict = verdict(&report);
    // Nothing read from a credential whose signature does not hold.
    let shown = verdict != Verdict::Invalid;
    let keep = |x: Option<String>| x.filter(|_| shown);
    Ok(Some(VerificationView {
        verdict,
        valid: verdict == Verdict::Valid,
        revoked: verdict == Verdict::Revoked,
        certificate: keep(report.achievement),
        holder: keep(report.holder),
        date: keep(report.valid_from.as_deref().map(french_date)),
        certifier: keep(report.issuer),
    }))
}

/// The 404 page: the same sentence for an address that is not a token and for a token the
/// folder does not hold.
fn unknown(state: &AppState) -> Response {
    #[derive(Serialize)]
    struct Unknown {
        unknown: bool,
    }
    let page = state.pages.render("verification", &Unknown { unknown: true });
    match page {
        Ok(html) => (StatusCode::NOT_FOUND, html).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /verification/{token}`: the verification page (404 when the server has no certifier
/// folder, or the token names no credential).
pub async fn page(State(state): State<Arc<AppState>>, Path(token): Path<String>) -> Response {
    let Some(dir) = state.certifier.clone() else { return unknown(&state) };
    let checked = tokio::task::spawn_blocking(move || check(&dir, &token)).await;
    match checked {
        Ok(Ok(Some(view))) => match state.pages.render("verification", &view) {
            Ok(Html(html)) => Html(html).into_response(),
            Err(e) => e.into_response(),
        },
        Ok(Ok(None)) => unknown(&state),
        Ok(Err(e)) => super::error::AppError::Internal(e.to_string()).into_response(),
        Err(e) => super::error::AppError::Internal(format!("verification task: {e}")).into_response(),
    }
}
