//! The workspace (`cqpt serve --demo`, the real binary on a free port) in a real headless
//! Chromium through the shared harness (`webdriver.rs`): an AUVICOM officer from the login page
//! to a signed decision letter and an assignment, then logged out; an evaluator refused another
//! body's dossier (403); the officer's desk on a phone. The in-process router tests
//! (`workspace.rs`) check the rules; these check what a person sees and clicks.
//!
//! With `CQPT_SCREENSHOTS=<folder>`, the officer's walk saves `auvicom-liste.png` and
//! `auvicom-dossier.png` there (1280×900), as shown in the README.

use crate::webdriver::{Browser, WAIT, http_get_status};
use fantoccini::key::Key;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long `cqpt serve --demo` may take to print its address (it imports the examples and
/// hashes five passwords with argon2id, in a debug build on a loaded machine).
const START: Duration = Duration::from_secs(120);

/// `cqpt serve --demo` as a child process, killed on drop.
struct DemoServer {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    url: String,
    /// Login → password, as printed.
    passwords: BTreeMap<String, String>,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl DemoServer {
    /// Starts the server on a free port; the port may be taken between asking and binding, so
    /// an early exit is tried again on another one.
    fn start() -> DemoServer {
        let mut failures = Vec::new();
        for _ in 0..3 {
            match DemoServer::try_start() {
                Ok(server) => return server,
                Err(why) => failures.push(why),
            }
        }
        panic!("cqpt serve --demo would not start: {failures:?}");
    }

    fn try_start() -> Result<DemoServer, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = crate::common::cqpt()
            .current_dir(crate::common::root())
            // The day is fixed: the examples' accreditations are valid on it, whenever this runs.
            .args(["serve", "--demo", "--clock-start", "2026-11-30", "--addr", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run cqpt serve: {e}"));
        let stdout = child.stdout.take().unwrap();
        let mut server = DemoServer { child, url: String::new(), passwords: BTreeMap::new() };
        // A thread reads the lines (and keeps draining them once the address is known, so
        // that the server never blocks on a full pipe); the test waits on them with a deadline.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + START;
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => {
                    if let Some((head, password)) = line.split_once("mot de passe : ") {
                        let login = head.split_whitespace().next().unwrap_or_default();
                        server.passwords.insert(login.to_string(), password.trim().to_string());
                    } else if let Some(rest) = line.strip_prefix("cqpt serve : http://") {
                        let addr = rest.split_whitespace().next().unwrap_or_default();
                        server.url = format!("http://{addr}");
                        assert_eq!(addr, format!("127.0.0.1:{port}"), "{line}");
                        for login in ["admin", "auvicom", "evaluateur", "commission", "candidat"] {
                            assert!(
                                server.passwords.contains_key(login),
                                "no password for {login}: {seen:?}"
                            );
                        }
                        return Ok(server);
                    }
                    seen.push(line);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("cqpt serve --demo printed no address within {START:?}; it printed {seen:?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = server.child.wait().map(|s| s.to_string()).unwrap_or_default();
                    return Err(format!("exited ({status}) on port {port} after printing {seen:?}"));
                }
            }
        }
    }

    /// The address of `path` on this server.
    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

/// Waiting for a page after a click.
trait Settle {
    /// Waits (at most [`WAIT`]) until the page is loaded and `ok` holds; `what` names it.
    fn settle(&self, what: &str, ok: impl Fn(&Browser) -> bool);
}

impl Settle for Browser {
    fn settle(&self, what: &str, ok: impl Fn(&Browser) -> bool) {
        self.wait_until(what, WAIT, |b| {
            // A script may fail while a page is replaced: not loaded yet, then.
            let state = b.block_on(b.client().execute("return document.readyState", Vec::new()));
            state.is_ok_and(|s| s == "complete") && ok(b)
        });
    }
}

/// An element by its exact id (the form's ids hold dots: `f-employment.0.hours`).
fn id(id: &str) -> String {
    format!("[id='{id}']")
}

/// The value of the field with this id, as the page holds it.
fn value(b: &Browser, field: &str) -> Value {
    b.execute(&format!("return document.getElementById('{field}').value"))
}

/// Chooses `value` in the `<select>` matching `css`.
fn choose(b: &Browser, css: &str, value: &str) {
    b.click(&format!("{css} option[value='{value}']"));
    assert_eq!(b.execute(&format!("return document.querySelector(\"{css}\").value")), value, "{css}");
}

/// The id of the focused element.
fn focused(b: &Browser) -> Value {
    b.execute("return document.activeElement ? document.activeElement.id : null")
}

/// Types `keys` where the focus is, as a keyboard does.
fn keyboard(b: &Browser, keys: &str) {
    let active = b.block_on(b.client().active_element()).expect("a focused element");
    b.block_on(active.send_keys(keys)).expect("keys typed");
}

/// The number in « 31 dossier(s) — page 1 / 1 ».
fn total(b: &Browser) -> usize {
    let count = b.text(".count");
    count.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{count}"))
}

/// The list's rows, each as its cells' texts, and the dossier each links to.
fn rows(b: &Browser) -> Vec<(Vec<String>, String)> {
    let rows = b.execute(
        "return Array.from(document.querySelectorAll('table.list tbody tr')).map(r => \
           [Array.from(r.cells).map(c => c.innerText.trim()), r.querySelector('a').getAttribute('href')])",
    );
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let cells = r[0].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
            (cells, r[1].as_str().unwrap().to_string())
        })
        .collect()
}

/// The session cookie the browser holds, as `name=value`.
fn session_cookie(b: &Browser) -> String {
    let cookies = b.block_on(b.client().get_all_cookies()).unwrap();
    cookies
        .iter()
        .find(|c| c.name() == "cqpt_session")
        .map(|c| format!("{}={}", c.name(), c.value()))
        .expect("a session cookie")
}

/// Whether the page fits the window's width (no horizontal scrolling).
fn fits_width(b: &Browser) -> bool {
    b.execute("return document.documentElement.scrollWidth <= window.innerWidth") == Value::Bool(true)
}

/// What sticks out of the window on the right, to say why a page does not fit.
fn too_wide(b: &Browser) -> Value {
    b.execute(
        "return [document.documentElement.scrollWidth, window.innerWidth, \
           Array.from(document.querySelectorAll('body *')) \
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5) \
             .slice(0, 8).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className \
               + ' ' + Math.round(e.getBoundingClientRect().right))]",
    )
}

/// Whether the element `css`, scrolled to, is shown whole across the window's width.
fn reachable(b: &Browser, css: &str) -> bool {
    let script = format!(
        "const e = document.querySelector(\"{css}\"); if (!e) return false; \
         e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
         return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth \
           && r.top >= 0 && r.bottom <= window.innerHeight"
    );
    b.visible(css) && b.execute(&script) == Value::Bool(true)
}

/// `GET url` with a cookie over a plain connection: the status, the `Content-Type` and the
/// body's bytes (to the end: the request says `Connection: close`).
fn get_bytes(url: &str, cookie: &str) -> (u16, String, Vec<u8>) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("a header") + 4;
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let media = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-type")))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    (status, media, answer[end..].to_vec())
}

