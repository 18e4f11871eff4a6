//! Open Badges 3.0 credentials: 1EdTech's signing test vector verified by cqpt's verifier
//! (canonical N-Quads, hashes, signature); a credential issued by cqpt validates against the
//! `AchievementCredential` and VC 2.0 schemas (vendored); one changed byte, a wrong key or a
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

/// A certifier folder made by `cqpt credential keygen` in `dir`, and its public key.
fn keygen(dir: &Path, name: &str) -> String {
    let r = run_cmd(
        cqpt()
            .args(["credential", "keygen", "--issuer", "https://cqpt.example.org/cpne", "--dir"])
            .arg(dir.join(name)),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let profile: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(name).join("issuer.json")).unwrap()).unwrap();
    profile["publicKeyMultibase"].as_str().unwrap().to_string()
}

fn issue(dir: &Path, example: &str, out: &str) -> crate::common::Run {
    run_cmd(
        cqpt()
            .args(["credential", "issue"])
            .arg(root().join("examples/dossiers").join(format!("{example}.yaml")))
            .arg("--dir")
            .arg(dir.join("cert"))
            .arg("-o")
            .arg(dir.join(out)),
    )
}

fn verify_cmd(dir: &Path, file: &str, issuer: &str) -> crate::common::Run {
    run_cmd(
        cqpt()
            .args(["credential", "verify"])
            .arg(dir.join(file))
            .arg("--issuer")
            .arg(dir.join(issuer).join("issuer.json"))
            .arg("--status-list")
            .arg(dir.join("cert/status-list.json")),
    )
}

fn shown(run: &crate::common::Run, dir: &Path, keys: &[&str]) -> String {
    let mut text = transcript_in(run, dir);
    for (n, k) in keys.iter().enumerate() {
        text = text.replace(k, &format!("[KEY{}]", n + 1));
    }
    text
}

#[test]
fn keygen_keeps_the_secret_key_private_and_never_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_cmd(
        cqpt()
            .args(["credential", "keygen", "--issuer", "https://cqpt.example.org/cpne", "--dir"])
            .arg(dir.path().join("cert")),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let secret: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("cert/secret-key.json")).unwrap())
            .unwrap();
    let secret = secret["secretKeyMultibase"].as_str().unwrap();
    assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("cert/secret-key.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = run_cmd(
        cqpt()
            .args(["credential", "keygen", "--issuer", "https://cqpt.example.org/cpne", "--dir"])
            .arg(dir.path().join("cert")),
    );
    assert_eq!(again.code, 2);
    insta::assert_snapshot!("credential-keygen-twice", transcript_in(&again, dir.path()));
}

/// The credential checked against the vendored schemas with the schema files themselves; a
/// single proof in its one-element array form for the `AchievementCredential` schema, which
/// wants an array (1EdTech's own test vector writes an object, as Data Integrity does).
fn schema_problems(credential: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for path in [
        "tests/vendor/openbadges/ob_v3p0_achievementcredential_schema.json",
        "tests/vendor/vc/verifiable-credential-schema.json",
    ] {
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(root().join(path)).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let mut c = credential.clone();
        if path.contains("openbadges") {
            c["proof"] = Value::Array(vec![c["proof"].clone()]);
        }
        problems.extend(validator.iter_errors(&c).map(|e| format!("{path}: {e} at {}", e.instance_path())));
    }
    problems
}

#[test]
fn issued_credentials_validate_against_the_schemas_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let key = keygen(dir.path(), "cert");
    let r = issue(dir.path(), "01-distance-attribution", "c1.json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = issue(dir.path(), "27-tp-validation-partielle", "c2.json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Issuing the same award again gives the same credential, byte for byte (same status entry).
    let r = issue(dir.path(), "01-distance-attribution", "c1-again.json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("c1.json")).unwrap(),
        std::fs::read(dir.path().join("c1-again.json")).unwrap()
    );
    for file in ["c1.json", "c2.json"] {
        let c: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(file)).unwrap()).unwrap();
        let problems = schema_problems(&c);
        assert!(problems.is_empty(), "{file}: {problems:#?}");
    }
    let partial: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c2.json")).unwrap()).unwrap();
    let alignments = partial.pointer("/credentialSubject/achievement/alignment").unwrap().as_array().unwrap();
    assert_eq!(alignments.len(), 1, "a validation partielle names only the units it validates");
    assert_eq!(partial.pointer("/credentialStatus/statusListIndex").unwrap(), "1");
    let ok = verify_cmd(dir.path(), "c1.json", "cert");
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    insta::assert_snapshot!("credential-verify-valid", shown(&ok, dir.path(), &[&key]));
}

