//! The workspace (`cqpt serve`): one HTTP server over one store, where each kind of user does
//! their part in a browser. Data flows one way: request → handler → library → store → page.
//!
//! - [`auth`]: login, sessions, CSRF, the role guard every desk's router is built with;
//! - [`scope`]: what each role may see, asked by every list and dossier page;
//! - [`desk`]: the lists (AUVICOM's desk and the others'); [`dossier_page`]: one dossier;
//! - [`pages`]: the page templates of `templates/pages/` and the static files;
//! - [`pool`]: the store's connections, used on blocking threads;
//! - [`demo`]: a throw-away store with the examples and one account per role.
//!
//! No rule and no SQL in a handler: the engine ([`crate::phases`]) decides, the store
//! ([`crate::store`]) keeps, the handler reads a form and renders a page.

pub mod admin;
pub mod api;
pub mod auth;
pub mod auvicom;
pub mod bodies;
pub mod candidate_page;
pub mod commission;
pub mod demo;
pub mod desk;
pub mod dossier_page;
pub mod error;
pub mod evaluation;
pub mod evaluator;
pub mod listen;
pub mod pages;
pub mod pool;
pub mod quiz;
pub mod scope;
pub mod verification;

use crate::accounts::Role;
use crate::clock::Clock;
use crate::documents::Labels;
use crate::policy::Policy;
use crate::referentiel::Library;
use crate::source::DataSource;
use auth::CurrentUser;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router, middleware};
use error::AppError;
use pages::Pages;
use pool::StorePool;
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body (an uploaded file is at most [`crate::store::MAX_FILE_BYTES`]).
pub const MAX_BODY: usize = crate::store::MAX_FILE_BYTES + 64 * 1024;
/// Longest a request may take before the server answers 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Requests handled at once; the others wait.
pub const MAX_CONCURRENT: usize = 256;

/// Everything a handler needs, built once at start.
pub struct AppState {
    /// The store.
    pub pool: Arc<StorePool>,
    /// The server's clock (a fake one in tests).
    pub clock: Arc<dyn Clock>,
    /// The référentiels.
    pub library: Library,
    /// The policy.
    pub policy: Policy,
    /// The French labels of the codes.
    pub labels: Labels,
    /// The page templates and static files.
    pub pages: Pages,
    /// The document templates (letters, reports).
    pub templates: crate::render::Templates,
    /// Where the data was read.
    pub data: DataSource,
    /// Cookies are marked `Secure` (served over TLS, directly or behind a proxy).
    pub secure: bool,
    /// The quiz sittings under way.
    pub quiz: quiz::Room,
    /// The certifier's folder whose credentials `/verification/{token}` verifies (`cqpt serve
    /// --certifier DIR`); without it that page answers 404.
    pub certifier: Option<std::path::PathBuf>,
}

impl AppState {
    /// Loads the data (référentiels, policy, labels, pages, templates) from `data` and opens the
    /// store at `store`.
    pub fn new(
        data: DataSource,
        store: std::path::PathBuf,
        clock: Arc<dyn Clock>,
        secure: bool,
    ) -> crate::error::Result<AppState> {
        let (library, policy) = crate::context::load_context(&data)?;
        let labels = crate::context::load_labels(&data)?;
        let pages = Pages::load(&data)?;
        let templates = crate::render::Templates::load(&data)?;
        let bank = crate::quiz::load(&data, &library)?;
        let pool = StorePool::open(store.clone(), clock.clone())
            .map_err(|e| crate::error::Error::Data(e.to_string()))?;
        let quiz = quiz::Room::new(bank, store, clock.clone())
            .map_err(|e| crate::error::Error::Data(format!("the quiz answers' writer: {e}")))?;
        Ok(AppState {
            pool: Arc::new(pool),
            clock,
            library,
            policy,
            labels,
            pages,
            templates,
            data,
            secure,
            quiz,
            certifier: None,
        })
    }
}

/// The roles of AUVICOM's desk.
const AUVICOM: &[Role] = &[Role::AuvicomOfficer, Role::Administrator];
/// The administrator's pages.
const ADMIN: &[Role] = &[Role::Administrator];
/// The candidates' page.
const CANDIDATES: &[Role] = &[Role::Candidate];
/// The roles that fill evaluations (an evaluator within their body's dossiers).
const EVALUATORS: &[Role] = &[Role::Evaluator, Role::Administrator];
/// The roles that run quiz sittings.
const SITTINGS: &[Role] = &[Role::Evaluator, Role::Administrator];
/// The roles of the commission's sessions (each member sees their own sessions only).
const COMMISSION: &[Role] = &[Role::Administrator, Role::CommissionMember];
/// The roles that work on dossiers (everyone but candidates).
const STAFF: &[Role] = &[Role::Administrator, Role::AuvicomOfficer, Role::Evaluator, Role::CommissionMember];

