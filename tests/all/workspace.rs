//! The workspace (`cqpt serve`) through its router, in process, with a fake clock: login and its
//! throttling, sessions, CSRF, the role guards and the evaluator's scope, AUVICOM's desk from an
//! application to its assignment, and what never appears in an answer (passwords). The same
//! router the server serves; no network, no sleep.

use crate::store::FakeClock;
use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use cqpt::server::{AppState, demo, router};
use cqpt::source::DataSource;
use cqpt::store::{SqliteStore, Store};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use tower::ServiceExt;

/// 2026-11-30T09:00:00Z.
const NOW: i64 = 1_796_029_200_000;

/// A workspace over a scratch store with the examples and one account per role.
pub struct Ws {
    app: Router,
    /// The server's state (for what the server runs besides requests: the quiz's ticks).
    pub state: Arc<AppState>,
    /// The fake clock.
    pub clock: Arc<FakeClock>,
    /// Login → password.
    pub passwords: BTreeMap<String, String>,
    /// The store file.
    pub store: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// An answer: status, `Set-Cookie` values, `Location`, body.
pub struct Answer {
    pub status: StatusCode,
    pub cookies: Vec<String>,
    pub location: String,
    pub body: String,
}

impl Ws {
    pub fn new() -> Ws {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("cqpt.sqlite");
        let clock = Arc::new(FakeClock(AtomicI64::new(NOW), AtomicI64::new(0)));
        let state = AppState::new(DataSource::Embedded, store.clone(), clock.clone(), false).unwrap();
        let mut s = SqliteStore::open(&store, clock.clone()).unwrap();
        let (n, accounts) = demo::fill(
            &mut s,
            &crate::common::root().join("examples/dossiers"),
            &state.library,
            &state.policy,
        )
        .unwrap();
        assert!(n >= 29, "{n} examples imported");
        let passwords = accounts.iter().map(|a| (a.login.clone(), a.password.expose().to_string())).collect();
        let state = Arc::new(state);
        let app = router(state.clone()).layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 1], 4000))));
        Ws { app, state, clock, passwords, store, _dir: dir }
    }

    /// Moves the fake clocks on (the wall clock and the monotonic one).
    pub fn advance_ms(&self, ms: i64) {
        self.clock.advance(ms);
    }

    /// One request; `cookie` as a `Cookie` header, `form` as an urlencoded body.
    pub fn send(&self, method: &str, path: &str, cookie: &str, form: Option<&[(&str, &str)]>) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        if !cookie.is_empty() {
            req = req.header(header::COOKIE, cookie);
        }
        let body = match form {
            Some(pairs) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(serde_urlencoded::to_string(pairs).unwrap())
            }
            None => Body::empty(),
        };
        self.call(req.body(body).unwrap())
    }

    /// One request through the router: its answer, the body read whole.
    pub fn call(&self, req: Request<Body>) -> Answer {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let res = self.app.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let cookies = res
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .collect();
            let location = res
                .headers()
                .get(header::LOCATION)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
            Answer { status, cookies, location, body: String::from_utf8_lossy(&bytes).into_owned() }
        })
    }

    /// A multipart upload of one file in the field `fichier`.
    pub fn upload(&self, path: &str, cookie: &str, name: &str, bytes: &[u8]) -> Answer {
        let boundary = "cqpt-test-boundary-7d1e";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.call(req)
    }

    /// Logs `login` in with `password`: the answer and the session cookie (`name=value`).
    pub fn try_login(&self, login: &str, password: &str) -> (Answer, String) {
        let page = self.send("GET", "/connexion", "", None);
        let bound = cookie_pair(&page.cookies, "cqpt_login");
        let csrf = hidden(&page.body, "csrf");
        let answer = self.send(
            "POST",
            "/connexion",
            &bound,
            Some(&[("login", login), ("password", password), ("csrf", &csrf)]),
        );
        let session = cookie_pair(&answer.cookies, "cqpt_session");
        (answer, session)
    }

    /// Logs a demo account in: its session cookie.
    pub fn login(&self, login: &str) -> String {
        let (answer, session) = self.try_login(login, &self.passwords[login]);
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        assert!(session.len() > "cqpt_session=".len(), "{:?}", answer.cookies);
        session
    }

    /// The CSRF token of a session, read from a page it sees.
    pub fn csrf(&self, session: &str) -> String {
        hidden(&self.send("GET", "/dossiers", session, None).body, "csrf")
    }
}

