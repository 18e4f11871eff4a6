//! One dossier through the whole procedure in the workspace, across the four roles, each
//! through the pages it uses (in process, over the real router): AUVICOM records the
//! application and decides it recevable, then assigns it; the evaluator signs the convention,
//! imports the dossier de preuves from a spreadsheet (CSV), types the observation level by
//! level, records the interview; the candidate sits the quiz with the code the evaluator gives;
//! the evaluator sends the evaluation; the administrator opens a 2 + 2 session of the
//! commission; a member decides attribution; the candidate sees the decision and its letter.
//! Then `cqpt export` of the store and `cqpt synthese` on the exported dossier give the same
//! decision. (Each desk's pages are also walked in a real browser: `workspace_browser`,
//! `evaluation_browser`, `quiz_browser`.)

use crate::commission::{agenda_add, decide, open, opened};
use crate::workspace::{Ws, hidden};
use crate::workspace_quiz::{page, post_with_token, seat_login, sitting};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cqpt::dossier::grid::grid_groups;
use cqpt::policy::Modality;
use cqpt::store::{SqliteStore, Store};

const FILE: &str = "CQ-2026-0777";
const DAY: i64 = 86_400_000;

fn see_other(a: &crate::workspace::Answer) {
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
}

#[test]
#[allow(clippy::too_many_lines)]
fn a_dossier_goes_from_its_application_to_the_commission_s_decision_across_the_four_roles() {
    let ws = Ws::new();
    let store = || SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let body = store().user("evaluateur").unwrap().unwrap().body.unwrap();
    // The administrator renews the evaluator's body (its accreditation had lapsed).
    let admin = ws.login("admin");
    let csrf = ws.csrf(&admin);
    see_other(&ws.send(
        "POST",
        &format!("/admin/organismes/{body}/habilitation"),
        &admin,
        Some(&[("csrf", &csrf), ("event", "renewed"), ("date", "2026-11-30")]),
    ));

    // AUVICOM: the application, the recevabilité, the assignment.
    let officer = ws.login("auvicom");
    let csrf = ws.csrf(&officer);
    let form = crate::workspace_durability::application(FILE, &csrf);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    see_other(&ws.send("POST", "/auvicom/demandes/nouvelle", &officer, Some(&form)));
    let id = FILE;
    see_other(&ws.send(
        "POST",
        &format!("/auvicom/dossiers/{id}/recevabilite"),
        &officer,
        Some(&[("csrf", &csrf)]),
    ));
    see_other(&ws.send(
        "POST",
        &format!("/auvicom/dossiers/{id}/organisme"),
        &officer,
        Some(&[("csrf", &csrf), ("organisme", &body)]),
    ));
    // The candidate's account, linked to the file number.
    let csrf = ws.csrf(&admin);
    let created = ws.send(
        "POST",
        "/admin/comptes",
        &admin,
        Some(&[
            ("csrf", &csrf),
            ("login", "ines"),
            ("name", "Inès Marchand"),
            ("role", "candidate"),
            ("candidate", FILE),
        ]),
    );
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let password = created
        .body
        .split("<code id=\"mot-de-passe\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();

    // The evaluator, two days later: convention, dossier de preuves by spreadsheet, observation.
    ws.advance_ms(2 * DAY);
    let me = ws.login("evaluateur");
    let desk = format!("/dossiers/{id}/evaluation");
    let opened_desk = ws.send("GET", &desk, &me, None);
    assert_eq!(opened_desk.status, StatusCode::OK, "{} {}", opened_desk.location, opened_desk.body);
    let csrf = hidden(&opened_desk.body, "csrf");
    see_other(&ws.send(
        "POST",
        &format!("{desk}/convention"),
        &me,
        Some(&[("csrf", &csrf), ("signed", "2026-12-01"), ("reference", "CONV-777")]),
    ));
    let lib = &ws.state.library;
    let policy = &ws.state.policy;
    let mut csv = String::from("piece;titre;nature;referent;fonction;item;niveau;justification\n");
    for g in grid_groups(lib, policy, "distance", Some(Modality::Preuves)) {
        for i in g.items {
            csv.push_str(&format!("P1;Dossier de preuves de l'entreprise;document;;;{};3;\n", i.id));
        }
    }
    let imported = ws.upload(&format!("{desk}/tableur?csrf={csrf}"), &me, "preuves.csv", csv.as_bytes());
    see_other(&imported);
    see_other(&ws.send(
        "POST",
        &format!("{desk}/observation"),
        &me,
        Some(&[
            ("csrf", &csrf),
            ("date", "2026-12-02"),
            ("start", "09:00"),
            ("end", "10:50"),
            ("by", "Évaluatrice de l'organisme"),
        ]),
    ));
    let observed: Vec<String> = grid_groups(lib, policy, "distance", Some(Modality::Observation))
        .into_iter()
        .flat_map(|g| g.items.into_iter().map(|i| i.id))
        .collect();
    for (n, item) in observed.iter().enumerate() {
        let contact = n % 5 + 1;
        let body = serde_json::json!({ "contact": contact, "item": item, "level": "3" }).to_string();
        let req = Request::builder()
            .method("POST")
            .uri(format!("{desk}/niveau"))
            .header(header::COOKIE, &me)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", &csrf)
            .body(Body::from(body))
            .unwrap();
        let saved = ws.call(req);
        assert_eq!(saved.status, StatusCode::OK, "{item}: {}", saved.body);
    }
    see_other(&ws.send(
        "POST",
        &format!("{desk}/entretien"),
        &me,
        Some(&[("csrf", &csrf), ("date", "2026-12-02"), ("notes", "Retour sur la séquence.")]),
    ));

    // The candidate sits the quiz the next day, with the code the evaluator hands out.
    ws.advance_ms(DAY);
    let me = ws.login("evaluateur");
    let (_, codes) = sitting(&ws, &me, &[id]);
    let (answer, seat) = seat_login(&ws, &codes[0]);
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let (_, seat_csrf) = page(&ws, &seat);
    let done = post_with_token(&ws, "/quiz/epreuve/terminer", &seat, &seat_csrf);
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    // The evaluator sends the evaluation: nothing blocks.
    ws.advance_ms(DAY);
    let me = ws.login("evaluateur");
    let page_text = ws.send("GET", &desk, &me, None).body;
    let csrf = hidden(&page_text, "csrf");
    let sent = ws.send("POST", &format!("{desk}/envoi"), &me, Some(&[("csrf", &csrf)]));
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}\n--- the desk said:\n{page_text}", sent.body);

    // The commission: a 2 + 2 session the administrator opens, the dossier on its agenda; a
    // member decides on the session's day.
    let admin = ws.login("admin");
    let session = opened(&open(
        &ws,
        &admin,
        "2026-12-10",
        &["commission"],
        &[("Bruno Nguyen", "salaries"), ("Catherine Delmas", "employeurs"), ("Didier Fabre", "employeurs")],
    ));
    let added = agenda_add(&ws, &admin, &session, id);
    assert!(added.status.is_redirection(), "{}", added.body);
    ws.advance_ms(6 * DAY);
    let member = ws.login("commission");
    let decided = decide(&ws, &member, &session, id, "attribution");
    assert!(decided.status.is_redirection(), "{}", decided.body);

    // The candidate sees the decision and its letter.
    let (login, cookie) = ws.try_login("ines", &password);
    assert!(login.status.is_redirection(), "{}", login.body);
    let mine = ws.send("GET", "/espace-candidat", &cookie, None).body.replace('\u{a0}', " ");
    assert!(mine.contains("attribution"), "{mine}");

    // `cqpt export`, then `cqpt synthese` on the dossier: the same decision.
    export_gives_attribution(&ws.store, id);
    assert_eq!(store().dossier(id).unwrap().unwrap().state, "decided");
    store().verify_registry().unwrap();
}

/// `cqpt export` of the store at `store`, then `cqpt synthese` on the dossier `id` it wrote:
/// the decision recorded is attribution and the synthesis says so.
pub fn export_gives_attribution(store: &std::path::Path, id: &str) {
    let out = tempfile::tempdir().unwrap();
    let export =
        crate::common::run(&["export", "--store", store.to_str().unwrap(), out.path().to_str().unwrap()]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let exported = out.path().join(format!("{id}.yaml"));
    let yaml = std::fs::read_to_string(&exported).unwrap();
    assert!(yaml.contains("outcome: attribution"), "{yaml}");
    let synthese = crate::common::run(&["synthese", exported.to_str().unwrap()]);
    assert_eq!(synthese.code, 0, "{}{}", synthese.stdout, synthese.stderr);
    let shown = synthese.stdout.to_lowercase();
    assert!(shown.contains("attribution") && !shown.contains("non-attribution"), "{}", synthese.stdout);
}
