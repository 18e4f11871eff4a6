//! The public verification page of a credential (issue 18): the address the parchemin's QR
//! code carries is the workspace's route `GET /verification/{token}`, which verifies the
//! credential as `cqpt credential verify` does and shows valid, revoked or not valid with the
//! certificate, the holder, the date and the certifier only; an unknown or guessed address is a
//! 404 that says nothing more.

use crate::common::{cqpt, root, run_cmd};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use cqpt::server::AppState;
use cqpt::source::DataSource;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

/// A clock that stays on one instant (nothing here depends on time).
struct Still;

impl cqpt::clock::Clock for Still {
    fn now_ms(&self) -> i64 {
        1_780_000_000_000
    }
    fn monotonic_ms(&self) -> i64 {
        0
    }
}

/// `GET path` on a workspace whose certifier folder is `certifier`: status and body.
fn get(store: &Path, certifier: Option<&Path>, path: &str) -> (StatusCode, String) {
    let mut state = AppState::new(DataSource::Embedded, store.to_path_buf(), Arc::new(Still), false).unwrap();
    state.certifier = certifier.map(Path::to_path_buf);
    let app = cqpt::server::router(Arc::new(state));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let res = app.oneshot(Request::builder().uri(path).body(Body::empty()).unwrap()).await.unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    })
}

fn issue(dir: &Path, example: &str, out: &str) {
    let r = run_cmd(
        cqpt()
            .args(["credential", "issue"])
            .arg(root().join("examples/dossiers").join(format!("{example}.yaml")))
            .arg("--dir")
            .arg(dir.join("cert"))
            .arg("-o")
            .arg(dir.join(out)),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The parchemin of `credential` with its default QR address: that address, checked to be the
/// one the QR code carries.
fn parchemin_address(dir: &Path, credential: &str) -> String {
    let pdf = dir.join(format!("{credential}.pdf"));
    let r = run_cmd(
        cqpt()
            .args(["credential", "parchemin"])
            .arg(dir.join(credential))
            .arg("--dir")
            .arg(dir.join("cert"))
            .arg("-o")
            .arg(&pdf),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let url = r.stderr.split("QR code ").nth(1).unwrap().trim().to_string();
    let bytes = std::fs::read(&pdf).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    let (dark, _) = cqpt::render::qr::modules(&url).unwrap();
    let stamp = &content[content.rfind("q\n0 0 0 rg\n").expect("the QR code's stream")..];
    assert_eq!(stamp.matches(" re\n").count(), dark.len(), "the QR code carries {url}");
    url
}

#[test]
fn the_qr_address_is_the_verification_page_valid_revoked_changed_or_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let store = d.join("cqpt.sqlite");
    let r = run_cmd(
        cqpt()
            .args(["credential", "keygen", "--issuer", "https://cqpt.example.org/cpne", "--dir"])
            .arg(d.join("cert")),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cert = d.join("cert");
    issue(d, "27-tp-validation-partielle", "a.json");
    issue(d, "01-distance-attribution", "b.json");
    let url = parchemin_address(d, "a.json");
    // The address: the origin of the certifier's id, then the route of the workspace, with a
    // token that is not the credential's id (UUID v5 of stable ids, which could be enumerated).
    let path = url.strip_prefix("https://cqpt.example.org").unwrap().to_string();
    let token = path.strip_prefix("/verification/").unwrap().to_string();
    assert_eq!(token.len(), 32);
    let credential: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("a.json")).unwrap()).unwrap();
    let id = credential["id"].as_str().unwrap().trim_start_matches("urn:uuid:").to_string();
    assert!(!token.contains(&id) && !id.contains(&token), "{token} {id}");

    // Valid: the certificate, the holder as on the credential, the date, the certifier.
    let (status, page) = get(&store, Some(&cert), &path);
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Attestation valide"), "{page}");
    assert!(page.contains("Samia Renaud"), "{page}");
    assert!(
        page.contains(credential["credentialSubject"]["achievement"]["name"].as_str().unwrap()),
        "{page}"
    );
    assert!(page.contains(credential["issuer"]["name"].as_str().unwrap()), "{page}");
    let day = &credential["validFrom"].as_str().unwrap()[..10];
    let french = format!("{}/{}/{}", &day[8..10], &day[5..7], &day[..4]);
    assert!(page.contains(&french), "{french} in {page}");
    // Nothing else of the dossier: not the file number, not the units' detail.
    assert!(!page.contains("TP-2026-0031"), "{page}");
    assert!(!page.contains("Unités validées"), "{page}");

    // Revoked through the status list.
    let url_b = parchemin_address(d, "b.json");
    let path_b = url_b.strip_prefix("https://cqpt.example.org").unwrap().to_string();
    assert!(get(&store, Some(&cert), &path_b).1.contains("Attestation valide"));
    let r = run_cmd(
        cqpt()
            .args(["credential", "revoke"])
            .arg(d.join("b.json"))
            .arg("--dir")
            .arg(&cert)
            .args(["--date", "2026-12-01"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (status, page) = get(&store, Some(&cert), &path_b);
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Attestation révoquée") && !page.contains("Attestation valide"), "{page}");
    // The first one is still valid.
    assert!(get(&store, Some(&cert), &path).1.contains("Attestation valide"));

    // A changed file: not valid, and nothing read from it is shown.
    let kept = cert.join("credentials").join(format!("{token}.json"));
    let changed = std::fs::read_to_string(&kept).unwrap().replace("Samia", "Sonia");
    std::fs::write(&kept, changed).unwrap();
    let (status, page) = get(&store, Some(&cert), &path);
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Attestation non valide"), "{page}");
    assert!(!page.contains("Sonia") && !page.contains("Samia"), "{page}");

    // Unknown: a token the folder does not hold, the credential's own id, a path: one 404,
    // the same sentence each time.
    let (status, unknown) = get(&store, Some(&cert), &format!("/verification/{}", "0".repeat(32)));
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(unknown.contains("Aucune attestation n'est publiée à cette adresse."), "{unknown}");
    for guess in [format!("/verification/{id}"), "/verification/..%2Fsecret-key.json".to_string()] {
        let (status, page) = get(&store, Some(&cert), &guess);
        assert_eq!((status, &page), (StatusCode::NOT_FOUND, &unknown), "{guess}");
    }
    // A workspace without a certifier folder has no verification page.
    let (status, page) = get(&store, None, &path);
    assert_eq!((status, &page), (StatusCode::NOT_FOUND, &unknown));
}