/// `name=value` of the cookie `name` among `Set-Cookie` values (empty when absent).
pub fn cookie_pair(cookies: &[String], name: &str) -> String {
    cookies
        .iter()
        .filter_map(|c| c.split(';').next())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_default()
        .to_string()
}

/// The value of the first hidden input `name` of a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in:\n{page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

#[test]
fn pages_need_a_session_and_say_so() {
    let ws = Ws::new();
    let page = ws.send("GET", "/auvicom", "", None);
    assert_eq!((page.status, page.location.as_str()), (StatusCode::SEE_OTHER, "/connexion"));
    let post = ws.send("POST", "/auvicom/dossiers/23-funding-phase-1-recevable-only/lettre", "", Some(&[]));
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
    let forged = ws.send("GET", "/auvicom", "cqpt_session=0123456789abcdef", None);
    assert_eq!(forged.status, StatusCode::SEE_OTHER, "an unknown token is no session");
    let login = ws.send("GET", "/connexion", "", None);
    for header in ["content-security-policy", "x-frame-options", "x-content-type-options"] {
        assert!(login.status.is_success(), "{header}");
    }
}

#[test]
fn cookies_are_http_only_strict_and_renewed_at_every_login() {
    let ws = Ws::new();
    let (answer, first) = ws.try_login("auvicom", &ws.passwords["auvicom"].clone());
    let set = answer.cookies.iter().find(|c| c.starts_with("cqpt_session=")).unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
    assert!(!set.contains("Secure"), "plain HTTP here; --secure-cookies sets it");
    let second = ws.login("auvicom");
    assert_ne!(first, second, "a new token at every login");
    // Logging out ends that session only.
    let csrf = ws.csrf(&second);
    assert_eq!(
        ws.send("POST", "/deconnexion", &second, Some(&[("csrf", &csrf)])).status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(ws.send("GET", "/auvicom", &second, None).status, StatusCode::SEE_OTHER);
    assert_eq!(ws.send("GET", "/auvicom", &first, None).status, StatusCode::OK);
    // A session expires after its working day.
    ws.advance_ms(cqpt::server::auth::SESSION_MS + 1);
    assert_eq!(ws.send("GET", "/auvicom", &first, None).status, StatusCode::SEE_OTHER);
}

#[test]
fn a_wrong_password_and_an_unknown_login_get_the_same_answer_and_throttling_holds() {
    let ws = Ws::new();
    let (wrong, _) = ws.try_login("auvicom", "pas le bon mot de passe");
    let (unknown, _) = ws.try_login("personne", "pas le bon mot de passe");
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.body.contains("Identifiant ou mot de passe incorrect"));
    assert_eq!(unknown.body.replace("personne", "auvicom").len(), wrong.body.len());
    // 5 failures of one account in 15 minutes: the right password is refused too.
    for _ in 0..4 {
        ws.try_login("auvicom", "encore faux");
    }
    let (throttled, session) = ws.try_login("auvicom", &ws.passwords["auvicom"].clone());
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS, "{}", throttled.body);
    assert!(session.is_empty() || session == "cqpt_session=");
    assert!(throttled.body.contains("réessayez dans 15 minute(s)"), "{}", throttled.body);
    // Once the oldest failure leaves the window, it opens again.
    ws.advance_ms(accounts_window() + 1);
    ws.login("auvicom");
}

fn accounts_window() -> i64 {
    cqpt::accounts::THROTTLE.window_ms
}

#[test]
fn a_change_without_the_sessions_csrf_token_is_refused() {
    let ws = Ws::new();
    let officer = ws.login("auvicom");
    let other = ws.login("admin");
    let path = "/auvicom/dossiers/23-funding-phase-1-recevable-only/lettre";
    assert_eq!(ws.send("POST", path, &officer, Some(&[])).status, StatusCode::FORBIDDEN, "no token");
    let theirs = ws.csrf(&other);
    assert_eq!(
        ws.send("POST", path, &officer, Some(&[("csrf", &theirs)])).status,
        StatusCode::FORBIDDEN,
        "another session's token"
    );
    let mine = ws.csrf(&officer);
    assert_eq!(ws.send("POST", path, &officer, Some(&[("csrf", &mine)])).status, StatusCode::SEE_OTHER);
}

