//! Quiz sittings in the workspace, through the router with fake clocks: a whole sitting from
//! its creation to the result in the dossier, codes and their throttle, time on the monotonic
//! clock (a jump of the wall clock changes nothing), extra time and its cap, late answers kept
//! as given, CSRF and scope, and a restart that takes the time up and finishes closing.

use crate::workspace::{Answer, Ws, cookie_pair, hidden};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cqpt::server::AppState;
use cqpt::store::quiz::QuizStore;
use cqpt::store::{SqliteStore, Store};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Dossiers assigned to the demo evaluator's body, on the certificate `distance`.
const SEATED: [&str; 2] = ["24-funding-phase-2-evaluated-not-sent", "22-distance-accreditation-renewed"];

/// The evaluator creates a 2B sitting for `dossiers`: its id and the codes shown, in order.
pub fn sitting(ws: &Ws, evaluator: &str, dossiers: &[&str]) -> (String, Vec<String>) {
    let csrf = hidden(&ws.send("GET", "/seances", evaluator, None).body, "csrf");
    let mut form = vec![("csrf", csrf.as_str()), ("certificat", "distance"), ("objet", "evaluation")];
    form.extend(dossiers.iter().map(|d| ("dossier", *d)));
    let page = ws.send("POST", "/seances", evaluator, Some(&form));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let id = page.body.split("séance ").nth(1).unwrap().split('<').next().unwrap().trim().to_string();
    let codes = page
        .body
        .split("<code class=\"code\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    (id, codes)
}

/// A candidate types `code` (as typed): the seat's cookie, or the refusal.
pub fn seat_login(ws: &Ws, code: &str) -> (Answer, String) {
    let answer = ws.send("POST", "/quiz", "", Some(&[("code", code)]));
    let cookie = cookie_pair(&answer.cookies, "cqpt_place");
    (answer, cookie)
}

/// The candidate's page and its CSRF token.
pub fn page(ws: &Ws, seat: &str) -> (String, String) {
    let page = ws.send("GET", "/quiz/epreuve", seat, None);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.body.split("data-csrf=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (page.body, csrf)
}

/// An answer sent as the page sends it.
fn answer(ws: &Ws, seat: &str, csrf: &str, number: usize, given: &str) -> Answer {
    let req = Request::builder()
        .method("POST")
        .uri("/quiz/epreuve/reponse")
        .header(header::COOKIE, seat)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", csrf)
        .body(Body::from(format!("{{\"number\":{number},\"given\":\"{given}\"}}")))
        .unwrap();
    ws.call(req)
}

pub fn post_with_token(ws: &Ws, path: &str, seat: &str, csrf: &str) -> Answer {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, seat)
        .header("x-csrf-token", csrf)
        .body(Body::empty())
        .unwrap();
    ws.call(req)
}

fn questions(body: &str) -> usize {
    body.matches("class=\"question\"").count()
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

fn store(ws: &Ws) -> SqliteStore {
    SqliteStore::open(&ws.store, ws.clock.clone()).unwrap()
}

fn dossier_text(ws: &Ws, id: &str) -> String {
    store(ws).dossier_yaml(id).unwrap().unwrap().unwrap()
}

#[test]
fn a_whole_sitting_goes_from_its_codes_to_the_result_in_the_dossier() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let (id, codes) = sitting(&ws, &evaluator, &SEATED);
    assert!(id.starts_with("S-") && codes.len() == 2, "{id} {codes:?}");
    // Typed in lower case without the dash, the code opens its seat, once.
    let typed = codes[0].to_lowercase().replace('-', " ");
    let (login, seat) = seat_login(&ws, &typed);
    assert_eq!((login.status, login.location.as_str()), (StatusCode::SEE_OTHER, "/quiz/epreuve"));
    let set = login.cookies.iter().find(|c| c.starts_with("cqpt_place=")).unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/quiz"),
        "{set}"
    );
    assert_eq!(seat_login(&ws, &codes[0]).0.status, StatusCode::UNAUTHORIZED, "a code serves once");
    let (body, csrf) = page(&ws, &seat);
    let n = questions(&body);
    assert!(n > 10, "{n} questions");
    // Nothing on the page rebuilds the draw or gives the key: no seed, no item, no level.
    let s = store(&ws);
    let seat_row = s.seat(&id, SEATED[0]).unwrap().unwrap();
    assert!(!body.contains(&seat_row.seed.to_string()), "the seed is on the page");
    assert!(
        !body.contains("c-deontologie") && !body.contains("q-sf-") && !body.contains("q-cc-"),
        "no item, no question id"
    );
    for number in 1..=n {
        let a = answer(&ws, &seat, &csrf, number, "A");
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert!(a.body.contains("\"saved\":true"), "{}", a.body);
    }
    // A refresh shows the answers saved.
    let (again, _) = page(&ws, &seat);
    assert_eq!(again.matches("Réponse enregistrée.").count(), n);
    assert!(again.contains(&format!("{n} réponse(s) sur {n}")));
    let done = post_with_token(&ws, "/quiz/epreuve/terminer", &seat, &csrf);
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // The result is in the dossier, every answer as given, without the secret seed.
    let yaml = dossier_text(&ws, SEATED[0]);
    let section = &yaml[yaml.find("\nquiz:\n").expect("a quiz section")..];
    assert!(section.contains(&format!("sitting: {id}")), "{section}");
    assert_eq!(section.matches("given: A").count(), n, "{section}");
    assert!(!section.contains("seed:"), "{section}");
    assert!(store(&ws).dossier(SEATED[0]).unwrap().is_some());
    // The board says so; the registry holds every step and its chain is intact.
    let board = ws.send("GET", &format!("/seances/{id}"), &evaluator, None);
    assert!(
        board.body.contains("terminé") && board.body.contains("résultat reporté au dossier"),
        "{}",
        board.body
    );
    let s = store(&ws);
    let actions: Vec<String> = s.registry().unwrap().iter().map(|e| e.change.action.clone()).collect();
    for action in ["quiz.sitting.create", "quiz.seat.login", "quiz.result"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
    s.verify_registry().unwrap();
    // After the end, an answer is refused as closed.
    assert_eq!(answer(&ws, &seat, &csrf, 1, "B").status, StatusCode::CONFLICT);
}

#[test]
fn time_runs_on_the_monotonic_clock_and_a_late_answer_is_kept_but_not_counted() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let (id, codes) = sitting(&ws, &evaluator, &SEATED[..1]);
    let (_, seat) = seat_login(&ws, &codes[0]);
    let (_, csrf) = page(&ws, &seat);
    let left = |ws: &Ws| {
        let s = ws.send("GET", "/quiz/epreuve/etat", &seat, None).body;
        s.split("\"time_left_ms\":").nth(1).unwrap().split(',').next().unwrap().parse::<i64>().unwrap()
    };
    assert_eq!(left(&ws), 30 * 60_000);
    // The machine's clock set forward two hours, then back: nobody's time changes.
    ws.clock.0.fetch_add(2 * 3_600_000, Ordering::SeqCst);
    assert_eq!(left(&ws), 30 * 60_000);
    ws.clock.0.fetch_sub(3 * 3_600_000, Ordering::SeqCst);
    assert_eq!(left(&ws), 30 * 60_000);
    ws.clock.0.fetch_add(3_600_000, Ordering::SeqCst);
    assert_eq!(answer(&ws, &seat, &csrf, 1, "A").status, StatusCode::OK);
    // 29 min 59 s later one second is left; at 30 minutes the seat's time is over.
    ws.advance_ms(30 * 60_000 - 1000);
    assert_eq!(left(&ws), 1000);
    ws.advance_ms(1000);
    let late = answer(&ws, &seat, &csrf, 2, "B");
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert!(late.body.contains("\"saved\":true") && late.body.contains("ne compte pas"), "{}", late.body);
    let answers = store(&ws).answers(&id, SEATED[0]).unwrap();
    assert_eq!(answers.len(), 2, "the late answer is kept as given");
    assert!(!answers[0].late && answers[1].late && answers[1].given == "B");
    let yaml = dossier_text(&ws, SEATED[0]);
    assert!(yaml.contains("late: true"), "{yaml}");
}

