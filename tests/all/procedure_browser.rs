//! One dossier through the whole procedure in a real headless Chromium against the real
//! binary, across the four roles, each with the pages a person uses: AUVICOM records the
//! application, decides it recevable and assigns it; the evaluator signs the convention,
//! imports the dossier de preuves from a spreadsheet (CSV), types the observation from the
//! keyboard, records the interview and hands out a quiz code; the candidate sits the quiz; the
//! evaluator sends the evaluation; the administrator opens a 2 + 2 session with the dossier on
//! its agenda; a member decides attribution; the candidate sees the decision. Then `cqpt
//! export` of the store and `cqpt synthese` on that dossier give the same decision.

use crate::quiz_browser::{Server, demo_store, log_in, settle};
use crate::webdriver::{Browser, WAIT};
use crate::workspace_browser::{fill_application, send_application};
use cqpt::accounts::{Role, Secret};
use cqpt::dossier::grid::grid_groups;
use cqpt::policy::Modality;
use cqpt::source::DataSource;
use cqpt::store::{NewUser, SqliteStore, Store};
use serde_json::Value;

const FILE: &str = "CQ-2026-0900";

/// Sets a field's value as a person would have typed or chosen it.
fn set(b: &Browser, css: &str, value: &str) {
    let script = format!(
        "const e = document.querySelector({css:?}); e.value = {value:?}; \
         e.dispatchEvent(new Event('change', {{bubbles: true}})); return e.value"
    );
    assert_eq!(b.execute(&script), Value::String(value.into()), "{css}");
}

fn keys(b: &Browser, keys: &str) {
    let active = b.block_on(b.client().active_element()).expect("a focused element");
    b.block_on(active.send_keys(keys)).expect("keys typed");
}

fn notice(b: &Browser, what: &str) {
    settle(b, what, |b| b.visible(".notice"));
}

