//! Exit status 2 is for usage only; a command that cannot run for another reason exits 1.

use crate::common::{cqpt, root, run_cmd};

#[test]
fn an_address_in_use_is_a_failure_to_run_not_a_usage_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let r = run_cmd(
        cqpt().args(["serve", "--store"]).arg(dir.path().join("cqpt.sqlite")).args(["--addr", &address]),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("cannot listen on {address}")), "{}", r.stderr);
}

#[test]
fn a_value_clap_cannot_parse_is_a_usage_error() {
    let dossier = root().join("examples/dossiers/01-distance-attribution.yaml");
    let r = run_cmd(cqpt().args(["synthese", "--date", "yesterday"]).arg(&dossier));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--date"), "{}", r.stderr);
}

#[test]
fn a_missing_dossier_is_a_failure_to_run() {
    let r = run_cmd(cqpt().args(["dossier", "check", "no-such-dossier.yaml"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("failed to read no-such-dossier.yaml"), "{}", r.stderr);
}