#[test]
fn the_end_of_time_closes_a_seat_nobody_touches() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let (id, codes) = sitting(&ws, &evaluator, &SEATED);
    let (_, seat) = seat_login(&ws, &codes[0]);
    let (_, csrf) = page(&ws, &seat);
    answer(&ws, &seat, &csrf, 1, "A");
    ws.advance_ms(29 * 60_000);
    run(cqpt::server::quiz::tick(&ws.state));
    assert!(store(&ws).seat(&id, SEATED[0]).unwrap().unwrap().closed_ms.is_none());
    ws.advance_ms(60_000);
    run(cqpt::server::quiz::tick(&ws.state));
    let closed = store(&ws).seat(&id, SEATED[0]).unwrap().unwrap();
    assert_eq!(closed.closed_by.as_deref(), Some("temps"));
    assert!(dossier_text(&ws, SEATED[0]).contains("\nquiz:\n"));
    // The seat never taken is not closed by time (its time has not started).
    assert!(store(&ws).seat(&id, SEATED[1]).unwrap().unwrap().closed_ms.is_none());
}

#[test]
fn extra_time_is_granted_up_to_the_policys_cap() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let (id, codes) = sitting(&ws, &evaluator, &SEATED[..1]);
    let (_, seat) = seat_login(&ws, &codes[0]);
    page(&ws, &seat);
    let csrf = hidden(&ws.send("GET", &format!("/seances/{id}"), &evaluator, None).body, "csrf");
    let path = format!("/seances/{id}/places/{}/temps", SEATED[0]);
    for _ in 0..2 {
        let granted = ws.send("POST", &path, &evaluator, Some(&[("csrf", &csrf), ("minutes", "5")]));
        assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    }
    let refused = ws.send("POST", &path, &evaluator, Some(&[("csrf", &csrf), ("minutes", "5")]));
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("10 min"), "{}", refused.body);
    // The end of time moves at once, though the candidate sends nothing meanwhile.
    ws.advance_ms(31 * 60_000);
    run(cqpt::server::quiz::tick(&ws.state));
    assert!(store(&ws).seat(&id, SEATED[0]).unwrap().unwrap().closed_ms.is_none(), "closed at the old end");
    let s = ws.send("GET", "/quiz/epreuve/etat", &seat, None).body;
    assert!(s.contains(&format!("\"time_left_ms\":{}", 9 * 60_000)), "{s}");
    // Without the CSRF token, nothing is granted.
    assert_eq!(ws.send("POST", &path, &evaluator, Some(&[("minutes", "5")])).status, StatusCode::FORBIDDEN);
}

