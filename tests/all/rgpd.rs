//! Personal data under the RGPD: a candidate's archive, erasure without breaking the registry,
//! and who is due for erasure on each side of the retention's last day.

use crate::common::run;
use crate::store::{import_examples, scratch_store};
use cqpt::retention::Retention;
use cqpt::store::Store;
use std::io::Read;

pub fn archive_names(bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    zip.file_names().map(|n| n.unwrap().into_owned()).collect()
}

pub fn archive_file(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_export_holds_everything_about_the_candidate() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let d = store.dossiers().unwrap()[0].clone();
    store.add_file("officer", &d.id, "bulletin de paie.pdf", "application/pdf", b"%PDF-1.7 payslip").unwrap();
    store.add_document("officer", &d.id, "lettre-recevabilite", b"%PDF-1.7 letter").unwrap();
    let bytes = store.subject_export(&d.candidate).unwrap();
    let mut names = archive_names(&bytes);
    names.sort();
    assert!(names.contains(&"candidat.json".to_string()), "{names:?}");
    assert!(names.contains(&format!("dossiers/{}.yaml", d.id)), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with(&format!("fichiers/{}/", d.id)) && n.ends_with("bulletin_de_paie.pdf"))
    );
    assert!(names.iter().any(|n| n.starts_with(&format!("documents/{}/", d.id))));
    let json: serde_json::Value = serde_json::from_str(&archive_file(&bytes, "candidat.json")).unwrap();
    assert_eq!(json["candidate"]["id"], d.candidate.as_str());
    assert!(json["candidate"]["family_name"].is_string());
    assert_eq!(json["files"][0]["size"], 16);
    assert!(json["registry"].as_array().unwrap().len() >= 3);
    assert_eq!(
        archive_file(&bytes, &format!("dossiers/{}.yaml", d.id)),
        store.dossier_yaml(&d.id).unwrap().unwrap().unwrap()
    );
    // The same data gives the same archive.
    assert_eq!(bytes, store.subject_export(&d.candidate).unwrap());
}

#[test]
fn erasure_removes_the_personal_data_and_keeps_the_summaries() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    let d = store.dossiers().unwrap()[0].clone();
    let family = d.candidate_name.clone().unwrap().rsplit(' ').next().unwrap().to_string();
    let by_name = |store: &cqpt::store::SqliteStore| {
        let q = cqpt::store::DossierQuery { text: Some(family.clone()), ..Default::default() };
        store.find_dossiers(&q).unwrap().0.into_iter().any(|x| x.id == d.id)
    };
    assert!(by_name(&store), "found by the candidate's name before erasure");
    let file = store.add_file("officer", &d.id, "contrat.pdf", "application/pdf", b"contract").unwrap();
    let erasure = store.erase_candidate("dpo", &d.candidate).unwrap();
    assert!(!by_name(&store), "the search column keeps no name after erasure");
    let number = cqpt::store::DossierQuery { text: Some(d.candidate.clone()), ..Default::default() };
    assert!(
        store.find_dossiers(&number).unwrap().0.iter().any(|x| x.id == d.id),
        "still found by its number"
    );
    assert_eq!((erasure.files, erasure.documents), (1, 0));
    assert!(erasure.dossiers >= 1);
    assert_eq!(store.dossier_yaml(&d.id).unwrap(), Some(None));
    assert!(store.file_bytes(file.id).unwrap().is_none());
    let after = store.dossiers().unwrap().into_iter().find(|x| x.id == d.id).unwrap();
    assert!(after.erased);
    assert_eq!((after.certificate, after.state), (d.certificate, d.state));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let names: Option<String> = conn
        .query_row("SELECT family_name FROM candidates WHERE id = ?1", [&d.candidate], |r| r.get(0))
        .unwrap();
    assert_eq!(names, None);
    let blobs: i64 = conn.query_row("SELECT count(*) FROM blobs", [], |r| r.get(0)).unwrap();
    assert_eq!(blobs, 0);
    let json: serde_json::Value =
        serde_json::from_str(&archive_file(&store.subject_export(&d.candidate).unwrap(), "candidat.json"))
            .unwrap();
    assert!(json["candidate"]["family_name"].is_null());
    assert_eq!(json["candidate"]["erased"], true);
    assert!(store.verify_registry().is_ok());
    assert!(matches!(
        store.erase_candidate("dpo", "nobody"),
        Err(cqpt::store::StoreError::NotFound { what: "candidate", .. })
    ));
}