/// Logs `login` in with the mouse and waits for the page at `lands` (`/auvicom`, `/dossiers`).
fn log_in(b: &Browser, server: &DemoServer, login: &str, lands: &str) {
    b.goto(&server.at("/connexion"));
    b.settle("the login form", |b| b.visible("#login"));
    b.fill("#login", login);
    b.fill("#password", &server.passwords[login]);
    b.click("form[action='/connexion'] button[type=submit]");
    b.settle(&format!("{login}'s desk"), |b| b.current_url().ends_with(lands) && b.visible(".count"));
}

/// Opens the application form from the desk and fills it: a candidate employed since 2022 in
/// the branch, with `hours` typed in the hours field, and the three pieces the accord asks for.
pub fn fill_application(b: &Browser, candidate: &str, hours: &str) {
    b.click("a.button[href='/auvicom/demandes/nouvelle']");
    b.settle("the application form", |b| b.visible("form.application"));
    b.fill(&id("f-candidate_id"), candidate);
    b.fill(&id("f-family_name"), "Lefèvre");
    b.fill(&id("f-given_name"), "Anaïs");
    choose(b, &id("f-certificate"), "distance");
    choose(b, &id("f-route"), "plan-de-formation");
    b.fill(&id("f-submitted"), "2026-11-20");
    b.fill(&id("f-employment.0.employer"), "Norvia Télécom SA");
    b.click("input[name='employment.0.in_branch']");
    choose(b, &id("f-employment.0.contract"), "cdi");
    b.fill(&id("f-employment.0.job"), "Conseillère clientèle à distance");
    b.click("input[name='employment.0.related']");
    b.fill(&id("f-employment.0.start"), "2022-01-03");
    b.fill(&id("f-employment.0.hours"), hours);
    for (n, (kind, date)) in [
        ("contrat-de-travail", "2022-01-03"),
        ("attestation-sur-honneur", "2026-11-18"),
        ("bulletin-de-paie", "2026-10-31"),
    ]
    .into_iter()
    .enumerate()
    {
        choose(b, &id(&format!("f-documents.{n}.kind")), kind);
        b.fill(&id(&format!("f-documents.{n}.date")), date);
    }
}

