//! The evaluator's desk (issue 16, point 1): a dossier assigned to the evaluator's body is
//! evaluated on screen — convention, a piece of the dossier de preuves, the observation of ten
//! contacts typed level by level with the synthesis computed at each, the interview — and sent
//! to AUVICOM once nothing blocks (the body's accreditation included), which freezes it; a
//! correction reopens it as a new version. Every level lands in the dossier's history and the
//! registry. Other roles and other bodies are refused.

use crate::workspace::{Answer, Ws, hidden};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cqpt::store::{SqliteStore, Store};

const DOSSIER: &str = "23-funding-phase-1-recevable-only";
const TODAY: &str = "2026-11-30";

/// The evaluator's body, renewed today by the administrator, and `DOSSIER` assigned to it by
/// AUVICOM: the evaluator's session.
fn assigned(ws: &Ws) -> (String, String) {
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let body = s.user("evaluateur").unwrap().unwrap().body.unwrap();
    drop(s);
    let admin = ws.login("admin");
    let csrf = ws.csrf(&admin);
    let renewed = ws.send(
        "POST",
        &format!("/admin/organismes/{body}/habilitation"),
        &admin,
        Some(&[("csrf", &csrf), ("event", "renewed"), ("date", TODAY)]),
    );
    assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.body);
    let officer = ws.login("auvicom");
    let csrf = ws.csrf(&officer);
    let assign = ws.send(
        "POST",
        &format!("/auvicom/dossiers/{DOSSIER}/organisme"),
        &officer,
        Some(&[("csrf", &csrf), ("organisme", &body)]),
    );
    assert_eq!(assign.status, StatusCode::SEE_OTHER, "{}", assign.body);
    (ws.login("evaluateur"), body)
}

/// The candidate sat the 2B quiz: its result in the dossier as the sitting writes it (the
/// sitting itself is tested with the quiz).
fn sat_the_quiz(ws: &Ws) {
    let mut s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let yaml = s.dossier_yaml(DOSSIER).unwrap().unwrap().unwrap();
    let example =
        std::fs::read_to_string(crate::common::root().join("examples/dossiers/01-distance-attribution.yaml"))
            .unwrap();
    let range = cqpt::dossier::top_level_range(&example, "quiz").unwrap();
    let quiz = example[range]
        .replace("Q-2025-0318", "Q-2026-0042")
        .replace("2025-10-20", "2026-11-30")
        .replace("Sophie Bernard", "Évaluatrice de l'organisme");
    let text = cqpt::dossier::set_top_level(&yaml, "quiz", &quiz);
    let file = cqpt::source::SourceFile { name: "d.yaml".into(), text: text.clone() };
    let lib = &ws.state.library;
    let d = cqpt::dossier::load_dossier(&file, lib).unwrap();
    let facts = cqpt::store::DossierFacts::of(&d, lib, &ws.state.policy);
    s.put_dossier("quiz", DOSSIER, &text, &d, &facts).unwrap();
}

/// The observation's sequence recorded (today, 09:00–10:40): the grid opens.
fn observation_header(ws: &Ws, me: &str, csrf: &str) {
    let header = ws.send(
        "POST",
        &path("/observation"),
        me,
        Some(&[("csrf", csrf), ("date", TODAY), ("start", "09:00"), ("end", "10:40"), ("by", "É. O.")]),
    );
    assert_eq!(header.status, StatusCode::SEE_OTHER, "{}", header.body);
}

fn path(rest: &str) -> String {
    format!("/dossiers/{DOSSIER}/evaluation{rest}")
}

fn level(ws: &Ws, session: &str, csrf: &str, contact: u32, item: &str, level: &str) -> Answer {
    let body = serde_json::json!({ "contact": contact, "item": item, "level": level }).to_string();
    let req = Request::builder()
        .method("POST")
        .uri(path("/niveau"))
        .header(header::COOKIE, session)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", csrf)
        .body(Body::from(body))
        .unwrap();
    ws.call(req)
}

