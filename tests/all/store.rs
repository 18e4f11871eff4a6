//! The workspace's store on a temporary `SQLite` file: migrations, import → export → import,
//! files, sessions, backup and restore.

use crate::common::{root, run};
use cqpt::accounts::{self, Role, Secret};
use cqpt::clock::Clock;
use cqpt::context::load_context;
use cqpt::source::{DataSource, SourceFile};
use cqpt::store::sqlite::{SCHEMA_VERSION, restore};
use cqpt::store::{self, MAX_FILE_BYTES, NewUser, PutOutcome, SqliteStore, Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A clock the test sets: the wall clock (`.0`) and the monotonic one (`.1`) apart, so that a
/// test can move one without the other.
pub struct FakeClock(pub AtomicI64, pub AtomicI64);

impl FakeClock {
    /// Both clocks forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
        self.1.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    fn monotonic_ms(&self) -> i64 {
        self.1.load(Ordering::SeqCst)
    }
}

/// A fake clock at 2026-01-01T00:00:00Z.
pub fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock(AtomicI64::new(1_767_225_600_000), AtomicI64::new(0)))
}

/// A new store in a scratch folder (kept alive by the returned guard).
pub fn scratch_store() -> (tempfile::TempDir, PathBuf, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/cqpt.sqlite");
    let store = SqliteStore::open(&path, clock()).unwrap();
    (dir, path, store)
}

/// The example dossiers' files.
pub fn example_files() -> Vec<PathBuf> {
    cqpt::session::dossier_files(&root().join("examples/dossiers")).unwrap().dossiers
}

/// Imports every example dossier into a store.
pub fn import_examples(store: &mut SqliteStore) -> usize {
    let (library, policy) = load_context(&DataSource::Embedded).unwrap();
    let files = example_files();
    for path in &files {
        let file = SourceFile::read(path).unwrap();
        store::import_dossier(store, "test", &file, &library, &policy)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    }
    files.len()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn opening_twice_applies_the_migrations_once() {
    let (_dir, path, store) = scratch_store();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let again = SqliteStore::open(&path, clock()).unwrap();
    assert_eq!(again.schema_version().unwrap(), SCHEMA_VERSION);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let applied: i64 = conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
    assert_eq!(applied, cqpt::store::sqlite::MIGRATIONS.len() as i64);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_store_of_a_newer_schema_is_refused_with_both_versions() {
    let (_dir, path, store) = scratch_store();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1)).unwrap();
    drop(conn);
    let error = SqliteStore::open(&path, clock()).unwrap_err();
    assert!(
        matches!(error, StoreError::NewerSchema { found, supported, .. } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION)
    );
    let message = error.to_string();
    assert!(message.contains("newer than this cqpt supports"), "{message}");
}

#[test]
fn another_applications_database_is_not_taken_for_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE notes (x TEXT)").unwrap();
    drop(conn);
    let error = SqliteStore::open(&path, clock()).unwrap_err();
    assert!(matches!(error, StoreError::NotAStore { .. }), "{error}");
}

#[test]
fn import_export_import_gives_the_same_dossiers_and_decisions() {
    let (dir, _path, mut first) = scratch_store();
    let n = import_examples(&mut first);
    let out = dir.path().join("export");
    std::fs::create_dir_all(&out).unwrap();
    for d in first.dossiers().unwrap() {
        let yaml = first.dossier_yaml(&d.id).unwrap().unwrap().unwrap();
        std::fs::write(out.join(format!("{}.yaml", d.id)), yaml).unwrap();
    }
    let (library, policy) = load_context(&DataSource::Embedded).unwrap();
    for original in example_files() {
        let exported = out.join(original.file_name().unwrap());
        assert_eq!(std::fs::read(&original).unwrap(), std::fs::read(&exported).unwrap(), "{original:?}");
        let (_, a) = cqpt::evaluate::load_and_evaluate(&original, &library, &policy, None).unwrap();
        let (_, b) = cqpt::evaluate::load_and_evaluate(&exported, &library, &policy, None).unwrap();
        assert_eq!(a.recevabilite.recevable, b.recevabilite.recevable);
        assert_eq!(a.synthese.map(|s| s.proposal), b.synthese.map(|s| s.proposal));
    }
    let second_path = dir.path().join("second.sqlite");
    let mut second = SqliteStore::open(&second_path, clock()).unwrap();
    for path in std::fs::read_dir(&out).unwrap() {
        let file = SourceFile::read(&path.unwrap().path()).unwrap();
        store::import_dossier(&mut second, "test", &file, &library, &policy).unwrap();
    }
    assert_eq!(first.dossiers().unwrap(), second.dossiers().unwrap());
    assert_eq!(second.dossiers().unwrap().len(), n);
}