#[test]
fn a_candidate_is_due_for_erasure_the_day_after_the_last_day_kept() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let retention = Retention { dossier: 100, fichier: 10, session_connexion: 1, echec_connexion: 1 };
    let d = store.dossiers().unwrap()[0].clone();
    let latest = store
        .dossiers()
        .unwrap()
        .into_iter()
        .filter(|x| x.candidate == d.candidate)
        .map(|x| x.latest_date)
        .max()
        .unwrap();
    let last_day = latest.add_days(100);
    let due =
        |day| store.due_for_erasure(day, &retention).unwrap().into_iter().any(|x| x.candidate == d.candidate);
    assert!(!due(last_day), "kept through its last day");
    assert!(due(last_day.add_days(1)), "due the day after");
    store.erase_candidate("dpo", &d.candidate).unwrap();
    assert!(
        !store
            .due_for_erasure(last_day.add_days(1), &retention)
            .unwrap()
            .iter()
            .any(|x| x.candidate == d.candidate)
    );
}

#[test]
fn the_cli_exports_erases_and_lists_what_is_due() {
    let (dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    let candidate = store.dossiers().unwrap()[0].candidate.clone();
    drop(store);
    let s = path.to_str().unwrap();
    let archive = dir.path().join("export.zip");
    let r = run(&["rgpd", "export", &candidate, archive.to_str().unwrap(), "--store", s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(archive_names(&std::fs::read(&archive).unwrap()).contains(&"candidat.json".to_string()));
    let r = run(&["rgpd", "due", "--date", "2100-01-01", "--store", s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(&candidate), "{}", r.stdout);
    let r = run(&["rgpd", "erase", &candidate, "--store", s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["rgpd", "due", "--date", "2100-01-01", "--store", s]);
    assert!(!r.stdout.contains(&candidate), "{}", r.stdout);
    let r = run(&["registry", "verify", "--store", s]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run(&["rgpd", "erase", "nobody", "--store", s]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no candidate nobody"), "{}", r.stderr);
}

#[test]
fn files_are_purged_the_day_after_their_retention_and_sessions_after_theirs() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let d = store.dossiers().unwrap()[0].clone();
    let file = store.add_file("officer", &d.id, "contrat.pdf", "application/pdf", b"contract").unwrap();
    let retention = Retention { dossier: 1000, fichier: 10, session_connexion: 2, echec_connexion: 3 };
    let day_ms = 24 * 60 * 60 * 1000;
    store.record_login_failure("x", "192.0.2.9").unwrap(); // at the fake clock's time
    let last_day = d.latest_date.add_days(10);
    let kept = store.purge("dpo", last_day, 0, &retention).unwrap();
    assert_eq!(kept.files, 0);
    assert!(store.file_bytes(file.id).unwrap().is_some());
    let purged = store.purge("dpo", last_day.add_days(1), 0, &retention).unwrap();
    assert_eq!(purged.files, 1);
    assert!(store.file_bytes(file.id).unwrap().is_none());
    // A failed login at t is deleted once t < now - 3 days.
    let at = crate::store::clock().0.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(store.purge("dpo", last_day, at + 3 * day_ms, &retention).unwrap().login_failures, 0);
    assert_eq!(store.purge("dpo", last_day, at + 3 * day_ms + 1, &retention).unwrap().login_failures, 1);
    assert!(store.verify_registry().is_ok());
    assert_eq!(store.registry().unwrap().last().unwrap().change.action, "retention.purge");
}

#[test]
fn the_retention_periods_come_from_the_data_folder_with_diagnostics() {
    use cqpt::source::DataSource;
    let data = crate::common::copy_full_data();
    let file = data.path().join("referentiels/conservation.toml");
    let folder = DataSource::Folder(data.path().to_path_buf());
    assert_eq!(cqpt::retention::load_retention(&folder).unwrap().dossier, 1826);
    let line = crate::common::edit(&file, "dossier = 1826", "dossier = 30");
    assert_eq!(cqpt::retention::load_retention(&folder).unwrap().dossier, 30);
    crate::common::edit(&file, "dossier = 30", "dossier = 0");
    let Err(cqpt::Error::Invalid(d)) = cqpt::retention::load_retention(&folder) else { panic!("refused") };
    assert_eq!((d.0[0].location.line as usize, d.0[0].field.as_str()), (line, "dossier"));
    assert!(d.0[0].location.file.ends_with("conservation.toml"));
    // A folder without the file uses the embedded periods.
    std::fs::remove_file(&file).unwrap();
    assert_eq!(cqpt::retention::load_retention(&folder).unwrap().dossier, 1826);
}

#[test]
fn the_first_administrator_is_created_once_with_a_one_time_password() {
    let (_dir, _path, mut store) = scratch_store();
    let password = cqpt::store::first_administrator(&mut store, "setup").unwrap().unwrap();
    let admin = store.user(cqpt::store::FIRST_ADMINISTRATOR).unwrap().unwrap();
    assert_eq!(admin.role, cqpt::accounts::Role::Administrator);
    assert!(cqpt::accounts::verify_password(&password, &admin.password_hash));
    assert!(cqpt::store::first_administrator(&mut store, "setup").unwrap().is_none());
}
