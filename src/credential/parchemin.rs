//! The parchemin: a one-page certificate PDF of an award (template `templates/parchemin.hbs`),
//! filled from its credential, with a QR code that carries the verification address.

use super::CredentialError;
use crate::date::Date;
use crate::render::{self, Templates};
use serde::Serialize;
use serde_json::Value;

/// Where the QR code goes on the A4 page: lower-left corner and size, in millimetres.
pub const QR_PLACE: (f32, f32, f32) = (160.0, 22.0, 36.0);

/// What the template shows.
#[derive(Debug, Clone, Serialize)]
pub struct ParcheminView {
    /// The certifier.
    pub issuer: String,
    /// The holder.
    pub holder: String,
    /// The certificate.
    pub certificate: String,
    /// The criteria (the commission's decision).
    pub criteria: String,
    /// The heading of the list of units or activities.
    pub units_heading: String,
    /// The units validated (or the activities of a certificate without units).
    pub units: Vec<String>,
    /// The date of the award, in French.
    pub awarded: String,
    /// The credential's id (its UUID).
    pub credential_id: String,
    /// The verification address the QR code carries.
    pub verify_url: String,
}

fn text(credential: &Value, pointer: &str) -> Result<String, CredentialError> {
    credential
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| CredentialError::new(format!("the credential has no {pointer}")))
}

/// The view of a credential issued by cqpt.
pub fn view(credential: &Value, verify_url: &str) -> Result<ParcheminView, CredentialError> {
    let alignments = credential.pointer("/credentialSubject/achievement/alignment").and_then(Value::as_array);
    let units: Vec<String> = alignments
        .into_iter()
        .flatten()
        .filter_map(|a| a["targetName"].as_str().map(str::to_string))
        .collect();
    let by_unit = alignments
        .into_iter()
        .flatten()
        .any(|a| a["targetDescription"].as_str() == Some(super::badge::UNIT_DESCRIPTION));
    let valid_from = text(credential, "/validFrom")?;
    Ok(ParcheminView {
        issuer: text(credential, "/issuer/name")?,
        holder: text(credential, "/credentialSubject/identifier/0/identityHash")?,
        certificate: text(credential, "/credentialSubject/achievement/name")?,
        criteria: text(credential, "/credentialSubject/achievement/criteria/narrative")?,
        units_heading: if by_unit { "Blocs de compétences validés" } else { "Activités du référentiel" }
            .to_string(),
        units,
        awarded: render::template::french_date(valid_from.get(..10).unwrap_or_default()),
        credential_id: text(credential, "/id")?.trim_start_matches("urn:uuid:").to_string(),
        verify_url: verify_url.to_string(),
    })
}

/// The parchemin of `credential` as PDF bytes, the QR code of `verify_url` on it.
pub fn pdf(templates: &Templates, credential: &Value, verify_url: &str) -> crate::Result<Vec<u8>> {
    let view = view(credential, verify_url)?;
    let created: Date = view
        .credential_id
        .get(..0)
        .and_then(|_| text(credential, "/validFrom").ok())
        .and_then(|v| v.get(..10).and_then(|d| d.parse().ok()))
        .ok_or_else(|| CredentialError::new("the credential's validFrom is not a date"))?;
    let bytes = render::pdf(templates, "parchemin", &view, created)?;
    let (x, y, size) = QR_PLACE;
    render::qr::stamp(&bytes, verify_url, x, y, size)
}
