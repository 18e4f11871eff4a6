//! Load on the quiz in the workspace (issue 15): 200 candidates of one sitting answering at
//! once, the server in process on 127.0.0.1 over a store on disk. Target on the 2-core
//! machine: p99 time to save an answer (written to the store, `synchronous=FULL`, before the
//! acknowledgement) under 50 ms.
//!
//! Run: `cargo bench --bench quiz_load`. criterion times a round (every candidate sends one
//! answer, all at once, each on their own kept-alive connection); each save's own latency is
//! recorded and p50/p95/p99 are printed at the end.

// criterion's macros generate the undocumented `main` and group functions.
#![allow(missing_docs)]
// A benchmark reads the clock: that is its job (clippy.toml bans it in the library only).
#![allow(clippy::disallowed_methods)]
// Benchmarks build their fixtures the plainest way.
#![allow(clippy::format_push_string)]

mod support;

use cqpt::context::load_context;
use cqpt::quiz::Purpose;
use cqpt::server::AppState;
use cqpt::server::quiz::codes;
use cqpt::source::{DataSource, SourceFile};
use cqpt::store::quiz::{NewSeat, NewSitting, QuizStore};
use cqpt::store::{self, SqliteStore};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};
use support::{Client, SystemClock, percentile};

// The same allocator as the `cqpt` binary, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CANDIDATES: usize = 200;

/// A store with one sitting of `CANDIDATES` seats: the codes.
fn seated(path: &std::path::Path) -> Vec<String> {
    let (library, policy) = load_context(&DataSource::Embedded).unwrap();
    let mut s = SqliteStore::open(path, Arc::new(SystemClock)).unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/dossiers/01-distance-attribution.yaml"),
    )
    .unwrap();
    let bank = cqpt::quiz::load(&DataSource::Embedded, &library).unwrap();
    let spec = cqpt::quiz::sitting::SittingSpec {
        certificate: "distance".into(),
        purpose: Purpose::Evaluation,
        reference: "S-BANC".into(),
        ..Default::default()
    };
    let mut seats = Vec::new();
    let mut typed = Vec::new();
    for i in 0..CANDIDATES {
        let drawn = cqpt::quiz::draw(&bank, &library, &policy, &spec, i as u64).unwrap();
        let file = SourceFile { name: format!("banc-{i:03}.yaml"), text: text.clone() };
        store::import_dossier(&mut s, "banc", &file, &library, &policy).unwrap();
        let code = codes::new_code().unwrap();
        seats.push(NewSeat {
            dossier_id: format!("banc-{i:03}"),
            seed: i as u64,
            drawn: serde_json::to_string(&cqpt::quiz::sitting::drawn_questions(&drawn)).unwrap(),
            code_sha256: codes::digest(&codes::normalise(&code).unwrap()),
        });
        typed.push(code);
    }
    let sitting = NewSitting {
        id: "S-BANC".into(),
        certificate: "distance".into(),
        purpose: Purpose::Evaluation,
        body_id: "OE-BANC".into(),
        minutes: 30,
        seats,
    };
    s.create_sitting("banc", &sitting).unwrap();
    typed
}

/// A candidate on their own connection: the client, the page's CSRF token, the questions.
fn seat(addr: std::net::SocketAddr, code: &str) -> (Client, String, usize) {
    let mut c = Client::new(addr, "");
    let form = serde_urlencoded::to_string([("code", code)]).unwrap();
    let (status, cookies, _) =
        c.send("POST", "/quiz", "Content-Type: application/x-www-form-urlencoded\r\n", &form);
    assert_eq!(status, 303);
    c.cookie = cookies.into_iter().find(|k| k.starts_with("cqpt_place=")).unwrap();
    let (status, page) = c.get("/quiz/epreuve");
    assert_eq!(status, 200);
    let csrf = page.split("data-csrf=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let questions = page.matches("class=\"question\"").count();
    (c, csrf, questions)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cqpt.sqlite");
    let typed = seated(&path);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let state = AppState::new(DataSource::Embedded, path, Arc::new(SystemClock), false).unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(cqpt::server::serve(listener, Arc::new(state)));
    // The candidates log in from 200 addresses' worth of connections: one each, kept alive.
    let seats: Vec<Arc<Mutex<(Client, String, usize)>>> =
        typed.iter().map(|code| Arc::new(Mutex::new(seat(addr, code)))).collect();
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::new()));
    let round = |n: usize| {
        let start = Arc::new(Barrier::new(CANDIDATES));
        let threads: Vec<_> = seats
            .iter()
            .enumerate()
            .map(|(i, seat)| {
                let (seat, start, latencies) = (seat.clone(), start.clone(), latencies.clone());
                std::thread::spawn(move || {
                    let mut seat = seat.lock().unwrap();
                    let (client, csrf, questions) = &mut *seat;
                    let number = (n + i) % *questions + 1;
                    let body = format!("{{\"number\":{number},\"given\":\"{}\"}}", ["A", "B", "C"][n % 3]);
                    let extra = format!("Content-Type: application/json\r\nX-CSRF-Token: {csrf}\r\n");
                    start.wait();
                    let t = Instant::now();
                    let (status, _, answer) = client.send("POST", "/quiz/epreuve/reponse", &extra, &body);
                    let took = t.elapsed();
                    assert_eq!(status, 200, "{answer}");
                    assert!(answer.contains("\"saved\":true"), "{answer}");
                    latencies.lock().unwrap().push(took);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    };
    round(0);
    latencies.lock().unwrap().clear();
    let mut n = 0;
    let mut group = c.benchmark_group("quiz in the workspace");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("200 candidates answering at once (one round)", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                n += 1;
                round(n);
            }
            t.elapsed()
        });
    });
    group.finish();
    let mut all = latencies.lock().unwrap();
    all.sort();
    println!(
        "\nSaving an answer, {CANDIDATES} candidates at once: n = {}  p50 = {:.2} ms  p95 = {:.2} ms  p99 = {:.2} ms",
        all.len(),
        percentile(&all, 50.0).as_secs_f64() * 1e3,
        percentile(&all, 95.0).as_secs_f64() * 1e3,
        percentile(&all, 99.0).as_secs_f64() * 1e3,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
