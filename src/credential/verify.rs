//! Every check a verifier makes of a credential, each with its reason when it fails. The
//! fields shown (name, issuer, subject, date) are read from the canonical RDF graph that the
//! signature covers, never from the raw JSON (a term the contexts do not define is not in the
//! graph, so it is neither signed nor shown).

use super::CredentialError;
use super::canon::{canonicalize, literal, objects, subjects};
use super::keys::IssuerProfile;
use super::proof::{method_key, proof_parts, public_from_multikey, public_multikey, verify_signature};
use super::status;
use serde::Serialize;
use serde_json::Value;

/// The Open Badges 3.0 `AchievementCredential` JSON schema (vendored).
pub const ACHIEVEMENT_SCHEMA_JSON: &str =
    include_str!("../../tests/vendor/openbadges/ob_v3p0_achievementcredential_schema.json");
/// The VC Data Model 2.0 JSON schema (vendored).
pub const VC_SCHEMA_JSON: &str = include_str!("../../tests/vendor/vc/verifiable-credential-schema.json");

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const CRED: &str = "https://www.w3.org/2018/credentials#";
const OB: &str = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#";
const NAME: &str = "https://schema.org/name";

/// One check and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What is checked (`proof`, `issuer key`, `signature`, `graph`, `schema`, `revocation`).
    pub check: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// What was found, or why it failed.
    pub detail: String,
}

/// The outcome of a verification.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The credential's name, from the graph.
    pub name: Option<String>,
    /// The issuer, from the graph.
    pub issuer: Option<String>,
    /// The achievement's name, from the graph.
    pub achievement: Option<String>,
    /// The date it is valid from, from the graph.
    pub valid_from: Option<String>,
    /// The holder's name as the credential gives it (an identity of type `name`, not hashed),
    /// from the graph.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
}

