//! The administrator's page (the CPNE secretariat): the accounts, and new ones. A new
//! account gets a one-time password shown once on the page that created it, never stored in
//! clear nor shown again; an account is disabled rather than deleted (the registry names it).

use super::AppState;
use super::auth::CurrentUser;
use super::desk::Me;
use super::error::AppError;
use crate::accounts::{self, Role};
use crate::store::{NewUser, Store};
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Serialize)]
struct Account {
    login: String,
    name: String,
    role: &'static str,
    body: String,
    disabled: bool,
}

#[derive(Serialize)]
struct RoleChoice {
    code: &'static str,
    label: &'static str,
}

/// The accounts page's view.
#[derive(Serialize)]
struct AccountsView {
    me: Me,
    accounts: Vec<Account>,
    roles: Vec<RoleChoice>,
    bodies: Vec<(String, String)>,
    /// After a creation: the login and its one-time password, shown this once.
    created: Option<(String, String)>,
    error: String,
}

async fn page(
    state: &Arc<AppState>,
    me: &CurrentUser,
    created: Option<(String, String)>,
    error: String,
) -> Result<Response, AppError> {
    let (users, bodies) = state.pool.run(|s| Ok((s.users()?, s.bodies()?))).await?;
    let view = AccountsView {
        me: Me::of(me),
        accounts: users
            .into_iter()
            .map(|u| Account {
                login: u.login,
                name: u.display_name,
                role: u.role.label(),
                body: u.body.unwrap_or_default(),
                disabled: u.disabled,
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| RoleChoice { code: r.as_str(), label: r.label() }).collect(),
        bodies: bodies.into_iter().map(|b| (b.id.clone(), format!("{} ({})", b.name, b.id))).collect(),
        created,
        error,
    };
    state.pages.render_form("comptes", &view, !view_ok(&view))
}

fn view_ok(view: &AccountsView) -> bool {
    view.error.is_empty()
}

/// `GET /admin/comptes`.
pub async fn accounts(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, AppError> {
    page(&state, &me, None, String::new()).await
}

/// The new account's form.
#[derive(Deserialize)]
pub struct NewAccount {
    login: String,
    name: String,
    role: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    candidate: String,
}

/// `POST /admin/comptes`: a new account with a one-time password, shown once.
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Form(form): Form<NewAccount>,
) -> Result<Response, AppError> {
    let login = form.login.trim().to_lowercase();
    let role = form.role.parse::<Role>().ok();
    let body = Some(form.body.trim().to_string()).filter(|b| !b.is_empty());
    let candidate = Some(form.candidate.trim().to_string()).filter(|c| !c.is_empty());
    let problem = if login.is_empty()
        || login.len() > 100
        || !login.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        Some(
            "Identifiant : de 1 à 100 lettres sans accent, chiffres, points, tirets ou soulignés."
                .to_string(),
        )
    } else if form.name.trim().is_empty() {
        Some("Nom affiché : champ obligatoire.".to_string())
    } else if role.is_none() {
        Some(format!("Rôle : « {} » n'est pas un rôle.", form.role))
    } else if role == Some(Role::Evaluator) && body.is_none() {
        Some("Organisme : un évaluateur appartient à un organisme évaluateur.".to_string())
    } else if role == Some(Role::Candidate) && candidate.is_none() {
        Some(
            "Candidat : le compte d'un candidat est lié à son numéro de candidat (par exemple CQ-2026-0001)."
                .to_string(),
        )
    } else {
        None
    };
    if let Some(error) = problem {
        return page(&state, &me, None, error).await;
    }
    let password = accounts::one_time_password().map_err(|e| AppError::Internal(e.to_string()))?;
    let hash = accounts::hash_password(&password).map_err(|e| AppError::Internal(e.to_string()))?;
    let user = NewUser {
        login: login.clone(),
        display_name: form.name.trim().chars().take(200).collect(),
        role: role.unwrap_or(Role::Candidate),
        body: if role == Some(Role::Evaluator) { body } else { None },
        password_hash: hash,
        candidate: if role == Some(Role::Candidate) { candidate.clone() } else { None },
    };
    let actor = me.user.login.clone();
    let taken = login.clone();
    let outcome = state
        .pool
        .run(move |s| {
            if s.user(&taken)?.is_some() {
                return Ok(Some(format!("Identifiant : « {taken} » est déjà pris.")));
            }
            if let Some(c) = &user.candidate
                && s.dossiers_of_candidate(c)?.is_empty()
            {
                return Ok(Some(format!("Candidat : aucun dossier n'a le numéro de candidat « {c} ».")));
            }
            s.create_user(&actor, &user)?;
            Ok(None)
        })
        .await?;
    if let Some(error) = outcome {
        return page(&state, &me, None, error).await;
    }
    page(&state, &me, Some((login, password.expose().to_string())), String::new()).await
}

/// `POST /admin/comptes/{login}/desactiver` and `…/activer`.
pub async fn set_disabled(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((login, action)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let disabled = match action.as_str() {
        "desactiver" => true,
        "activer" => false,
        _ => return Err(AppError::NotFound),
    };
    if disabled && login == me.user.login {
        return page(&state, &me, None, "Vous ne pouvez pas désactiver votre propre compte.".into()).await;
    }
    let actor = me.user.login.clone();
    state.pool.run(move |s| Ok(s.set_disabled(&actor, &login, disabled)?)).await?;
    Ok(Redirect::to("/admin/comptes").into_response())
}
