//! Exit status 2 is for usage only; a command that cannot run for another reason exits 1.

use crate::common::{cqpt, root, run_cmd};

#[test]
fn an_address_in_use_is_a_failure_to_run_not_a_usage_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let sittings = dir.path().join("sittings.yaml");
    std::fs::write(
        &sittings,
        "date: 2026-10-05\nby: Sophie Bernard\nevaluator_code: EVAL-2026-7QXM\nstate: quiz-state\ncandidates:\n  \
         - { id: CQ-2026-0001, name: Léa Fontaine, sitting: distance-2b-42, code: KP4M-7QXZ, extra_minutes: 0 }\n",
    )
    .unwrap();
    let r = run_cmd(cqpt().args(["quiz", "serve", "--sittings"]).arg(&sittings).args(["--bind", &address]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("failed to serve on {address}")), "{}", r.stderr);
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
