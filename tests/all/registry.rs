//! The registry's chain, tampered with directly in `SQLite`: `cqpt registry verify` finds an
//! edited, a removed and a reordered entry, and still passes after a candidate is erased.

use crate::common::run;
use crate::store::{import_examples, scratch_store};
use cqpt::store::Store;
use std::path::Path;

fn verify(path: &Path) -> crate::common::Run {
    run(&["registry", "verify", "--store", path.to_str().unwrap()])
}

fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn an_intact_chain_verifies() {
    let (_dir, path, mut store) = scratch_store();
    let n = import_examples(&mut store);
    let r = verify(&path);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.starts_with(&format!("ok: {n} entries, chain intact; head {n}:")), "{}", r.stdout);
}

#[test]
fn entries_removed_from_the_end_are_caught_by_an_anchor() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    let r = verify(&path);
    let anchor = r.stdout.trim().rsplit(' ').next().unwrap().to_string();
    tamper(&path, "DELETE FROM registry WHERE seq = (SELECT max(seq) FROM registry)");
    assert_eq!(verify(&path).code, 0, "the chain alone cannot tell");
    let r = run(&["registry", "verify", "--anchor", &anchor, "--store", path.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("was removed"), "{}", r.stdout);
    let r = run(&["registry", "verify", "--anchor", "nonsense", "--store", path.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn an_edited_entry_is_detected() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    tamper(&path, "UPDATE registry SET detail = 'decided' WHERE seq = 5");
    let r = verify(&path);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.trim(), "broken: entry 5 was edited: its content does not match its hash");
}

#[test]
fn a_removed_entry_is_detected() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    tamper(&path, "DELETE FROM registry WHERE seq = 4");
    let r = verify(&path);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.trim(), "broken: entry 4 was removed: the chain jumps over it");
}

#[test]
fn reordered_entries_are_detected() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    tamper(
        &path,
        "UPDATE registry SET id = -1 WHERE seq = 2; UPDATE registry SET id = 2 WHERE seq = 3; UPDATE registry SET id = 3 WHERE seq = -1 OR id = -1;",
    );
    let r = verify(&path);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.trim(), "broken: entry 2 is out of its place: entries were reordered");
}

#[test]
fn the_first_entry_removed_is_detected() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    tamper(&path, "DELETE FROM registry WHERE seq = 1");
    let r = verify(&path);
    assert_eq!((r.code, r.stdout.trim()), (1, "broken: entry 1 was removed: the chain jumps over it"));
}

#[test]
fn the_chain_still_verifies_after_a_candidate_is_erased() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    let candidate = store.dossiers().unwrap()[0].candidate.clone();
    store.erase_candidate("dpo", &candidate).unwrap();
    let r = verify(&path);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let last = store.registry().unwrap().pop().unwrap();
    assert_eq!(last.change.action, "candidate.erase");
    assert_eq!(last.change.subject, format!("candidate:{candidate}"));
}

#[test]
fn every_write_appends_one_entry() {
    let (_dir, _path, mut store) = scratch_store();
    let n = import_examples(&mut store);
    let entries = store.registry().unwrap();
    assert_eq!(entries.len(), n);
    assert!(entries.iter().all(|e| e.change.action == "dossier.import" && e.change.actor == "test"));
    assert!(entries.iter().all(|e| e.change.at_ms == cqpt::clock::Clock::now_ms(&*crate::store::clock())));
}
