//! The evaluating bodies' accreditation kept by the administrator (issue 16, point 5): a
//! renewal lets AUVICOM assign a dossier to a body whose accreditation had lapsed; a
//! withdrawal stops it from that day; refused values are all named at once; no other role
//! reaches the page; every event is in the registry.

use crate::workspace::{Ws, hidden};
use axum::http::StatusCode;
use cqpt::store::{SqliteStore, Store};

const TODAY: &str = "2026-11-30";

#[test]
fn a_renewal_and_a_withdrawal_decide_what_auvicom_may_assign() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let page = ws.send("GET", "/admin/organismes", &admin, None);
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("OE-023") && page.body.contains("non habilité à ce jour"), "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    let officer = ws.login("auvicom");
    let officer_csrf = ws.csrf(&officer);
    let assign = |body: &str| {
        ws.send(
            "POST",
            "/auvicom/dossiers/23-funding-phase-1-recevable-only/organisme",
            &officer,
            Some(&[("csrf", &officer_csrf), ("organisme", body)]),
        )
    };
    assert_eq!(assign("OE-023").status, StatusCode::BAD_REQUEST, "lapsed");
    // Renewed today: the dossier may go to it.
    let renewed = ws.send(
        "POST",
        "/admin/organismes/OE-023/habilitation",
        &admin,
        Some(&[("csrf", &csrf), ("event", "renewed"), ("date", TODAY)]),
    );
    assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.body);
    let page = ws.send("GET", "/admin/organismes", &admin, None).body.replace('\u{a0}', " ");
    assert!(page.contains("habilité jusqu&#x27;au 30 novembre 2028"), "{page}");
    assert_eq!(assign("OE-023").status, StatusCode::SEE_OTHER);
    // Withdrawn today: no more dossiers for it.
    let withdrawn = ws.send(
        "POST",
        "/admin/organismes/OE-023/habilitation",
        &admin,
        Some(&[("csrf", &csrf), ("event", "withdrawn"), ("date", TODAY)]),
    );
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let oe023 = s.bodies().unwrap().into_iter().find(|b| b.id == "OE-023").unwrap();
    assert_eq!(oe023.accredited_on(TODAY.parse().unwrap(), 2), None);
    let entries: Vec<String> = s
        .registry()
        .unwrap()
        .iter()
        .filter(|e| e.change.subject == "body:OE-023")
        .map(|e| e.change.detail.clone().unwrap_or_default())
        .collect();
    assert_eq!(entries, [format!("renewed {TODAY}"), format!("withdrawn {TODAY}")]);
    s.verify_registry().unwrap();
}

#[test]
fn refused_values_are_named_together_and_only_the_administrator_keeps_bodies() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let csrf = hidden(&ws.send("GET", "/admin/organismes", &admin, None).body, "csrf");
    let refused = ws.send(
        "POST",
        "/admin/organismes/OE-023/habilitation",
        &admin,
        Some(&[("csrf", &csrf), ("event", "suspendu"), ("date", "2026-13-01")]),
    );
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for reason in ["Événement : « suspendu »", "Date : « 2026-13-01 » n&#x27;est pas une date"] {
        assert!(refused.body.contains(reason), "{reason}: {}", refused.body);
    }
    let future = ws.send(
        "POST",
        "/admin/organismes/OE-023/habilitation",
        &admin,
        Some(&[("csrf", &csrf), ("event", "renewed"), ("date", "2027-01-01")]),
    );
    assert!(future.body.contains("est à venir"), "{}", future.body);
    let unknown = ws.send(
        "POST",
        "/admin/organismes/OE-999/habilitation",
        &admin,
        Some(&[("csrf", &csrf), ("event", "renewed"), ("date", TODAY)]),
    );
    assert!(unknown.body.contains("n&#x27;est pas enregistré"), "{}", unknown.body);
    // A new body with its first accreditation.
    let created = ws.send(
        "POST",
        "/admin/organismes",
        &admin,
        Some(&[("csrf", &csrf), ("id", "OE-2026-12"), ("name", "Formaplus"), ("granted", TODAY)]),
    );
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let created = created.body.replace('\u{a0}', " ");
    assert!(
        created.contains("Formaplus") && created.contains("habilité jusqu&#x27;au 30 novembre 2028"),
        "{created}"
    );
    let again = ws.send(
        "POST",
        "/admin/organismes",
        &admin,
        Some(&[("csrf", &csrf), ("id", "OE-2026-12"), ("name", "X")]),
    );
    assert!(again.body.contains("existe déjà"), "{}", again.body);
    // No other role; no change without the CSRF token.
    for login in ["auvicom", "evaluateur", "commission", "candidat"] {
        let session = ws.login(login);
        assert_eq!(
            ws.send("GET", "/admin/organismes", &session, None).status,
            StatusCode::FORBIDDEN,
            "{login}"
        );
    }
    let forged = ws.send(
        "POST",
        "/admin/organismes/OE-023/habilitation",
        &admin,
        Some(&[("event", "renewed"), ("date", TODAY)]),
    );
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}
