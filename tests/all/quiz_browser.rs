//! A quiz sitting in a real headless Chromium against the real binary (`cqpt serve --store` on
//! a store filled with the demo's dossiers and accounts): the evaluator creates the sitting and
//! reads the codes; the candidate types one, answers, refreshes (nothing lost), loses the
//! server (the page says the answer is not saved, then saves it when the server is back), is
//! warned at 5 and 1 minutes (the page's clock moved on, not waited for), and meets the end
//! of time; the board updates in place; axe-core finds no violation on any of these pages; the
//! pages fit a 390-pixel phone.

use crate::webdriver::{Browser, WAIT};
use cqpt::source::DataSource;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// `cqpt serve --store` as a child process, killed on drop.
pub struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the server on `port` over `store`, and waits for its address line.
    pub fn start(store: &Path, port: u16) -> Server {
        let mut child = crate::common::cqpt()
            .current_dir(crate::common::root())
            .args(["serve", "--store", store.to_str().unwrap(), "--clock-start", "2026-11-30"])
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cqpt serve runs");
        let stdout = child.stdout.take().unwrap();
        // Killed and waited for on drop, even when it never says it is ready.
        let mut server = Server { child, url: format!("http://127.0.0.1:{port}") };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()));
            match line {
                Ok(line) if line.starts_with("cqpt serve : http://") => return server,
                Ok(_) => {}
                Err(e) => {
                    let _ = server.child.kill();
                    panic!("cqpt serve printed no address: {e}");
                }
            }
        }
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

/// A store with the demo's dossiers and accounts: its path and the passwords.
pub fn demo_store(dir: &Path) -> (PathBuf, BTreeMap<String, String>) {
    let path = dir.join("cqpt.sqlite");
    let (library, policy) = cqpt::context::load_context(&DataSource::Embedded).unwrap();
    let mut store = cqpt::store::SqliteStore::open(&path, crate::store::clock()).unwrap();
    let (_, accounts) = cqpt::server::demo::fill(
        &mut store,
        &crate::common::root().join("examples/dossiers"),
        &library,
        &policy,
    )
    .unwrap();
    (path, accounts.into_iter().map(|a| (a.login, a.password.expose().to_string())).collect())
}

pub fn settle(b: &Browser, what: &str, ok: impl Fn(&Browser) -> bool) {
    b.wait_until(what, WAIT, |b| {
        let state = b.block_on(b.client().execute("return document.readyState", Vec::new()));
        state.is_ok_and(|s| s == "complete") && ok(b)
    });
}

