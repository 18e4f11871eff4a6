//! The attribution commission's sessions (art. 5, annexe 2 §IV, phase 4): the administrator
//! opens a session with its date, place and members (at least as many of each college as the
//! policy's `[commission]` names, 2 + 2) and puts on its agenda the dossiers whose synthesis is
//! done and not yet decided, and those whose appeal was admitted. The members see the tableau
//! récapitulatif and each synthesis report, on screen and as PDF, and record each decision with
//! the members who sat (2 + 2, none who trained or evaluated the candidate), from the session's
//! day on. The decision is written into the dossier's YAML, the engine run again, the decision
//! letter stored with the dossier; the procès-verbal of the session is printed and kept. An
//! appeal is recorded on a decided dossier and judged by the engine (the procedure only).
//!
//! Administrators manage every session; a commission member sees and decides only the sessions
//! they are a member of; everyone else is refused by the router's role guard.

use super::AppState;
use super::auth::CurrentUser;
use super::desk::Me;
use super::dossier_page::{Loaded, load_scoped};
use super::error::AppError;
use crate::accounts::Role;
use crate::date::Date;
use crate::documents::{self, LabelSet, ReportKind};
use crate::dossier::decision_edit::{with_appeal, with_decision};
use crate::dossier::{Appeal, AppealGround, College, Decision, Dossier, Member, Proposal};
use crate::phases::{Evaluation, Finding};
use crate::render::french;
use crate::session::summary::SummaryRow;
use crate::store::commission::{
    AgendaPurpose, Attendance, DecisionRow, DossierText, NewAppeal, NewDecision, NewSession, SessionMember,
    SessionRow,
};
use crate::store::{DossierFacts, DossierQuery, Store};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Members typed by name (not chosen among accounts) the form offers.
const TYPED_ROWS: usize = 6;

/// The session `id` if `me` may see it: 404 when there is none, 403 for a commission member
/// who does not sit in it.
async fn session_for(state: &Arc<AppState>, me: &CurrentUser, id: &str) -> Result<SessionRow, AppError> {
    let key = id.to_string();
    let session =
        state.pool.run(move |s| Ok(s.commission_session(&key)?)).await?.ok_or(AppError::NotFound)?;
    match me.user.role {
        Role::Administrator => Ok(session),
        Role::CommissionMember if session.has_member(&me.user.login) => Ok(session),
        _ => Err(AppError::Forbidden),
    }
}

fn is_admin(me: &CurrentUser) -> bool {
    me.user.role == Role::Administrator
}

fn college_label(state: &AppState, c: College) -> String {
    documents::views::capitalised(state.labels.college(c))
}

/// The policy's composition of the commission: (salariés, employeurs).
fn composition(state: &AppState) -> (usize, usize) {
    let c = &state.policy.commission;
    (usize::try_from(c.salaries).unwrap_or(2), usize::try_from(c.employeurs).unwrap_or(2))
}

// ---------------------------------------------------------------------------------------------
// The list of sessions, and opening one.

#[derive(Serialize)]
struct SessionLine {
    href: String,
    date: String,
    place: String,
    members: usize,
}

#[derive(Serialize)]
struct Account {
    login: String,
    name: String,
    college: String,
    college_code: String,
    checked: bool,
}

#[derive(Serialize)]
struct Choice {
    code: String,
    label: String,
}

