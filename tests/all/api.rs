//! The JSON API (`/api/v1/…`) through the workspace's router, in process, with the fake clock:
//! tokens (issued once, kept hashed, revoked, expired, of a disabled account, throttled), the
//! scopes of the pages, problem details everywhere, and the `OpenAPI` document: every route of
//! the router is in it and nothing else, and the server's answers validate against its schemas.

use crate::workspace::{Answer, Ws};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cqpt::server::api::{self, DOCUMENT_ROUTE, ROUTES};
use cqpt::store::SqliteStore;
use serde_json::{Value, json};

/// Issues a token for `login` through the administrator's page: the token shown.
fn issue_by_page(ws: &Ws, admin: &str, login: &str, days: &str) -> String {
    let csrf = ws.csrf(admin);
    let page = ws.send(
        "POST",
        "/admin/jetons",
        admin,
        Some(&[("csrf", &csrf), ("login", login), ("label", "outil de test"), ("jours", days)]),
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let start =
        page.body.find("<code id=\"jeton\">").expect("the token is shown") + "<code id=\"jeton\">".len();
    page.body[start..].split('<').next().unwrap().to_string()
}

/// Issues a token for `login` straight in the store (a day).
fn token(ws: &Ws, login: &str) -> String {
    let mut s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let now = cqpt::clock::Clock::now_ms(ws.clock.as_ref());
    api::tokens_page::issue(&mut s, "test", login, "test", 1, now).unwrap().1.expose().to_string()
}

/// `GET path` with `Authorization: Bearer token` (no header when `token` is empty).
fn get(ws: &Ws, path: &str, token: &str) -> Answer {
    let mut req = Request::builder().method("GET").uri(path);
    if !token.is_empty() {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    ws.call(req.body(Body::empty()).unwrap())
}

fn json_of(a: &Answer) -> Value {
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

/// Asserts a problem of `status` (a JSON object with type, title, status, detail).
fn assert_problem(a: &Answer, status: StatusCode) -> Value {
    assert_eq!(a.status, status, "{}", a.body);
    let p = json_of(a);
    assert_eq!(p["status"], json!(status.as_u16()), "{p}");
    assert_eq!(p["type"], "about:blank");
    assert!(p["title"].is_string() && p["detail"].is_string(), "{p}");
    p
}

#[test]
fn a_token_is_shown_once_kept_hashed_and_acts_as_its_account() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let token = issue_by_page(&ws, &admin, "evaluateur", "30");
    assert!(token.starts_with("cqpt_") && token.len() == 5 + 64, "{token}");
    // Shown once: the list shows the token's label and account, never the token.
    let list = ws.send("GET", "/admin/jetons", &admin, None);
    assert!(list.body.contains("outil de test") && list.body.contains("evaluateur"), "{}", list.body);
    assert!(!list.body.contains(&token) && list.body.contains("jamais"));
    // Kept as its SHA-256 only, nowhere in clear in the store.
    let conn = rusqlite::Connection::open(&ws.store).unwrap();
    let stored: Vec<u8> = conn.query_row("SELECT token_hash FROM api_tokens", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, cqpt::registry::sha256(token.as_bytes()).to_vec());
    drop(conn);
    let bytes = std::fs::read(&ws.store).unwrap();
    let wal = std::fs::read(ws.store.with_extension("sqlite-wal")).unwrap_or_default();
    for b in [&bytes, &wal] {
        assert!(!b.windows(token.len()).any(|w| w == token.as_bytes()), "the token is in the store");
    }
    // It acts as its account.
    let me = get(&ws, "/api/v1/compte", &token);
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    let me = json_of(&me);
    assert_eq!((me["login"].as_str(), me["role"].as_str()), (Some("evaluateur"), Some("evaluator")));
    // The issue is in the registry, and the last use on the page.
    let s = SqliteStore::open(&ws.store, ws.clock.clone()).unwrap();
    let registry = cqpt::store::Store::registry(&s).unwrap();
    assert!(registry.iter().any(|e| e.change.action == "api-token.issue" && e.change.actor == "admin"));
    assert!(!ws.send("GET", "/admin/jetons", &admin, None).body.contains("jamais"));
    // Only administrators issue tokens.
    let officer = ws.login("auvicom");
    let csrf = ws.csrf(&officer);
    let refused = ws.send(
        "POST",
        "/admin/jetons",
        &officer,
        Some(&[("csrf", &csrf), ("login", "auvicom"), ("label", "x"), ("jours", "1")]),
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[test]
fn a_revoked_an_expired_a_missing_or_a_disabled_accounts_token_is_a_401() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let none = get(&ws, "/api/v1/compte", "");
    let p = assert_problem(&none, StatusCode::UNAUTHORIZED);
    assert!(p["detail"].as_str().unwrap().contains("Bearer"));
    let forged = get(&ws, "/api/v1/compte", &format!("cqpt_{}", "0".repeat(64)));
    assert_problem(&forged, StatusCode::UNAUTHORIZED);
    // A login session is no API token.
    let with_cookie = ws.send("GET", "/api/v1/compte", &admin, None);
    assert_problem(&with_cookie, StatusCode::UNAUTHORIZED);

    let revoked = issue_by_page(&ws, &admin, "commission", "1");
    assert_eq!(get(&ws, "/api/v1/dossiers", &revoked).status, StatusCode::OK);
    let csrf = ws.csrf(&admin);
    let done = ws.send("POST", "/admin/jetons/1/revoquer", &admin, Some(&[("csrf", &csrf)]));
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_problem(&get(&ws, "/api/v1/dossiers", &revoked), StatusCode::UNAUTHORIZED);
    assert!(ws.send("GET", "/admin/jetons", &admin, None).body.contains("révoqué"));

    // Expired: a day later to the millisecond.
    let short = token(&ws, "auvicom");
    ws.advance_ms(86_400_000 - 1);
    assert_eq!(get(&ws, "/api/v1/compte", &short).status, StatusCode::OK);
    ws.advance_ms(1);
    assert_problem(&get(&ws, "/api/v1/compte", &short), StatusCode::UNAUTHORIZED);

    // A disabled account's token is refused, and works again once the account is enabled.
    let evaluator = token(&ws, "evaluateur");
    let admin = ws.login("admin");
    let csrf = ws.csrf(&admin);
    ws.send("POST", "/admin/comptes/evaluateur/desactiver", &admin, Some(&[("csrf", &csrf)]));
    assert_problem(&get(&ws, "/api/v1/compte", &evaluator), StatusCode::UNAUTHORIZED);
    ws.send("POST", "/admin/comptes/evaluateur/activer", &admin, Some(&[("csrf", &csrf)]));
    assert_eq!(get(&ws, "/api/v1/compte", &evaluator).status, StatusCode::OK);
}

#[test]
fn the_401_says_bearer_and_refused_tokens_are_throttled_per_address() {
    let ws = Ws::new();
    let good = token(&ws, "commission");
    let req = Request::builder().uri("/api/v1/compte").header(header::AUTHORIZATION, "Bearer faux");
    let a = ws.call(req.body(Body::empty()).unwrap());
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let app = cqpt::server::router(ws.state.clone()).layer(axum::extract::connect_info::MockConnectInfo(
        std::net::SocketAddr::from(([192, 0, 2, 1], 4000)),
    ));
    let answer = |auth: &str| {
        let req = Request::builder().uri("/api/v1/compte").header(header::AUTHORIZATION, auth);
        rt.block_on(tower::ServiceExt::oneshot(app.clone(), req.body(Body::empty()).unwrap())).unwrap()
    };
    let first = answer("Bearer faux");
    assert_eq!(first.headers()[header::WWW_AUTHENTICATE], "Bearer realm=\"cqpt\", error=\"invalid_token\"");
    assert_eq!(first.headers()[header::CONTENT_TYPE], "application/problem+json");
    // 20 refused tokens from one address in 15 minutes (the first request above and this one
    // counted): then even a good token waits.
    for _ in 0..18 {
        assert_eq!(answer("Bearer faux").status(), StatusCode::UNAUTHORIZED);
    }
    let throttled = answer(&format!("Bearer {good}"));
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = throttled.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    ws.advance_ms(cqpt::accounts::THROTTLE.window_ms + 1);
    assert_eq!(answer(&format!("Bearer {good}")).status(), StatusCode::OK);
    // A request without a token is no attempt: it is never counted.
    let missing = get(&ws, "/api/v1/compte", "");
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
}

#[test]
fn an_evaluators_token_sees_their_bodys_dossiers_only_and_a_candidates_nothing_staff_only() {
    let ws = Ws::new();
    let evaluator = token(&ws, "evaluateur");
    let body = json_of(&get(&ws, "/api/v1/compte", &evaluator))["body"].as_str().unwrap().to_string();
    let list = json_of(&get(&ws, "/api/v1/dossiers?par_page=500", &evaluator));
    let rows = list["items"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["body"] == json!(body)), "{list}");
    // Another body's dossier: 403, as on the pages; its history too.
    let all = json_of(&get(&ws, "/api/v1/dossiers?par_page=500", &token(&ws, "commission")));
    let other = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["body"] != json!(body))
        .map(|r| r["id"].as_str().unwrap().to_string())
        .expect("a dossier of another body or of none");
    assert_problem(&get(&ws, &format!("/api/v1/dossiers/{other}"), &evaluator), StatusCode::FORBIDDEN);
    assert_problem(
        &get(&ws, &format!("/api/v1/dossiers/{other}/historique"), &evaluator),
        StatusCode::FORBIDDEN,
    );
    let mine = rows[0]["id"].as_str().unwrap();
    assert_eq!(get(&ws, &format!("/api/v1/dossiers/{mine}"), &evaluator).status, StatusCode::OK);
    let decisions = json_of(&get(&ws, "/api/v1/decisions?par_page=500", &evaluator));
    let bodies_of_decided: Vec<&Value> = decisions["items"].as_array().unwrap().iter().collect();
    for d in bodies_of_decided {
        let id = d["dossier"].as_str().unwrap();
        assert!(rows.iter().any(|r| r["id"] == json!(id)) || list["total"].as_u64().unwrap() > 500, "{id}");
    }
    assert_problem(&get(&ws, "/api/v1/dossiers/pas-de-tel-dossier", &evaluator), StatusCode::NOT_FOUND);

    let candidate = token(&ws, "candidat");
    assert_eq!(get(&ws, "/api/v1/compte", &candidate).status, StatusCode::OK);
    for path in [
        "/api/v1/dossiers",
        "/api/v1/decisions",
        &format!("/api/v1/dossiers/{mine}"),
        &format!("/api/v1/dossiers/{mine}/historique"),
    ] {
        assert_problem(&get(&ws, path, &candidate), StatusCode::FORBIDDEN);
    }
}

#[test]
fn refused_parameters_and_unknown_addresses_are_problems_naming_the_field() {
    let ws = Ws::new();
    let t = token(&ws, "admin");
    for (path, field) in [
        ("/api/v1/dossiers?page=0", "page"),
        ("/api/v1/dossiers?page=abc", "page"),
        ("/api/v1/dossiers?par_page=501", "par_page"),
        ("/api/v1/dossiers?etat=perdu", "etat"),
        ("/api/v1/dossiers?certificat=inconnu", "certificat"),
        ("/api/v1/dossiers?page=1&page=2", "page"),
        ("/api/v1/decisions?since=2026-02-30", "since"),
        ("/api/v1/decisions?since=+2026-01-01", "since"),
    ] {
        let p = assert_problem(&get(&ws, path, &t), StatusCode::BAD_REQUEST);
        assert_eq!(p["errors"][0]["field"], json!(field), "{path}: {p}");
    }
    let long = format!("/api/v1/dossiers?q={}", "a".repeat(201));
    assert_problem(&get(&ws, &long, &t), StatusCode::BAD_REQUEST);
    assert_problem(&get(&ws, "/api/v1/nulle-part", &t), StatusCode::NOT_FOUND);
    let delete = ws.call(
        Request::builder()
            .method("DELETE")
            .uri("/api/v1/dossiers")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap(),
    );
    assert_problem(&delete, StatusCode::METHOD_NOT_ALLOWED);
}

#[test]
fn a_malformed_json_body_is_a_400_naming_the_field() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Preuve {
        item: String,
        niveau: u8,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        preuves: Vec<Preuve>,
    }
    let p = api::problem::parse_json::<Body>(br#"{"preuves": [{"item": "a", "niveau": 9000}]}"#).unwrap_err();
    assert_eq!(p.status, 400);
    assert_eq!(p.errors[0].field, "preuves[0].niveau", "{p:?}");
    let p = api::problem::parse_json::<Body>(b"{\"preuves\": [").unwrap_err();
    assert_eq!(p.status, 400, "{p:?}");
    let p = api::problem::parse_json::<Body>(b"{\"preuves\": []} trailing").unwrap_err();
    assert_eq!(p.status, 400, "{p:?}");
    assert!(api::problem::parse_json::<Body>(br#"{"preuves": []}"#).is_ok());
}

/// The (method, path) pairs of the document.
fn documented(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.push((method.clone(), path.clone()));
        }
    }
    out.sort();
    out
}

#[test]
fn every_route_is_in_the_document_and_nothing_else() {
    let doc = api::openapi();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut routes: Vec<(String, String)> =
        ROUTES.iter().map(|(m, p)| ((*m).to_string(), (*p).to_string())).collect();
    routes.push(("get".into(), DOCUMENT_ROUTE.into()));
    routes.sort();
    assert_eq!(documented(doc), routes);
    // Every operation but the document's needs the token, and says what a 401 is.
    for (method, path) in documented(doc) {
        let op = &doc["paths"][&path][&method];
        if path == DOCUMENT_ROUTE {
            assert_eq!(op["security"], json!([]));
        } else {
            assert!(op["responses"]["401"].is_object(), "{method} {path}");
            assert!(op["security"].is_null(), "{method} {path}: the global bearer scheme applies");
        }
    }
    assert_eq!(doc["components"]["securitySchemes"]["jeton"]["scheme"], "bearer");
    // The states of the document are the store's.
    let states: Vec<String> = doc["components"]["schemas"]["DossierState"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, cqpt::store::DOSSIER_STATES);
}

/// A validator of the schema of `method path`'s `status` answer in `media`.
fn validator(doc: &Value, method: &str, path: &str, status: u16, media: &str) -> jsonschema::Validator {
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1").replace('{', "%7B").replace('}', "%7D");
    let mut pointer = format!("/paths/{}/{method}/responses/{status}", escape(path));
    let unescaped = pointer.replace("%7B", "{").replace("%7D", "}");
    if let Some(r) = doc.pointer(&unescaped).and_then(|r| r["$ref"].as_str()) {
        pointer = r.trim_start_matches('#').to_string();
    }
    pointer = format!("{pointer}/content/{}/schema", escape(media));
    let plain = pointer.replace("%7B", "{").replace("%7D", "}");
    assert!(doc.pointer(&plain).is_some(), "{method} {path} {status} {media} is not documented");
    let mut root = doc.clone();
    root["$ref"] = json!(format!("#{pointer}"));
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    jsonschema::validator_for(&root).unwrap()
}

fn check(doc: &Value, answer: &Answer, method: &str, path: &str) {
    let media = if answer.status.is_success() { "application/json" } else { "application/problem+json" };
    let v = validator(doc, method, path, answer.status.as_u16(), media);
    let body = json_of(answer);
    let errors: Vec<String> = v.iter_errors(&body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {path} {}: {errors:#?}\n{body}", answer.status);
}

#[test]
fn the_servers_answers_validate_against_the_documents_schemas() {
    let ws = Ws::new();
    let doc = api::served_document(&ws.state);
    // The validators do refuse: a dossier without its fields, a problem with a stray field.
    let dossier_schema = validator(&doc, "get", "/api/v1/dossiers/{id}", 200, "application/json");
    assert!(!dossier_schema.is_valid(&json!({"id": "x"})));
    let problem_schema = validator(&doc, "get", "/api/v1/compte", 401, "application/problem+json");
    let p = json!({"type": "about:blank", "title": "t", "status": 401, "detail": "d"});
    assert!(problem_schema.is_valid(&p));
    let mut stray = p.clone();
    stray["secret"] = json!("x");
    assert!(!problem_schema.is_valid(&stray));
    let served = json_of(&get(&ws, DOCUMENT_ROUTE, ""));
    assert_eq!(served, doc, "the document served is the one checked");
    let certificates: Vec<String> = ws.state.library.certificates().map(|r| r.id.clone()).collect();
    assert_eq!(doc["components"]["parameters"]["certificat"]["schema"]["enum"], json!(certificates));
    let list_path = "/api/v1/dossiers";
    for login in ["admin", "auvicom", "evaluateur", "commission", "candidat"] {
        let t = token(&ws, login);
        check(&doc, &get(&ws, "/api/v1/compte", &t), "get", "/api/v1/compte");
        let list = get(&ws, "/api/v1/dossiers?par_page=500", &t);
        check(&doc, &list, "get", list_path);
        check(&doc, &get(&ws, "/api/v1/decisions?par_page=500", &t), "get", "/api/v1/decisions");
        check(&doc, &get(&ws, "/api/v1/decisions?since=2026-01-01", &t), "get", "/api/v1/decisions");
        check(&doc, &get(&ws, "/api/v1/dossiers?etat=decided&page=1", &t), "get", list_path);
        check(&doc, &get(&ws, "/api/v1/dossiers?page=0", &t), "get", list_path);
        check(&doc, &get(&ws, "/api/v1/dossiers/nulle-part", &t), "get", "/api/v1/dossiers/{id}");
        if list.status.is_success() {
            for row in json_of(&list)["items"].as_array().unwrap() {
                let id = row["id"].as_str().unwrap();
                check(&doc, &get(&ws, &format!("/api/v1/dossiers/{id}"), &t), "get", "/api/v1/dossiers/{id}");
                let history = format!("/api/v1/dossiers/{id}/historique");
                check(&doc, &get(&ws, &history, &t), "get", "/api/v1/dossiers/{id}/historique");
            }
        } else {
            let forbidden = get(&ws, "/api/v1/dossiers/01-distance-attribution", &t);
            check(&doc, &forbidden, "get", "/api/v1/dossiers/{id}");
        }
    }
    check(&doc, &get(&ws, "/api/v1/compte", ""), "get", "/api/v1/compte");
    // A decided dossier's decision and synthesis are there, as the engine gives them.
    let t = token(&ws, "commission");
    let decisions = json_of(&get(&ws, "/api/v1/decisions", &t));
    assert!(decisions["total"].as_u64().unwrap() > 0, "{decisions}");
    let first = &decisions["items"][0];
    let one = json_of(&get(&ws, &format!("/api/v1/dossiers/{}", first["dossier"].as_str().unwrap()), &t));
    assert_eq!(one["decision"], *first);
    assert_eq!(one["state"], "decided");
}

#[test]
fn no_secret_in_an_answer() {
    let ws = Ws::new();
    let t = token(&ws, "admin");
    let me = get(&ws, "/api/v1/compte", &t);
    assert!(!me.body.contains(&t) && !me.body.contains("argon2"), "{}", me.body);
    let hash = cqpt::registry::hex(&cqpt::registry::sha256(t.as_bytes()));
    for path in ["/api/v1/compte", "/api/v1/dossiers/01-distance-attribution/historique"] {
        let a = get(&ws, path, &t);
        assert!(!a.body.contains(&hash) && !a.body.contains(&t), "{path}: {}", a.body);
    }
}

/// `method path` with the token and a body of `content_type`.
fn send_body(ws: &Ws, method: &str, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    ws.call(req)
}

fn send_json(ws: &Ws, method: &str, path: &str, token: &str, body: &Value) -> Answer {
    send_body(ws, method, path, token, "application/json", serde_json::to_vec(body).unwrap())
}

/// A dossier of the evaluator's body with a piece of evidence: its id and an item it assesses.
fn evaluators_dossier(ws: &Ws, evaluator: &str) -> (String, String) {
    let list = json_of(&get(ws, "/api/v1/dossiers?par_page=500", evaluator));
    for row in list["items"].as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        let one = json_of(&get(ws, &format!("/api/v1/dossiers/{id}"), evaluator));
        if let Some(item) = one["dossier"]["preuves"][0]["assessments"][0]["item"].as_str() {
            return (id.to_string(), item.to_string());
        }
    }
    panic!("no dossier of the evaluator's body has a piece of evidence: {list}");
}

#[test]
fn an_evaluators_tool_pushes_evidence_and_levels_through_the_desks_path() {
    let ws = Ws::new();
    let evaluator = token(&ws, "evaluateur");
    let (id, item) = evaluators_dossier(&ws, &evaluator);
    let doc = api::served_document(&ws.state);
    let preuves = format!("/api/v1/dossiers/{id}/preuves");
    let piece = json!({
        "id": "api-1",
        "title": "Compte rendu d'appels",
        "kind": "description",
        "assessments": [{"item": item, "level": 3}]
    });
    let before = json_of(&get(&ws, &format!("/api/v1/dossiers/{id}/historique"), &evaluator))
        .as_array()
        .unwrap()
        .len();
    let done = send_json(&ws, "POST", &preuves, &evaluator, &piece);
    check(&doc, &done, "post", "/api/v1/dossiers/{id}/preuves");
    let after = json_of(&done);
    let pushed = after["dossier"]["preuves"].as_array().unwrap().iter().find(|p| p["id"] == "api-1").cloned();
    let pushed = pushed.unwrap_or_else(|| panic!("the piece is in the dossier: {after}"));
    assert_eq!(pushed["assessments"][0]["level"], json!(3));
    assert_eq!(pushed["assessments"][0]["by"], "Évaluatrice de l'organisme");
    let history = json_of(&get(&ws, &format!("/api/v1/dossiers/{id}/historique"), &evaluator));
    assert!(history.as_array().unwrap().len() > before, "the change is in the registry: {history}");
    assert_eq!(history.as_array().unwrap().last().unwrap()["actor"], "evaluateur");

    // One level of one contact of the observation.
    let level = format!("/api/v1/dossiers/{id}/observation/niveau");
    let answer = send_json(&ws, "PUT", &level, &evaluator, &json!({"contact": 1, "item": item, "level": 2}));
    assert!(answer.status == StatusCode::OK || answer.status == StatusCode::BAD_REQUEST, "{}", answer.body);
    check(&doc, &answer, "put", "/api/v1/dossiers/{id}/observation/niveau");

    // Refused bodies name their field; nothing is written.
    for (body, field) in [
        (
            json!({"id": "x", "title": "t", "kind": "description", "assessments": [{"item": item, "level": "trois"}]}),
            "assessments[0].level",
        ),
        (
            json!({"id": "x", "title": "t", "kind": "description", "assessments": [{"item": item, "level": 6}]}),
            "assessments[0].level",
        ),
        (json!({"id": "x", "title": "t", "kind": "photo"}), "kind"),
        (json!({"id": "x", "title": "t", "kind": "description", "secret": 1}), "secret"),
        (json!({"id": "", "title": "t", "kind": "description"}), "id"),
    ] {
        let refused = send_json(&ws, "POST", &preuves, &evaluator, &body);
        let p = assert_problem(&refused, StatusCode::BAD_REQUEST);
        check(&doc, &refused, "post", "/api/v1/dossiers/{id}/preuves");
        assert_eq!(p["errors"][0]["field"], json!(field), "{body}: {p}");
    }
    let broken = send_body(&ws, "POST", &preuves, &evaluator, "application/json", b"{\"id\": ".to_vec());
    assert_problem(&broken, StatusCode::BAD_REQUEST);
    let text = send_body(&ws, "POST", &preuves, &evaluator, "text/plain", b"{}".to_vec());
    assert_problem(&text, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Over 1 MiB: refused before it is read whole.
    let huge = format!(
        "{{\"id\": \"x\", \"title\": \"{}\", \"kind\": \"description\"}}",
        "a".repeat(api::API_MAX_BODY)
    );
    let oversize = send_body(&ws, "POST", &preuves, &evaluator, "application/json", huge.into_bytes());
    assert_problem(&oversize, StatusCode::PAYLOAD_TOO_LARGE);
    check(&doc, &oversize, "post", "/api/v1/dossiers/{id}/preuves");

    // The commission reads, it does not evaluate; a candidate neither.
    for login in ["commission", "candidat"] {
        let refused = send_json(&ws, "POST", &preuves, &token(&ws, login), &piece);
        assert_problem(&refused, StatusCode::FORBIDDEN);
    }
    // Once the evaluation is sent (frozen), a change is refused: 409.
    let conn = rusqlite::Connection::open(&ws.store).unwrap();
    conn.execute("UPDATE dossiers SET evaluation_frozen = 1 WHERE id = ?1", [&id]).unwrap();
    drop(conn);
    let frozen = send_json(&ws, "POST", &preuves, &evaluator, &piece);
    assert_problem(&frozen, StatusCode::CONFLICT);
    check(&doc, &frozen, "post", "/api/v1/dossiers/{id}/preuves");
}