impl Report {
    /// Whether every check passed.
    pub fn valid(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    fn push(&mut self, check: &'static str, result: Result<String, CredentialError>) -> bool {
        let passed = result.is_ok();
        let detail = result.unwrap_or_else(|e| e.0);
        self.checks.push(Check { check, passed, detail });
        passed
    }
}

/// The schema errors of `credential` against the `AchievementCredential` and VC 2.0 schemas.
///
/// The `AchievementCredential` schema wants `proof` as an array, while Data Integrity (and
/// 1EdTech's own test vector) writes a single proof as an object; JSON-LD reads both alike
/// (`proof` is a set), so a single proof is checked in its one-element array form.
pub fn schema_errors(credential: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut as_set = credential.clone();
    if let Some(proof) = as_set.get_mut("proof").filter(|p| p.is_object()) {
        *proof = Value::Array(vec![proof.take()]);
    }
    for (name, text) in [("AchievementCredential", ACHIEVEMENT_SCHEMA_JSON), ("VC 2.0", VC_SCHEMA_JSON)] {
        let schema: Value = match serde_json::from_str(text) {
            Ok(s) => s,
            Err(e) => {
                out.push(format!("{name} schema unreadable: {e}"));
                continue;
            }
        };
        match jsonschema::validator_for(&schema) {
            Ok(v) => {
                out.extend(v.iter_errors(&as_set).map(|e| format!("{name}: {e} (at {})", e.instance_path())));
            }
            Err(e) => out.push(format!("{name} schema: {e}")),
        }
    }
    out
}

/// Verifies `credential` as issued by `issuer`; `status_list` is the issuer's published status
/// list credential (needed when the credential has a `credentialStatus`).
pub fn verify(credential: &Value, issuer: &IssuerProfile, status_list: Option<&Value>) -> Report {
    let mut report = Report::default();
    let parts = proof_parts(credential);
    let method = parts.as_ref().map(|p| p.verification_method.clone()).map_err(Clone::clone);
    if !report
        .push("proof", parts.map(|p| format!("{} by {}", super::proof::CRYPTOSUITE, p.verification_method)))
    {
        return report;
    }
    let issuer_key = public_from_multikey(&issuer.public_key_multibase);
    let key_check = method.and_then(|m| {
        let (controller, key) = method_key(&m)?;
        let expected = issuer_key.clone()?;
        if controller != issuer.id {
            return Err(CredentialError::new(format!(
                "the proof's key belongs to {controller}, not to the issuer {}",
                issuer.id
            )));
        }
        if key != expected {
            return Err(CredentialError::new(format!(
                "the proof was made with the key {}, not the issuer's key {}",
                public_multikey(&key),
                issuer.public_key_multibase
            )));
        }
        Ok(format!("{} of {}", issuer.public_key_multibase, issuer.id))
    });
    if !report.push("issuer key", key_check) {
        return report;
    }
    let signed = issuer_key.and_then(|k| verify_signature(credential, &k)).map(|()| "valid".to_string());
    if !report.push("signature", signed) {
        return report;
    }
    let graph = read_graph(credential, issuer, &mut report);
    report.push("graph", graph);
    let errors = schema_errors(credential);
    report.push(
        "schema",
        if errors.is_empty() {
            Ok("AchievementCredential and VC 2.0".to_string())
        } else {
            Err(CredentialError::new(errors.join("; ")))
        },
    );
    report.push("revocation", revocation(credential, issuer, status_list));
    report
}

/// Reads the fields from the canonical graph and checks the issuer and types there.
fn read_graph(
    credential: &Value,
    issuer: &IssuerProfile,
    report: &mut Report,
) -> Result<String, CredentialError> {
    let mut unsecured = credential.clone();
    if let Some(m) = unsecured.as_object_mut() {
        m.remove("proof");
    }
    let nquads = canonicalize(&unsecured)?;
    let vc = format!("<{CRED}VerifiableCredential>");
    let creds = subjects(&nquads, RDF_TYPE, &vc);
    let [subject] = creds.as_slice() else {
        return Err(CredentialError::new(format!(
            "the graph holds {} verifiable credentials, not one",
            creds.len()
        )));
    };
    let types = objects(&nquads, subject, RDF_TYPE);
    if !types
        .iter()
        .any(|t| *t == format!("<{OB}OpenBadgeCredential>") || *t == format!("<{OB}AchievementCredential>"))
    {
        return Err(CredentialError::new("the graph does not type the credential as an OpenBadgeCredential"));
    }
    let issuers: Vec<String> =
        objects(&nquads, subject, &format!("{CRED}issuer")).iter().map(|t| literal(t)).collect();
    if issuers != [issuer.id.clone()] {
        return Err(CredentialError::new(format!(
            "the graph names the issuer {issuers:?}, not {}",
            issuer.id
        )));
    }
    report.issuer = objects(&nquads, &format!("<{}>", issuer.id), NAME).first().map(|t| literal(t));
    report.name = objects(&nquads, subject, NAME).first().map(|t| literal(t));
    report.valid_from = objects(&nquads, subject, &format!("{CRED}validFrom")).first().map(|t| literal(t));
    if report.valid_from.is_none() {
        return Err(CredentialError::new("the graph gives no validFrom"));
    }
    for holder in objects(&nquads, subject, &format!("{CRED}credentialSubject")) {
        for achievement in objects(&nquads, holder, &format!("{OB}achievement")) {
            report.achievement = objects(&nquads, achievement, NAME).first().map(|t| literal(t));
        }
        for identity in objects(&nquads, holder, &format!("{OB}identifier")) {
            let field =
                |name: &str| objects(&nquads, identity, &format!("{OB}{name}")).first().map(|t| literal(t));
            if field("identityType").as_deref() == Some("name") && field("hashed").as_deref() == Some("false")
            {
                report.holder = field("identityHash");
            }
        }
    }
    Ok(format!("{} quads; issuer {}", nquads.lines().count(), issuer.id))
}

fn revocation(
    credential: &Value,
    issuer: &IssuerProfile,
    list: Option<&Value>,
) -> Result<String, CredentialError> {
    if credential.get("credentialStatus").is_none() {
        return Ok("no credentialStatus: the credential cannot be revoked".to_string());
    }
    let list = list.ok_or_else(|| {
        CredentialError::new("not checked: the issuer's status list is needed (--status-list FILE)")
    })?;
    let key = public_from_multikey(&issuer.public_key_multibase)?;
    verify_signature(list, &key)
        .map_err(|e| CredentialError::new(format!("the status list is not the issuer's: {e}")))?;
    match status::revoked(credential, list)? {
        Some(true) => Err(CredentialError::new(format!(
            "revoked: entry {} of the status list is set",
            credential.pointer("/credentialStatus/statusListIndex").and_then(Value::as_str).unwrap_or("?")
        ))),
        _ => Ok("not revoked".to_string()),
    }
}
