//! The JSON API (`/api/v1/…`): what the desks show, for the evaluating bodies' own tools and
//! AUVICOM's systems, with the same accounts, roles and scopes as the pages.
//!
//! - A request carries `Authorization: Bearer <token>`: a token an administrator issued for an
//!   account (`/admin/jetons`, [`tokens_page`]); it acts as that account. No cookie, so no CSRF.
//!   Refused tokens are throttled per address as failed logins are.
//! - Every answer is JSON; every refusal is an RFC 9457 problem ([`problem::Problem`]).
//! - The `OpenAPI` 3.1 document `api/openapi.yaml` is the contract, served as JSON at
//!   `/api/v1/openapi.json`; [`ROUTES`] lists the routes the router serves, and a test checks
//!   that both say the same.
//!
//! The handlers are thin: the scope checks are [`crate::server::scope`]'s, the dossier is read
//! through [`crate::server::dossier_page::load_scoped`], the engine and the store do the rest.

pub mod dossiers;
pub mod evaluation;
pub mod problem;
pub mod tokens_page;

use super::AppState;
use super::auth::CurrentUser;
use crate::accounts::{self, Secret, THROTTLE};
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use problem::Problem;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

/// Largest request body of the API (JSON only: files go through the pages).
pub const API_MAX_BODY: usize = 1024 * 1024;

/// What the failure table records as the "login" of a refused API token (the throttle counts
/// them per address only).
pub const TOKEN_FAILURE_LOGIN: &str = "(jeton API)";

/// The prefix of every token (so that secret scanners recognise one pasted in the wrong place).
pub const TOKEN_PREFIX: &str = "cqpt_";

/// The `OpenAPI` document as written (YAML).
pub const OPENAPI_YAML: &str = include_str!("../../../api/openapi.yaml");

macro_rules! api_routes {
    ($( $method:ident $path:literal => $handler:path ),* $(,)?) => {
        /// Every route of the API that needs a token: (method, path), as the router serves them.
        pub const ROUTES: &[(&str, &str)] = &[ $( (stringify!($method), $path) ),* ];

        fn protected() -> Router<Arc<AppState>> {
            Router::new() $( .route($path, axum::routing::$method($handler)) )*
        }
    };
}

api_routes! {
    get "/api/v1/compte" => dossiers::account,
    get "/api/v1/dossiers" => dossiers::list,
    get "/api/v1/dossiers/{id}" => dossiers::one,
    get "/api/v1/dossiers/{id}/historique" => dossiers::history,
    get "/api/v1/decisions" => dossiers::decisions,
    post "/api/v1/dossiers/{id}/preuves" => evaluation::put_preuve,
    put "/api/v1/dossiers/{id}/observation/niveau" => evaluation::put_contact_level,
}

/// The public route of the document.
pub const DOCUMENT_ROUTE: &str = "/api/v1/openapi.json";

/// The API's router: the document (public), then the routes behind the token. Answers to
/// anything else under `/api/` are problems too.
pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let protected = protected().route_layer(middleware::from_fn_with_state(state, bearer));
    Router::new()
        .route(DOCUMENT_ROUTE, axum::routing::get(document))
        .merge(protected)
        .route("/api/{*rest}", axum::routing::any(|| async { Problem::not_found() }))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(API_MAX_BODY))
}

async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Méthode refusée",
        "Cette adresse n'accepte pas cette méthode.",
    )
}

/// The document as JSON, parsed once from [`OPENAPI_YAML`].
pub fn openapi() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        // Checked by the tests: a document that does not parse is a build that does not pass.
        serde_saphyr::from_str::<serde_json::Value>(OPENAPI_YAML).unwrap_or_else(|e| {
            eprintln!("cqpt serve: api/openapi.yaml does not parse: {e}");
            serde_json::Value::Null
        })
    })
}

/// The document as this server serves it: the `certificat` parameter lists the certificates of
/// the référentiels it loaded (`--data` may add some).
pub fn served_document(state: &AppState) -> serde_json::Value {
    let mut doc = openapi().clone();
    let ids: Vec<serde_json::Value> = state.library.certificates().map(|r| r.id.clone().into()).collect();
    if let Some(e) = doc.pointer_mut("/components/parameters/certificat/schema/enum") {
        *e = serde_json::Value::Array(ids);
    }
    doc
}

/// `GET /api/v1/openapi.json`.
async fn document(State(state): State<Arc<AppState>>) -> Response {
    let mut response = axum::Json(served_document(&state)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The token of `Authorization: Bearer <token>`: `None` without the header, an empty text
/// when the header holds no bearer token.
fn bearer_token(req: &Request) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let text = value.to_str().ok().unwrap_or_default().trim();
    let (scheme, token) = text.split_once(' ').unwrap_or((text, ""));
    let token = token.trim();
    let usable = scheme.eq_ignore_ascii_case("bearer") && token.len() <= 200;
    Some(if usable { token.to_string() } else { String::new() })
}

/// Middleware of the API's routes: the account of the bearer token, as a [`CurrentUser`] (no
/// CSRF token: nothing here is a browser), or 401; refused tokens are throttled per address.
pub async fn bearer(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(given) = bearer_token(&req) else {
        return Problem::unauthenticated(false).into_response();
    };
    let address = peer.ip().to_string();
    let now = state.clock.now_ms();
    let hash = (!given.is_empty()).then(|| accounts::token_hash(&Secret::new(given)));
    let outcome = state
        .pool
        .run(move |s| {
            use crate::store::Store as _;
            let (_, theirs) = s.login_failures(TOKEN_FAILURE_LOGIN, &address, now - THROTTLE.window_ms)?;
            if let Err(wait_ms) = accounts::may_try_login(&THROTTLE, &[], &theirs, now) {
                return Ok(Err(Problem::throttled((wait_ms + 999) / 1000)));
            }
            let user = match &hash {
                Some(h) => s.api_token_user(h, now)?,
                None => None,
            };
            if let Some(user) = user {
                return Ok(Ok((user, hash.unwrap_or_default())));
            }
            s.record_login_failure(TOKEN_FAILURE_LOGIN, &address)?;
            Ok(Err(Problem::unauthenticated(true)))
        })
        .await;
    match outcome {
        Ok(Ok((user, token_hash))) => {
            req.extensions_mut().insert(CurrentUser { user, csrf: String::new(), token_hash });
            next.run(req).await
        }
        Ok(Err(problem)) => problem.into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}