/// The whole application: public pages (login, static files), then the desks, each behind the
/// login, the CSRF check and its role guard.
pub fn router(state: Arc<AppState>) -> Router {
    let auvicom = Router::new()
        .route("/auvicom", get(desk::list))
        .route("/auvicom/demandes/nouvelle", get(auvicom::new_form).post(auvicom::create))
        .route("/auvicom/dossiers/{id}/recevabilite", post(auvicom::decide))
        .route("/auvicom/dossiers/{id}/lettre", post(auvicom::letter))
        .route("/auvicom/dossiers/{id}/organisme", post(auvicom::assign))
        .route("/auvicom/dossiers/{id}/fichiers", post(auvicom::upload))
        .route_layer(middleware::from_fn(|req, next| auth::require(AUVICOM, req, next)));
    let admin = Router::new()
        .route("/admin/comptes", get(admin::accounts).post(admin::create))
        .route("/admin/comptes/{login}/{action}", post(admin::set_disabled))
        .route("/admin/organismes", get(bodies::list).post(bodies::create))
        .route("/admin/organismes/{id}/habilitation", post(bodies::record))
        .route("/admin/jetons", get(api::tokens_page::list).post(api::tokens_page::create))
        .route("/admin/jetons/{id}/revoquer", post(api::tokens_page::revoke))
        .route_layer(middleware::from_fn(|req, next| auth::require(ADMIN, req, next)));
    let sittings = Router::new()
        .route("/seances", get(quiz::board::list).post(quiz::board::create))
        .route("/seances/statistiques", get(quiz::stats::page))
        .route("/seances/statistiques.csv", get(quiz::stats::csv))
        .route("/seances/statistiques.pdf", get(quiz::stats::pdf))
        .route("/seances/{id}", get(quiz::board::board))
        .route("/seances/{id}/etat", get(quiz::board::board_state))
        .route("/seances/{id}/clore", post(quiz::board::close_all))
        .route("/seances/{id}/places/{dossier}/temps", post(quiz::board::extra))
        .route("/seances/{id}/places/{dossier}/code", post(quiz::board::new_code))
        .route("/seances/{id}/places/{dossier}/clore", post(quiz::board::close_one))
        .route_layer(middleware::from_fn(|req, next| auth::require(SITTINGS, req, next)));
    let evaluators = Router::new()
        .route("/dossiers/{id}/evaluation", get(evaluator::page))
        .route("/dossiers/{id}/evaluation/convention", post(evaluator::convention))
        .route("/dossiers/{id}/evaluation/preuves", post(evaluator::piece))
        .route("/dossiers/{id}/evaluation/preuves/{piece}", post(evaluator::piece))
        .route("/dossiers/{id}/evaluation/preuves/{piece}/supprimer", post(evaluator::remove_piece))
        .route("/dossiers/{id}/evaluation/observation", post(evaluator::observation))
        .route("/dossiers/{id}/evaluation/grille", post(evaluator::grid))
        .route("/dossiers/{id}/evaluation/niveau", post(evaluator::level))
        .route("/dossiers/{id}/evaluation/contacts/{n}/supprimer", post(evaluator::remove_contact))
        .route("/dossiers/{id}/evaluation/entretien", post(evaluator::interview))
        .route("/dossiers/{id}/evaluation/derogations", post(evaluator::add_override))
        .route("/dossiers/{id}/evaluation/derogations/{n}/supprimer", post(evaluator::remove_override))
        .route("/dossiers/{id}/evaluation/envoi", post(evaluator::send_to_auvicom))
        .route("/dossiers/{id}/evaluation/correction", post(evaluator::correction))
        .route(
            "/dossiers/{id}/evaluation/tableur",
            get(evaluator::sheet::blank).post(evaluator::sheet::import),
        )
        .route_layer(middleware::from_fn(|req, next| auth::require(EVALUATORS, req, next)));
    let commission = Router::new()
        .route("/commission", get(commission::list).post(commission::open))
        .route("/commission/{id}", get(commission::session))
        .route("/commission/{id}/tableau", get(commission::tableau))
        .route("/commission/{id}/ordre-du-jour", post(commission::add_to_agenda))
        .route("/commission/{id}/proces-verbal", post(commission::minutes))
        .route("/commission/{id}/proces-verbal/{n}", get(commission::minutes_pdf))
        .route("/commission/{id}/dossiers/{dossier}", get(commission::dossier))
        .route("/commission/{id}/dossiers/{dossier}/synthese", get(commission::synthese_pdf))
        .route("/commission/{id}/dossiers/{dossier}/decision", post(commission::decide))
        .route("/commission/{id}/dossiers/{dossier}/recours", post(commission::appeal))
        .route_layer(middleware::from_fn(|req, next| auth::require(COMMISSION, req, next)));
    let commission_admin = Router::new()
        .route("/commission/colleges", post(commission::set_college))
        .route_layer(middleware::from_fn(|req, next| auth::require(ADMIN, req, next)));
    let candidates = Router::new()
        .route("/espace-candidat", get(candidate_page::page))
        .route("/espace-candidat/documents/{n}", get(candidate_page::document))
        .route_layer(middleware::from_fn(|req, next| auth::require(CANDIDATES, req, next)));
    let staff = Router::new()
        .route("/dossiers", get(desk::list))
        .route("/dossiers/{id}", get(dossier_page::page))
        .route("/dossiers/{id}/documents/{n}", get(dossier_page::document))
        .route("/dossiers/{id}/fichiers/{n}", get(dossier_page::file))
        .route_layer(middleware::from_fn(|req, next| auth::require(STAFF, req, next)));
    let private = Router::new()
        .route("/", get(home))
        .route("/deconnexion", post(auth::logout))
        .merge(auvicom)
        .merge(admin)
        .merge(staff)
        .merge(sittings)
        .merge(evaluators)
        .merge(candidates)
        .merge(commission)
        .merge(commission_admin)
        .route_layer(middleware::from_fn(auth::csrf_checked))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::authenticated));
    Router::new()
        .route("/connexion", get(auth::login_page).post(auth::login))
        .route("/static/{name}", get(asset))
        // The credentials' verification page: public, no login (the parchemin's QR code).
        .route("/verification/{token}", get(verification::page))
        // The candidates' side of a sitting: no account, a one-time code; the seat's session
        // has its own cookie and CSRF token (checked by the handlers).
        .route("/quiz", get(quiz::candidate::code_page).post(quiz::candidate::code_login))
        .route("/quiz/epreuve", get(quiz::candidate::page))
        .route("/quiz/epreuve/etat", get(quiz::candidate::status))
        .route("/quiz/epreuve/reponse", post(quiz::candidate::answer))
        .route("/quiz/epreuve/terminer", post(quiz::candidate::finish))
        .merge(private)
        // The JSON API: bearer tokens, no cookie, no CSRF; problems as JSON.
        .merge(api::router(state.clone()))
        .fallback(|| async { AppError::NotFound })
        // No framing, no sniffing, no referrer, scripts and styles from the server only,
        // nothing cached (pages hold personal data).
        .layer(always(
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
        .layer(always("x-content-type-options", "nosniff"))
        .layer(always("x-frame-options", "DENY"))
        .layer(always("referrer-policy", "no-referrer"))
        .layer(always("cache-control", "no-store"))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(tower::limit::ConcurrencyLimitLayer::new(MAX_CONCURRENT))
        .with_state(state)
}

/// Takes up the sittings under way (a restart: time from the checkpoints, closings finished)
/// and then closes seats at the end of their time, every second, for the server's life. Called
/// before the server says it is ready.
pub async fn start_sittings(state: &Arc<AppState>) {
    if let Err(e) = quiz::resume(state).await {
        eprintln!("cqpt serve: the sittings under way could not all be taken up: {e:?}");
    }
    let ticking = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            every.tick().await;
            quiz::tick(&ticking).await;
        }
    });
}

