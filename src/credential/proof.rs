//! The Data Integrity proof `eddsa-rdfc-2022` (W3C vc-di-eddsa): the proof options (the proof
//! without `proofValue`, with the document's `@context`) and the document without its proof
//! are each canonicalised ([`super::canon`]) and hashed with SHA-256; the Ed25519 signature of
//! the proof hash followed by the document hash is the `proofValue`, in multibase base58-btc.

use super::CredentialError;
use super::canon::canonicalize;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The cryptosuite's name.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
/// The multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// The multicodec prefix of an Ed25519 secret key (`ed25519-priv`, varint 0x1300).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// A public key as a multikey (`z6Mk…`).
pub fn public_multikey(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    multibase::encode(multibase::Base::Base58Btc, bytes)
}

/// A secret key (its 32-byte seed) as a multikey.
pub fn secret_multikey(key: &SigningKey) -> String {
    let mut bytes = ED25519_PRIV.to_vec();
    bytes.extend_from_slice(&key.to_bytes());
    multibase::encode(multibase::Base::Base58Btc, bytes)
}

fn decode_multikey(text: &str, prefix: [u8; 2], what: &str) -> Result<[u8; 32], CredentialError> {
    let bad = || CredentialError::new(format!("`{text}` is not an Ed25519 {what} key in multibase (z6Mk…)"));
    let (base, bytes) = multibase::decode(text).map_err(|_| bad())?;
    if base != multibase::Base::Base58Btc || bytes.len() != 34 || bytes[..2] != prefix {
        return Err(bad());
    }
    bytes[2..].try_into().map_err(|_| bad())
}

/// The public key of a multikey.
pub fn public_from_multikey(text: &str) -> Result<VerifyingKey, CredentialError> {
    let bytes = decode_multikey(text, ED25519_PUB, "public")?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| CredentialError::new(format!("`{text}` is not a valid Ed25519 public key")))
}

/// The secret key of a multikey.
pub fn secret_from_multikey(text: &str) -> Result<SigningKey, CredentialError> {
    Ok(SigningKey::from_bytes(&decode_multikey(text, ED25519_PRIV, "secret")?))
}

/// SHA-256 of the canonical proof options followed by SHA-256 of the canonical document (the
/// document without `proof`; the options without `proofValue`, with the document's context).
pub fn hash_data(document: &Value, proof_options: &Value) -> Result<Vec<u8>, CredentialError> {
    let mut unsecured = document.clone();
    if let Some(map) = unsecured.as_object_mut() {
        map.remove("proof");
    }
    let mut options = proof_options.clone();
    if let Some(map) = options.as_object_mut() {
        map.remove("proofValue");
        map.insert("@context".into(), document.get("@context").cloned().unwrap_or(Value::Null));
    }
    let mut data = Sha256::digest(canonicalize(&options)?.as_bytes()).to_vec();
    data.extend_from_slice(&Sha256::digest(canonicalize(&unsecured)?.as_bytes()));
    Ok(data)
}

/// The document with an `eddsa-rdfc-2022` proof made with `key`, named by `verification_method`,
/// dated `created` (`2026-11-30T00:00:00Z`).
pub fn sign(
    document: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, CredentialError> {
    let mut proof = json!({
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    });
    let data = hash_data(document, &proof)?;
    let signature = key.sign(&data);
    proof["proofValue"] = Value::String(multibase::encode(multibase::Base::Base58Btc, signature.to_bytes()));
    let mut signed = document.clone();
    signed["proof"] = proof;
    Ok(signed)
}

/// The proof of a document, checked for form: a `DataIntegrityProof` of this cryptosuite for
/// `assertionMethod`, with a verification method and a 64-byte signature.
pub struct ProofParts {
    /// The verification method (`{controller}#{multikey}`).
    pub verification_method: String,
    /// The signature.
    pub signature: Signature,
    /// The proof as written.
    pub proof: Value,
}

/// Reads the proof of `document`, or says what is wrong with it.
pub fn proof_parts(document: &Value) -> Result<ProofParts, CredentialError> {
    let proof = document.get("proof").ok_or_else(|| CredentialError::new("the credential has no proof"))?;
    let field = |name: &str| proof.get(name).and_then(Value::as_str);
    if field("type") != Some("DataIntegrityProof") {
        return Err(CredentialError::new(format!(
            "the proof type is {:?}, not DataIntegrityProof",
            field("type")
        )));
    }
    if field("cryptosuite") != Some(CRYPTOSUITE) {
        return Err(CredentialError::new(format!(
            "the cryptosuite is {:?}, not {CRYPTOSUITE}",
            field("cryptosuite")
        )));
    }
    if field("proofPurpose") != Some("assertionMethod") {
        return Err(CredentialError::new(format!(
            "the proof purpose is {:?}, not assertionMethod",
            field("proofPurpose")
        )));
    }
    let verification_method = field("verificationMethod")
        .ok_or_else(|| CredentialError::new("the proof names no verification method"))?
        .to_string();
    let value = field("proofValue").ok_or_else(|| CredentialError::new("the proof has no proofValue"))?;
    let bytes = match multibase::decode(value) {
        Ok((multibase::Base::Base58Btc, bytes)) if bytes.len() == 64 => bytes,
        _ => {
            return Err(CredentialError::new(
                "the proofValue is not a 64-byte signature in multibase base58-btc",
            ));
        }
    };
    let signature = Signature::from_slice(&bytes).map_err(|e| CredentialError::new(e.to_string()))?;
    Ok(ProofParts { verification_method, signature, proof: proof.clone() })
}

/// The key a verification method names in its fragment (`…#z6Mk…`), and its controller.
pub fn method_key(verification_method: &str) -> Result<(String, VerifyingKey), CredentialError> {
    let (controller, fragment) = verification_method.split_once('#').ok_or_else(|| {
        CredentialError::new(format!("the verification method `{verification_method}` has no #key fragment"))
    })?;
    Ok((controller.to_string(), public_from_multikey(fragment)?))
}

/// Checks the signature of `document` with `key`.
pub fn verify_signature(document: &Value, key: &VerifyingKey) -> Result<(), CredentialError> {
    let parts = proof_parts(document)?;
    let data = hash_data(document, &parts.proof)?;
    key.verify_strict(&data, &parts.signature)
        .map_err(|_| CredentialError::new("the signature does not match the credential: it was changed after signing, or signed with another key"))
}