#[test]
fn wrong_codes_slow_an_address_down_and_a_right_code_does_not_reset_the_count() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let (_, codes) = sitting(&ws, &evaluator, &SEATED);
    let allowed = ws.state.policy.sittings.code_failures_per_address as usize;
    let wrong = ["AAAAAAAAAA", "ABCDE-FGHJK", "court", "ZZZZZ-ZZZZZ"];
    for n in 0..allowed - 1 {
        let typed = wrong[n % wrong.len()];
        assert_eq!(seat_login(&ws, typed).0.status, StatusCode::UNAUTHORIZED, "{typed}");
    }
    // A right code between the wrong ones opens its seat but resets nothing.
    assert_eq!(seat_login(&ws, &codes[0]).0.status, StatusCode::SEE_OTHER);
    assert_eq!(seat_login(&ws, "23456-78923").0.status, StatusCode::UNAUTHORIZED);
    let waiting = seat_login(&ws, &codes[1]).0;
    assert_eq!(waiting.status, StatusCode::TOO_MANY_REQUESTS, "the next attempt waits, right code or not");
    assert!(waiting.body.contains("réessayez dans 15 minute(s)"), "{}", waiting.body);
    ws.advance_ms(15 * 60_000);
    assert_eq!(seat_login(&ws, &codes[1]).0.status, StatusCode::SEE_OTHER);
}

