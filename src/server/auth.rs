//! Who is logged in, and what they may do: login with argon2id and throttling, sessions in an
//! `HttpOnly`, `SameSite=Strict` cookie (`Secure` over TLS) renewed at every login, a CSRF token
//! bound to the session and checked on every request that changes something, and the role
//! guard each desk's router is built with — a forgotten check fails closed.

use super::AppState;
use super::error::AppError;
use crate::accounts::{self, Role, Secret, THROTTLE};
use crate::registry::{Hash, hex, sha256};
use crate::store::{Store, User};
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Form, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;

/// The session cookie.
pub const SESSION_COOKIE: &str = "cqpt_session";
/// The cookie that binds the login form to the browser that asked for it (CSRF before login).
pub const LOGIN_COOKIE: &str = "cqpt_login";
/// How long a session lasts, in milliseconds (a working day).
pub const SESSION_MS: i64 = 10 * 60 * 60 * 1000;
/// The largest form body the CSRF check reads (an upload has its own limit).
const FORM_LIMIT: usize = 1024 * 1024;

/// The person behind a request, put in the request's extensions by [`authenticated`].
#[derive(Clone)]
pub struct CurrentUser {
    /// Their account.
    pub user: User,
    /// The CSRF token of their session, for the forms of the page.
    pub csrf: String,
    /// The hash of their session token (to close it).
    pub token_hash: Hash,
}

impl std::fmt::Debug for CurrentUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The CSRF token and the session's hash stay out of logs.
        f.debug_struct("CurrentUser")
            .field("login", &self.user.login)
            .field("role", &self.user.role)
            .finish_non_exhaustive()
    }
}

/// The CSRF token of a session: derived from its token, so nothing more is stored and it
/// changes with every login.
fn csrf_of(token: &str) -> String {
    hex(&sha256(format!("cqpt-csrf\0{token}").as_bytes()))
}

/// Whether two tokens are equal, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of cookie `name` in `headers`.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, `Path=/`, `Secure` when `secure`.
fn set_cookie(name: &str, value: &str, max_age_s: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Middleware of every page behind the login: finds the session, or sends a browser to the
/// login page (and refuses anything else).
pub async fn authenticated(State(state): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let Some(token) = cookie(req.headers(), SESSION_COOKIE).map(str::to_string) else {
        return refuse_unauthenticated(&req);
    };
    let token_hash = accounts::token_hash(&Secret::new(token.clone()));
    let now = state.clock.now_ms();
    let user = state.pool.run(move |s| Ok(s.session_user(&token_hash, now)?)).await;
    match user {
        Ok(Some(user)) => {
            req.extensions_mut().insert(CurrentUser { user, csrf: csrf_of(&token), token_hash });
            next.run(req).await
        }
        Ok(None) => refuse_unauthenticated(&req),
        Err(e) => e.into_response(),
    }
}

fn refuse_unauthenticated(req: &Request) -> Response {
    if req.method() == Method::GET {
        Redirect::to("/connexion").into_response()
    } else {
        AppError::Unauthenticated.into_response()
    }
}

/// Middleware of a desk: only `roles` pass (the user is known: it runs inside
/// [`authenticated`]).
pub async fn require(roles: &'static [Role], req: Request, next: Next) -> Response {
    match req.extensions().get::<CurrentUser>() {
        Some(u) if roles.contains(&u.user.role) => next.run(req).await,
        Some(_) => AppError::Forbidden.into_response(),
        None => AppError::Unauthenticated.into_response(),
    }
}

/// Middleware of every page behind the login: a request that changes something (not `GET`)
/// must carry the session's CSRF token, in the form field `csrf`, the query `?csrf=` (file
/// uploads) or the header `X-CSRF-Token`.
pub async fn csrf_checked(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let Some(expected) = req.extensions().get::<CurrentUser>().map(|u| u.csrf.clone()) else {
        return AppError::Unauthenticated.into_response();
    };
    let from_header = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    let from_query = req.uri().query().and_then(|q| {
        form_urlencoded_pairs(q.as_bytes()).into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v)
    });
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (parts, body) = req.into_parts();
    let (body, from_form) = if is_form {
        let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
            return AppError::BadRequest("formulaire trop volumineux".into()).into_response();
        };
        let found = form_urlencoded_pairs(&bytes).into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v);
        (Body::from(bytes), found)
    } else {
        (body, None)
    };
    let given = from_form.or(from_query).or(from_header);
    if !given.is_some_and(|g| same(&g, &expected)) {
        return AppError::Forbidden.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The pairs of an `application/x-www-form-urlencoded` text.
pub fn form_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

/// The login page's view.
#[derive(Serialize)]
struct LoginView {
    login: String,
    error: String,
    csrf: String,
}

/// `GET /connexion`: the login form, with a fresh token bound to this browser.
pub async fn login_page(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    login_form(&state, String::new(), String::new())
}

fn login_form(state: &AppState, login: String, error: String) -> Result<Response, AppError> {
    let token = accounts::new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let csrf = token.expose().to_string();
    let page = state.pages.render("connexion", &LoginView { login, error, csrf: csrf.clone() })?;
    let mut response = page.into_response();
    response.headers_mut().insert(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &csrf, 3600, state.secure));
    Ok(response)
}

