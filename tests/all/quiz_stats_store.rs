//! Item statistics from the workspace's store (issue 17, point 5): the same sittings read as
//! result files and from the store give the same CSV; the evaluator's page
//! `/seances/statistiques` shows the figures of their body's sittings, with the CSV and PDF.

use crate::common::{cqpt, run_cmd};
use crate::workspace::{Ws, cookie_pair, hidden};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cqpt::store::SqliteStore;
use cqpt::store::quiz::QuizStore;

/// Dossiers assigned to the demo evaluator's body, on the certificate `distance`.
const SEATED: [&str; 2] = ["24-funding-phase-2-evaluated-not-sent", "22-distance-accreditation-renewed"];

/// A 2B sitting for both dossiers where each candidate answers every question (a pattern of
/// their own), then the evaluator closes it: its id.
fn sat_sitting(ws: &Ws, evaluator: &str) -> String {
    let csrf = hidden(&ws.send("GET", "/seances", evaluator, None).body, "csrf");
    let mut form = vec![("csrf", csrf.as_str()), ("certificat", "distance"), ("objet", "evaluation")];
    form.extend(SEATED.iter().map(|d| ("dossier", *d)));
    let page = ws.send("POST", "/seances", evaluator, Some(&form));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let id = page.body.split("séance ").nth(1).unwrap().split('<').next().unwrap().trim().to_string();
    let codes: Vec<String> = page
        .body
        .split("<code class=\"code\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    for (k, code) in codes.iter().enumerate() {
        let login = ws.send("POST", "/quiz", "", Some(&[("code", code)]));
        let seat = cookie_pair(&login.cookies, "cqpt_place");
        let body = ws.send("GET", "/quiz/epreuve", &seat, None).body;
        let csrf = body.split("data-csrf=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let n = body.matches("class=\"question\"").count();
        for number in 1..=n {
            let given = ["A", "B", "C", "A"][(number + k) % 4];
            let req = Request::builder()
                .method("POST")
                .uri("/quiz/epreuve/reponse")
                .header(header::COOKIE, &seat)
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-csrf-token", &csrf)
                .body(Body::from(format!("{{\"number\":{number},\"given\":\"{given}\"}}")))
                .unwrap();
            assert_eq!(ws.call(req).status, StatusCode::OK);
        }
    }
    let board_csrf = hidden(&ws.send("GET", &format!("/seances/{id}"), evaluator, None).body, "csrf");
    let closed = ws.send("POST", &format!("/seances/{id}/clore"), evaluator, Some(&[("csrf", &board_csrf)]));
    assert!(closed.status.is_success() || closed.status.is_redirection(), "{}", closed.body);
    id
}

/// The result each seat's closing wrote, as a result file holds it (the dossier's `quiz:`
/// section without its key), in the order of the dossiers.
fn result_files(ws: &Ws, id: &str, dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let store = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let mut dossiers = SEATED.to_vec();
    dossiers.sort_unstable();
    dossiers
        .iter()
        .map(|d| {
            let seat = store.seat(id, d).unwrap().unwrap();
            let section = seat.result.expect("closed with a result");
            assert!(section.starts_with("quiz:\n"), "{section}");
            let text: String = section.lines().skip(1).map(|l| format!("{}\n", &l[2..])).collect();
            let path = dir.join(format!("{d}.yaml"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

#[test]
fn the_same_sittings_as_files_and_in_the_store_give_the_same_csv_and_the_page_shows_them() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let id = sat_sitting(&ws, &evaluator);
    let dir = tempfile::tempdir().unwrap();
    let files = result_files(&ws, &id, dir.path());
    let from_files = run_cmd(cqpt().args(["quiz", "stats"]).args(&files));
    assert_eq!(from_files.code, 0, "{}", from_files.stderr);
    let from_store = run_cmd(cqpt().args(["quiz", "stats", "--store"]).arg(&ws.store));
    assert_eq!(from_store.code, 0, "{}", from_store.stderr);
    assert!(from_files.stdout.lines().count() > 10, "{}", from_files.stdout);
    assert_eq!(from_store.stdout, from_files.stdout, "the same figures from the store as from the files");
    assert_eq!(from_store.stderr, from_files.stderr);
    // The body filter: the evaluator's body has them, another body none.
    let store = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let row = store.sitting(&id).unwrap().unwrap();
    let (bank, library, policy) = (ws.state.quiz.bank(), &ws.state.library, &ws.state.policy);
    let of =
        |b: Option<&str>| cqpt::server::quiz::stats::store_results(&store, bank, library, policy, b).unwrap();
    assert_eq!(of(Some(&row.body_id)).len(), 2);
    assert!(of(Some("organisme-inconnu")).is_empty());
    let other = run_cmd(
        cqpt().args(["quiz", "stats", "--store"]).arg(&ws.store).args(["--body", "organisme-inconnu"]),
    );
    assert_eq!(other.code, 0, "{}", other.stderr);
    assert_eq!(other.stdout.lines().count(), 1, "the header only: {}", other.stdout);

    // The evaluator's page: the figures, accessible tables, the downloads.
    let page = ws.send("GET", "/seances/statistiques", &evaluator, None);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "<h1>Statistiques des questions du quiz</h1>",
        "<th scope=\"col\">Facilité</th>",
        "<th scope=\"col\">KR-20</th>",
        "href=\"/seances/statistiques.csv\"",
        "href=\"/seances/statistiques.pdf\"",
        "(bonne réponse)",
        &id,
    ] {
        assert!(page.body.contains(expected), "{expected} in:\n{}", page.body);
    }
    let first_question = from_files.stdout.lines().nth(1).unwrap().split(',').next().unwrap();
    assert!(page.body.contains(&format!("<th scope=\"row\">{first_question}</th>")), "{}", page.body);
    let csv = ws.send("GET", "/seances/statistiques.csv", &evaluator, None);
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body, from_store.stdout, "the page's CSV is the command's");
    let req = Request::builder()
        .uri("/seances/statistiques.pdf")
        .header(header::COOKIE, &evaluator)
        .body(Body::empty())
        .unwrap();
    let pdf = ws.call(req);
    assert_eq!(pdf.status, StatusCode::OK);
    // Other roles: the administrator sees every body's sittings; a commission member nothing.
    let admin = ws.send("GET", "/seances/statistiques", &ws.login("admin"), None);
    assert_eq!(admin.status, StatusCode::OK);
    assert!(admin.body.contains(&id));
    let member = ws.send("GET", "/seances/statistiques", &ws.login("commission"), None);
    assert_eq!(member.status, StatusCode::FORBIDDEN);
}

#[test]
fn with_no_closed_sitting_the_page_says_so() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let page = ws.send("GET", "/seances/statistiques", &evaluator, None);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Aucune réponse de séance close pour l'instant."), "{}", page.body);
    let csv = ws.send("GET", "/seances/statistiques.csv", &evaluator, None);
    assert_eq!(csv.body.lines().count(), 1, "{}", csv.body);
}