#[test]
fn answers_need_the_seats_csrf_token_and_boards_stay_within_the_body() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let (id, codes) = sitting(&ws, &evaluator, &SEATED[..1]);
    let (_, seat) = seat_login(&ws, &codes[0]);
    let (_, csrf) = page(&ws, &seat);
    assert_eq!(answer(&ws, &seat, "", 1, "A").status, StatusCode::FORBIDDEN);
    assert_eq!(answer(&ws, &seat, &"0".repeat(64), 1, "A").status, StatusCode::FORBIDDEN);
    assert_eq!(answer(&ws, "cqpt_place=forged", &csrf, 1, "A").status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer(&ws, &seat, &csrf, 999, "A").status, StatusCode::BAD_REQUEST);
    assert_eq!(answer(&ws, &seat, &csrf, 1, "Z").status, StatusCode::BAD_REQUEST);
    assert!(store(&ws).answers(&id, SEATED[0]).unwrap().is_empty(), "nothing refused was written");
    // An evaluator of another body, a commission member: no board, no sitting.
    let mut s = store(&ws);
    let own = s.dossier(SEATED[0]).unwrap().unwrap().body.unwrap();
    let another = s.bodies().unwrap().into_iter().find(|b| b.id != own).unwrap().id;
    let hash =
        cqpt::accounts::hash_password(&cqpt::accounts::Secret::new("un mot de passe assez long")).unwrap();
    s.create_user(
        "admin",
        &cqpt::store::NewUser {
            login: "autre".into(),
            display_name: "Évaluateur d'un autre organisme".into(),
            role: cqpt::accounts::Role::Evaluator,
            body: Some(another),
            password_hash: hash,
            candidate: None,
        },
    )
    .unwrap();
    let (_, other) = ws.try_login("autre", "un mot de passe assez long");
    assert_eq!(ws.send("GET", &format!("/seances/{id}"), &other, None).status, StatusCode::FORBIDDEN);
    assert_eq!(ws.send("GET", &format!("/seances/{id}/etat"), &other, None).status, StatusCode::FORBIDDEN);
    let commission = ws.login("commission");
    assert_eq!(ws.send("GET", "/seances", &commission, None).status, StatusCode::FORBIDDEN);
    // Another body's evaluator cannot seat this body's candidates.
    let csrf = hidden(&ws.send("GET", "/seances", &other, None).body, "csrf");
    let refused = ws.send(
        "POST",
        "/seances",
        &other,
        Some(&[("csrf", &csrf), ("certificat", "distance"), ("objet", "evaluation"), ("dossier", SEATED[0])]),
    );
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("n&#x27;est pas confié à votre organisme"), "{}", refused.body);
}

#[test]
fn a_dossier_twice_and_an_empty_sitting_are_refused_with_every_reason() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let csrf = hidden(&ws.send("GET", "/seances", &evaluator, None).body, "csrf");
    let refused = ws.send(
        "POST",
        "/seances",
        &evaluator,
        Some(&[
            ("csrf", &csrf),
            ("certificat", "inconnu"),
            ("objet", "autre"),
            ("dossier", SEATED[0]),
            ("dossier", SEATED[0]),
        ]),
    );
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for reason in ["Certificat :", "Objet :", "coché deux fois"] {
        assert!(refused.body.contains(reason), "{reason}: {}", refused.body);
    }
    let empty = ws.send(
        "POST",
        "/seances",
        &evaluator,
        Some(&[("csrf", &csrf), ("certificat", "distance"), ("objet", "evaluation")]),
    );
    assert!(empty.body.contains("cochez au moins un candidat"), "{}", empty.body);
    assert!(store(&ws).sittings(None).unwrap().is_empty());
}