/// The grid's item ids, in the page's order (`data-item` of the first contact's cells).
fn grid_items(page: &str) -> Vec<String> {
    page.split("data-c=\"1\" data-item=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn a_dossier_is_evaluated_on_screen_sent_frozen_and_corrected_as_a_new_version() {
    let ws = Ws::new();
    let (me, _) = assigned(&ws);
    sat_the_quiz(&ws);
    let page = ws.send("GET", &path(""), &me, None);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    assert!(page.body.contains("La grille s'ouvre quand la séquence observée"), "no grid before the header");
    let ok = |a: Answer| assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    ok(ws.send(
        "POST",
        &path("/convention"),
        &me,
        Some(&[("csrf", &csrf), ("signed", "2026-11-20"), ("reference", "CONV-1")]),
    ));
    ok(ws.send(
        "POST",
        &path("/observation"),
        &me,
        Some(&[
            ("csrf", &csrf),
            ("date", "2026-11-30"),
            ("start", "09:00"),
            ("end", "10:40"),
            ("by", "Évaluatrice de l'organisme"),
        ]),
    ));
    let page = ws.send("GET", &path(""), &me, None).body;
    assert!(page.contains("Séance Q-2026-0042"), "the quiz result is shown");
    let piece = ws.send(
        "POST",
        &path("/preuves"),
        &me,
        Some(&[
            ("csrf", &csrf),
            ("title", "Grilles de double écoute"),
            ("kind", "document"),
            ("item-0", "se-mots-positifs"),
            ("level-0", "3"),
            ("item-1", "sf-lire-fiches"),
            ("level-1", "4"),
            ("justification-1", "Forme les nouveaux arrivants."),
        ]),
    );
    ok(piece);
    let items = grid_items(&page);
    assert!(items.len() >= 10, "{items:?}");
    // Ten contacts, three levels each, typed one by one: each answer is the live synthesis.
    let mut last = String::new();
    for contact in 1..=10 {
        for item in items.iter().take(3) {
            let answer = level(&ws, &me, &csrf, contact, item, "3");
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            last = answer.body;
        }
    }
    assert!(last.replace('\u{a0}', " ").contains("Contacts observés : <strong>10</strong>"), "{last}");
    assert!(last.contains("Proposition calculée"), "{last}");
    // A level out of the scale is refused with the cell named; nothing is saved.
    let refused = level(&ws, &me, &csrf, 2, &items[0], "7");
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("« 7 » n'est pas un niveau"), "{}", refused.body);
    // Cleared, then given again.
    assert_eq!(level(&ws, &me, &csrf, 10, &items[2], "").status, StatusCode::OK);
    assert_eq!(level(&ws, &me, &csrf, 10, &items[2], "2").status, StatusCode::OK);
    ok(ws.send(
        "POST",
        &path("/entretien"),
        &me,
        Some(&[("csrf", &csrf), ("date", "2026-11-30"), ("notes", "Retour sur l'appel 4.")]),
    ));

    // The history names who gave each level and what changed.
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let history = s.assessment_history(DOSSIER).unwrap();
    assert_eq!(history.len(), 2 + 30 + 2, "{history:?}");
    let last_row = history.last().unwrap();
    assert_eq!((last_row.phase.as_str(), last_row.place.as_str()), ("observation", "10"));
    assert_eq!((last_row.before, last_row.after), (None, Some(2)));
    assert_eq!(last_row.actor, "evaluateur");
    drop(s);
    let page = ws.send("GET", &path(""), &me, None).body;
    assert!(page.contains("observation, contact 10"), "the history on the page");

    // Sent: the synthesis recorded, the evaluation frozen as version 1.
    let page = ws.send("GET", &path(""), &me, None).body;
    let sent = ws.send("POST", &path("/envoi"), &me, Some(&[("csrf", &csrf)]));
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "not sent: {}\n--- the page said:\n{}", sent.body, page);
    let again = level(&ws, &me, &csrf, 1, &items[0], "4");
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("envoyée"), "{}", again.body);
    let form = ws.send("POST", &path("/entretien"), &me, Some(&[("csrf", &csrf), ("date", "2026-11-28")]));
    assert_eq!(form.status, StatusCode::CONFLICT, "a form after sending is refused too");
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let (frozen, versions) = s.evaluation_versions(DOSSIER).unwrap();
    assert!(frozen);
    assert_eq!(versions.len(), 1);
    let yaml = s.dossier_yaml(DOSSIER).unwrap().unwrap().unwrap();
    assert!(yaml.contains("synthese:\n  date: 2026-11-30\n"), "{yaml}");
    drop(s);

    // A correction needs its reason, then reopens; the next sending is version 2.
    let no_reason = ws.send("POST", &path("/correction"), &me, Some(&[("csrf", &csrf), ("reason", " ")]));
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    ok(ws.send(
        "POST",
        &path("/correction"),
        &me,
        Some(&[("csrf", &csrf), ("reason", "Contact 1 mal saisi")]),
    ));
    assert_eq!(level(&ws, &me, &csrf, 1, &items[0], "2").status, StatusCode::OK);
    ok(ws.send("POST", &path("/envoi"), &me, Some(&[("csrf", &csrf)])));
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let (_, versions) = s.evaluation_versions(DOSSIER).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].reopened.as_ref().map(|r| r.2.as_str()), Some("Contact 1 mal saisi"));
    let actions: Vec<String> = s
        .registry()
        .unwrap()
        .iter()
        .filter(|e| e.change.subject == format!("dossier:{DOSSIER}"))
        .map(|e| e.change.action.clone())
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "evaluation.send").count(), 2, "{actions:?}");
    assert!(actions.contains(&"evaluation.reopen".to_string()), "{actions:?}");
    assert!(actions.iter().filter(|a| *a == "evaluation.change").count() >= 34, "{actions:?}");
    s.verify_registry().unwrap();
    // The candidate's subject-access export holds the levels' history and both versions sent.
    let candidate = s.dossier(DOSSIER).unwrap().unwrap().candidate;
    let archive = s.subject_export(&candidate).unwrap();
    let names = crate::rgpd::archive_names(&archive);
    for v in [1, 2] {
        assert!(names.contains(&format!("versions/{DOSSIER}-v{v}.yaml")), "{names:?}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&crate::rgpd::archive_file(&archive, "candidat.json")).unwrap();
    let saved = s.assessment_history(DOSSIER).unwrap().len();
    assert_eq!(json["levels_history"].as_array().unwrap().len(), saved);
    assert_eq!(json["evaluation_versions"][0]["reopen_reason"], "Contact 1 mal saisi");
}

#[test]
fn the_whole_grid_form_names_every_refused_cell_and_saves_nothing() {
    let ws = Ws::new();
    let (me, _) = assigned(&ws);
    let csrf = ws.csrf(&me);
    observation_header(&ws, &me, &csrf);
    let items = grid_items(&ws.send("GET", &path(""), &me, None).body);
    let (a, b) = (format!("n-3-{}", items[0]), format!("n-4-{}", items[1]));
    let good = format!("n-1-{}", items[2]);
    let answer = ws.send(
        "POST",
        &path("/grille"),
        &me,
        Some(&[("csrf", &csrf), (&a, "9"), (&b, "x"), (&good, "3"), ("s-2", "25:00")]),
    );
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = answer.body.replace("&#x27;", "'");
    assert!(text.contains("3 point(s) à corriger"), "{text}");
    assert!(text.contains("Contact 3, « ") && text.contains("« 9 » n'est pas un niveau"), "{text}");
    assert!(text.contains("« x » n'est pas un niveau"), "{text}");
    assert!(text.contains("Contact 2, début : « 25:00 » n'est pas une heure"), "{text}");
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    assert!(s.assessment_history(DOSSIER).unwrap().is_empty(), "nothing half-saved");
    drop(s);
    let saved =
        ws.send("POST", &path("/grille"), &me, Some(&[("csrf", &csrf), (&good, "3"), ("s-1", "09:02")]));
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let yaml = SqliteStore::open(&ws.store, ws.clock.clone())
        .unwrap()
        .dossier_yaml(DOSSIER)
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(yaml.contains("    - number: 1\n      start: \"09:02\"\n"), "{yaml}");
}

#[test]
fn a_body_without_a_valid_accreditation_cannot_send() {
    let ws = Ws::new();
    let (me, body) = assigned(&ws);
    let csrf = ws.csrf(&me);
    observation_header(&ws, &me, &csrf);
    let admin = ws.login("admin");
    let admin_csrf = ws.csrf(&admin);
    let withdrawn = ws.send(
        "POST",
        &format!("/admin/organismes/{body}/habilitation"),
        &admin,
        Some(&[("csrf", &admin_csrf), ("event", "withdrawn"), ("date", TODAY)]),
    );
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let page = ws.send("GET", &path(""), &me, None).body.replace("&#x27;", "'");
    assert!(page.contains("n'a pas d'habilitation valide à ce jour"), "{page}");
    let sent = ws.send("POST", &path("/envoi"), &me, Some(&[("csrf", &csrf)]));
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (frozen, versions) =
        SqliteStore::open(&ws.store, ws.clock.clone()).unwrap().evaluation_versions(DOSSIER).unwrap();
    assert!(!frozen && versions.is_empty());
}

#[test]
fn only_the_body_s_evaluators_and_administrators_reach_the_desk() {
    let ws = Ws::new();
    let (_, _) = assigned(&ws);
    for login in ["auvicom", "commission", "candidat"] {
        let s = ws.login(login);
        assert_eq!(ws.send("GET", &path(""), &s, None).status, StatusCode::FORBIDDEN, "{login}");
        let home = if login == "candidat" { "/espace-candidat" } else { "/dossiers" };
        let csrf = hidden(&ws.send("GET", home, &s, None).body, "csrf");
        let post =
            ws.send("POST", &path("/convention"), &s, Some(&[("csrf", &csrf), ("signed", "2026-11-20")]));
        assert_eq!(post.status, StatusCode::FORBIDDEN, "{login}");
    }
    // A dossier of another body: the evaluator may not see it.
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let mine = s.user("evaluateur").unwrap().unwrap().body;
    let other = s
        .dossiers()
        .unwrap()
        .into_iter()
        .find(|d| d.body.is_some() && d.body != mine)
        .expect("a dossier of another body");
    drop(s);
    let me = ws.login("evaluateur");
    let answer = ws.send("GET", &format!("/dossiers/{}/evaluation", other.id), &me, None);
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Without the CSRF token, nothing.
    let answer = ws.send("POST", &path("/convention"), &me, Some(&[("signed", "2026-11-20")]));
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let admin = ws.login("admin");
    assert_eq!(ws.send("GET", &path(""), &admin, None).status, StatusCode::OK);
}

#[test]
fn the_grids_go_out_as_a_workbook_and_come_back_from_a_spreadsheet_whole_or_not_at_all() {
    let ws = Ws::new();
    let (me, _) = assigned(&ws);
    let blank = ws.send("GET", &path("/tableur"), &me, None);
    assert_eq!(blank.status, StatusCode::OK);
    assert!(blank.body.starts_with("PK"), "an xlsx (zip) file");
    let csrf = ws.csrf(&me);
    let items = {
        observation_header(&ws, &me, &csrf);
        grid_items(&ws.send("GET", &path(""), &me, None).body)
    };
    let url = format!("{}?csrf={csrf}", path("/tableur"));
    // One refused level and one refused time: the rows named, nothing saved.
    let bad = format!(
        "contact;debut;fin;item;niveau;justification\n1;09:02;09:10;{a};3;\n2;09:12;9h;{b};7;\n",
        a = items[0],
        b = items[1]
    );
    let answer = ws.upload(&url, &me, "grille.csv", bad.as_bytes());
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    let text = answer.body.replace("&#x27;", "'").replace("&quot;", "\"");
    assert!(text.contains("« grille.csv » n'est pas importé"), "{text}");
    assert!(text.contains("grille.csv!E3") || text.contains("!E3"), "the level's cell named: {text}");
    assert!(text.contains("!C3"), "the time's cell named: {text}");
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    assert!(s.assessment_history(DOSSIER).unwrap().is_empty(), "nothing half-imported");
    drop(s);
    let good = format!(
        "contact;debut;fin;item;niveau;justification\n1;09:02;09:10;{a};3;\n2;09:12;09:20;{b};2;\n",
        a = items[0],
        b = items[1]
    );
    let answer = ws.upload(&url, &me, "grille.csv", good.as_bytes());
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let history =
        SqliteStore::open(&ws.store, ws.clock.clone()).unwrap().assessment_history(DOSSIER).unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
}