#[test]
fn the_same_text_again_is_unchanged_and_records_nothing() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let before = store.registry().unwrap().len();
    let (library, policy) = load_context(&DataSource::Embedded).unwrap();
    let file = SourceFile::read(&example_files()[0]).unwrap();
    let (_, outcome) = store::import_dossier(&mut store, "test", &file, &library, &policy).unwrap();
    assert_eq!(outcome, PutOutcome::Unchanged);
    assert_eq!(store.registry().unwrap().len(), before);
    let edited = SourceFile { name: file.name.clone(), text: format!("{}\n# note\n", file.text) };
    let (_, outcome) = store::import_dossier(&mut store, "test", &edited, &library, &policy).unwrap();
    assert_eq!(outcome, PutOutcome::Updated);
    let last = store.registry().unwrap().pop().unwrap();
    assert_eq!(last.change.action, "dossier.update");
    assert!(last.change.before.is_some() && last.change.after.is_some());
}

#[test]
fn the_cli_imports_the_good_dossiers_and_reports_the_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    std::fs::create_dir_all(&folder).unwrap();
    let good = &example_files()[0];
    std::fs::copy(good, folder.join("good.yaml")).unwrap();
    let broken =
        std::fs::read_to_string(good).unwrap().replacen("certificate: distance", "certificate: nowhere", 1);
    std::fs::write(folder.join("bad.yaml"), broken).unwrap();
    let store = dir.path().join("s.sqlite");
    let r = run(&["import", path_str(&folder), "--store", path_str(&store)]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("bad.yaml:"), "{}", r.stderr);
    assert!(r.stderr.contains("1 imported") && r.stderr.contains("1 not imported"), "{}", r.stderr);
    let out = dir.path().join("out");
    let r = run(&["export", path_str(&out), "--store", path_str(&store)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(out.join("good.yaml")).unwrap(), std::fs::read(good).unwrap());
    assert!(!out.join("bad.yaml").exists());
}

