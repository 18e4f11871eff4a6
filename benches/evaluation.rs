//! Latency of the evaluator's desk (issue 16): 10,000 dossiers in the store, the server in
//! process on 127.0.0.1, 20 clients at once each typing levels into the observation grid of its
//! own dossier — each request saves one level (the dossier's text rewritten and reloaded, the
//! levels' history and the registry entry written in one transaction) and answers with the
//! synthesis computed again. Target on the 2-core machine: p95 < 50 ms.
//!
//! Run: `cargo bench --bench evaluation`. The store is the workspace bench's (generated once
//! and kept in `target/bench-workspace/`), copied for each run so that the writes never change
//! it; an administrator account is added to the copy.

// criterion's macros generate the undocumented `main` and group functions.
#![allow(missing_docs)]
// A benchmark reads the clock: that is its job (clippy.toml bans it in the library only).
#![allow(clippy::disallowed_methods)]
// Benchmarks build their requests the plainest way.
#![allow(clippy::format_push_string)]

mod support;

use cqpt::accounts::{Role, Secret};
use cqpt::server::AppState;
use cqpt::source::DataSource;
use cqpt::store::{NewUser, SqliteStore, Store};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};
use support::{Client, DOSSIERS, SystemClock, hidden, login, percentile, workspace_store};

// The same allocator as the `cqpt` binary, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLIENTS: usize = 20;
const ADMIN: &str = "banc-evaluation";
const PASSWORD: &str = "mot-de-passe-du-banc-evaluation";

fn bench(c: &mut Criterion) {
    let shared = workspace_store();
    let dir = shared.parent().unwrap().join("evaluation");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.sqlite");
    std::fs::copy(&shared, &path).unwrap();
    let ids: Vec<String> = {
        let mut s = SqliteStore::open(&path, Arc::new(SystemClock)).unwrap();
        let hash = cqpt::accounts::hash_password(&Secret::new(PASSWORD)).unwrap();
        let user = NewUser {
            login: ADMIN.into(),
            display_name: "Banc évaluation".into(),
            role: Role::Administrator,
            body: None,
            password_hash: hash,
            candidate: None,
        };
        s.create_user("banc", &user).unwrap();
        let all = s.dossiers().unwrap();
        assert!(all.len() >= DOSSIERS * 99 / 100, "{} dossiers in the store", all.len());
        all.iter().filter(|d| d.body.is_some()).step_by(97).take(CLIENTS).map(|d| d.id.clone()).collect()
    };
    assert_eq!(ids.len(), CLIENTS, "one dossier per client");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let state = AppState::new(DataSource::Embedded, path, Arc::new(SystemClock), false).unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(cqpt::server::serve(listener, Arc::new(state)));
    let cookie = login(addr, ADMIN, PASSWORD);
    // Each client's dossier: the CSRF token and the grid's first items, read from its page.
    let targets: Vec<(String, String, Vec<String>)> = ids
        .iter()
        .map(|id| {
            let mut c = Client::new(addr, &cookie);
            let (status, page) = c.get(&format!("/dossiers/{id}/evaluation"));
            assert_eq!(status, 200, "{id}: {page}");
            let items: Vec<String> = page
                .split("data-c=\"1\" data-item=\"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next().map(str::to_string))
                .take(8)
                .collect();
            assert!(!items.is_empty(), "{id} has an observation grid");
            (id.clone(), hidden(&page, "csrf"), items)
        })
        .collect();
    let targets = Arc::new(targets);
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::new()));
    let mut round = 0usize;
    let batch = |round: usize| {
        let start = Arc::new(Barrier::new(CLIENTS));
        let threads: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (start, latencies, cookie, targets) =
                    (start.clone(), latencies.clone(), cookie.clone(), targets.clone());
                std::thread::spawn(move || {
                    let (id, csrf, items) = &targets[client];
                    let mut c = Client::new(addr, &cookie);
                    start.wait();
                    let mut mine = Vec::new();
                    // Five levels typed down a contact's column, each different from the last.
                    for k in 0..5 {
                        let item = &items[k % items.len()];
                        let level = if (round + k).is_multiple_of(2) { "2" } else { "3" };
                        let body = format!(r#"{{"contact":1,"item":"{item}","level":"{level}"}}"#);
                        let extra = format!("Content-Type: application/json\r\nx-csrf-token: {csrf}\r\n");
                        let t = Instant::now();
                        let (status, _, answer) =
                            c.send("POST", &format!("/dossiers/{id}/evaluation/niveau"), &extra, &body);
                        mine.push(t.elapsed());
                        assert_eq!(status, 200, "{id}: {answer}");
                        assert!(answer.contains("Contacts observés"), "{answer}");
                    }
                    latencies.lock().unwrap().extend(mine);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    };
    batch(0);
    latencies.lock().unwrap().clear();

    let mut group = c.benchmark_group("evaluator's desk, 10,000 dossiers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("20 clients at once: a level saved and the synthesis computed again", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                round += 1;
                batch(round);
            }
            t.elapsed()
        });
    });
    group.finish();
    let mut all = latencies.lock().unwrap();
    all.sort();
    println!(
        "\nLatency of a level saved with the live synthesis, {DOSSIERS} dossiers, {CLIENTS} clients: \
         n = {}  p50 = {:.2} ms  p95 = {:.2} ms  p99 = {:.2} ms",
        all.len(),
        percentile(&all, 50.0).as_secs_f64() * 1e3,
        percentile(&all, 95.0).as_secs_f64() * 1e3,
        percentile(&all, 99.0).as_secs_f64() * 1e3,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
