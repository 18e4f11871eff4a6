//! The evaluator's desk in a real headless Chromium against the real binary: the observation
//! of a 10-contact sequence filled from the keyboard alone (digits go down a contact's column,
//! arrows move), each level saved as typed and the synthesis panel replaced; the levels are
//! there after a reload; axe-core finds no violation on the evaluator's page and on the other
//! desks' new pages (commission, API tokens, quiz statistics); the pages fit a 390-pixel phone.

use crate::quiz_browser::{Server, assert_accessible, demo_store, fits_width, log_in, settle};
use crate::webdriver::{Browser, WAIT};
use cqpt::dossier::BodyChoice;
use cqpt::source::DataSource;
use cqpt::store::{DossierFacts, Store};
use fantoccini::key::Key;
use serde_json::Value;

const DOSSIER: &str = "23-funding-phase-1-recevable-only";

/// `DOSSIER` assigned to the demo evaluator's body, renewed today.
fn assign(store: &std::path::Path) {
    let (library, policy) = cqpt::context::load_context(&DataSource::Embedded).unwrap();
    let mut s = cqpt::store::SqliteStore::open(store, crate::store::clock()).unwrap();
    let body = s.user("evaluateur").unwrap().unwrap().body.unwrap();
    s.record_accreditation("admin", &body, "renewed", "2026-11-30".parse().unwrap()).unwrap();
    let name = s.bodies().unwrap().into_iter().find(|b| b.id == body).unwrap().name;
    let yaml = s.dossier_yaml(DOSSIER).unwrap().unwrap().unwrap();
    let choice = BodyChoice {
        id: body,
        name,
        accredited_on: "2026-11-30".parse().unwrap(),
        trained_candidate: false,
        evaluator: None,
    };
    let (text, d) = cqpt::dossier::with_evaluating_body(&yaml, &library, &choice).unwrap();
    let facts = DossierFacts::of(&d, &library, &policy);
    s.put_dossier("auvicom", DOSSIER, &text, &d, &facts).unwrap();
}

fn keys(b: &Browser, keys: &str) {
    let active = b.block_on(b.client().active_element()).expect("a focused element");
    b.block_on(active.send_keys(keys)).expect("keys typed");
}

fn focused_cell(b: &Browser) -> (i64, i64) {
    let v = b.execute(
        "const e = document.activeElement; return [Number(e.getAttribute('data-r')), Number(e.getAttribute('data-c'))]",
    );
    (v[0].as_i64().unwrap_or(-1), v[1].as_i64().unwrap_or(-1))
}