#[test]
fn each_role_sees_its_desk_and_an_evaluator_only_their_bodys_dossiers() {
    let ws = Ws::new();
    let evaluator = ws.login("evaluateur");
    assert_eq!(ws.send("GET", "/auvicom", &evaluator, None).status, StatusCode::FORBIDDEN);
    let csrf = ws.csrf(&evaluator);
    let decide = "/auvicom/dossiers/23-funding-phase-1-recevable-only/lettre";
    assert_eq!(ws.send("POST", decide, &evaluator, Some(&[("csrf", &csrf)])).status, StatusCode::FORBIDDEN);
    // The demo's evaluator works for the body with most dossiers; a dossier of another body is
    // out of reach, even by its address.
    let store = SqliteStore::open(&ws.store, crate::store::clock()).unwrap();
    let dossiers = store.dossiers().unwrap();
    let body = ws_body(&store, "evaluateur");
    let mine = dossiers.iter().find(|d| d.body.as_deref() == Some(body.as_str())).unwrap();
    let theirs =
        dossiers.iter().find(|d| d.body.is_some() && d.body.as_deref() != Some(body.as_str())).unwrap();
    assert_eq!(ws.send("GET", &format!("/dossiers/{}", mine.id), &evaluator, None).status, StatusCode::OK);
    let refused = ws.send("GET", &format!("/dossiers/{}", theirs.id), &evaluator, None);
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains(theirs.candidate_name.as_deref().unwrap()), "nothing of it shown");
    // Their list holds their body's dossiers only.
    let list = ws.send("GET", "/dossiers", &evaluator, None).body;
    assert!(list.contains(&mine.id) && !list.contains(&theirs.id));
    // A candidate has no staff page; the commission sees every dossier, and no desk of AUVICOM.
    let candidate = ws.login("candidat");
    assert_eq!(ws.send("GET", "/dossiers", &candidate, None).status, StatusCode::FORBIDDEN);
    let member = ws.login("commission");
    assert_eq!(ws.send("GET", &format!("/dossiers/{}", theirs.id), &member, None).status, StatusCode::OK);
    assert_eq!(ws.send("GET", "/auvicom", &member, None).status, StatusCode::FORBIDDEN);
}

fn ws_body(store: &SqliteStore, login: &str) -> String {
    store.user(login).unwrap().unwrap().body.unwrap()
}