/// A header set on every answer.
fn always(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::HeaderName::from_static(name), HeaderValue::from_static(value))
}

/// `GET /`: each role's desk.
async fn home(Extension(me): Extension<CurrentUser>) -> Response {
    match me.user.role {
        Role::AuvicomOfficer | Role::Administrator => Redirect::to("/auvicom").into_response(),
        Role::Evaluator => Redirect::to("/dossiers").into_response(),
        Role::CommissionMember => Redirect::to("/commission").into_response(),
        Role::Candidate => Redirect::to("/espace-candidat").into_response(),
    }
}

/// `GET /static/{name}`: the stylesheet and scripts of `templates/pages/`.
async fn asset(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    match state.pages.asset(&name) {
        Some((media, text)) => ([(header::CONTENT_TYPE, *media)], text.clone()).into_response(),
        None => AppError::NotFound.into_response(),
    }
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, then finishes the requests under way.
/// Connections that send their headers too slowly are closed, and counted per address and in
/// all ([`listen`]).
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>) -> std::io::Result<()> {
    listen::serve(listener, router(state), shutdown()).await
}

/// Serves over HTTPS on `addr` with the PEM certificate chain and private key given, until
/// Ctrl-C or SIGTERM (then the requests under way get 10 seconds to finish).
pub async fn serve_tls(
    addr: std::net::SocketAddr,
    cert: &std::path::Path,
    key: &std::path::Path,
    state: Arc<AppState>,
) -> std::io::Result<()> {
    // One crypto provider for the process (ring); installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        shutdown().await;
        stopping.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    axum_server::bind_rustls(addr, config)
        .handle(handle)
        .serve(router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