#[test]
fn a_ten_contact_observation_is_filled_from_the_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (store, passwords) = demo_store(dir.path());
    assign(&store);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Server::start(&store, port);
    let b = Browser::start();
    log_in(&b, &server, "evaluateur", &passwords["evaluateur"]);
    let page = server.at(&format!("/dossiers/{DOSSIER}/evaluation"));
    b.goto(&page);
    settle(&b, "the evaluator's page", |b| b.visible("#o-date"));
    assert_accessible(&b, "the evaluator's page, before the observation");
    // The sequence: date, times, observer (the observer is prefilled with the evaluator).
    b.execute("document.getElementById('o-date').value = '2026-11-30'");
    b.execute("document.getElementById('o-start').value = '09:00'");
    b.execute("document.getElementById('o-end').value = '10:50'");
    b.click("form[action$='/evaluation/observation'] button[type=submit]");
    settle(&b, "the grid", |b| b.visible("#grille-table"));
    // The first cell focused; from there, keys only.
    b.execute("document.querySelector('input.lvl[data-r=\"1\"][data-c=\"1\"]').focus()");
    let up = char::from(Key::Up).to_string();
    let right = char::from(Key::Right).to_string();
    for contact in 1..=10_i64 {
        assert_eq!(focused_cell(&b), (1, contact), "contact {contact} starts at its first row");
        // Three levels down the column: each digit saves and moves down.
        keys(&b, "3");
        keys(&b, "2");
        keys(&b, "3");
        assert_eq!(focused_cell(&b), (4, contact), "three digits went down three rows");
        keys(&b, &format!("{up}{up}{up}{right}"));
    }
    b.wait_until("every level saved", WAIT, |b| {
        b.execute("return document.getElementById('grille-table').getAttribute('data-pending')")
            == Value::String("0".into())
    });
    let panel = b.text("#synthese-panel").replace('\u{a0}', " ");
    assert!(panel.contains("Contacts observés : 10 (5 au minimum)"), "{panel}");
    assert!(!b.text("p.save").contains("Non enregistré"), "{}", b.text("p.save"));
    // After a reload, the levels are the server's.
    b.goto(&page);
    settle(&b, "the grid again", |b| b.visible("#grille-table"));
    let values = b.execute(
        "return Array.from(document.querySelectorAll('input.lvl')).filter(e => e.value !== '').map(e => e.value).join('')",
    );
    assert_eq!(values.as_str().unwrap().len(), 30, "{values}");
    assert_eq!(values.as_str().unwrap().matches('2').count(), 10, "{values}");
    assert_accessible(&b, "the evaluator's page with its grid");
    // A phone: the page fits, the grid scrolls in its own box.
    let phone = Browser::phone();
    log_in(&phone, &server, "evaluateur", &passwords["evaluateur"]);
    phone.goto(&page);
    settle(&phone, "the evaluator's page on a phone", |b| b.visible("#grille-table"));
    assert!(fits_width(&phone), "the evaluator's page fits 390 px; too wide: {}", too_wide(&phone));
}

#[test]
fn the_new_desks_pages_have_no_accessibility_violation_and_fit_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let (store, passwords) = demo_store(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Server::start(&store, port);
    for (login, paths) in [
        ("admin", vec!["/commission", "/admin/jetons", "/seances/statistiques"]),
        ("commission", vec!["/commission"]),
    ] {
        let b = Browser::start();
        log_in(&b, &server, login, &passwords[login]);
        let phone = Browser::phone();
        log_in(&phone, &server, login, &passwords[login]);
        let mut pages: Vec<String> = paths.iter().map(|p| (*p).to_string()).collect();
        if login == "commission" {
            // The demo's session and one of its dossiers.
            b.goto(&server.at("/commission"));
            settle(&b, "the sessions", |b| b.visible("main h1"));
            let session = b.execute("const a = document.querySelector('main a[href^=\"/commission/\"]'); return a ? a.getAttribute('href') : ''");
            let session = session.as_str().unwrap().to_string();
            assert!(!session.is_empty(), "the demo has a session");
            pages.push(session.clone());
            b.goto(&server.at(&session));
            settle(&b, "the session", |b| b.visible("main h1"));
            let dossier = b.execute(&format!(
                "const a = document.querySelector('main a[href^=\"{session}/dossiers/\"]'); return a ? a.getAttribute('href') : ''"
            ));
            let dossier = dossier.as_str().unwrap().to_string();
            if !dossier.is_empty() && !dossier.ends_with("/synthese") {
                pages.push(dossier);
            }
        }
        for path in pages {
            b.goto(&server.at(&path));
            settle(&b, &path, |b| b.visible("main h1"));
            assert_accessible(&b, &path);
            phone.goto(&server.at(&path));
            settle(&phone, &path, |b| b.visible("main h1"));
            assert!(fits_width(&phone), "{path} fits 390 px; too wide: {}", too_wide(&phone));
        }
    }
}

/// The elements that stick out of the window (outside the boxes that scroll on their own), as
/// `tag#id.class (right edge)`.
fn too_wide(b: &Browser) -> Value {
    b.execute(
        "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > \
         window.innerWidth + 1 && !(e.parentElement && e.parentElement.closest('.table-scroll'))).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' (' + \
         Math.round(e.getBoundingClientRect().right) + ')')",
    )
}