/// Sends the application form and waits for the dossier page it leads to.
pub fn send_application(b: &Browser, candidate: &str) {
    b.click("form.application button[type=submit]");
    let page = format!("/dossiers/{candidate}?fait=demande");
    b.settle("the new dossier's page", |b| b.current_url().ends_with(&page) && b.visible(".notice"));
}

/// The folder named by `CQPT_SCREENSHOTS`, if any.
fn screenshots() -> Option<std::path::PathBuf> {
    std::env::var_os("CQPT_SCREENSHOTS").filter(|v| !v.is_empty()).map(std::path::PathBuf::from)
}

#[test]
fn an_auvicom_officer_goes_from_the_login_page_to_a_decision_letter_and_an_assignment() {
    let server = DemoServer::start();
    let b = Browser::start();
    let shots = screenshots();

    // A wrong password: the French error, the login kept as typed, the password not.
    b.goto(&server.at("/"));
    b.settle("the login page", |b| b.current_url().ends_with("/connexion") && b.visible("#login"));
    b.fill("#login", "auvicom");
    b.fill("#password", "pas-le-bon-mot-de-passe");
    b.click("form[action='/connexion'] button[type=submit]");
    b.settle("the refusal", |b| b.visible(".alert"));
    assert_eq!(b.text(".alert"), "Identifiant ou mot de passe incorrect.");
    assert_eq!(value(&b, "login"), "auvicom");
    assert_eq!(value(&b, "password"), "");

    // The right password with the keyboard only: the focus is on the login (autofocus), Tab
    // goes to the password, Enter sends the form.
    b.settle("the focus on the login (autofocus)", |b| focused(b) == "login");
    keyboard(&b, &char::from(Key::Tab).to_string());
    assert_eq!(focused(&b), "password", "Tab goes from the login to the password");
    keyboard(&b, &format!("{}{}", server.passwords["auvicom"], char::from(Key::Enter)));
    b.settle("AUVICOM's desk", |b| b.current_url().ends_with("/auvicom") && b.visible(".count"));

    // The list, with the demo's dossiers.
    let all = total(&b);
    assert!(all >= 29, "the examples are listed: {all}");
    let listed = rows(&b);
    assert_eq!(listed.len(), all.min(50));
    assert!(listed.iter().any(|(cells, _)| cells[0].contains("Fontaine")), "{listed:?}");
    if let Some(dir) = &shots {
        std::fs::create_dir_all(dir).unwrap();
        b.screenshot(&dir.join("auvicom-liste.png"));
    }

    // A search by a candidate's name narrows it.
    b.fill("#q", "Fontaine");
    b.click(".filters button[type=submit]");
    b.settle("the narrowed list", |b| b.current_url().contains("q=Fontaine") && b.visible(".count"));
    let found = rows(&b);
    assert!(!found.is_empty() && found.len() < all, "{found:?}");
    assert!(found.iter().all(|(cells, _)| cells[0].contains("Fontaine")), "{found:?}");
    assert_eq!(total(&b), found.len());
    assert_eq!(value(&b, "q"), "Fontaine", "the search is kept in its field");

    // An application with one refused value: the form comes back as typed, with a summary
    // that links to the field.
    b.goto(&server.at("/auvicom"));
    b.settle("the desk", |b| b.visible(".count"));
    fill_application(&b, "CQ-2026-0900", "douze");
    b.click("form.application button[type=submit]");
    b.settle("the refused form", |b| b.visible("#erreurs"));
    assert!(b.text("#erreurs").contains("1 point(s) à corriger"), "{}", b.text("#erreurs"));
    let link = "#erreurs a[href='#f-employment.0.hours']";
    assert!(b.visible(link), "the summary links to the hours field: {}", b.text("#erreurs"));
    assert!(!b.text(link).is_empty());
    for (field, typed) in [
        ("f-candidate_id", "CQ-2026-0900"),
        ("f-family_name", "Lefèvre"),
        ("f-given_name", "Anaïs"),
        ("f-certificate", "distance"),
        ("f-route", "plan-de-formation"),
        ("f-employment.0.employer", "Norvia Télécom SA"),
        ("f-employment.0.contract", "cdi"),
        ("f-employment.0.start", "2022-01-03"),
        ("f-employment.0.hours", "douze"),
        ("f-documents.2.kind", "bulletin-de-paie"),
    ] {
        assert_eq!(value(&b, field), typed, "{field} kept as typed");
    }
    let checked = b.execute(
        "return ['employment.0.in_branch', 'employment.0.related'].map(n => \
           document.querySelector(`input[name='${n}']`).checked)",
    );
    assert_eq!(checked, serde_json::json!([true, true]), "the boxes stay ticked");
    b.click(link);
    b.settle("the hours field targeted", |b| b.execute("return location.hash") == "#f-employment.0.hours");

    // Corrected and sent: the dossier page with the recevabilité computed.
    b.fill(&id("f-employment.0.hours"), "6400");
    send_application(&b, "CQ-2026-0900");
    assert!(b.text(".notice").starts_with("Demande enregistrée"), "{}", b.text(".notice"));
    assert!(b.text("h1").contains("Lefèvre") && b.text("h1").contains("CQ-2026-0900"), "{}", b.text("h1"));
    assert!(b.text("#recevabilite").contains("calculée, à décider"));
    assert_eq!(
        b.text("section[aria-labelledby=recevabilite] .ok"),
        "Les conditions de l'accord sont remplies : la demande est recevable."
    );
    assert_eq!(b.text("section[aria-labelledby=documents] li"), "aucun");

    // The decision: a notice, and its letter among the documents produced.
    let decide = "form[action='/auvicom/dossiers/CQ-2026-0900/recevabilite'] button";
    assert_eq!(b.text(decide), "Enregistrer la décision : recevable");
    b.click(decide);
    b.settle("the decision's notice", |b| {
        b.current_url().ends_with("?fait=decision") && b.visible(".notice")
    });
    assert!(b.text(".notice").starts_with("Décision de recevabilité enregistrée"), "{}", b.text(".notice"));
    assert!(b.text("#recevabilite").contains("(décidée)"));
    assert!(b.find(decide).is_none(), "a decision is taken once");
    let documents = b.execute(
        "return Array.from(document.querySelectorAll(\"section[aria-labelledby='documents'] a\"))\
           .map(a => [a.textContent.trim(), a.getAttribute('href')])",
    );
    let documents = documents.as_array().unwrap();
    assert_eq!(documents.len(), 1, "{documents:?}");
    assert_eq!(documents[0][0], "lettre-recevabilite");
    let href = documents[0][1].as_str().unwrap().to_string();
    assert!(href.starts_with("/dossiers/CQ-2026-0900/documents/"), "{href}");
    if let Some(dir) = &shots {
        b.screenshot(&dir.join("auvicom-dossier.png"));
    }

    // The letter: a PDF to the officer's session, nothing without one.
    let cookie = session_cookie(&b);
    assert_eq!(http_get_status(&server.at(&href), Some(&cookie)), 200);
    let (status, media, pdf) = get_bytes(&server.at(&href), &cookie);
    assert_eq!((status, media.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"), "{:?}", String::from_utf8_lossy(&pdf[..pdf.len().min(64)]));
    assert_eq!(http_get_status(&server.at(&href), None), 303, "no session, no letter: to the login page");
    // Its text, when poppler's pdftotext is installed (optional).
    if let Ok(out) = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(&pdf)?;
            child.wait_with_output()
        })
    {
        let text = String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ");
        // The letter of this decision, to this candidate, with its signature block.
        for said in [
            "Anaïs Lefèvre",
            "Dossier n° CQ-2026-0900",
            "votre demande est déclarée recevable",
            "Pour AUVICOM",
            "Date et signature",
        ] {
            assert!(text.contains(said), "the letter does not say « {said} »:\n{text}");
        }
    }

    // The dossier page again, without the notice.
    b.goto(&server.at("/dossiers/CQ-2026-0900"));
    b.settle("the dossier page", |b| b.visible("#organisme"));

    // Assigned to an accredited body with the select.
    choose(&b, "#organisme", "OE-042");
    b.click("form[action='/auvicom/dossiers/CQ-2026-0900/organisme'] button[type=submit]");
    b.settle("the assignment's notice", |b| {
        b.current_url().ends_with("?fait=organisme") && b.visible(".notice")
    });
    assert_eq!(b.text(".notice"), "Le dossier est confié à l'organisme évaluateur.");
    assert_eq!(b.text(".heading .state"), "confié à un organisme");
    assert!(b.text("dl.facts").contains("Evalia Conseil (OE-042)"), "{}", b.text("dl.facts"));
    assert!(b.find("#organisme").is_none(), "assigned once");

    // Logged out: the old session opens nothing any more.
    b.click("form.who button[type=submit]");
    b.settle("the login page", |b| b.current_url().ends_with("/connexion") && b.visible("#login"));
    assert_eq!(http_get_status(&server.at("/auvicom"), Some(&cookie)), 303, "the closed session is refused");
    assert_eq!(http_get_status(&server.at(&href), Some(&cookie)), 303);
    b.goto(&server.at("/auvicom"));
    b.settle("the login page again", |b| b.current_url().ends_with("/connexion") && b.visible("#login"));
}

