//! The lists of dossiers: AUVICOM's desk (every application, with its state, filters and
//! search) and the same list, narrowed to what each other role may see.

use super::AppState;
use super::auth::CurrentUser;
use super::error::AppError;
use super::scope;
use crate::documents::LabelSet;
use crate::store::{DOSSIER_STATES, DossierQuery, Store};
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Rows per page.
const PAGE: usize = 50;

/// The filters of a list, as in the address (`?q=…&etat=…&certificat=…&page=…`).
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    q: String,
    #[serde(default)]
    etat: String,
    #[serde(default)]
    certificat: String,
    #[serde(default)]
    page: Option<usize>,
}

/// One row of the list.
#[derive(Serialize)]
struct Row {
    id: String,
    candidate: String,
    name: String,
    certificate: String,
    state: String,
    state_code: String,
    body: String,
    latest: String,
}

/// A choice of a select box.
#[derive(Serialize)]
struct Choice {
    code: String,
    label: String,
    selected: bool,
}

/// The list page's view.
#[derive(Serialize)]
struct ListView {
    me: Me,
    title: &'static str,
    auvicom: bool,
    rows: Vec<Row>,
    total: usize,
    q: String,
    states: Vec<Choice>,
    certificates: Vec<Choice>,
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
}

/// Who is logged in, as every page's header shows it.
#[derive(Serialize)]
pub struct Me {
    /// Their name.
    pub name: String,
    /// Their role, in French.
    pub role: &'static str,
    /// The CSRF token for the forms of the page.
    pub csrf: String,
    /// Whether AUVICOM's desk is theirs.
    pub auvicom: bool,
    /// Whether they manage the accounts.
    pub admin: bool,
    /// Whether they run quiz sittings.
    pub quiz: bool,
    /// Whether they are a candidate (their page only).
    pub candidate: bool,
    /// Whether the commission's sessions are theirs (administrators, commission members).
    pub commission: bool,
}

impl Me {
    /// The header's view of `me`.
    pub fn of(me: &CurrentUser) -> Me {
        Me {
            name: me.user.display_name.clone(),
            role: me.user.role.label(),
            csrf: me.csrf.clone(),
            auvicom: scope::is_auvicom(me),
            admin: me.user.role == crate::accounts::Role::Administrator,
            quiz: matches!(
                me.user.role,
                crate::accounts::Role::Evaluator | crate::accounts::Role::Administrator
            ),
            candidate: me.user.role == crate::accounts::Role::Candidate,
            commission: matches!(
                me.user.role,
                crate::accounts::Role::CommissionMember | crate::accounts::Role::Administrator
            ),
        }
    }
}

/// `GET /auvicom` (AUVICOM's desk) and `GET /dossiers` (the others): one page of the dossiers
/// the filters select, among those the role may see.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Query(f): Query<Filters>,
) -> Result<Response, AppError> {
    let mut q = DossierQuery {
        text: Some(f.q.chars().take(200).collect()).filter(|t: &String| !t.trim().is_empty()),
        state: Some(f.etat.clone()).filter(|s| DOSSIER_STATES.contains(&s.as_str())),
        certificate: Some(f.certificat.clone()).filter(|c| state.library.referentiel(c).is_some()),
        body: None,
        limit: PAGE,
        offset: 0,
    };
    scope::restrict(&me, &mut q)?;
    let page = f.page.unwrap_or(1).clamp(1, 100_000);
    q.offset = (page - 1) * PAGE;
    let query = q.clone();
    let (found, total) = state.pool.run(move |s| Ok(s.find_dossiers(&query)?)).await?;
    let labels = &state.labels;
    let title = |c: &str| state.library.referentiel(c).map_or(c.to_string(), |r| r.title.clone());
    let rows = found
        .into_iter()
        .map(|d| Row {
            state: labels.get(LabelSet::EtatDossier, &d.state).to_string(),
            certificate: title(&d.certificate),
            name: d.candidate_name.clone().unwrap_or_else(|| "(données effacées)".into()),
            body: d.body.clone().unwrap_or_default(),
            latest: crate::render::french::date(d.latest_date),
            state_code: d.state,
            candidate: d.candidate,
            id: d.id,
        })
        .collect();
    let pages = total.div_ceil(PAGE).max(1);
    let link = |p: usize| {
        serde_urlencoded::to_string([
            ("q", f.q.as_str()),
            ("etat", f.etat.as_str()),
            ("certificat", f.certificat.as_str()),
            ("page", &p.to_string()),
        ])
        .map(|qs| format!("?{qs}"))
        .unwrap_or_default()
    };
    let view = ListView {
        auvicom: scope::is_auvicom(&me),
        title: if scope::is_auvicom(&me) { "Demandes de certification" } else { "Dossiers" },
        me: Me::of(&me),
        rows,
        total,
        q: f.q.clone(),
        states: DOSSIER_STATES
            .iter()
            .map(|s| Choice {
                code: (*s).to_string(),
                label: labels.get(LabelSet::EtatDossier, s).to_string(),
                selected: f.etat == *s,
            })
            .collect(),
        certificates: state
            .library
            .certificates()
            .map(|r| Choice { code: r.id.clone(), label: r.title.clone(), selected: f.certificat == r.id })
            .collect(),
        page,
        pages,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    };
    Ok(axum::response::IntoResponse::into_response(state.pages.render("dossiers", &view)?))
}