#[test]
fn the_officer_records_an_application_decides_and_assigns_it_and_the_registry_keeps_each_step() {
    let ws = Ws::new();
    let officer = ws.login("auvicom");
    let csrf = ws.csrf(&officer);
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("candidate_id", "CQ-2026-0900"),
        ("family_name", "Lefèvre"),
        ("given_name", "Anaïs"),
        ("certificate", "distance"),
        ("route", "plan-de-formation"),
        ("submitted", "2026-11-20"),
        ("employment.0.employer", "Norvia Télécom SA"),
        ("employment.0.in_branch", "on"),
        ("employment.0.contract", "cdi"),
        ("employment.0.related", "on"),
        ("employment.0.start", "2022-01-03"),
        ("employment.0.hours", "douze"),
        ("documents.0.kind", "contrat-de-travail"),
        ("documents.0.date", "2022-01-03"),
        ("documents.1.kind", "attestation-sur-honneur"),
        ("documents.1.date", "2026-11-18"),
        ("documents.2.kind", "bulletin-de-paie"),
        ("documents.2.date", "2026-10-31"),
    ];
    // A refused value: the form comes back as typed, the field named, in French.
    let refused = ws.send("POST", "/auvicom/demandes/nouvelle", &officer, Some(&form));
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Heures") && refused.body.contains("douze"), "{}", refused.body);
    assert!(refused.body.contains("value=\"Lefèvre\"") && refused.body.contains("value=\"douze\""));
    assert!(refused.body.contains("href=\"#f-employment.0.hours\""));
    form.retain(|(k, _)| *k != "employment.0.hours");
    form.push(("employment.0.hours", "6400"));
    let created = ws.send("POST", "/auvicom/demandes/nouvelle", &officer, Some(&form));
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location, "/dossiers/CQ-2026-0900?fait=demande");
    let page = ws.send("GET", "/dossiers/CQ-2026-0900", &officer, None).body;
    assert!(page.contains("la demande est recevable") && page.contains("Enregistrer la décision"), "{page}");
    // Decide: the date is the server's, the letter is stored with the dossier.
    let decided =
        ws.send("POST", "/auvicom/dossiers/CQ-2026-0900/recevabilite", &officer, Some(&[("csrf", &csrf)]));
    assert_eq!(decided.status, StatusCode::SEE_OTHER);
    let page = ws.send("GET", "/dossiers/CQ-2026-0900?fait=decision", &officer, None).body;
    assert!(
        page.replace('\u{a0}', " ").contains("Décision de recevabilité</dt><dd>le 30 novembre 2026"),
        "{page}"
    );
    let letter =
        page.split("href=\"/dossiers/CQ-2026-0900/documents/").nth(1).unwrap().split('"').next().unwrap();
    let pdf = ws.send("GET", &format!("/dossiers/CQ-2026-0900/documents/{letter}"), &officer, None);
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF"));
    // Deciding twice changes nothing.
    ws.send("POST", "/auvicom/dossiers/CQ-2026-0900/recevabilite", &officer, Some(&[("csrf", &csrf)]));
    // Assign to a body accredited today.
    let assigned = ws.send(
        "POST",
        "/auvicom/dossiers/CQ-2026-0900/organisme",
        &officer,
        Some(&[("csrf", &csrf), ("organisme", "OE-042")]),
    );
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    let page = ws.send("GET", "/dossiers/CQ-2026-0900", &officer, None).body;
    assert!(page.contains("Evalia Conseil (OE-042)") && page.contains("confié à un organisme"), "{page}");
    // The registry holds each step, by the officer, and the chain verifies.
    let store = SqliteStore::open(&ws.store, crate::store::clock()).unwrap();
    let steps: Vec<(String, String)> = store
        .registry_of("dossier:CQ-2026-0900")
        .unwrap()
        .into_iter()
        .map(|e| (e.change.actor, e.change.action))
        .collect();
    let expected = [
        ("auvicom", "dossier.import"),
        ("auvicom", "dossier.update"),
        ("auvicom", "document.produce"),
        ("auvicom", "dossier.update"),
    ];
    assert_eq!(steps, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    assert!(store.verify_registry().unwrap() > 0);
}

#[test]
fn a_body_whose_accreditation_has_lapsed_is_not_assigned() {
    let ws = Ws::new();
    let officer = ws.login("auvicom");
    let csrf = ws.csrf(&officer);
    // OE-023's only accreditation (example 15) is older than two years.
    let refused = ws.send(
        "POST",
        "/auvicom/dossiers/23-funding-phase-1-recevable-only/organisme",
        &officer,
        Some(&[("csrf", &csrf), ("organisme", "OE-023")]),
    );
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("habilité"), "{}", refused.body);
    let unknown = ws.send(
        "POST",
        "/auvicom/dossiers/23-funding-phase-1-recevable-only/organisme",
        &officer,
        Some(&[("csrf", &csrf), ("organisme", "OE-999")]),
    );
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

#[test]
fn passwords_never_appear_in_answers_nor_in_the_store() {
    let ws = Ws::new();
    let mut seen = String::new();
    for login in ["admin", "auvicom", "evaluateur", "commission"] {
        let session = ws.login(login);
        for path in ["/", "/dossiers", "/auvicom", "/dossiers/01-distance-attribution"] {
            seen.push_str(&ws.send("GET", path, &session, None).body);
        }
    }
    let (wrong, _) = ws.try_login("auvicom", "mauvais-mot-de-passe-42");
    seen.push_str(&wrong.body);
    assert!(!seen.contains("mauvais-mot-de-passe-42"), "a typed password is never shown back");
    let store_bytes = std::fs::read(&ws.store).unwrap();
    let wal = std::fs::read(ws.store.with_extension("sqlite-wal")).unwrap_or_default();
    for password in ws.passwords.values() {
        assert!(!seen.contains(password.as_str()));
        for bytes in [&store_bytes, &wal] {
            assert!(
                !bytes.windows(password.len()).any(|w| w == password.as_bytes()),
                "a password in the store"
            );
        }
    }
}

