//! The reading side of the API: the account of the token, the dossiers in its scope (filters
//! and pages as the desk's list), one dossier with what the engine concludes, its history, and
//! the commission's decisions. The same scope checks as the pages ([`scope`]).

use super::problem::{Params, Problem};
use crate::documents::LabelSet;
use crate::phases::Evaluation;
use crate::registry::hex;
use crate::server::AppState;
use crate::server::auth::CurrentUser;
use crate::server::dossier_page::{Loaded, load_scoped};
use crate::server::scope;
use crate::store::{DOSSIER_STATES, DossierQuery, DossierSummary, Store};
use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde::Serialize;
use std::sync::Arc;

/// Rows per page, unless `par_page` says otherwise.
const PAGE: usize = 50;
/// Most rows per page.
const MAX_PAGE: usize = 500;
/// Highest page number asked.
const MAX_PAGE_NUMBER: usize = 100_000;

/// `GET /api/v1/compte`: the account the token acts as.
#[derive(Debug, Serialize)]
pub struct Account {
    /// Login.
    pub login: String,
    /// Name shown.
    pub name: String,
    /// Role code (`evaluator`…).
    pub role: &'static str,
    /// Its French label.
    pub role_label: &'static str,
    /// The evaluating body of an evaluator.
    pub body: Option<String>,
}

/// `GET /api/v1/compte`.
pub async fn account(Extension(me): Extension<CurrentUser>) -> Json<Account> {
    Json(Account {
        login: me.user.login.clone(),
        name: me.user.display_name.clone(),
        role: me.user.role.as_str(),
        role_label: me.user.role.label(),
        body: me.user.body.clone(),
    })
}

/// One dossier of a list.
#[derive(Debug, Serialize)]
pub struct Row {
    /// Its id.
    pub id: String,
    /// The candidate's file number.
    pub candidate: String,
    /// The candidate's name; `null` once erased.
    pub name: Option<String>,
    /// The certificate's id.
    pub certificate: String,
    /// Its state code.
    pub state: String,
    /// The state, in French.
    pub state_label: String,
    /// The evaluating body it is assigned to.
    pub body: Option<String>,
    /// The latest date it records.
    pub latest_date: String,
    /// The last phase completed (0–4).
    pub phase: u8,
    /// AUVICOM's decision: `null` while undecided.
    pub recevable: Option<bool>,
}

fn row(state: &AppState, d: DossierSummary) -> Row {
    Row {
        state_label: state.labels.get(LabelSet::EtatDossier, &d.state).to_string(),
        latest_date: d.latest_date.to_string(),
        id: d.id,
        candidate: d.candidate,
        name: d.candidate_name,
        certificate: d.certificate,
        state: d.state,
        body: d.body,
        phase: d.phase,
        recevable: d.recevable,
    }
}

/// A page of dossiers.
#[derive(Debug, Serialize)]
pub struct Page {
    /// How many the filters select in all.
    pub total: usize,
    /// This page's number (from 1).
    pub page: usize,
    /// Rows per page.
    pub per_page: usize,
    /// How many pages.
    pub pages: usize,
    /// The rows.
    pub items: Vec<Row>,
}

