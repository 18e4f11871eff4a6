//! The Open Badges 3.0 credential of an award: the commission decided `attribution` (the whole
//! certificate) or `validation-partielle` (some units). The achievement is the certificate,
//! identified by its CASE document identifier; its alignments are the units awarded (or, for a
//! certificate without units, its activities) by their CASE identifiers; the criteria say who
//! decided what and when; the subject names the holder.

use super::CredentialError;
use super::canon::{OB_V3, VC_V2};
use super::keys::IssuerProfile;
use super::status;
use crate::documents::{Labels, Texts};
use crate::dossier::{Dossier, Proposal};
use crate::exchange::case;
use crate::referentiel::Library;
use serde_json::{Value, json};

/// The `targetDescription` of the alignment to a unit (bloc de compétences).
pub const UNIT_DESCRIPTION: &str = "Bloc de compétences";
/// The `targetDescription` of the alignment to an activity (certificate without units).
pub const ACTIVITY_DESCRIPTION: &str = "Activité";

/// The schema a verifier checks an Open Badges 3.0 credential against.
pub const ACHIEVEMENT_SCHEMA: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";

/// The credential's id: a UUID v5 of the holder, the certificate and the decision date.
pub fn credential_id(dossier: &Dossier, date: &str) -> String {
    let key = format!("{}:{}:{date}", dossier.candidate.id, dossier.certificate);
    format!("urn:uuid:{}", case::identifier("credential", &key))
}

/// The unsigned credential of `dossier`, with status list entry `status_index`. An error says
/// why there is nothing to award (no decision, or a decision that awards nothing).
pub fn credential(
    library: &Library,
    texts: &Texts,
    labels: &Labels,
    dossier: &Dossier,
    issuer: &IssuerProfile,
    status_index: u32,
) -> Result<Value, CredentialError> {
    let decision = dossier.decision.as_ref().ok_or_else(|| {
        CredentialError::new(format!(
            "dossier {}: the commission has not decided yet (no decision)",
            dossier.candidate.id
        ))
    })?;
    if !matches!(decision.outcome, Proposal::Attribution | Proposal::ValidationPartielle) {
        return Err(CredentialError::new(format!(
            "dossier {}: the commission's decision is « {} », which awards nothing",
            dossier.candidate.id,
            labels.proposal(decision.outcome)
        )));
    }
    let r = library
        .referentiel(&dossier.certificate)
        .ok_or_else(|| CredentialError::new(format!("unknown certificate `{}`", dossier.certificate)))?;
    let texts = texts.for_certificate(&r.id);
    let date = format!("{}T00:00:00Z", decision.date);
    let urn = |kind: &str, key: &str| format!("urn:uuid:{}", case::identifier(kind, key));
    let awarded: Vec<Value> = if r.units.is_empty() {
        r.activities
            .iter()
            .map(|a| {
                alignment(
                    &a.title,
                    &urn("activity", &a.id),
                    a.code.as_deref(),
                    &r.title,
                    ACTIVITY_DESCRIPTION,
                )
            })
            .collect()
    } else {
        r.units
            .iter()
            .filter(|u| decision.outcome == Proposal::Attribution || decision.units.contains(&u.id))
            .map(|u| {
                alignment(
                    &u.title,
                    &urn("unit", &format!("{}:{}", r.id, u.id)),
                    u.code.as_deref(),
                    &r.title,
                    UNIT_DESCRIPTION,
                )
            })
            .collect()
    };
    let mut narrative = format!(
        "{}, {} : décision du {} — {}.",
        texts.cpne.commission,
        texts.cpne.nom,
        decision.date,
        labels.proposal(decision.outcome)
    );
    if decision.outcome == Proposal::ValidationPartielle {
        let names: Vec<&str> = awarded.iter().filter_map(|a| a["targetName"].as_str()).collect();
        narrative = format!("{narrative} Unités validées : {}.", names.join(" ; "));
    }
    let c = &dossier.candidate;
    Ok(json!({
        "@context": [VC_V2, OB_V3],
        "id": credential_id(dossier, &decision.date.to_string()),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": issuer.id, "type": ["Profile"], "name": issuer.name },
        "validFrom": date,
        "name": r.title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": format!("{} {}", c.given_name, c.family_name),
                "identityType": "name",
                "hashed": false,
            }],
            "achievement": {
                "id": urn("document", &r.id),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": r.title,
                "description": r.mission.as_deref().map_or_else(|| r.title.clone(), |m| m.trim().to_string()),
                "criteria": { "narrative": narrative },
                "alignment": awarded,
                "inLanguage": "fr",
            },
        },
        "credentialStatus": status::entry(issuer, status_index),
        "credentialSchema": [{ "id": ACHIEVEMENT_SCHEMA, "type": "1EdTechJsonSchemaValidator2019" }],
    }))
}

fn alignment(name: &str, url: &str, code: Option<&str>, framework: &str, description: &str) -> Value {
    let mut a = json!({
        "type": ["Alignment"],
        "targetName": name,
        "targetDescription": description,
        "targetUrl": url,
        "targetType": "CFItem",
        "targetFramework": framework,
    });
    if let Some(code) = code {
        a["targetCode"] = Value::String(code.to_string());
    }
    a
}
