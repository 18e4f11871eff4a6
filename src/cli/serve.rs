//! `cqpt serve`: the workspace on this machine's address, over the store; `--demo` on a
//! throw-away store with the examples and one account per role.

use super::Outcome;
use super::store::{StoreArgs, clock};
use clap::Args;
use cqpt::server::{AppState, demo, serve};
use cqpt::source::DataSource;
use cqpt::store::{self, SqliteStore};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// `cqpt serve`.
#[derive(Debug, Args)]
pub struct ServeCommand {
    /// The address to listen on. Keep 127.0.0.1 behind a reverse proxy that terminates TLS.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    addr: SocketAddr,
    #[command(flatten)]
    store: StoreArgs,
    /// A throw-away store with the example dossiers and one account per role (passwords
    /// printed); nothing is kept after the server stops.
    #[arg(long)]
    demo: bool,
    /// Mark cookies `Secure`: the server is reached over HTTPS (through a reverse proxy).
    /// Implied by --tls-cert.
    #[arg(long)]
    secure_cookies: bool,
    /// Start the server's clock on this day (YYYY-MM-DD; time then runs from there): for a
    /// demonstration on the examples' dates, and for tests that must not depend on the day
    /// they run. Never for real work.
    #[arg(long, value_name = "DATE")]
    clock_start: Option<cqpt::date::Date>,
    /// Serve HTTPS directly: the certificate chain (PEM). Needs --tls-key.
    #[arg(long, value_name = "FILE.pem", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM, PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "FILE.pem", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The certifier's folder (`cqpt credential keygen`/`issue`): the public page
    /// `/verification/{token}` verifies its credentials (404 without it).
    #[arg(long, value_name = "DIR")]
    certifier: Option<PathBuf>,
}

/// Runs the server until Ctrl-C.
pub fn run(source: &DataSource, cmd: &ServeCommand) -> Outcome {
    let scratch = if cmd.demo {
        Some(tempfile::tempdir().map_err(|e| cqpt::Error::Data(format!("temporary folder: {e}")))?)
    } else {
        None
    };
    let store_path: PathBuf =
        scratch.as_ref().map_or_else(|| cmd.store.store.clone(), |d| d.path().join("cqpt.sqlite"));
    if let Some(parent) = store_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| cqpt::Error::Data(format!("{}: {e}", parent.display())))?;
    }
    let tls = cmd.tls_cert.as_ref().zip(cmd.tls_key.as_ref());
    let clock = cmd.clock_start.map_or_else(clock, shifted);
    let mut state = AppState::new(
        source.clone(),
        store_path.clone(),
        clock.clone(),
        cmd.secure_cookies || tls.is_some(),
    )?;
    state.certifier.clone_from(&cmd.certifier);
    {
        let mut s =
            SqliteStore::open(&store_path, clock.clone()).map_err(|e| cqpt::Error::Data(e.to_string()))?;
        if cmd.demo {
            let (n, accounts) =
                demo::fill(&mut s, std::path::Path::new("examples/dossiers"), &state.library, &state.policy)
                    .map_err(|e| cqpt::Error::Data(e.to_string()))?;
            println!("Démonstration : {n} dossier(s) importé(s) dans un magasin jetable ; comptes :");
            for a in &accounts {
                println!("  {:<12} {:<28} mot de passe : {}", a.login, a.role.label(), a.password.expose());
            }
            // One API token per account (a day), for scripts that try the API on the demo.
            let now = clock.now_ms();
            for a in &accounts {
                let (_, token) =
                    cqpt::server::api::tokens_page::issue(&mut s, "demo", &a.login, "démonstration", 1, now)
                        .map_err(|e| cqpt::Error::Data(e.to_string()))?;
                println!("  jeton d'API de {} : {}", a.login, token.expose());
            }
        } else if let Some(password) =
            store::first_administrator(&mut s, "serve").map_err(|e| cqpt::Error::Data(e.to_string()))?
        {
            println!(
                "Premier démarrage : compte administrateur « admin », mot de passe à usage unique (affiché une seule fois) :"
            );
            println!("  {}", password.expose());
        }
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| cqpt::Error::Data(format!("runtime: {e}")))?;
    let state = Arc::new(state);
    runtime.block_on(async {
        cqpt::server::start_sittings(&state).await;
        if let Some((cert, key)) = tls {
            println!(
                "cqpt serve : https://{} (magasin : {}) — Ctrl-C pour arrêter",
                cmd.addr,
                store_path.display()
            );
            return cqpt::server::serve_tls(cmd.addr, cert, key, state).await.map_err(|e| {
                cqpt::Error::Data(format!(
                    "HTTPS on {} with {} and {}: {e}",
                    cmd.addr,
                    cert.display(),
                    key.display()
                ))
            });
        }
        let listener = tokio::net::TcpListener::bind(cmd.addr)
            .await
            .map_err(|e| cqpt::Error::Data(format!("cannot listen on {}: {e}", cmd.addr)))?;
        // The address bound (port 0 asks the system for a free one).
        let bound = listener.local_addr().unwrap_or(cmd.addr);
        println!("cqpt serve : http://{bound} (magasin : {}) — Ctrl-C pour arrêter", store_path.display());
        serve(listener, state).await.map_err(|e| cqpt::Error::Data(format!("server: {e}")))
    })?;
    drop(scratch);
    Ok(super::EXIT_OK)
}

/// The system clock moved so that it reads the start of `day` now.
struct Shifted {
    real: Arc<dyn cqpt::clock::Clock>,
    offset_ms: i64,
}

impl cqpt::clock::Clock for Shifted {
    fn now_ms(&self) -> i64 {
        self.real.now_ms() + self.offset_ms
    }

    fn monotonic_ms(&self) -> i64 {
        self.real.monotonic_ms()
    }
}

/// A clock that starts on `day` (`--clock-start`).
fn shifted(day: cqpt::date::Date) -> Arc<dyn cqpt::clock::Clock> {
    let real = clock();
    let epoch = cqpt::date::Date::new(1970, 1, 1).expect("the epoch exists");
    let start_ms = epoch.days_until(day) * 86_400_000;
    Arc::new(Shifted { offset_ms: start_ms - real.now_ms(), real })
}