#[test]
fn backup_then_restore_finds_every_dossier_and_an_intact_chain() {
    let (dir, path, mut store) = scratch_store();
    let n = import_examples(&mut store);
    let backup = dir.path().join("backup.sqlite");
    // The store stays open (and in use) while the CLI copies it.
    let r = run(&["backup", path_str(&backup), "--store", path_str(&path)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    store.backup_to(&dir.path().join("backup2.sqlite")).unwrap();
    let target = dir.path().join("restored/cqpt.sqlite");
    let r = run(&["restore", path_str(&backup), "--store", path_str(&target)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let restored = SqliteStore::open(&target, clock()).unwrap();
    assert_eq!(restored.dossiers().unwrap(), store.dossiers().unwrap());
    assert_eq!(restored.dossiers().unwrap().len(), n);
    assert_eq!(restored.verify_registry().unwrap(), store.registry().unwrap().len());
    let r = run(&["registry", "verify", "--store", path_str(&target)]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Restoring over an existing store needs --force.
    let r = run(&["restore", path_str(&backup), "--store", path_str(&target)]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    let r = run(&["restore", path_str(&backup), "--store", path_str(&target), "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_backup_with_a_broken_chain_is_not_restored() {
    let (dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let backup = dir.path().join("backup.sqlite");
    store.backup_to(&backup).unwrap();
    let conn = rusqlite::Connection::open(&backup).unwrap();
    conn.execute("UPDATE registry SET actor = 'someone' WHERE seq = 3", []).unwrap();
    drop(conn);
    let target = dir.path().join("restored.sqlite");
    let error = restore(&backup, &target, false, clock()).unwrap_err();
    assert!(error.to_string().contains("entry 3 was edited"), "{error}");
    assert!(!target.exists());
}

#[test]
fn files_are_kept_with_their_hash_up_to_the_limit() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let id = store.dossiers().unwrap()[0].id.clone();
    let bytes = vec![7u8; MAX_FILE_BYTES];
    let file = store.add_file("officer", &id, "contrat.pdf", "application/pdf", &bytes).unwrap();
    assert_eq!(file.size, MAX_FILE_BYTES);
    assert_eq!(file.sha256, cqpt::registry::sha256(&bytes));
    let (again, back) = store.file_bytes(file.id).unwrap().unwrap();
    assert_eq!((again, back.len()), (file.clone(), MAX_FILE_BYTES));
    let over = vec![7u8; MAX_FILE_BYTES + 1];
    let error = store.add_file("officer", &id, "big.pdf", "application/pdf", &over).unwrap_err();
    assert!(matches!(error, StoreError::TooLarge { size, .. } if size == MAX_FILE_BYTES + 1));
    let error = store.add_file("officer", "no-such", "a.pdf", "application/pdf", b"x").unwrap_err();
    assert!(matches!(error, StoreError::NotFound { what: "dossier", .. }));
    let last = store.registry().unwrap().pop().unwrap();
    assert_eq!((last.change.action.as_str(), last.change.after), ("file.add", Some(file.sha256)));
}

#[test]
fn sessions_end_at_their_expiry_and_with_a_disabled_account() {
    let (_dir, _path, mut store) = scratch_store();
    let password = Secret::new("a long enough password");
    let user = store
        .create_user(
            "admin",
            &NewUser {
                login: "officer".into(),
                display_name: "Agent AUVICOM".into(),
                role: Role::AuvicomOfficer,
                body: None,
                password_hash: accounts::hash_password(&password).unwrap(),
                candidate: None,
            },
        )
        .unwrap();
    assert!(accounts::verify_password(&password, &store.user("officer").unwrap().unwrap().password_hash));
    let token = accounts::new_token().unwrap();
    let hash = accounts::token_hash(&token);
    store.open_session(&user, &hash, 10_000).unwrap();
    assert_eq!(store.session_user(&hash, 9_999).unwrap().map(|u| u.login), Some("officer".into()));
    assert_eq!(store.session_user(&hash, 10_000).unwrap(), None);
    assert_eq!(store.session_user(&accounts::token_hash(&Secret::new("other")), 0).unwrap(), None);
    store.set_disabled("admin", "officer", true).unwrap();
    assert_eq!(store.session_user(&hash, 0).unwrap(), None);
    // Only the hash is stored.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let stored: i64 = conn
        .query_row("SELECT count(*) FROM registry WHERE detail LIKE ?1", [token.expose()], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0);
}

#[test]
fn an_evaluator_needs_a_body_and_only_an_evaluator_has_one() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let user = |role, body: Option<&str>| NewUser {
        login: format!("{role:?}"),
        display_name: "X".into(),
        role,
        body: body.map(String::from),
        password_hash: "x".into(),
        candidate: None,
    };
    assert!(matches!(store.create_user("admin", &user(Role::Evaluator, None)), Err(StoreError::Refused(_))));
    assert!(matches!(
        store.create_user("admin", &user(Role::Candidate, Some("b"))),
        Err(StoreError::Refused(_))
    ));
    let body = store.dossiers().unwrap().into_iter().find_map(|d| d.body).unwrap();
    let evaluator = store.create_user("admin", &user(Role::Evaluator, Some(&body))).unwrap();
    assert_eq!(evaluator.body, Some(body));
}

#[test]
fn login_failures_feed_the_throttle() {
    let (_dir, _path, mut store) = scratch_store();
    for _ in 0..accounts::THROTTLE.per_account {
        store.record_login_failure("someone", "192.0.2.1").unwrap();
    }
    let now = clock().now_ms();
    let (by_login, by_address) =
        store.login_failures("someone", "192.0.2.1", now - accounts::THROTTLE.window_ms).unwrap();
    assert_eq!(by_login.len(), accounts::THROTTLE.per_account);
    assert!(accounts::may_try_login(&accounts::THROTTLE, &by_login, &by_address, now).is_err());
    let (other, _) = store.login_failures("other", "192.0.2.1", 0).unwrap();
    assert!(accounts::may_try_login(&accounts::THROTTLE, &other, &[], now).is_ok());
    let typed = store.registry().unwrap().iter().filter(|e| e.change.subject.contains("someone")).count();
    assert_eq!(typed, 0, "the registry never keeps what was typed as a login");
}

#[test]
fn the_schema_takes_every_role() {
    let (_dir, _path, mut store) = scratch_store();
    import_examples(&mut store);
    let body = store.dossiers().unwrap().into_iter().find_map(|d| d.body).unwrap();
    let candidate = store.dossiers().unwrap()[0].candidate.clone();
    for &role in Role::ALL {
        let user = NewUser {
            login: role.as_str().to_string(),
            display_name: role.label().to_string(),
            role,
            body: (role == Role::Evaluator).then(|| body.clone()),
            password_hash: "x".into(),
            candidate: (role == Role::Candidate).then(|| candidate.clone()),
        };
        assert_eq!(store.create_user("admin", &user).unwrap().role, role);
        assert_eq!(store.user(role.as_str()).unwrap().unwrap().role, role);
    }
}

#[test]
fn a_command_on_a_missing_store_does_not_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.sqlite");
    let r = run(&["registry", "verify", "--store", path_str(&missing)]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no store here"), "{}", r.stderr);
    assert!(!missing.exists());
}

#[test]
fn concurrent_writers_on_one_file_keep_one_chain() {
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    let ids: Vec<String> = store.dossiers().unwrap().into_iter().map(|d| d.id).collect();
    let before = store.registry().unwrap().len();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            let ids = ids.clone();
            std::thread::spawn(move || {
                let mut mine = SqliteStore::open(&path, clock()).unwrap();
                for (i, id) in ids.iter().enumerate().take(10) {
                    let bytes = format!("thread {t} file {i}");
                    mine.add_file("officer", id, "preuve.txt", "text/plain", bytes.as_bytes()).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(store.verify_registry().unwrap(), before + 40);
}

#[test]
fn a_backup_taken_during_a_write_holds_only_what_was_committed() {
    let (dir, path, mut store) = scratch_store();
    let n = import_examples(&mut store);
    let writer = rusqlite::Connection::open(&path).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE; UPDATE dossiers SET state = 'half-written';").unwrap();
    let backup = dir.path().join("during.sqlite");
    store.backup_to(&backup).unwrap();
    writer.execute_batch("ROLLBACK").unwrap();
    let copy = SqliteStore::open(&backup, clock()).unwrap();
    assert_eq!(copy.verify_registry().unwrap(), n);
    assert!(copy.dossiers().unwrap().iter().all(|d| d.state != "half-written"));
}

#[test]
fn a_list_page_says_how_many_the_filter_selects_whatever_the_page() {
    let (_dir, _path, mut store) = scratch_store();
    let n = import_examples(&mut store);
    let page = |offset: usize, text: Option<&str>, state: Option<&str>| {
        let q = store::DossierQuery {
            text: text.map(str::to_string),
            state: state.map(str::to_string),
            limit: 10,
            offset,
            ..store::DossierQuery::default()
        };
        let (rows, total) = store.find_dossiers(&q).unwrap();
        (rows.len(), total)
    };
    assert_eq!(page(0, None, None), (10, n));
    assert_eq!(page(20, None, None), (n - 20, n));
    assert_eq!(page(40, None, None), (0, n), "past the end, the total still counts");
    // A word of a name, any case; two words must both be there; a LIKE wildcard is literal.
    assert_eq!(page(0, Some("FONTAINE"), None), (1, 1));
    assert_eq!(page(0, Some("renaud samia"), None), (2, 2));
    assert_eq!(page(0, Some("renaud léa"), None), (0, 0));
    assert_eq!(page(0, Some("%"), None), (0, 0));
    assert_eq!(page(0, None, Some("not-recevable")).1, 9);
}

#[test]
fn two_stores_on_one_file_give_two_applications_of_one_candidate_two_ids() {
    let (_dir, path, _store) = scratch_store();
    let (library, policy) = load_context(&DataSource::Embedded).unwrap();
    let file = SourceFile::read(&example_files()[0]).unwrap();
    let dossier = cqpt::dossier::load_dossier(&file, &library).unwrap();
    let facts = store::DossierFacts::of(&dossier, &library, &policy);
    // Four writers, each its own connection as two servers on one store would have, each
    // creating five applications of the same candidate at once.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (path, text, dossier) = (path.clone(), file.text.clone(), dossier.clone());
            std::thread::spawn(move || {
                let mut mine = SqliteStore::open(&path, clock()).unwrap();
                (0..5)
                    .map(|_| mine.create_dossier("officer", "dupont-jean", &text, &dossier, &facts).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut ids: Vec<String> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20, "{ids:?}");
    let store = SqliteStore::open(&path, clock()).unwrap();
    let stored: Vec<String> = store.dossiers().unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(stored.len(), 20);
    assert!(stored.contains(&"dupont-jean".to_string()) && stored.contains(&"dupont-jean-20".to_string()));
    assert_eq!(store.verify_registry().unwrap(), 20);
}

#[cfg(unix)]
#[test]
fn a_new_store_and_its_journal_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path, mut store) = scratch_store();
    import_examples(&mut store);
    for file in [path.clone(), PathBuf::from(format!("{}-wal", path.display()))] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}