/// `GET /api/v1/dossiers?q=&etat=&certificat=&page=&par_page=`: the dossiers in the token's
/// scope, most recently changed first.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    RawQuery(query): RawQuery,
) -> Result<Json<Page>, Problem> {
    let params = Params::parse(query.as_deref())?;
    let certificates: Vec<String> = state.library.certificates().map(|r| r.id.clone()).collect();
    let certificate_ids: Vec<&str> = certificates.iter().map(String::as_str).collect();
    let text = params.text("q", 200)?.filter(|t| !t.trim().is_empty());
    let etat = params.one_of("etat", &DOSSIER_STATES)?;
    let certificate = params.one_of("certificat", &certificate_ids)?;
    let page = params.number("page", 1, MAX_PAGE_NUMBER)?.unwrap_or(1);
    let per_page = params.number("par_page", 1, MAX_PAGE)?.unwrap_or(PAGE);
    let mut q = DossierQuery {
        text,
        state: etat,
        certificate,
        body: None,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    scope::restrict(&me, &mut q)?;
    let (found, total) = state.pool.run(move |s| Ok(s.find_dossiers(&q)?)).await?;
    Ok(Json(Page {
        total,
        page,
        per_page,
        pages: total.div_ceil(per_page).max(1),
        items: found.into_iter().map(|d| row(&state, d)).collect(),
    }))
}

/// A reason of the recevabilité.
#[derive(Debug, Serialize)]
pub struct Reason {
    /// Its code.
    pub code: &'static str,
    /// Its French label.
    pub label: String,
    /// The detail, in French.
    pub message: String,
    /// The article of the agreement.
    pub article: String,
}

/// AUVICOM's decision on the recevabilité, as the engine computes it.
#[derive(Debug, Serialize)]
pub struct Recevabilite {
    /// The day AUVICOM recorded its decision; `null` while undecided.
    pub decided: Option<String>,
    /// Whether the application is recevable (computed even before the decision).
    pub recevable: bool,
    /// Why not, each with its article.
    pub reasons: Vec<Reason>,
}

/// One core activity of the synthesis.
#[derive(Debug, Serialize)]
pub struct Activity {
    /// Its id.
    pub id: String,
    /// Its wording.
    pub title: String,
    /// `acquis`, `a-completer`, `non-acquis`.
    pub status: String,
    /// In French.
    pub status_label: String,
}

/// The synthesis (phase 3), the latest round's.
#[derive(Debug, Serialize)]
pub struct Synthesis {
    /// Its date.
    pub date: String,
    /// The level required.
    pub required: u8,
    /// The proposal to the commission.
    pub proposal: String,
    /// In French.
    pub proposal_label: String,
    /// The proposal the rules give, before any override.
    pub computed_proposal: String,
    /// The core activities.
    pub activities: Vec<Activity>,
    /// The items to evaluate again.
    pub to_evaluate_again: Vec<String>,
}

/// The commission's decision (phase 4).
#[derive(Debug, Serialize)]
pub struct Decision {
    /// The dossier.
    pub dossier: String,
    /// The candidate's file number.
    pub candidate: String,
    /// The certificate.
    pub certificate: String,
    /// The day of the decision.
    pub date: String,
    /// `attribution`, `non-attribution`, `evaluation-complementaire`, `validation-partielle`.
    pub outcome: String,
    /// In French.
    pub outcome_label: String,
    /// The units it validates.
    pub units: Vec<String>,
    /// How many members were present.
    pub members_present: usize,
    /// The appeal, if one was filed.
    pub appeal: Option<Appeal>,
}

/// An appeal against a decision.
#[derive(Debug, Serialize)]
pub struct Appeal {
    /// Filed on.
    pub filed: String,
    /// Its ground's code.
    pub ground: String,
    /// Admitted (on the procedure only, art. 5).
    pub admitted: bool,
    /// Why, in French.
    pub reason: String,
}

/// A dossier with what the engine concludes on it.
#[derive(Debug, Serialize)]
pub struct DossierView {
    /// Its id.
    pub id: String,
    /// The certificate.
    pub certificate: String,
    /// Its state code in the workspace.
    pub state: String,
    /// In French.
    pub state_label: String,
    /// The evaluating body it is assigned to.
    pub body: Option<String>,
    /// The last phase completed (0–4).
    pub phase: u8,
    /// Its name.
    pub phase_label: &'static str,
    /// What is missing to go on, in French.
    pub missing: Vec<String>,
    /// Whether findings block the synthesis.
    pub blocked: bool,
    /// Phase 1.
    pub recevabilite: Recevabilite,
    /// Phase 3, once computed.
    pub synthese: Option<Synthesis>,
    /// Phase 4, once recorded.
    pub decision: Option<Decision>,
    /// The dossier itself, as its YAML format describes it.
    pub dossier: serde_json::Value,
}

fn decision_of(state: &AppState, summary: &DossierSummary, e: &Evaluation) -> Option<Decision> {
    let d = e.decision.as_ref()?;
    let outcome = d.outcome.as_str().to_string();
    Some(Decision {
        dossier: summary.id.clone(),
        candidate: summary.candidate.clone(),
        certificate: summary.certificate.clone(),
        date: d.date.to_string(),
        outcome_label: state.labels.get(LabelSet::Proposition, &outcome).to_string(),
        outcome,
        units: d.units.clone(),
        members_present: d.members.len(),
        appeal: d.appeal.as_ref().map(|a| Appeal {
            filed: a.filed.to_string(),
            ground: a.ground.as_str().to_string(),
            admitted: a.admitted,
            reason: a.reason.clone(),
        }),
    })
}

/// The API's view of a dossier read by [`load_scoped`].
pub fn view(state: &AppState, loaded: Loaded) -> Result<DossierView, Problem> {
    let Loaded { summary, dossier, evaluation: e, .. } = loaded;
    let labels = &state.labels;
    let synthese = e.complement.as_ref().or(e.synthese.as_ref()).map(|s| {
        let proposal = s.proposal.as_str().to_string();
        Synthesis {
            date: s.date.to_string(),
            required: s.required,
            proposal_label: labels.get(LabelSet::Proposition, &proposal).to_string(),
            proposal,
            computed_proposal: s.computed_proposal.as_str().to_string(),
            activities: s
                .activities
                .iter()
                .map(|a| {
                    let status = a.status.as_str().to_string();
                    Activity {
                        id: a.id.clone(),
                        title: a.title.clone(),
                        status_label: labels.get(LabelSet::StatutActivite, &status).to_string(),
                        status,
                    }
                })
                .collect(),
            to_evaluate_again: s.to_evaluate_again.clone(),
        }
    });
    let r = &e.recevabilite;
    let model = serde_json::to_value(&dossier).map_err(|err| {
        Problem::from(crate::server::error::AppError::Internal(format!("dossier to JSON: {err}")))
    })?;
    Ok(DossierView {
        decision: decision_of(state, &summary, &e),
        state_label: labels.get(LabelSet::EtatDossier, &summary.state).to_string(),
        id: summary.id,
        certificate: summary.certificate,
        state: summary.state,
        body: summary.body,
        phase: e.state.phase,
        phase_label: e.state.phase_label,
        missing: e.state.missing.clone(),
        blocked: e.state.blocked,
        recevabilite: Recevabilite {
            decided: dossier.application.decided.map(|d| d.to_string()),
            recevable: r.recevable,
            reasons: r
                .reasons
                .iter()
                .map(|x| Reason {
                    code: x.code.as_str(),
                    label: labels.reason(x.code).to_string(),
                    message: x.message.clone(),
                    article: x.article.to_string(),
                })
                .collect(),
        },
        synthese,
        dossier: model,
    })
}

/// `GET /api/v1/dossiers/{id}`.
pub async fn one(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Json<DossierView>, Problem> {
    let loaded = load_scoped(&state, &me, id).await?;
    Ok(Json(view(&state, loaded)?))
}

/// A registry entry about a dossier.
#[derive(Debug, Serialize)]
pub struct Event {
    /// Its number in the registry.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who: a login, `cli`, `demo`.
    pub actor: String,
    /// What (`dossier.import`, `dossier.update`…).
    pub action: String,
    /// A non-personal detail.
    pub detail: Option<String>,
    /// SHA-256 of the record before, hex.
    pub before: Option<String>,
    /// SHA-256 of the record after, hex.
    pub after: Option<String>,
    /// The entry's hash in the chain, hex.
    pub hash: String,
}

/// Milliseconds since the epoch as RFC 3339 (`2026-11-30T09:00:00.000Z`).
pub fn rfc3339(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000);
    let date = crate::date::Date::new(1970, 1, 1).map(|d| d.add_days(days));
    let (h, m, s, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
    date.map_or_else(String::new, |d| format!("{d}T{h:02}:{m:02}:{s:02}.{milli:03}Z"))
}

/// `GET /api/v1/dossiers/{id}/historique`: the registry entries of the dossier, in order.
pub async fn history(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Event>>, Problem> {
    let key = id.clone();
    let summary = state.pool.run(move |s| Ok(s.dossier(&key)?)).await?.ok_or_else(Problem::not_found)?;
    if !scope::may_see(&me, &summary) {
        return Err(crate::server::error::AppError::Forbidden.into());
    }
    let subject = format!("dossier:{id}");
    let entries = state.pool.run(move |s| Ok(s.registry_of(&subject)?)).await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| Event {
                seq: e.seq,
                at: rfc3339(e.change.at_ms),
                actor: e.change.actor,
                action: e.change.action,
                detail: e.change.detail,
                before: e.change.before.as_ref().map(hex),
                after: e.change.after.as_ref().map(hex),
                hash: hex(&e.hash),
            })
            .collect(),
    ))
}