#[test]
fn a_restart_takes_the_time_up_and_finishes_closing_a_sitting() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let (id, codes) = sitting(&ws, &evaluator, &SEATED);
    let (_, seat) = seat_login(&ws, &codes[0]);
    let (_, csrf) = page(&ws, &seat);
    ws.advance_ms(10 * 60_000);
    assert_eq!(answer(&ws, &seat, &csrf, 1, "A").status, StatusCode::OK);
    // A new server on the same store (its monotonic clock starts again from zero).
    ws.clock.1.store(0, Ordering::SeqCst);
    let restarted = Arc::new(
        AppState::new(cqpt::source::DataSource::Embedded, ws.store.clone(), ws.clock.clone(), false).unwrap(),
    );
    run(cqpt::server::quiz::resume(&restarted)).unwrap();
    let row = store(&ws).sitting(&id).unwrap().unwrap();
    let seat_row = store(&ws).seat(&id, SEATED[0]).unwrap().unwrap();
    assert_eq!(restarted.quiz.times(&restarted, &row, &seat_row), (10 * 60_000, 30 * 60_000));
    // An evaluator's closing stopped half-way: the restart scores the seats left.
    store(&ws).set_sitting_state("evaluateur", &id, "closing").unwrap();
    let again = Arc::new(
        AppState::new(cqpt::source::DataSource::Embedded, ws.store.clone(), ws.clock.clone(), false).unwrap(),
    );
    run(cqpt::server::quiz::resume(&again)).unwrap();
    let s = store(&ws);
    assert_eq!(s.sitting(&id).unwrap().unwrap().state, "closed");
    let seats = s.seats(&id).unwrap();
    assert!(seats.iter().all(|x| x.closed_ms.is_some()), "{seats:?}");
    assert_eq!(seats.iter().find(|x| x.dossier_id == SEATED[1]).unwrap().result.as_deref(), Some("absent"));
    assert!(dossier_text(&ws, SEATED[0]).contains(&format!("sitting: {id}")));
    assert!(
        !dossier_text(&ws, SEATED[1]).contains(&format!("sitting: {id}")),
        "an absent candidate gets no result"
    );
}

#[test]
fn rescore_rebuilds_each_result_from_the_answers_kept_and_finds_a_changed_one() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    let (id, codes) = sitting(&ws, &evaluator, &SEATED);
    let (_, seat) = seat_login(&ws, &codes[0]);
    let (body, csrf) = page(&ws, &seat);
    for number in 1..=questions(&body) {
        answer(&ws, &seat, &csrf, number, if number % 2 == 0 { "A" } else { "B" });
    }
    post_with_token(&ws, "/quiz/epreuve/terminer", &seat, &csrf);
    let board_csrf = hidden(&ws.send("GET", &format!("/seances/{id}"), &evaluator, None).body, "csrf");
    ws.send("POST", &format!("/seances/{id}/clore"), &evaluator, Some(&[("csrf", &board_csrf)]));
    let rescore = |args: &[&str]| {
        crate::common::run_cmd(
            crate::common::cqpt().args(["quiz", "rescore", "--store"]).arg(&ws.store).arg(&id).args(args),
        )
    };
    let same = rescore(&[]);
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(
        same.stdout.contains(&format!("== {}: the same as the result written at closing", SEATED[0])),
        "{}",
        same.stdout
    );
    assert!(same.stdout.contains(&format!("== {}: absent", SEATED[1])), "{}", same.stdout);
    // An answer changed behind the server's back: the rebuilt result differs, and says so.
    let conn = rusqlite::Connection::open(&ws.store).unwrap();
    conn.execute("UPDATE quiz_answers SET given = 'C' WHERE number = 1 AND dossier_id = ?1", [SEATED[0]])
        .unwrap();
    drop(conn);
    let differs = rescore(&[SEATED[0]]);
    assert_eq!(differs.code, 1, "{}{}", differs.stdout, differs.stderr);
    assert!(differs.stdout.contains("DIFFERS from the result written at closing"), "{}", differs.stdout);
    assert!(!differs.stdout.contains(SEATED[1]), "one dossier only");
    let unknown = crate::common::run_cmd(
        crate::common::cqpt().args(["quiz", "rescore", "--store"]).arg(&ws.store).arg("S-INCONNUE"),
    );
    assert_ne!(unknown.code, 0);
    assert!(unknown.stderr.contains("no sitting `S-INCONNUE`"), "{}", unknown.stderr);
}
