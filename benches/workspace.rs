//! Latency of the workspace (issue 14): 10,000 dossiers in the store, the server in process on
//! 127.0.0.1, one logged-in session, 20 clients at once each asking in a loop for AUVICOM's list
//! of applications, the same list searched by a name and filtered on a state, and a dossier
//! page. Target on the 2-core machine: p95 < 50 ms for each page.
//!
//! Run: `cargo bench --bench workspace`. criterion times a batch (every client's requests,
//! all clients at once); each request's own latency is recorded and p50/p95/p99 per page are
//! printed at the end. The store is generated (`synthetic::generate`) and imported once, then kept
//! in `target/bench-workspace/` under its count and seed.

// criterion's macros generate the undocumented `main` and group functions.
#![allow(missing_docs)]
// A benchmark reads the clock: that is its job (clippy.toml bans it in the library only).
#![allow(clippy::disallowed_methods)]
// Benchmarks build their fixtures the plainest way.
#![allow(clippy::format_push_string)]

mod support;

use cqpt::server::AppState;
use cqpt::source::DataSource;
use cqpt::store::{SqliteStore, Store};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};
use support::{Client, DOSSIERS, LOGIN, PASSWORD, SystemClock, login, percentile, workspace_store};

// The same allocator as the `cqpt` binary, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLIENTS: usize = 20;

/// The pages asked for, in each client's loop. The generated dossiers are complete (none is
/// still `applied`), so the search filtered on `applied` finds nothing through the state's index;
/// the same search without the state reads every candidate's name.
const PAGES: [&str; 4] = ["/auvicom", "/auvicom?q=…&etat=applied", "/auvicom?q=…", "/dossiers/{id}"];

fn bench(c: &mut Criterion) {
    let path = workspace_store();
    let (names, ids) = {
        let s = SqliteStore::open(&path, Arc::new(SystemClock)).unwrap();
        let all = s.dossiers().unwrap();
        assert!(all.len() >= DOSSIERS * 99 / 100, "{} dossiers in the store", all.len());
        let names: Vec<String> = all
            .iter()
            .step_by(97)
            .filter_map(|d| d.candidate_name.as_deref()?.split_whitespace().next().map(str::to_string))
            .take(50)
            .collect();
        let ids: Vec<String> = all.iter().step_by(all.len() / 200).map(|d| d.id.clone()).collect();
        (names, ids)
    };
    assert!(!names.is_empty(), "names in the store");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let state = AppState::new(DataSource::Embedded, path, Arc::new(SystemClock), false).unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(cqpt::server::serve(listener, Arc::new(state)));
    let cookie = login(addr, LOGIN, PASSWORD);

    // Two loads: the pages of issue 14 (the list, the list searched on a name among the
    // applications, a dossier page), then the same with a search of a name over every dossier.
    // Each client has its own connection, a different name and dossier each time.
    let mixes: [(&str, &[usize]); 2] = [
        ("20 clients at once: list, search among applications, dossier page", &[0, 1, 3]),
        ("20 clients at once: the same and a search over every dossier", &[0, 1, 2, 3]),
    ];
    for (label, pages) in mixes {
        let latencies: Arc<Mutex<[Vec<Duration>; 4]>> = Arc::new(Mutex::new(Default::default()));
        let mut round = 0usize;
        let batch = |round: usize| {
            let start = Arc::new(Barrier::new(CLIENTS));
            let threads: Vec<_> = (0..CLIENTS)
                .map(|client| {
                    let n = round * CLIENTS + client;
                    let name = names[n % names.len()].as_str();
                    let applied = serde_urlencoded::to_string([("q", name), ("etat", "applied")]).unwrap();
                    let search = serde_urlencoded::to_string([("q", name)]).unwrap();
                    let paths = [
                        "/auvicom".to_string(),
                        format!("/auvicom?{applied}"),
                        format!("/auvicom?{search}"),
                        format!("/dossiers/{}", ids[n % ids.len()]),
                    ];
                    let (start, latencies, cookie) = (start.clone(), latencies.clone(), cookie.clone());
                    std::thread::spawn(move || {
                        let mut c = Client::new(addr, &cookie);
                        start.wait();
                        let mut mine = Vec::new();
                        for &page in pages {
                            let t = Instant::now();
                            let (status, body) = c.get(&paths[page]);
                            mine.push((page, t.elapsed()));
                            assert_eq!(status, 200, "{}: {body}", paths[page]);
                        }
                        let mut all = latencies.lock().unwrap();
                        for (page, d) in mine {
                            all[page].push(d);
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
        };
        // Warm up: the first connections and statements.
        batch(0);
        latencies.lock().unwrap().iter_mut().for_each(Vec::clear);

        let mut group = c.benchmark_group("workspace, 10,000 dossiers");
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(20);
        group.measurement_time(Duration::from_secs(20));
        group.bench_function(label, |b| {
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
        println!("\nLatency per request ({label}), {DOSSIERS} dossiers:");
        for &page in pages {
            let samples = &mut all[page];
            samples.sort();
            println!(
                "  {:<28} n = {:>6}  p50 = {:>7.2} ms  p95 = {:>7.2} ms  p99 = {:>7.2} ms",
                PAGES[page],
                samples.len(),
                percentile(samples, 50.0).as_secs_f64() * 1e3,
                percentile(samples, 95.0).as_secs_f64() * 1e3,
                percentile(samples, 99.0).as_secs_f64() * 1e3,
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