#[test]
fn pieces_are_kept_with_their_type_checked_and_served_only_to_who_may_see_the_dossier() {
    let ws = Ws::new();
    let officer = ws.login("auvicom");
    let csrf = ws.csrf(&officer);
    let id = "05-non-recevable-route-not-admitted";
    let path = format!("/auvicom/dossiers/{id}/fichiers?csrf={csrf}");
    // Without the token, refused.
    let forged =
        ws.upload(&format!("/auvicom/dossiers/{id}/fichiers"), &officer, "contrat.pdf", b"%PDF-1.7 x");
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A text file named .pdf is not a PDF.
    let fake = ws.upload(&path, &officer, "contrat.pdf", b"<script>alert(1)</script>");
    assert_eq!(fake.status, StatusCode::BAD_REQUEST);
    assert!(fake.body.contains("n&#39;est ni un PDF") || fake.body.contains("ni un PDF"), "{}", fake.body);
    let pdf = b"%PDF-1.7\n% contrat de travail\n%%EOF\n";
    let kept = ws.upload(&path, &officer, "contrat de travail.pdf", pdf);
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    let page = ws.send("GET", &format!("/dossiers/{id}"), &officer, None).body;
    let href =
        page.split(&format!("href=\"/dossiers/{id}/fichiers/")).nth(1).unwrap().split('"').next().unwrap();
    let url = format!("/dossiers/{id}/fichiers/{href}");
    let got = ws.send("GET", &url, &officer, None);
    assert_eq!((got.status, got.body.as_bytes()), (StatusCode::OK, &pdf[..]));
    // An evaluator (this dossier has no body) cannot fetch it, even by its address.
    let evaluator = ws.login("evaluateur");
    assert_eq!(ws.send("GET", &url, &evaluator, None).status, StatusCode::FORBIDDEN);
    // The file of one dossier is not served under another's address.
    let elsewhere = url.replace(id, "01-distance-attribution");
    assert_eq!(ws.send("GET", &elsewhere, &officer, None).status, StatusCode::NOT_FOUND);
}

#[test]
fn a_file_over_the_limit_is_refused_and_nothing_is_kept() {
    let ws = Ws::new();
    let officer = ws.login("auvicom");
    let csrf = ws.csrf(&officer);
    let id = "05-non-recevable-route-not-admitted";
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(cqpt::store::MAX_FILE_BYTES + 1, b'x');
    let refused =
        ws.upload(&format!("/auvicom/dossiers/{id}/fichiers?csrf={csrf}"), &officer, "scan.pdf", &big);
    assert!(refused.status.is_client_error(), "{}", refused.status);
    let store = SqliteStore::open(&ws.store, crate::store::clock()).unwrap();
    assert!(store.files(id).unwrap().is_empty());
}

#[test]
fn the_administrator_creates_an_account_whose_one_time_password_is_shown_once_and_can_disable_it() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let csrf = ws.csrf(&admin);
    let officer = ws.login("auvicom");
    assert_eq!(ws.send("GET", "/admin/comptes", &officer, None).status, StatusCode::FORBIDDEN);
    // An evaluator needs a body.
    let form = |body: &'static str| -> Vec<(&str, &str)> {
        vec![
            ("csrf", &csrf),
            ("login", "m.durand"),
            ("name", "Marie Durand"),
            ("role", "evaluator"),
            ("body", body),
        ]
    };
    let refused = ws.send("POST", "/admin/comptes", &admin, Some(&form("")));
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("un évaluateur appartient à un organisme"), "{}", refused.body);
    let ok = form("OE-042");
    let created = ws.send("POST", "/admin/comptes", &admin, Some(&ok));
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
    assert!(password.len() >= 12);
    // Shown once: the list does not show it again.
    assert!(!ws.send("GET", "/admin/comptes", &admin, None).body.contains(&password));
    // The same login again is refused.
    assert_eq!(ws.send("POST", "/admin/comptes", &admin, Some(&ok)).status, StatusCode::UNPROCESSABLE_ENTITY);
    let (logged, session) = ws.try_login("m.durand", &password);
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ws.send("GET", "/dossiers/01-distance-attribution", &session, None).status,
        StatusCode::OK,
        "OE-042's dossier"
    );
    // Disabled: their session ends and they cannot log in.
    let off = ws.send("POST", "/admin/comptes/m.durand/desactiver", &admin, Some(&[("csrf", &csrf)]));
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(ws.send("GET", "/dossiers", &session, None).status, StatusCode::SEE_OTHER);
    assert_eq!(ws.try_login("m.durand", &password).0.status, StatusCode::OK, "back to the login page");
}