#[derive(Serialize)]
struct Opt {
    code: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct TypedRow {
    n: usize,
    name: String,
    options: Vec<Opt>,
}

#[derive(Serialize)]
struct ListView {
    me: Me,
    admin: bool,
    sessions: Vec<SessionLine>,
    accounts: Vec<Account>,
    colleges: Vec<Choice>,
    typed: Vec<TypedRow>,
    date: String,
    place: String,
    salaries: usize,
    employeurs: usize,
    errors: Vec<String>,
    notice: String,
}

/// What the opening form had, to give it back as typed when refused.
#[derive(Default)]
struct Typed {
    date: String,
    place: String,
    chosen: BTreeSet<String>,
    rows: Vec<(String, String)>,
}

async fn list_page(
    state: &Arc<AppState>,
    me: &CurrentUser,
    typed: Typed,
    errors: Vec<String>,
    notice: String,
) -> Result<Response, AppError> {
    let (sessions, users, colleges) =
        state.pool.run(|s| Ok((s.commission_sessions()?, s.users()?, s.colleges()?))).await?;
    let login = me.user.login.clone();
    let admin = is_admin(me);
    let (salaries, employeurs) = composition(state);
    let texts = documents::Context::new(&state.library, &state.policy, &state.templates, &state.data)
        .texts()
        .map(|t| t.cpne.lieu.clone())
        .unwrap_or_default();
    let view = ListView {
        me: Me::of(me),
        admin,
        sessions: sessions
            .iter()
            .filter(|s| admin || s.has_member(&login))
            .map(|s| SessionLine {
                href: format!("/commission/{}", s.id),
                date: french::date(s.on),
                place: s.place.clone(),
                members: s.members.len(),
            })
            .collect(),
        accounts: users
            .iter()
            .filter(|u| u.role == Role::CommissionMember && !u.disabled)
            .map(|u| {
                let c = colleges.get(&u.login).copied();
                Account {
                    login: u.login.clone(),
                    name: u.display_name.clone(),
                    college: c.map_or_else(|| "collège à indiquer".to_string(), |c| college_label(state, c)),
                    college_code: c.map_or_else(String::new, |c| c.as_str().to_string()),
                    checked: typed.chosen.contains(&u.login),
                }
            })
            .collect(),
        colleges: College::ALL
            .iter()
            .map(|c| Choice { code: c.as_str().to_string(), label: college_label(state, *c) })
            .collect(),
        typed: (1..=TYPED_ROWS)
            .map(|n| {
                let (name, college) = typed.rows.get(n - 1).cloned().unwrap_or_default();
                let options = College::ALL
                    .iter()
                    .map(|c| Opt {
                        code: c.as_str().to_string(),
                        label: college_label(state, *c),
                        selected: college == c.as_str(),
                    })
                    .collect();
                TypedRow { n, name, options }
            })
            .collect(),
        date: if typed.date.is_empty() { super::auvicom::today(state).to_string() } else { typed.date },
        place: if typed.place.is_empty() { texts } else { typed.place },
        salaries,
        employeurs,
        notice,
        errors,
    };
    state.pages.render_form("commission", &view, !view.errors.is_empty())
}

/// `GET /commission`: the sessions (a member's own only); for the administrator, the form to
/// open one and the colleges of the members' accounts.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, AppError> {
    list_page(&state, &me, Typed::default(), Vec::new(), String::new()).await
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// The members of a session as the form gives them, or why not (each message names its field).
fn members_of_form(
    state: &AppState,
    pairs: &[(String, String)],
    accounts: &[(String, String, College)],
    typed: &mut Typed,
    errors: &mut Vec<String>,
) -> Vec<SessionMember> {
    let mut members = Vec::new();
    for (_, login) in pairs.iter().filter(|(k, _)| k == "compte") {
        typed.chosen.insert(login.clone());
        match accounts.iter().find(|(l, _, _)| l == login) {
            Some((l, name, college)) => {
                members.push(SessionMember { name: name.clone(), college: *college, login: Some(l.clone()) });
            }
            None => errors.push(format!(
                "Membres : « {login} » n'est pas un compte de membre de la commission dont le collège est connu."
            )),
        }
    }
    for n in 1..=TYPED_ROWS {
        let name: String = field(pairs, &format!("nom-{n}")).trim().chars().take(200).collect();
        let code = field(pairs, &format!("college-{n}")).trim().to_string();
        typed.rows.push((name.clone(), code.clone()));
        if name.is_empty() {
            continue;
        }
        match code.parse::<College>() {
            Ok(college) => members.push(SessionMember { name, college, login: None }),
            Err(_) => {
                errors.push(format!("Membre saisi {n} (collège) : choisissez le collège de « {name} »."));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for m in &members {
        if !seen.insert(m.name.trim().to_lowercase()) {
            errors.push(format!("Membres : « {} » figure deux fois.", m.name));
        }
    }
    let (salaries, employeurs) = composition(state);
    for (college, need) in [(College::Salaries, salaries), (College::Employeurs, employeurs)] {
        let n = members.iter().filter(|m| m.college == college).count();
        if n < need {
            errors.push(format!(
                "Membres ({}) : il en faut au moins {need}, {n} choisi(s) ; la commission d'attribution est paritaire (art. 5).",
                state.labels.get(LabelSet::College, college.as_str())
            ));
        }
    }
    members
}

/// `POST /commission` (administrator): opens a session with its date, place and members.
pub async fn open(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    if !is_admin(&me) {
        return Err(AppError::Forbidden);
    }
    let mut typed = Typed {
        date: field(&pairs, "date").trim().to_string(),
        place: field(&pairs, "lieu").trim().chars().take(200).collect(),
        ..Typed::default()
    };
    let mut errors = Vec::new();
    let on = typed.date.parse::<Date>().ok();
    if on.is_none() {
        errors.push(format!("Date de la séance : « {} » n'est pas une date (AAAA-MM-JJ).", typed.date));
    }
    if typed.place.is_empty() {
        errors.push("Lieu : champ obligatoire.".to_string());
    }
    let (users, colleges) = state.pool.run(|s| Ok((s.users()?, s.colleges()?))).await?;
    let accounts: Vec<(String, String, College)> = users
        .iter()
        .filter(|u| u.role == Role::CommissionMember && !u.disabled)
        .filter_map(|u| colleges.get(&u.login).map(|c| (u.login.clone(), u.display_name.clone(), *c)))
        .collect();
    let members = members_of_form(&state, &pairs, &accounts, &mut typed, &mut errors);
    let (Some(on), true) = (on, errors.is_empty()) else {
        return list_page(&state, &me, typed, errors, String::new()).await;
    };
    let session = NewSession { on, place: typed.place.clone(), members };
    let actor = me.user.login.clone();
    let id = state.pool.run(move |s| Ok(s.open_commission_session(&actor, &session)?)).await?;
    Ok(Redirect::to(&format!("/commission/{id}?fait=ouverte")).into_response())
}

/// The college form.
#[derive(Deserialize)]
pub struct CollegeForm {
    login: String,
    college: String,
}

/// `POST /commission/colleges` (administrator): the college of a member's account.
pub async fn set_college(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Form(form): Form<CollegeForm>,
) -> Result<Response, AppError> {
    let Ok(college) = form.college.parse::<College>() else {
        let error = format!("Collège : « {} » n'est ni salariés ni employeurs.", form.college);
        return list_page(&state, &me, Typed::default(), vec![error], String::new()).await;
    };
    let actor = me.user.login.clone();
    let login = form.login.clone();
    state.pool.run(move |s| Ok(s.set_college(&actor, &login, college)?)).await?;
    let notice = format!("Collège de « {} » enregistré.", form.login);
    list_page(&state, &me, Typed::default(), Vec::new(), notice).await
}

// ---------------------------------------------------------------------------------------------
// One session.

#[derive(Serialize)]
struct MemberLine {
    name: String,
    college: String,
    account: bool,
}

#[derive(Serialize)]
struct AgendaLine {
    id: String,
    href: String,
    candidat: String,
    nom: String,
    certificat: String,
    organisme: String,
    proposition: String,
    decision: String,
    purpose: String,
    decided: bool,
}

#[derive(Serialize)]
struct Link {
    href: String,
    label: String,
}

#[derive(Serialize)]
struct SessionView {
    me: Me,
    id: String,
    date: String,
    place: String,
    admin: bool,
    members: Vec<MemberLine>,
    agenda: Vec<AgendaLine>,
    eligible: Vec<Choice>,
    minutes: Vec<Link>,
    may_decide: bool,
    opens: String,
    notice: String,
}

/// A dossier read and evaluated, by id (no scope: the caller checked the session's).
struct Read {
    yaml: String,
    dossier: Dossier,
    evaluation: Evaluation,
}

fn read_dossier(state: &AppState, id: &str, yaml: &str) -> Result<Read, AppError> {
    let file = crate::source::SourceFile { name: format!("{id}.yaml"), text: yaml.to_string() };
    let dossier = crate::dossier::load_dossier(&file, &state.library)
        .map_err(|d| AppError::Internal(format!("stored dossier {id} no longer loads: {d}")))?;
    let evaluation = crate::phases::evaluate(&dossier, &state.library, &state.policy, dossier.latest_date());
    Ok(Read { yaml: yaml.to_string(), dossier, evaluation })
}

/// The dossiers of an agenda, read, with why they are on it and the session's decision on each.
async fn agenda_of(
    state: &Arc<AppState>,
    session: &str,
) -> Result<Vec<(String, AgendaPurpose, Read, Option<DecisionRow>)>, AppError> {
    let key = session.to_string();
    let rows = state
        .pool
        .run(move |s| {
            let decisions = s.session_decisions(&key)?;
            let mut out = Vec::new();
            for entry in s.agenda(&key)? {
                let yaml = s.dossier_yaml(&entry.dossier)?.flatten();
                let decided = decisions.iter().find(|d| d.dossier == entry.dossier).cloned();
                out.push((entry.dossier, entry.purpose, yaml, decided));
            }
            Ok(out)
        })
        .await?;
    let mut out = Vec::new();
    for (id, purpose, yaml, decided) in rows {
        // A dossier whose candidate was erased is left out of the agenda shown.
        let Some(yaml) = yaml else { continue };
        let read = read_dossier(state, &id, &yaml)?;
        out.push((id, purpose, read, decided));
    }
    Ok(out)
}

fn purpose_label(p: AgendaPurpose) -> &'static str {
    match p {
        AgendaPurpose::Examen => "examen du dossier",
        AgendaPurpose::Recours => "réexamen après recours recevable",
    }
}

/// What was just done, as the address after an action says.
#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    fait: String,
}

/// `GET /commission/{id}`: the session, its members, its agenda as the tableau récapitulatif.
pub async fn session(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let session = session_for(&state, &me, &id).await?;
    let notice = match done.fait.as_str() {
        "ouverte" => "Séance ouverte.",
        "ordre" => "Dossier inscrit à l'ordre du jour.",
        "pv" => "Procès-verbal produit et conservé.",
        _ => "",
    };
    let agenda = agenda_of(&state, &id).await?;
    let ctx = documents::Context::new(&state.library, &state.policy, &state.templates, &state.data);
    let mut lines = Vec::new();
    for (dossier, purpose, read, decided) in &agenda {
        let row = SummaryRow::new(dossier, &ctx, &read.dossier, &read.evaluation)?;
        lines.push(AgendaLine {
            id: dossier.clone(),
            href: format!("/commission/{id}/dossiers/{dossier}"),
            candidat: row.candidat,
            nom: row.nom,
            certificat: row.certificat,
            organisme: row.organisme_evaluateur,
            proposition: row.proposition,
            decision: decided.as_ref().map_or_else(String::new, |_| row.decision.clone()),
            purpose: purpose_label(*purpose).to_string(),
            decided: decided.is_some(),
        });
    }
    let admin = is_admin(&me);
    let eligible = if admin { eligible(&state, &session).await? } else { Vec::new() };
    let key = id.clone();
    let minutes = state.pool.run(move |s| Ok(s.minutes(&key)?)).await?;
    let today = super::auvicom::today(&state);
    let view = SessionView {
        me: Me::of(&me),
        date: french::date(session.on),
        place: session.place.clone(),
        admin,
        members: session
            .members
            .iter()
            .map(|m| MemberLine {
                name: m.name.clone(),
                college: college_label(&state, m.college),
                account: m.login.is_some(),
            })
            .collect(),
        agenda: lines,
        eligible,
        minutes: minutes
            .iter()
            .map(|m| Link {
                href: format!("/commission/{id}/proces-verbal/{}", m.id),
                label: format!(
                    "Procès-verbal produit le {} par {} — SHA-256 {}",
                    super::dossier_page::moment(m.produced_ms),
                    m.produced_by,
                    &crate::registry::hex(&m.sha256)[..16]
                ),
            })
            .collect(),
        may_decide: today >= session.on,
        opens: french::date(session.on),
        notice: notice.to_string(),
        id,
    };
    Ok(state.pages.render("commission-seance", &view)?.into_response())
}

/// The dossiers the administrator may put on `session`'s agenda: synthesis done and nothing
/// decided, or decided before the session with an admitted appeal not yet reviewed.
async fn eligible(state: &Arc<AppState>, session: &SessionRow) -> Result<Vec<Choice>, AppError> {
    let key = session.id.clone();
    let rows = state
        .pool
        .run(move |s| {
            let on_agenda: BTreeSet<String> = s.agenda(&key)?.into_iter().map(|e| e.dossier).collect();
            let mut out = Vec::new();
            for st in ["synthesised", "decided"] {
                let q =
                    DossierQuery { state: Some(st.to_string()), limit: 10_000, ..DossierQuery::default() };
                for d in s.find_dossiers(&q)?.0 {
                    // Cheap filters first: a synthesis the engine computed (phase 3), or an
                    // appeal it admitted; the engine then decides on each one left.
                    let worth = match st {
                        "synthesised" => d.phase >= 3,
                        _ => s.dossier_appeals(&d.id)?.iter().any(|a| a.admitted),
                    };
                    if on_agenda.contains(&d.id) || !worth {
                        continue;
                    }
                    let yaml = s.dossier_yaml(&d.id)?.flatten();
                    let agendas = s.agendas_of(&d.id)?;
                    out.push((d, yaml, agendas));
                }
            }
            Ok(out)
        })
        .await?;
    let sessions = state.pool.run(|s| Ok(s.commission_sessions()?)).await?;
    let mut out = Vec::new();
    for (d, yaml, agendas) in rows {
        let Some(yaml) = yaml else { continue };
        let Ok(read) = read_dossier(state, &d.id, &yaml) else { continue };
        if purpose_for(&read, session, &agendas, &sessions).is_ok() {
            out.push(Choice {
                label: format!("{} — {} ({})", d.id, read.dossier.candidate_name(), d.candidate),
                code: d.id,
            });
        }
    }
    Ok(out)
}

/// Why `read` may go on `session`'s agenda, or why not (in French).
fn purpose_for(
    read: &Read,
    session: &SessionRow,
    agendas: &[(String, AgendaPurpose)],
    sessions: &[SessionRow],
) -> Result<AgendaPurpose, String> {
    let Some(decision) = &read.dossier.decision else {
        if read.evaluation.synthese.is_none() || read.dossier.synthese.is_none() {
            return Err("sa synthèse n'est pas faite (phase 3) : il n'est pas prêt pour la commission".into());
        }
        // Already waiting on another session's agenda, undecided: once is enough.
        if let Some((other, _)) = agendas.iter().find(|(s, _)| *s != session.id) {
            return Err(format!("il est déjà inscrit à l'ordre du jour de la séance {other}"));
        }
        return Ok(AgendaPurpose::Examen);
    };
    let admitted =
        read.evaluation.decision.as_ref().and_then(|d| d.appeal.as_ref()).is_some_and(|a| a.admitted);
    if !admitted {
        return Err("il est déjà décidé, sans recours recevable".into());
    }
    if session.on <= decision.date {
        return Err(format!(
            "le recours est réexaminé dans une séance postérieure à la décision du {}",
            french::date(decision.date)
        ));
    }
    let later = agendas.iter().any(|(s, p)| {
        *p == AgendaPurpose::Recours && sessions.iter().any(|x| x.id == *s && x.on > decision.date)
    });
    if later {
        return Err("son recours est déjà inscrit à l'ordre du jour d'une séance".into());
    }
    Ok(AgendaPurpose::Recours)
}

/// The agenda form.
#[derive(Deserialize)]
pub struct AgendaForm {
    dossier: String,
}

/// `POST /commission/{id}/ordre-du-jour` (administrator): a dossier put on the agenda.
pub async fn add_to_agenda(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(form): Form<AgendaForm>,
) -> Result<Response, AppError> {
    if !is_admin(&me) {
        return Err(AppError::Forbidden);
    }
    let session = session_for(&state, &me, &id).await?;
    let Loaded { yaml, dossier, evaluation, .. } = load_scoped(&state, &me, form.dossier.clone()).await?;
    let key = form.dossier.clone();
    let (agendas, sessions) =
        state.pool.run(move |s| Ok((s.agendas_of(&key)?, s.commission_sessions()?))).await?;
    let read = Read { yaml, dossier, evaluation };
    if agendas.iter().any(|(s, _)| *s == id) {
        return Ok(Redirect::to(&format!("/commission/{id}?fait=ordre")).into_response());
    }
    let purpose = purpose_for(&read, &session, &agendas, &sessions).map_err(|why| {
        AppError::BadRequest(format!("Le dossier {} ne peut pas être inscrit : {why}.", form.dossier))
    })?;
    let (actor, dossier) = (me.user.login.clone(), form.dossier.clone());
    state.pool.run(move |s| Ok(s.add_to_agenda(&actor, &id, &dossier, purpose)?)).await?;
    Ok(Redirect::to(&format!("/commission/{}?fait=ordre", session.id)).into_response())
}

fn pdf(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}.pdf\"")),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /commission/{id}/tableau`: the tableau récapitulatif of the session's agenda, as PDF.
pub async fn tableau(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let session = session_for(&state, &me, &id).await?;
    let agenda = agenda_of(&state, &id).await?;
    let ctx = documents::Context::new(&state.library, &state.policy, &state.templates, &state.data);
    let rows = agenda
        .iter()
        .map(|(d, _, r, _)| SummaryRow::new(d, &ctx, &r.dossier, &r.evaluation))
        .collect::<crate::error::Result<Vec<_>>>()?;
    let mut table = crate::session::summary::TableauRows::default();
    for r in &rows {
        table.push(r);
    }
    let view = crate::session::summary::tableau_view(&ctx, &table, true, &[], session.on, None)?;
    let bytes = crate::render::pdf(&state.templates, "tableau-recapitulatif", &view, session.on)?;
    Ok(pdf(&format!("tableau-recapitulatif-{id}"), bytes))
}

// ---------------------------------------------------------------------------------------------
// One dossier of a session: its synthesis, the decision, an appeal.

#[derive(Serialize)]
struct ActivityLine {
    title: String,
    status: String,
}

#[derive(Serialize)]
struct PresenceLine {
    n: usize,
    name: String,
    college: String,
    conflict: bool,
}

#[derive(Serialize)]
struct Recorded {
    outcome: String,
    date: String,
    sat: Vec<String>,
    withdrew: Vec<String>,
    absent: Vec<String>,
}

#[derive(Serialize)]
struct AppealLine {
    filed: String,
    ground: String,
    details: String,
    admitted: bool,
    reason: String,
}

#[derive(Serialize)]
struct DossierView {
    me: Me,
    session: String,
    session_date: String,
    id: String,
    name: String,
    candidate_id: String,
    certificate: String,
    body: String,
    purpose: String,
    proposal: String,
    override_reason: String,
    activities: Vec<ActivityLine>,
    units_result: Vec<ActivityLine>,
    to_evaluate_again: Vec<String>,
    findings: Vec<String>,
    previous: Vec<String>,
    recorded: Option<Recorded>,
    may_decide: bool,
    not_yet: String,
    presence: Vec<PresenceLine>,
    outcomes: Vec<Choice>,
    units: Vec<Choice>,
    salaries: usize,
    employeurs: usize,
    appeals: Vec<AppealLine>,
    may_appeal: bool,
    grounds: Vec<Choice>,
    today: String,
    errors: Vec<String>,
    notice: String,
}

/// The names of those who evaluated the candidate, as the engine's rule reads them.
fn evaluators(d: &Dossier) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = d.assessments().map(|(_, a)| a.by.trim().to_string()).collect();
    out.extend(d.evaluating_body.iter().flat_map(|b| &b.evaluators).map(|e| e.trim().to_string()));
    out.extend(d.synthese.iter().map(|s| s.by.trim().to_string()));
    out
}

/// The session and one dossier of its agenda, with its purpose and the session's decision on
/// it, or 404 when it is not on the agenda.
async fn on_agenda(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: &str,
    dossier: &str,
) -> Result<(SessionRow, AgendaPurpose, Read, Option<DecisionRow>, Vec<DecisionRow>), AppError> {
    let session = session_for(state, me, id).await?;
    let (sid, did) = (id.to_string(), dossier.to_string());
    let found = state
        .pool
        .run(move |s| {
            let entry = s.agenda(&sid)?.into_iter().find(|e| e.dossier == did);
            let yaml = s.dossier_yaml(&did)?.flatten();
            let all = s.dossier_decisions(&did)?;
            Ok((entry, yaml, all))
        })
        .await?;
    let (Some(entry), Some(yaml), all) = found else { return Err(AppError::NotFound) };
    let read = read_dossier(state, dossier, &yaml)?;
    let mine = all.iter().find(|d| d.session == id).cloned();
    Ok((session, entry.purpose, read, mine, all))
}

#[allow(clippy::too_many_lines)]
async fn dossier_page(
    state: &Arc<AppState>,
    me: &CurrentUser,
    id: &str,
    dossier: &str,
    errors: Vec<String>,
    notice: String,
) -> Result<Response, AppError> {
    let (session, purpose, read, mine, all) = on_agenda(state, me, id, dossier).await?;
    let key = dossier.to_string();
    let appeals = state.pool.run(move |s| Ok(s.dossier_appeals(&key)?)).await?;
    let labels = &state.labels;
    let d = &read.dossier;
    let e = &read.evaluation;
    let last = e.complement.as_ref().or(e.synthese.as_ref());
    let today = super::auvicom::today(state);
    let conflicted = evaluators(d);
    let (salaries, employeurs) = composition(state);
    let r = state.library.referentiel(&d.certificate);
    let per_unit = state.policy.for_certificate(&d.certificate).pass_rule == crate::policy::PassRule::PerUnit
        && r.is_some_and(|r| !r.units().is_empty());
    let may_decide = mine.is_none() && today >= session.on;
    let decided_here = mine.as_ref();
    let appealed: BTreeSet<i64> = appeals.iter().map(|a| a.decision).collect();
    let current = all.last();
    let view = DossierView {
        me: Me::of(me),
        session: id.to_string(),
        session_date: french::date(session.on),
        id: dossier.to_string(),
        name: d.candidate_name(),
        candidate_id: d.candidate.id.clone(),
        certificate: r.map_or(d.certificate.clone(), |c| c.title.clone()),
        body: d.evaluating_body.as_ref().map_or(String::new(), |b| format!("{} ({})", b.name, b.id)),
        purpose: purpose_label(purpose).to_string(),
        proposal: last
            .map_or_else(|| "aucune synthèse".to_string(), |s| labels.proposal(s.proposal).to_string()),
        override_reason: last.and_then(|s| s.proposal_override_reason.clone()).unwrap_or_default(),
        activities: last
            .map(|s| {
                s.activities
                    .iter()
                    .map(|a| ActivityLine {
                        title: a.title.clone(),
                        status: labels.activity_status(a.status).to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        units_result: last
            .map(|s| {
                s.units
                    .iter()
                    .map(|u| ActivityLine {
                        title: u.title.clone(),
                        status: labels.unit_status(u.status).to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        to_evaluate_again: last.map(|s| s.to_evaluate_again.clone()).unwrap_or_default(),
        findings: e
            .findings
            .iter()
            .map(|f: &Finding| format!("{} — {}", labels.finding(f.code), f.message))
            .collect(),
        previous: all
            .iter()
            .filter(|x| x.session != id)
            .map(|x| {
                format!(
                    "Séance {} : {} ({})",
                    x.session,
                    labels.get(LabelSet::Proposition, &x.outcome),
                    french::date(x.on)
                )
            })
            .collect(),
        recorded: decided_here.map(|x| {
            let by = |want: Attendance| {
                session
                    .members
                    .iter()
                    .zip(&x.attendance)
                    .filter(|(_, a)| **a == want)
                    .map(|(m, _)| format!("{} ({})", m.name, labels.college(m.college)))
                    .collect()
            };
            Recorded {
                outcome: labels.get(LabelSet::Proposition, &x.outcome).to_string(),
                date: french::date(x.on),
                sat: by(Attendance::Siege),
                withdrew: by(Attendance::Retire),
                absent: by(Attendance::Absent),
            }
        }),
        may_decide,
        not_yet: if mine.is_none() && today < session.on {
            format!("La décision se prend le jour de la séance, le {}, ou après.", french::date(session.on))
        } else {
            String::new()
        },
        presence: session
            .members
            .iter()
            .enumerate()
            .map(|(n, m)| PresenceLine {
                n,
                name: m.name.clone(),
                college: college_label(state, m.college),
                conflict: conflicted.contains(m.name.trim()),
            })
            .collect(),
        outcomes: Proposal::ALL
            .iter()
            .filter(|p| per_unit || **p != Proposal::ValidationPartielle)
            .map(|p| Choice { code: p.as_str().to_string(), label: labels.proposal(*p).to_string() })
            .collect(),
        units: if per_unit {
            r.map(|r| {
                r.units()
                    .iter()
                    .filter(|u| !d.acquired_units.iter().any(|a| a.unit == u.id))
                    .map(|u| Choice { code: u.id.clone(), label: u.title.clone() })
                    .collect()
            })
            .unwrap_or_default()
        } else {
            Vec::new()
        },
        salaries,
        employeurs,
        appeals: appeals
            .iter()
            .map(|a| AppealLine {
                filed: french::date(a.filed),
                ground: labels.get(LabelSet::MotifRecours, &a.ground).to_string(),
                details: a.details.clone().unwrap_or_default(),
                admitted: a.admitted,
                reason: a.reason.clone(),
            })
            .collect(),
        may_appeal: is_admin(me)
            && decided_here
                .is_some_and(|x| current.is_some_and(|c| c.id == x.id) && !appealed.contains(&x.id)),
        grounds: AppealGround::ALL
            .iter()
            .map(|g| Choice {
                code: g.as_str().to_string(),
                label: labels.get(LabelSet::MotifRecours, g.as_str()).to_string(),
            })
            .collect(),
        today: today.to_string(),
        errors,
        notice,
    };
    state.pages.render_form("commission-dossier", &view, !view.errors.is_empty())
}

/// `GET /commission/{id}/dossiers/{dossier}`: the synthesis on screen, the decision form or
/// the decision taken, the appeals.
pub async fn dossier(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, dossier)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = match done.fait.as_str() {
        "decision" => "Décision enregistrée ; la lettre de décision est jointe au dossier.",
        "recours" => "Recours enregistré.",
        _ => "",
    };
    dossier_page(&state, &me, &id, &dossier, Vec::new(), notice.to_string()).await
}

/// `GET /commission/{id}/dossiers/{dossier}/synthese`: the synthesis report, as PDF.
pub async fn synthese_pdf(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, dossier)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (_, _, read, _, _) = on_agenda(&state, &me, &id, &dossier).await?;
    if read.evaluation.synthese.is_none() {
        return Err(AppError::NotFound);
    }
    let ctx = documents::Context::new(&state.library, &state.policy, &state.templates, &state.data);
    let bytes = documents::report_pdf(&ctx, ReportKind::Synthese, &read.dossier, &read.evaluation)?;
    Ok(pdf(&format!("{dossier}-synthese"), bytes))
}

/// Messages of the error findings of `after` that `before` did not have (the decision's).
fn new_errors(before: &Evaluation, after: &Evaluation) -> Vec<String> {
    let old: BTreeSet<&str> =
        before.findings.iter().filter(|f| f.is_error()).map(|f| f.message.as_str()).collect();
    after
        .findings
        .iter()
        .filter(|f| f.is_error() && !old.contains(f.message.as_str()))
        .map(|f| format!("Décision : {} (art. 5).", f.message))
        .collect()
}

/// `POST /commission/{id}/dossiers/{dossier}/decision`: the decision with the members who sat.
#[allow(clippy::too_many_lines)]
pub async fn decide(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, dossier)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (session, purpose, read, mine, _) = on_agenda(&state, &me, &id, &dossier).await?;
    let mut errors = Vec::new();
    if mine.is_some() {
        errors.push("Décision : ce dossier est déjà décidé dans cette séance.".to_string());
    }
    let today = super::auvicom::today(&state);
    if today < session.on {
        errors.push(format!(
            "Décision : la séance a lieu le {} ; la décision ne peut pas être enregistrée avant (nous sommes le {}).",
            french::date(session.on),
            french::date(today)
        ));
    }
    match (purpose, &read.dossier.decision) {
        (AgendaPurpose::Examen, Some(_)) => errors.push("Décision : le dossier est déjà décidé.".to_string()),
        (AgendaPurpose::Recours, d) => {
            let admitted =
                read.evaluation.decision.as_ref().and_then(|x| x.appeal.as_ref()).is_some_and(|a| a.admitted);
            if d.is_none() || !admitted {
                errors.push("Décision : aucun recours recevable n'est à réexaminer.".to_string());
            }
        }
        (AgendaPurpose::Examen, None) => {}
    }
    let outcome = field(&pairs, "decision").parse::<Proposal>().ok();
    if outcome.is_none() {
        errors.push(format!(
            "Décision (issue) : choisissez attribution, non-attribution, évaluation complémentaire ou validation partielle (« {} » reçu).",
            field(&pairs, "decision")
        ));
    }
    let conflicted = evaluators(&read.dossier);
    let mut attendance = Vec::new();
    let mut members = Vec::new();
    for (n, m) in session.members.iter().enumerate() {
        let code = field(&pairs, &format!("presence-{n}"));
        let a = Attendance::parse(code).unwrap_or(Attendance::Absent);
        if a == Attendance::Siege {
            if conflicted.contains(m.name.trim()) {
                errors.push(format!(
                    "Membres présents : {} a évalué le candidat et ne peut pas siéger pour ce dossier (art. 5).",
                    m.name
                ));
            }
            members.push(Member { name: m.name.clone(), college: m.college, trained_candidate: false });
        }
        attendance.push(a);
    }
    let (salaries, employeurs) = composition(&state);
    let count = |c: College| members.iter().filter(|m| m.college == c).count();
    if count(College::Salaries) != salaries || count(College::Employeurs) != employeurs {
        errors.push(format!(
            "Membres présents : la commission siège avec {salaries} représentant(s) des salariés et {employeurs} des employeurs ; {} et {} sont indiqués comme siégeant (quorum non atteint ou dépassé ; un membre qui a formé ou évalué le candidat se retire).",
            count(College::Salaries),
            count(College::Employeurs)
        ));
    }
    let units: Vec<String> = pairs.iter().filter(|(k, _)| k == "unite").map(|(_, v)| v.clone()).collect();
    let (Some(outcome), true) = (outcome, errors.is_empty()) else {
        return dossier_page(&state, &me, &id, &dossier, errors, String::new()).await;
    };
    let decision = Decision {
        date: session.on,
        members,
        outcome,
        units: units.clone(),
        appeal: None,
        location: crate::diag::Location::default(),
    };
    let (yaml, decided) = match with_decision(&read.yaml, &state.library, &decision) {
        Ok(x) => x,
        Err(d) => {
            let errors = d.0.iter().map(|x| format!("Décision : {}", x.message)).collect();
            return dossier_page(&state, &me, &id, &dossier, errors, String::new()).await;
        }
    };
    let evaluation = crate::phases::evaluate(&decided, &state.library, &state.policy, decided.latest_date());
    let refused = new_errors(&read.evaluation, &evaluation);
    if !refused.is_empty() {
        return dossier_page(&state, &me, &id, &dossier, refused, String::new()).await;
    }
    let ctx = documents::Context::new(&state.library, &state.policy, &state.templates, &state.data);
    let letter = documents::report_pdf(&ctx, ReportKind::Decision, &decided, &evaluation)?;
    let facts = DossierFacts::of(&decided, &state.library, &state.policy);
    let text = DossierText { yaml, dossier: decided, facts };
    let new = NewDecision {
        session: id.clone(),
        dossier: dossier.clone(),
        outcome: outcome.as_str().to_string(),
        units,
        on: session.on,
        attendance,
    };
    let actor = me.user.login.clone();
    state
        .pool
        .run(move |s| {
            s.record_decision(&actor, &new, &text)?;
            s.add_document(&actor, &new.dossier, ReportKind::Decision.template(), &letter)?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/commission/{id}/dossiers/{dossier}?fait=decision")).into_response())
}

/// `POST /commission/{id}/dossiers/{dossier}/recours` (administrator): an appeal against the
/// decision this session took, judged by the engine (admitted on the procedure only).
pub async fn appeal(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, dossier)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    if !is_admin(&me) {
        return Err(AppError::Forbidden);
    }
    let (_, _, read, mine, all) = on_agenda(&state, &me, &id, &dossier).await?;
    let mut errors = Vec::new();
    let Some(decided) = mine.filter(|m| all.last().is_some_and(|l| l.id == m.id)) else {
        errors.push(
            "Recours : seule la dernière décision prise sur ce dossier peut faire l'objet d'un recours."
                .into(),
        );
        return dossier_page(&state, &me, &id, &dossier, errors, String::new()).await;
    };
    let filed = field(&pairs, "depose").trim().parse::<Date>().ok();
    let today = super::auvicom::today(&state);
    match filed {
        None => errors.push(format!(
            "Recours (déposé le) : « {} » n'est pas une date (AAAA-MM-JJ).",
            field(&pairs, "depose")
        )),
        Some(f) if f < decided.on => errors.push(format!(
            "Recours (déposé le) : le {} précède la décision du {}.",
            french::date(f),
            french::date(decided.on)
        )),
        Some(f) if f > today => {
            errors.push(format!("Recours (déposé le) : le {} est à venir.", french::date(f)));
        }
        Some(_) => {}
    }
    let ground = field(&pairs, "motif").parse::<AppealGround>().ok();
    if ground.is_none() {
        errors.push(format!("Recours (motif) : « {} » n'est pas un motif connu.", field(&pairs, "motif")));
    }
    let details: String = field(&pairs, "details").trim().chars().take(2000).collect();
    let (Some(filed), Some(ground), true) = (filed, ground, errors.is_empty()) else {
        return dossier_page(&state, &me, &id, &dossier, errors, String::new()).await;
    };
    let a = Appeal { filed, ground, details: Some(details.clone()).filter(|d| !d.is_empty()) };
    let (yaml, appealed) = match with_appeal(&read.yaml, &state.library, &a) {
        Ok(Some(x)) => x,
        Ok(None) => {
            return Err(AppError::BadRequest("aucune décision n'est enregistrée dans le dossier".into()));
        }
        Err(d) => {
            let errors = d.0.iter().map(|x| format!("Recours : {}", x.message)).collect();
            return dossier_page(&state, &me, &id, &dossier, errors, String::new()).await;
        }
    };
    let evaluation =
        crate::phases::evaluate(&appealed, &state.library, &state.policy, appealed.latest_date());
    let verdict = evaluation
        .decision
        .as_ref()
        .and_then(|d| d.appeal.clone())
        .ok_or_else(|| AppError::Internal("the engine gave no verdict on the appeal".into()))?;
    let facts = DossierFacts::of(&appealed, &state.library, &state.policy);
    let text = DossierText { yaml, dossier: appealed, facts };
    let new = NewAppeal {
        decision: decided.id,
        dossier: dossier.clone(),
        filed,
        ground: ground.as_str().to_string(),
        details: a.details,
        admitted: verdict.admitted,
        reason: verdict.reason.clone(),
    };
    let actor = me.user.login.clone();
    state.pool.run(move |s| Ok(s.record_appeal(&actor, &new, &text)?)).await?;
    let notice = if verdict.admitted {
        format!(
            "Recours enregistré — {} ; inscrivez le dossier à l'ordre du jour d'une séance ultérieure.",
            verdict.reason
        )
    } else {
        format!("Recours enregistré et rejeté — {}.", verdict.reason)
    };
    dossier_page(&state, &me, &id, &dossier, Vec::new(), notice).await
}

// ---------------------------------------------------------------------------------------------
// The procès-verbal.

#[derive(Serialize)]
struct PvCollege {
    label: String,
    present: Vec<String>,
    absent: Vec<String>,
}

#[derive(Serialize)]
struct PvDossier {
    candidat: String,
    nom: String,
    certificat: String,
    objet: String,
    proposition: String,
    decision: String,
    retraits: String,
}

#[derive(Serialize)]
struct PvAppeal {
    candidat: String,
    depose: String,
    motif: String,
    avis: String,
}

/// The procès-verbal's view (`templates/proces-verbal.hbs`).
#[derive(Serialize)]
struct PvView {
    sender: String,
    cpne: String,
    commission: String,
    session: String,
    session_date: String,
    place: String,
    colleges: Vec<PvCollege>,
    dossiers: Vec<PvDossier>,
    pending: Vec<String>,
    appeals: Vec<PvAppeal>,
    decided: String,
    signatures: Vec<String>,
}

/// `POST /commission/{id}/proces-verbal`: the procès-verbal of the session as it stands,
/// printed and kept with the session.
pub async fn minutes(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let session = session_for(&state, &me, &id).await?;
    let agenda = agenda_of(&state, &id).await?;
    let keys: Vec<String> = agenda.iter().map(|(d, ..)| d.clone()).collect();
    let appeals = state
        .pool
        .run(move |s| {
            let mut out = Vec::new();
            for k in &keys {
                out.extend(s.dossier_appeals(k)?);
            }
            Ok(out)
        })
        .await?;
    let ctx = documents::Context::new(&state.library, &state.policy, &state.templates, &state.data);
    let texts = ctx.texts()?;
    let labels = &state.labels;
    let decisions: Vec<&DecisionRow> = agenda.iter().filter_map(|(_, _, _, d)| d.as_ref()).collect();
    // Present: a member who sat or withdrew for at least one dossier; absent otherwise.
    let present: Vec<bool> = (0..session.members.len())
        .map(|i| decisions.iter().any(|d| d.attendance.get(i).is_some_and(|a| *a != Attendance::Absent)))
        .collect();
    let colleges = College::ALL
        .iter()
        .map(|c| {
            let of = |want: bool| {
                session
                    .members
                    .iter()
                    .zip(&present)
                    .filter(|(m, p)| m.college == *c && **p == want)
                    .map(|(m, _)| m.name.clone())
                    .collect::<Vec<_>>()
            };
            PvCollege { label: college_label(&state, *c), present: of(true), absent: of(false) }
        })
        .collect();
    let mut dossiers = Vec::new();
    let mut pending = Vec::new();
    for (d, purpose, read, decided) in &agenda {
        let row = SummaryRow::new(d, &ctx, &read.dossier, &read.evaluation)?;
        let Some(x) = decided else {
            pending.push(format!("{} {} — {}", row.candidat, row.nom, row.certificat));
            continue;
        };
        let withdrew: Vec<String> = session
            .members
            .iter()
            .zip(&x.attendance)
            .filter(|(_, a)| **a == Attendance::Retire)
            .map(|(m, _)| m.name.clone())
            .collect();
        dossiers.push(PvDossier {
            candidat: row.candidat.clone(),
            nom: row.nom.clone(),
            certificat: row.certificat.clone(),
            objet: purpose_label(*purpose).to_string(),
            proposition: row.proposition.clone(),
            decision: labels.get(LabelSet::Proposition, &x.outcome).to_string(),
            retraits: if withdrew.is_empty() { "—".to_string() } else { withdrew.join(", ") },
        });
    }
    let dossier_ids: BTreeSet<&str> = agenda.iter().map(|(d, ..)| d.as_str()).collect();
    let session_decisions: BTreeSet<i64> = decisions.iter().map(|d| d.id).collect();
    let appeals = appeals
        .iter()
        .filter(|a| dossier_ids.contains(a.dossier.as_str()) && session_decisions.contains(&a.decision))
        .map(|a| {
            let candidat =
                agenda.iter().find(|(d, ..)| *d == a.dossier).map_or_else(String::new, |(_, _, r, _)| {
                    format!("{} {}", r.dossier.candidate.id, r.dossier.candidate_name())
                });
            PvAppeal {
                candidat,
                depose: french::date(a.filed),
                motif: labels.get(LabelSet::MotifRecours, &a.ground).to_string(),
                avis: a.reason.clone(),
            }
        })
        .collect();
    let view = PvView {
        sender: texts.auvicom.nom.clone(),
        cpne: texts.cpne.nom.clone(),
        commission: texts.cpne.commission.clone(),
        session: id.clone(),
        session_date: french::date(session.on),
        place: session.place.clone(),
        colleges,
        decided: french::count(dossiers.len()),
        dossiers,
        pending,
        appeals,
        signatures: session
            .members
            .iter()
            .zip(&present)
            .filter(|(_, p)| **p)
            .map(|(m, _)| format!("{} — {}", m.name, college_label(&state, m.college)))
            .collect(),
    };
    let bytes = crate::render::pdf(&state.templates, "proces-verbal", &view, session.on)?;
    let actor = me.user.login.clone();
    let key = id.clone();
    state.pool.run(move |s| Ok(s.add_minutes(&actor, &key, &bytes)?)).await?;
    Ok(Redirect::to(&format!("/commission/{id}?fait=pv")).into_response())
}

/// `GET /commission/{id}/proces-verbal/{n}`: a procès-verbal kept, as PDF.
pub async fn minutes_pdf(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path((id, n)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    session_for(&state, &me, &id).await?;
    let found = state.pool.run(move |s| Ok(s.minutes_bytes(n)?)).await?;
    let (row, bytes) = found.filter(|(r, _)| r.session == id).ok_or(AppError::NotFound)?;
    Ok(pdf(&format!("proces-verbal-{}-{}", row.session, row.id), bytes))
}