#[test]
fn an_evaluator_sees_only_their_bodys_dossiers_and_gets_403_on_another() {
    let server = DemoServer::start();
    let b = Browser::start();
    log_in(&b, &server, "evaluateur", "/dossiers");
    let mine = rows(&b);
    assert!(!mine.is_empty(), "the evaluator's body has dossiers in the demo");
    assert_eq!(total(&b), mine.len());
    let body = mine[0].0[4].clone();
    assert!(!body.is_empty());
    assert!(mine.iter().all(|(cells, _)| cells[4] == body), "only {body}'s dossiers: {mine:?}");
    assert!(b.find("a.button[href='/auvicom/demandes/nouvelle']").is_none(), "no AUVICOM action");
    let own: Vec<String> = mine.iter().map(|(_, href)| href.clone()).collect();

    // Another body's dossier: an example the list does not show.
    let mut examples: Vec<String> = std::fs::read_dir(crate::common::root().join("examples/dossiers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("evaluating_body"))
        .map(|p| format!("/dossiers/{}", p.file_stem().unwrap().to_str().unwrap()))
        .collect();
    examples.sort();
    let other = examples.iter().find(|p| !own.contains(p)).expect("a dossier of another body").clone();

    let cookie = session_cookie(&b);
    b.goto(&server.at(&other));
    b.settle("the refusal", |b| b.visible("h1"));
    assert_eq!(b.text("h1"), "Accès refusé");
    assert!(
        b.text("main").contains("ne relève pas de votre rôle ou de votre organisme"),
        "{}",
        b.text("main")
    );
    assert_eq!(http_get_status(&server.at(&other), Some(&cookie)), 403);
    assert_eq!(http_get_status(&server.at(&format!("{other}/documents/1")), Some(&cookie)), 403);
    assert_eq!(http_get_status(&server.at("/auvicom"), Some(&cookie)), 403, "not AUVICOM's desk");

    // Their own dossier opens.
    let own = &own[0];
    assert_eq!(http_get_status(&server.at(own), Some(&cookie)), 200);
    b.goto(&server.at(own));
    b.settle("their dossier", |b| b.visible("#recevabilite"));
    assert!(b.text("dl.facts").contains(&body) || b.text("dl.facts").contains("Organisme évaluateur"));
    assert!(
        b.find("form[action$='/organisme']").is_none() && b.find("form[action$='/recevabilite']").is_none()
    );
}

#[test]
fn on_a_phone_the_officers_list_and_a_dossiers_actions_fit_the_screen() {
    let server = DemoServer::start();
    let b = Browser::phone();
    log_in(&b, &server, "auvicom", "/auvicom");
    assert!(fits_width(&b), "the list scrolls sideways on a phone: {}", too_wide(&b));
    assert!(reachable(&b, "a.button[href='/auvicom/demandes/nouvelle']"));
    assert!(reachable(&b, "table.list tbody tr a"));
    assert!(reachable(&b, ".filters button[type=submit]"));

    fill_application(&b, "CQ-2026-0901", "6400");
    assert!(fits_width(&b), "the application form scrolls sideways on a phone: {}", too_wide(&b));
    send_application(&b, "CQ-2026-0901");
    assert!(fits_width(&b), "the dossier page scrolls sideways on a phone: {}", too_wide(&b));
    let decide = "form[action='/auvicom/dossiers/CQ-2026-0901/recevabilite'] button";
    assert!(reachable(&b, decide), "the decision button is within reach");
    b.click(decide);
    b.settle("the decision's notice", |b| {
        b.current_url().ends_with("?fait=decision") && b.visible(".notice")
    });
    assert!(fits_width(&b), "the decided dossier scrolls sideways on a phone: {}", too_wide(&b));
    for action in [
        "form[action$='/lettre'] button",
        "#organisme",
        "form[action$='/organisme'] button[type=submit]",
        "section[aria-labelledby='documents'] a",
        "form.who button",
    ] {
        assert!(reachable(&b, action), "{action} is out of reach on a phone");
    }
}