/// The login form as posted.
#[derive(serde::Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    csrf: String,
}

/// What a login attempt gave.
enum Attempt {
    /// Logged in: the new session's token.
    Opened(Secret),
    /// Wrong login or password.
    Refused,
    /// Too many failures: wait this many seconds.
    Throttled(i64),
}

/// `POST /connexion`: throttled per account and per address; the same answer for an unknown
/// login and a wrong password; a new session (new token) at every login.
pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let bound = cookie(&headers, LOGIN_COOKIE).is_some_and(|c| same(c, &form.csrf));
    if !bound {
        return login_form(
            &state,
            form.login,
            "Le formulaire a expiré : saisissez de nouveau vos identifiants.".into(),
        );
    }
    let login = form.login.trim().chars().take(100).collect::<String>();
    let password = Secret::new(form.password.chars().take(256).collect::<String>());
    let address = peer.ip().to_string();
    let clock = state.clock.clone();
    let attempt_login = login.clone();
    let attempt = state
        .pool
        .run(move |s| {
            let now = clock.now_ms();
            let (mine, theirs) = s.login_failures(&attempt_login, &address, now - THROTTLE.window_ms)?;
            if let Err(wait_ms) = accounts::may_try_login(&THROTTLE, &mine, &theirs, now) {
                return Ok(Attempt::Throttled((wait_ms + 999) / 1000));
            }
            let user = s.user(&attempt_login)?.filter(|u| !u.disabled);
            // An unknown login costs the same hashing as a wrong password.
            let phc = user.as_ref().map_or_else(|| dummy_hash().to_string(), |u| u.password_hash.clone());
            let ok = accounts::verify_password(&password, &phc) && user.is_some();
            if let Some(user) = user.filter(|_| ok) {
                let token = accounts::new_token().map_err(|e| AppError::Internal(e.to_string()))?;
                s.open_session(&user, &accounts::token_hash(&token), now + SESSION_MS)?;
                Ok(Attempt::Opened(token))
            } else {
                s.record_login_failure(&attempt_login, &address)?;
                Ok(Attempt::Refused)
            }
        })
        .await?;
    match attempt {
        Attempt::Opened(token) => {
            let mut response = Redirect::to("/").into_response();
            let headers = response.headers_mut();
            headers.append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, token.expose(), SESSION_MS / 1000, state.secure),
            );
            headers.append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0, state.secure));
            Ok(response)
        }
        Attempt::Refused => login_form(&state, login, "Identifiant ou mot de passe incorrect.".into()),
        Attempt::Throttled(seconds) => {
            let minutes = (seconds + 59) / 60;
            let mut response = login_form(
                &state,
                login,
                format!("Trop d'essais infructueux : réessayez dans {minutes} minute(s)."),
            )?;
            *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            Ok(response)
        }
    }
}

/// An argon2id hash of a random password nobody knows (made once per process), verified for
/// unknown logins so that they cost the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        accounts::one_time_password().and_then(|p| accounts::hash_password(&p)).unwrap_or_default()
    })
}

/// `POST /deconnexion`: closes the session.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    axum::Extension(me): axum::Extension<CurrentUser>,
) -> Result<Response, AppError> {
    let hash = me.token_hash;
    state.pool.run(move |s| Ok(s.close_session(&hash)?)).await?;
    let mut response = Redirect::to("/connexion").into_response();
    response.headers_mut().insert(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0, state.secure));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; cqpt_session=abc; b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "cqpt"), None);
    }

    #[test]
    fn csrf_tokens_depend_on_the_session_and_compare_whole() {
        assert_ne!(csrf_of("a"), csrf_of("b"));
        assert!(same(&csrf_of("a"), &csrf_of("a")));
        assert!(!same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash_nobody_matches() {
        assert!(dummy_hash().starts_with("$argon2id$"), "{}", dummy_hash());
        assert!(!accounts::verify_password(&Secret::new("mot de passe au hasard"), dummy_hash()));
    }
}