#[test]
#[allow(clippy::too_many_lines)]
fn a_dossier_goes_from_its_application_to_the_commission_s_decision_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (store, passwords) = demo_store(dir.path());
    let (library, policy) = cqpt::context::load_context(&DataSource::Embedded).unwrap();
    let body = {
        // The administrator renewed the evaluator's body (its accreditation had lapsed).
        let mut s = SqliteStore::open(&store, crate::store::clock()).unwrap();
        let body = s.user("evaluateur").unwrap().unwrap().body.unwrap();
        s.record_accreditation("admin", &body, "renewed", "2026-11-30".parse().unwrap()).unwrap();
        body
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Server::start(&store, port);

    // AUVICOM: the application, its recevabilité, the body.
    let b = Browser::start();
    log_in(&b, &server, "auvicom", &passwords["auvicom"]);
    b.goto(&server.at("/auvicom"));
    settle(&b, "the desk", |b| b.visible(".count"));
    fill_application(&b, FILE, "6400");
    send_application(&b, FILE);
    b.click(&format!("form[action='/auvicom/dossiers/{FILE}/recevabilite'] button"));
    notice(&b, "the decision");
    set(&b, "#organisme", &body);
    b.click(&format!("form[action='/auvicom/dossiers/{FILE}/organisme'] button[type=submit]"));
    settle(&b, "the assignment", |b| b.current_url().ends_with("?fait=organisme"));
    // The candidate's account, linked to the file number.
    {
        let mut s = SqliteStore::open(&store, crate::store::clock()).unwrap();
        let hash = cqpt::accounts::hash_password(&Secret::new("mot-de-passe-de-la-candidate")).unwrap();
        let user = NewUser {
            login: "anais".into(),
            display_name: "Anaïs Lefèvre".into(),
            role: Role::Candidate,
            body: None,
            password_hash: hash,
            candidate: Some(FILE.into()),
        };
        s.create_user("admin", &user).unwrap();
    }

    // The evaluator: convention, preuves by spreadsheet, observation from the keyboard.
    let e = Browser::start();
    log_in(&e, &server, "evaluateur", &passwords["evaluateur"]);
    let desk = server.at(&format!("/dossiers/{FILE}/evaluation"));
    e.goto(&desk);
    settle(&e, "the evaluator's page", |b| b.visible("#conv-signed"));
    set(&e, "#conv-signed", "2026-11-30");
    e.click("form[action$='/evaluation/convention'] button");
    notice(&e, "the convention");
    let mut csv = String::from("piece;titre;nature;referent;fonction;item;niveau;justification\n");
    for g in grid_groups(&library, &policy, "distance", Some(Modality::Preuves)) {
        for i in g.items {
            csv.push_str(&format!("P1;Dossier de l'entreprise;document;;;{};3;\n", i.id));
        }
    }
    let file = dir.path().join("preuves.csv");
    std::fs::write(&file, csv).unwrap();
    let input = e.find("#tableur-fichier").expect("the import field");
    e.block_on(input.send_keys(file.to_str().unwrap())).unwrap();
    e.click("form[action*='/evaluation/tableur'] button");
    notice(&e, "the import");
    assert!(e.text(".notice").contains("importé"), "{}", e.text(".notice"));
    set(&e, "#o-date", "2026-11-30");
    set(&e, "#o-start", "09:00");
    set(&e, "#o-end", "10:50");
    e.click("form[action$='/evaluation/observation'] button");
    settle(&e, "the grid", |b| b.visible("#grille-table"));
    let rows =
        e.execute("return document.querySelectorAll('input.lvl[data-c=\"1\"]').length").as_u64().unwrap();
    e.execute("document.querySelector('input.lvl[data-r=\"1\"][data-c=\"1\"]').focus()");
    for _ in 0..rows {
        keys(&e, "3");
    }
    for contact in 2..=5 {
        e.execute(&format!(
            "document.querySelector('input.lvl[data-r=\"{contact}\"][data-c=\"{contact}\"]').focus()"
        ));
        keys(&e, "3");
    }
    e.wait_until("every level saved", WAIT, |b| {
        b.execute("return document.getElementById('grille-table').getAttribute('data-pending')")
            == Value::String("0".into())
    });
    set(&e, "#i-date", "2026-11-30");
    set(&e, "#i-notes", "Retour sur la séquence observée.");
    e.click("form[action$='/evaluation/entretien'] button");
    notice(&e, "the interview");

    // The quiz: the evaluator hands out a code, the candidate sits.
    e.goto(&server.at("/seances"));
    settle(&e, "the sittings page", |b| b.visible("form[action='/seances']"));
    set(&e, "select[name=certificat]", "distance");
    e.click(&format!("input[value='{FILE}']"));
    e.click("form[action='/seances'] button[type=submit]");
    settle(&e, "the code", |b| b.visible("code.code"));
    let code = e.text("code.code");
    let c = Browser::start();
    c.goto(&server.at("/quiz"));
    settle(&c, "the code page", |b| b.visible("#code"));
    c.fill("#code", &code);
    c.click("form[action='/quiz'] button");
    settle(&c, "the questions", |b| b.visible("#terminer"));
    c.click("#terminer");
    c.wait_until("the confirmation", WAIT, |b| b.visible("#confirmation"));
    c.click("#confirmer");
    settle(&c, "the end", |b| b.visible(".notice"));

    // The evaluator sends the evaluation.
    e.goto(&desk);
    settle(&e, "the send button", |b| b.visible("form[action$='/evaluation/envoi'] button"));
    e.click("form[action$='/evaluation/envoi'] button");
    notice(&e, "sent");
    assert!(e.text(".notice").contains("envoyée"), "{}", e.text(".notice"));

    // The administrator opens a 2 + 2 session with the dossier on its agenda.
    let a = Browser::start();
    log_in(&a, &server, "admin", &passwords["admin"]);
    a.goto(&server.at("/commission"));
    settle(&a, "the sessions", |b| b.visible("#s-date"));
    set(&a, "#s-date", "2026-11-30");
    set(&a, "#s-lieu", "Paris");
    a.click("#m-commission");
    for (n, (name, college)) in
        [("Bruno Nguyen", "salaries"), ("Catherine Delmas", "employeurs"), ("Didier Fabre", "employeurs")]
            .into_iter()
            .enumerate()
    {
        set(&a, &format!("#t-nom-{}", n + 1), name);
        set(&a, &format!("#t-college-{}", n + 1), college);
    }
    a.click("form[action='/commission'] button[type=submit]");
    settle(&a, "the session", |b| b.visible("#a-dossier"));
    set(&a, "#a-dossier", FILE);
    a.click("form[action$='/ordre-du-jour'] button");
    settle(&a, "the agenda", |b| {
        b.execute("return document.body.textContent.includes('CQ-2026-0900')") == Value::Bool(true)
    });
    let session = a.current_url();

    // A member decides attribution.
    let m = Browser::start();
    log_in(&m, &server, "commission", &passwords["commission"]);
    let path = session.split(&server.at("")).nth(1).unwrap().split('?').next().unwrap().to_string();
    m.goto(&server.at(&format!("{path}/dossiers/{FILE}")));
    settle(&m, "the dossier at the session", |b| b.visible("#d-issue"));
    set(&m, "#d-issue", "attribution");
    m.click(&format!("form[action$='/dossiers/{FILE}/decision'] button[type=submit]"));
    notice(&m, "the decision");

    // The candidate sees it.
    log_in(&c, &server, "anais", "mot-de-passe-de-la-candidate");
    c.goto(&server.at("/espace-candidat"));
    settle(&c, "the candidate's page", |b| b.visible("main h1"));
    let mine = c.text("main");
    assert!(mine.contains("attribution"), "{mine}");

    // `cqpt export` and `cqpt synthese`: the same decision.
    drop(server);
    crate::procedure_walk::export_gives_attribution(&store, FILE);
}