#[test]
fn a_changed_byte_a_wrong_key_or_a_revoked_status_fail_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let key = keygen(dir.path(), "cert");
    let other = keygen(dir.path(), "other");
    assert_eq!(issue(dir.path(), "01-distance-attribution", "c1.json").code, 0);
    assert_eq!(issue(dir.path(), "02-point-de-distribution-attribution", "c2.json").code, 0);
    // One changed byte of the holder's name.
    let text = std::fs::read_to_string(dir.path().join("c1.json")).unwrap();
    let at = text.find("\"identityHash\": \"").unwrap() + "\"identityHash\": \"".len();
    let mut bytes = text.into_bytes();
    bytes[at] ^= 0x01;
    std::fs::write(dir.path().join("changed.json"), &bytes).unwrap();
    let changed = verify_cmd(dir.path(), "changed.json", "cert");
    assert_eq!(changed.code, 3);
    insta::assert_snapshot!("credential-verify-changed-byte", shown(&changed, dir.path(), &[&key, &other]));
    // Another certifier's key.
    let wrong = verify_cmd(dir.path(), "c1.json", "other");
    assert_eq!(wrong.code, 3);
    insta::assert_snapshot!("credential-verify-wrong-key", shown(&wrong, dir.path(), &[&key, &other]));
    // Revoked: its entry set in the list the certifier publishes; the other stays valid.
    let r = run_cmd(
        cqpt()
            .args(["credential", "revoke"])
            .arg(dir.path().join("c1.json"))
            .arg("--dir")
            .arg(dir.path().join("cert"))
            .args(["--date", "2026-01-10"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let revoked = verify_cmd(dir.path(), "c1.json", "cert");
    assert_eq!(revoked.code, 3);
    insta::assert_snapshot!("credential-verify-revoked", shown(&revoked, dir.path(), &[&key, &other]));
    assert_eq!(verify_cmd(dir.path(), "c2.json", "cert").code, 0);
    // A status list not signed by the issuer is refused.
    let list = dir.path().join("cert/status-list.json");
    let text = std::fs::read_to_string(&list).unwrap().replace("2026-01-10", "2026-01-11");
    std::fs::write(&list, text).unwrap();
    let forged = verify_cmd(dir.path(), "c2.json", "cert");
    assert_eq!(forged.code, 3);
    assert!(forged.stdout.contains("the status list is not the issuer's"), "{}", forged.stdout);
}

#[test]
fn a_decision_that_awards_nothing_gives_no_credential() {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path(), "cert");
    let r = issue(dir.path(), "04-point-de-distribution-non-attribution", "c.json");
    assert_eq!(r.code, 4);
    assert!(!dir.path().join("c.json").exists());
    insta::assert_snapshot!("credential-issue-non-attribution", transcript_in(&r, dir.path()));
}

#[test]
fn the_verifier_reads_the_fields_from_the_signed_graph() {
    // The same credential written otherwise (compact JSON) is the same graph: still valid, and
    // the name shown is the graph's; a forged name breaks the signature.
    let (signed, _) = vector();
    let compact: Value = serde_json::from_str(&serde_json::to_string(&signed).unwrap()).unwrap();
    let report = verify::verify(&compact, &vector_issuer(), None);
    assert!(report.valid());
    assert_eq!(report.name.as_deref(), Some("Teamwork Badge"));
    let mut forged = signed;
    forged["name"] = "Leadership Badge".into();
    let report = verify::verify(&forged, &vector_issuer(), None);
    assert!(!report.valid());
    assert!(report.checks.iter().any(|c| c.check == "signature" && !c.passed));
}

#[test]
fn the_parchemin_shows_the_award_and_carries_the_qr_code_of_its_verification_address() {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path(), "cert");
    assert_eq!(issue(dir.path(), "27-tp-validation-partielle", "c.json").code, 0);
    let pdf = dir.path().join("parchemin.pdf");
    let url = "https://cqpt.example.org/cpne/verification/abc";
    let r = run_cmd(
        cqpt()
            .args(["credential", "parchemin"])
            .arg(dir.path().join("c.json"))
            .arg("--dir")
            .arg(dir.path().join("cert"))
            .args(["--verify-url", url, "-o"])
            .arg(&pdf),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(&pdf).unwrap();
    let text = crate::documents::pdf_text(&bytes);
    insta::assert_snapshot!("credential-parchemin-text", text);
    // The QR code: one filled square per dark module of the code of the address, on page 1.
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    let (dark, _) = cqpt::render::qr::modules(url).unwrap();
    let stamp = &content[content.rfind("q\n0 0 0 rg\n").expect("the QR code's stream")..];
    assert_eq!(stamp.matches(" re\n").count(), dark.len());
    // A changed credential gets no parchemin.
    let changed = std::fs::read_to_string(dir.path().join("c.json")).unwrap().replace("Samia", "Sonia");
    std::fs::write(dir.path().join("changed.json"), changed).unwrap();
    let r = run_cmd(
        cqpt()
            .args(["credential", "parchemin"])
            .arg(dir.path().join("changed.json"))
            .arg("--dir")
            .arg(dir.path().join("cert"))
            .arg("-o")
            .arg(dir.path().join("p2.pdf")),
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("the signature does not match"), "{}", r.stderr);
}