/// The violations axe-core finds on the page, as `rule: targets`.
fn axe_violations(b: &Browser) -> Vec<String> {
    let axe =
        std::fs::read_to_string(crate::common::root().join("tests/vendor/axe-core/axe.min.js")).unwrap();
    b.execute(&axe);
    let found = b.block_on(b.client().execute_async(
        "const done = arguments[arguments.length - 1]; \
         axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => \
           v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))), e => done(['axe failed: ' + e]));",
        Vec::new(),
    ));
    found
        .expect("axe ran")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

pub fn assert_accessible(b: &Browser, page: &str) {
    let violations = axe_violations(b);
    assert!(violations.is_empty(), "axe-core on {page}: {violations:#?}");
}

pub fn fits_width(b: &Browser) -> bool {
    b.execute("return document.documentElement.scrollWidth <= window.innerWidth") == Value::Bool(true)
}

/// Logs in with the form.
pub fn log_in(b: &Browser, server: &Server, login: &str, password: &str) {
    b.goto(&server.at("/connexion"));
    settle(b, "the login form", |b| b.visible("#login"));
    b.fill("#login", login);
    b.fill("#password", password);
    b.click("form[action='/connexion'] button[type=submit]");
    settle(b, "the desk", |b| !b.current_url().ends_with("/connexion"));
}

/// The candidate's page: the text under question `n`.
fn saved(b: &Browser, n: usize) -> String {
    b.text(&format!("#s{n}"))
}

/// What the page announced to screen readers last (the live region is visually hidden).
fn announced(b: &Browser) -> String {
    b.execute("return document.getElementById('annonce').textContent")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Moves the page's clock `ms` on (the page times itself on `performance.now`).
fn move_page_clock(b: &Browser, ms: i64) {
    b.execute(&format!(
        "window.__realNow = window.__realNow || performance.now.bind(performance); \
         window.__shift = (window.__shift || 0) + {ms}; \
         performance.now = () => window.__realNow() + window.__shift;"
    ));
}

#[test]
fn a_candidate_sits_a_quiz_through_a_refresh_a_server_stop_the_warnings_and_the_end_of_time() {
    let dir = tempfile::tempdir().unwrap();
    let (store, passwords) = demo_store(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Server::start(&store, port);
    let b = Browser::start();

    // The evaluator creates a sitting for two candidates of their body.
    log_in(&b, &server, "evaluateur", &passwords["evaluateur"]);
    b.goto(&server.at("/seances"));
    settle(&b, "the sittings page", |b| b.visible("form[action='/seances']"));
    assert_accessible(&b, "/seances");
    b.click("select[name=certificat] option[value=distance]");
    b.click("input[value='24-funding-phase-2-evaluated-not-sent']");
    b.click("input[value='22-distance-accreditation-renewed']");
    b.click("form[action='/seances'] button[type=submit]");
    settle(&b, "the codes", |b| b.visible("code.code"));
    assert_accessible(&b, "the codes page");
    let codes =
        b.execute("return Array.from(document.querySelectorAll('code.code')).map(c => c.textContent)");
    let code = codes[0].as_str().unwrap().to_string();
    let second = codes[1].as_str().unwrap().to_string();
    b.click("a[href^='/seances/S-']");
    settle(&b, "the board", |b| b.visible("table.board"));
    let board = b.current_url();
    assert_accessible(&b, "the board");
    b.click("form[action='/deconnexion'] button");
    settle(&b, "logged out", |b| b.current_url().ends_with("/connexion"));

    // The candidate: a wrong code first, then theirs in lower case.
    b.goto(&server.at("/quiz"));
    settle(&b, "the code page", |b| b.visible("#code"));
    assert_accessible(&b, "/quiz");
    b.fill("#code", "AAAAA-AAAAA");
    b.click("form[action='/quiz'] button");
    settle(&b, "the refusal", |b| b.visible(".alert"));
    assert!(b.text(".alert").contains("n'ouvre aucune place"), "{}", b.text(".alert"));
    assert_accessible(&b, "/quiz refused");
    b.fill("#code", &code.to_lowercase());
    b.click("form[action='/quiz'] button");
    settle(&b, "the questions", |b| b.visible("fieldset.question"));
    assert_accessible(&b, "the questions");
    let count =
        b.execute("return document.querySelectorAll('fieldset.question').length").as_u64().unwrap() as usize;
    assert!(
        b.text("#temps").starts_with("30 min") || b.text("#temps").starts_with("29 min"),
        "{}",
        b.text("#temps")
    );

    // An answer is shown saved only once the server says so; focus and scroll stay.
    b.click("#q1 input[value=A]");
    settle(&b, "answer 1 saved", |b| saved(b, 1) == "Réponse enregistrée.");
    b.click("#q2 input[value=B]");
    settle(&b, "answer 2 saved", |b| saved(b, 2) == "Réponse enregistrée.");
    assert_eq!(b.text("#avancement"), format!("2 réponse(s) sur {count}"));
    let unanswered = b.text("#liste-sans-reponse");
    assert!(unanswered.starts_with("3, 4"), "{unanswered}");

    // A refresh loses nothing.
    b.refresh();
    settle(&b, "the questions again", |b| b.visible("fieldset.question"));
    assert_eq!(b.execute("return document.querySelector('#q1 input[value=A]').checked"), Value::Bool(true));
    assert_eq!(b.execute("return document.querySelector('#q2 input[value=B]').checked"), Value::Bool(true));
    assert_eq!(saved(&b, 2), "Réponse enregistrée.");

    // The server stops: the answer is not saved and the page says so, then sends it again
    // once the server is back.
    drop(server);
    b.click("#q3 input[value=C]");
    b.wait_until("answer 3 shown not saved", WAIT, |b| saved(b, 3).contains("non enregistrée"));
    b.wait_until("the banner", WAIT, |b| b.visible("#alerte-reseau"));
    assert!(
        b.text("#alerte-reseau").contains("1 réponse(s) pas encore enregistrée(s)"),
        "{}",
        b.text("#alerte-reseau")
    );
    server = Server::start(&store, port);
    b.wait_until("answer 3 saved after the restart", Duration::from_secs(40), |b| {
        saved(b, 3) == "Réponse enregistrée."
    });
    b.wait_until("the banner gone", WAIT, |b| !b.visible("#alerte-reseau"));

    // The warnings at 5 and 1 minute, announced; then the end of time locks the page.
    move_page_clock(&b, 25 * 60_000 + 2000);
    b.wait_until("the 5-minute warning", WAIT, |b| announced(b) == "Il reste 5 minutes.");
    move_page_clock(&b, 4 * 60_000);
    b.wait_until("the 1-minute warning", WAIT, |b| announced(b) == "Il reste 1 minute.");
    assert!(b.execute("return document.querySelector('.quiz-bar .warning') !== null") == Value::Bool(true));
    move_page_clock(&b, 2 * 60_000);
    b.wait_until("the end of time", WAIT, |b| {
        b.execute("return document.querySelector('#q4 input').disabled") == Value::Bool(true)
    });
    b.wait_until("the end of time announced", WAIT, |b| announced(b).contains("temps est écoulé"));

    // Finishing asks first, with the count of unanswered questions.
    b.refresh();
    settle(&b, "the questions again", |b| b.visible("#terminer"));
    b.click("#terminer");
    b.wait_until("the confirmation", WAIT, |b| b.visible("#confirmation"));
    let asked = b.text("#confirmation-texte");
    assert!(asked.contains(&format!("{} question(s) sans réponse sur {count}", count - 3)), "{asked}");
    assert_accessible(&b, "the finish confirmation");
    b.click("#confirmer");
    settle(&b, "the end", |b| b.visible(".notice"));
    assert!(b.text(".notice").contains("Épreuve terminée"));

    // The evaluator's board: the candidate's seat is done, the page fits a phone.
    let phone = Browser::phone();
    log_in(&phone, &server, "evaluateur", &passwords["evaluateur"]);
    phone.goto(&board);
    settle(&phone, "the board on a phone", |b| b.visible("table.board"));
    let rows = phone.text("table.board tbody");
    assert!(rows.contains("terminé") && rows.contains(&format!("3 / {count}")), "{rows}");
    assert!(fits_width(&phone), "the board fits 390 px");
    assert!(phone.visible("table.board button.danger") || rows.contains("pas encore connecté"));
    phone.click("form[action='/deconnexion'] button");
    settle(&phone, "logged out", |b| b.current_url().ends_with("/connexion"));
    phone.goto(&server.at("/quiz"));
    settle(&phone, "the code page on a phone", |b| b.visible("#code"));
    assert!(fits_width(&phone), "the code page fits 390 px");
    // The second candidate sits on a phone: the questions fit, a box is reachable and saves.
    phone.fill("#code", &second);
    phone.click("form[action='/quiz'] button");
    settle(&phone, "the questions on a phone", |b| b.visible("fieldset.question"));
    assert!(fits_width(&phone), "the questions fit 390 px");
    phone.click("#q1 input[value=A]");
    settle(&phone, "an answer saved on a phone", |b| saved(b, 1) == "Réponse enregistrée.");
    assert_accessible(&phone, "the questions on a phone");
    // The candidates' page, on a phone.
    phone.goto(&server.at("/connexion"));
    settle(&phone, "the login form", |b| b.visible("#login"));
    phone.fill("#login", "candidat");
    phone.fill("#password", &passwords["candidat"]);
    phone.click("form[action='/connexion'] button[type=submit]");
    settle(&phone, "the candidate's page", |b| b.current_url().ends_with("/espace-candidat"));
    assert!(phone.text("h1").starts_with("Mon dossier"), "{}", phone.text("h1"));
    assert!(fits_width(&phone), "the candidate's page fits 390 px");
    assert_accessible(&phone, "/espace-candidat");
}
