//! `cqpt qti export | import`: the quiz bank as a QTI 3.0 package. Every item and the manifest
//! validate with `xmllint --schema` against the vendored 1EdTech XSDs (tests/vendor/qti);
//! export then import gives the same bank; a broken package is reported with file and line.

use crate::common::{cqpt, root, run_cmd, transcript_in};
use cqpt::quiz::Question;
use cqpt::source::DataSource;
use std::path::Path;
use std::process::Command;

fn export(dir: &Path) {
    let r = run_cmd(cqpt().args(["qti", "export"]).arg(dir));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Every field a bank question carries (its location aside), as JSON; the round trip compares
/// them all, the list below checked against the struct so a new field cannot slip past.
fn fields(q: &Question) -> serde_json::Value {
    let v = serde_json::to_value(q).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = [
        "id",
        "item",
        "items",
        "level",
        "kind",
        "question",
        "choices",
        "explanation",
        "pool",
        "status",
        "author",
        "reviewers",
        "source",
        "reviewed",
        "recheck",
        "family",
        "angoff",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    v
}

#[test]
fn export_then_import_gives_the_same_bank() {
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("package");
    export(&package);
    // The imported bank goes into a data folder of its own, in place of the sample's files.
    let data = dir.path().join("data");
    assert_eq!(run_cmd(cqpt().args(["data", "export"]).arg(&data)).code, 0);
    for e in std::fs::read_dir(data.join("quiz")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "yaml") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let out = data.join("quiz/bank.yaml");
    let r = run_cmd(cqpt().args(["qti", "import"]).arg(&package).arg("-o").arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (library, _) = cqpt::context::load_context(&DataSource::Embedded).unwrap();
    let original = cqpt::quiz::load(&DataSource::Embedded, &library).unwrap();
    let file =
        cqpt::source::SourceFile { name: "bank.yaml".into(), text: std::fs::read_to_string(&out).unwrap() };
    let imported = cqpt::quiz::load_bank(&[file], &library).unwrap();
    assert_eq!(imported.questions.len(), original.questions.len());
    for (a, b) in original.questions.iter().zip(&imported.questions) {
        assert_eq!(fields(a), fields(b), "{}", a.id);
    }
    // The sample exercises every field: several items, both pools, every optional field.
    let qs = &original.questions;
    assert!(qs.iter().any(|q| q.items.len() > 1));
    assert!(qs.iter().any(|q| q.pool == cqpt::quiz::Pool::P0));
    assert!(qs.iter().any(|q| q.pool == cqpt::quiz::Pool::Evaluation));
    assert!(qs.iter().any(|q| q.status != cqpt::quiz::Status::Live));
    assert!(qs.iter().any(|q| q.family.is_some()));
    assert!(qs.iter().any(|q| q.recheck.is_some()));
    assert!(qs.iter().any(|q| q.angoff.is_some() && q.author.is_some() && q.source.is_some()));
    assert!(qs.iter().any(|q| q.reviewers.len() == 2 && q.reviewed.is_some()));
    assert!(qs.iter().any(|q| q.reviewers.iter().any(|r| r.contains(','))));
    // The written bank passes `quiz validate` as the shipped one does.
    let shipped = run_cmd(cqpt().args(["quiz", "validate"]));
    let written = run_cmd(cqpt().arg("--data").arg(&data).args(["quiz", "validate"]));
    assert_eq!(written.code, shipped.code, "{}", written.stderr);
    assert_eq!(written.code, 0, "{}", written.stderr);
}

#[test]
fn the_package_is_the_same_bytes_each_time() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    export(a.path());
    export(b.path());
    for name in ["imsmanifest.xml", "items/q-sf-001.xml", "items/q-sf-002.xml"] {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name}"
        );
    }
    insta::assert_snapshot!(
        "qti-item-multiple",
        std::fs::read_to_string(a.path().join("items/q-sf-002.xml")).unwrap()
    );
}

fn xmllint(schema: &str, files: &[std::path::PathBuf]) -> std::process::Output {
    Command::new("xmllint")
        .current_dir(root().join("tests/vendor/qti"))
        .args(["--noout", "--nonet", "--schema", schema])
        .args(files)
        .output()
        .expect("xmllint runs (Debian libxml2-utils, installed by scripts/system-deps.sh)")
}

#[test]
fn items_and_manifest_validate_against_the_qti_3_schemas() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path());
    let items: Vec<_> =
        std::fs::read_dir(dir.path().join("items")).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(items.len() > 100);
    let out = xmllint("qtiv3p0/imsqti_asiv3p0_sbacv1p0_v1p0.xsd", &items);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = xmllint("qtiv3p0/imsqtiv3p0_imscpv1p2_v1p0.xsd", &[dir.path().join("imsmanifest.xml")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The schema does reject what is wrong: a choice interaction without choices' identifiers.
    let broken = dir.path().join("broken.xml");
    let text = std::fs::read_to_string(&items[0]).unwrap().replace("max-choices=", "max-choix=");
    std::fs::write(&broken, text).unwrap();
    assert!(!xmllint("qtiv3p0/imsqti_asiv3p0_sbacv1p0_v1p0.xsd", &[broken]).status.success());
}

#[test]
fn a_broken_package_is_reported_with_files_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("package");
    export(&package);
    // An unknown CASE identifier, a missing item file, an interaction the bank cannot hold,
    // a key naming no choice, a status, a date and an Angoff rating the bank cannot hold.
    let manifest = package.join("imsmanifest.xml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let guid = cqpt::exchange::case::identifier("item", "sf-reformuler").to_string();
    let text =
        text.replacen(&format!("<csm:GUID>{guid}"), "<csm:GUID>00000000-0000-5000-8000-000000000000", 1);
    // In the resource of q-cc-001: a status, a review date and an Angoff rating out of range.
    let at = text.find("res-q-cc-001").unwrap();
    let (before, after) = text.split_at(at);
    let after = after
        .replacen("<imsmd:value>live</imsmd:value>", "<imsmd:value>vivante</imsmd:value>", 1)
        .replacen(
            "<imsmd:dateTime>2026-11-30</imsmd:dateTime>",
            "<imsmd:dateTime>2026-11-31</imsmd:dateTime>",
            1,
        )
        .replacen("<imsmd:id>80</imsmd:id>", "<imsmd:id>180</imsmd:id>", 1);
    std::fs::write(&manifest, format!("{before}{after}")).unwrap();
    std::fs::remove_file(package.join("items/q-sf-001.xml")).unwrap();
    let item = package.join("items/q-sf-002.xml");
    let text = std::fs::read_to_string(&item)
        .unwrap()
        .replace("<qti-value>C3</qti-value>", "<qti-value>C9</qti-value>");
    std::fs::write(&item, text).unwrap();
    let item = package.join("items/q-sf-003.xml");
    let text = std::fs::read_to_string(&item).unwrap().replace(
        "</qti-choice-interaction>",
        "</qti-choice-interaction>\n    <qti-text-entry-interaction response-identifier=\"R2\"/>",
    );
    std::fs::write(&item, text).unwrap();
    let r = run_cmd(cqpt().args(["qti", "import"]).arg(&package).arg("-o").arg(dir.path().join("bank.yaml")));
    assert_eq!(r.code, 3);
    assert!(!dir.path().join("bank.yaml").exists());
    insta::assert_snapshot!("qti-import-broken", transcript_in(&r, dir.path()));
}