/// A page of decisions.
#[derive(Debug, Serialize)]
pub struct Decisions {
    /// How many decisions match in all.
    pub total: usize,
    /// This page's number.
    pub page: usize,
    /// Rows per page.
    pub per_page: usize,
    /// The decisions, oldest first (then by dossier).
    pub items: Vec<Decision>,
}

/// `GET /api/v1/decisions?since=AAAA-MM-JJ&page=&par_page=`: the commission's decisions on the
/// dossiers in the token's scope, dated `since` or later, oldest first.
pub async fn decisions(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    RawQuery(query): RawQuery,
) -> Result<Json<Decisions>, Problem> {
    let params = Params::parse(query.as_deref())?;
    let since = params.date("since")?;
    let page = params.number("page", 1, MAX_PAGE_NUMBER)?.unwrap_or(1);
    let per_page = params.number("par_page", 1, MAX_PAGE)?.unwrap_or(PAGE);
    let mut q = DossierQuery { state: Some("decided".into()), ..DossierQuery::default() };
    scope::restrict(&me, &mut q)?;
    let st = state.clone();
    // A decision is dated on or before the dossier's latest date: older dossiers are skipped
    // before they are read.
    let found = state
        .pool
        .run(move |s| {
            let mut out = Vec::new();
            for d in s.dossiers()? {
                let in_scope = q.body.as_ref().is_none_or(|b| d.body.as_ref() == Some(b));
                if d.state != "decided" || !in_scope || since.is_some_and(|day| d.latest_date < day) {
                    continue;
                }
                let Some(Some(yaml)) = s.dossier_yaml(&d.id)? else { continue };
                let file = crate::source::SourceFile { name: format!("{}.yaml", d.id), text: yaml };
                let Ok(dossier) = crate::dossier::load_dossier(&file, &st.library) else { continue };
                let e = crate::phases::evaluate(&dossier, &st.library, &st.policy, dossier.latest_date());
                out.push((d, e));
            }
            Ok(out)
        })
        .await?;
    let mut items: Vec<Decision> = found
        .iter()
        .filter_map(|(d, e)| decision_of(&state, d, e))
        .filter(|x| since.is_none_or(|day| x.date >= day.to_string()))
        .collect();
    items.sort_by(|a, b| (&a.date, &a.dossier).cmp(&(&b.date, &b.dossier)));
    let total = items.len();
    let items = items.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    Ok(Json(Decisions { total, page, per_page, items }))
}
