//! The administrator's page of API tokens (`/admin/jetons`): every token with its label, its
//! account, when it was issued, last used and when it expires; a new token is shown once on the
//! page that issued it (only its SHA-256 is stored, as for login sessions); a token is revoked,
//! never deleted.

use super::TOKEN_PREFIX;
use crate::accounts::{self, Secret};
use crate::server::AppState;
use crate::server::auth::CurrentUser;
use crate::server::desk::Me;
use crate::server::dossier_page::moment;
use crate::server::error::AppError;
use crate::store::{SqliteStore, Store, StoreError};
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Days a token lasts unless the administrator says otherwise.
pub const DEFAULT_DAYS: i64 = 90;
/// Most days a token may last.
pub const MAX_DAYS: i64 = 730;
const DAY_MS: i64 = 86_400_000;

/// Issues a token for `login`, valid `days` days from `now_ms`, as `actor`: the token, to show
/// once (only its hash is kept).
pub fn issue(
    store: &mut SqliteStore,
    actor: &str,
    login: &str,
    label: &str,
    days: i64,
    now_ms: i64,
) -> Result<(i64, Secret), StoreError> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(StoreError::Refused(format!("a token lasts 1 to {MAX_DAYS} days")));
    }
    let random = accounts::new_token().map_err(|e| StoreError::Refused(e.to_string()))?;
    let token = Secret::new(format!("{TOKEN_PREFIX}{}", random.expose()));
    let id =
        store.issue_api_token(actor, login, label, &accounts::token_hash(&token), now_ms + days * DAY_MS)?;
    Ok((id, token))
}

#[derive(Serialize)]
struct TokenRow {
    id: i64,
    label: String,
    login: String,
    role: &'static str,
    created: String,
    created_by: String,
    last_used: String,
    expires: String,
    state: &'static str,
    live: bool,
}

/// The page's view.
#[derive(Serialize)]
struct TokensView {
    me: Me,
    tokens: Vec<TokenRow>,
    logins: Vec<(String, String)>,
    default_days: i64,
    max_days: i64,
    /// After an issue: the label and the token, shown this once.
    issued: Option<(String, String)>,
    error: String,
}

async fn page(
    state: &Arc<AppState>,
    me: &CurrentUser,
    issued: Option<(String, String)>,
    error: String,
) -> Result<Response, AppError> {
    let (tokens, users) = state.pool.run(|s| Ok((s.api_tokens()?, s.users()?))).await?;
    let now = state.clock.now_ms();
    let view = TokensView {
        me: Me::of(me),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                live: t.is_live(now) && !t.account_disabled,
                state: if t.revoked_ms.is_some() {
                    "révoqué"
                } else if !t.is_live(now) {
                    "expiré"
                } else if t.account_disabled {
                    "compte désactivé"
                } else {
                    "actif"
                },
                id: t.id,
                label: t.label,
                login: t.login,
                role: t.role.label(),
                created: moment(t.created_ms),
                created_by: t.created_by,
                last_used: t.last_used_ms.map_or_else(|| "jamais".to_string(), moment),
                expires: moment(t.expires_ms),
            })
            .collect(),
        logins: users
            .into_iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.login.clone(), format!("{} — {} ({})", u.login, u.display_name, u.role.label())))
            .collect(),
        default_days: DEFAULT_DAYS,
        max_days: MAX_DAYS,
        issued,
        error,
    };
    state.pages.render_form("jetons", &view, !view.error.is_empty())
}

/// `GET /admin/jetons`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, AppError> {
    page(&state, &me, None, String::new()).await
}

/// The issue form.
#[derive(Deserialize)]
pub struct NewToken {
    login: String,
    label: String,
    #[serde(default)]
    jours: String,
}

/// `POST /admin/jetons`: a new token for an account, shown once.
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Form(form): Form<NewToken>,
) -> Result<Response, AppError> {
    let days = if form.jours.trim().is_empty() { Ok(DEFAULT_DAYS) } else { form.jours.trim().parse::<i64>() };
    let label = form.label.trim().to_string();
    let problem = match days {
        _ if label.is_empty() || label.chars().count() > 200 => {
            Some("Libellé : de 1 à 200 caractères (à quoi sert ce jeton).".to_string())
        }
        Ok(d) if (1..=MAX_DAYS).contains(&d) => None,
        _ => Some(format!("Durée : un nombre de jours de 1 à {MAX_DAYS}.")),
    };
    if let Some(error) = problem {
        return page(&state, &me, None, error).await;
    }
    let days = days.unwrap_or(DEFAULT_DAYS);
    let actor = me.user.login.clone();
    let login = form.login.trim().to_string();
    let now = state.clock.now_ms();
    let shown_label = label.clone();
    let outcome = state
        .pool
        .run(move |s| match s.user(&login)? {
            Some(u) if !u.disabled => Ok(Ok(issue(s, &actor, &login, &label, days, now)?.1)),
            _ => Ok(Err(format!("Compte : « {login} » n'est pas un compte actif."))),
        })
        .await?;
    match outcome {
        Ok(token) => page(&state, &me, Some((shown_label, token.expose().to_string())), String::new()).await,
        Err(error) => page(&state, &me, None, error).await,
    }
}

/// `POST /admin/jetons/{id}/revoquer`.
pub async fn revoke(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = me.user.login.clone();
    state.pool.run(move |s| Ok(s.revoke_api_token(&actor, id)?)).await?;
    Ok(Redirect::to("/admin/jetons").into_response())
}
