//! Load on the quiz server over loopback (issue 7): 50 candidates answering at once. Target:
//! p99 time to save an answer (journaled and flushed to disk) under 50 ms.
//! Run: `cargo bench --bench quiz_load` — criterion times a round of 50 simultaneous answers,
//! and the p50/p99 of single saves are printed at the end.

// criterion's macros generate the undocumented `main` and group functions.
#![allow(missing_docs)]
// Benchmarks build their fixtures the plainest way.
#![allow(clippy::format_push_string, clippy::default_trait_access)]
// A load benchmark measures wall time and runs the server on the real clock.
#![allow(clippy::disallowed_methods)]

use cqpt::context::load_context;
use cqpt::quiz::serve::{self, Clock, Sittings};
use cqpt::source::{DataSource, SourceFile};
use criterion::{Criterion, criterion_group, criterion_main};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Wall;
impl Clock for Wall {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    }
}

fn http(addr: &str, method: &str, path: &str, body: &str, cookie: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("server");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    let (head, body) = r.split_once("\r\n\r\n").unwrap_or((&r, ""));
    (
        head.split_whitespace().nth(1).and_then(|x| x.parse().ok()).unwrap_or(0),
        head.to_string(),
        body.to_string(),
    )
}

fn bench(c: &mut Criterion) {
    const CANDIDATES: usize = 50;
    let (library, policy) = load_context(&DataSource::Embedded).unwrap();
    let bank = cqpt::quiz::load(&DataSource::Embedded, &library).unwrap();
    let dir = std::env::temp_dir().join(format!("cqpt-quiz-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut y = String::from(
        "date: 2026-10-05\nby: Bench\nevaluator_code: EVAL-BENCH-2026\nduration_seconds: 21600\ncandidates:\n",
    );
    for i in 1..=CANDIDATES {
        y.push_str(&format!(
            "  - {{id: C{i:03}, name: C {i}, sitting: distance-2b-{i}, code: CODE-{i:04}-BENCH}}\n"
        ));
    }
    let path = dir.join("sittings.yaml");
    std::fs::write(&path, &y).unwrap();
    let session = serve::load_session(&SourceFile { name: "sittings.yaml".into(), text: y }, &path).unwrap();
    let state = Sittings::open(session, &bank, &library, &policy, Box::new(Wall)).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let pages = Arc::new(serve::pages(&DataSource::Embedded).unwrap());
    let (state, server_stop) = (Arc::new(state), Arc::clone(&stop));
    std::thread::spawn(move || serve::serve(listener, state, pages, server_stop));
    std::thread::sleep(Duration::from_millis(100));
    let cookies: Vec<String> = (1..=CANDIDATES)
        .map(|i| {
            let (_, head, _) =
                http(&addr, "POST", "/api/login", &format!("{{\"code\":\"CODE-{i:04}-BENCH\"}}"), "");
            head.lines()
                .find_map(|l| l.strip_prefix("Set-Cookie: "))
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let mut round = 0usize;
    c.benchmark_group("quiz server").sample_size(20).bench_function(
        "50 candidates save an answer at once",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    round += 1;
                    let number = round % 100 + 1;
                    let barrier = Arc::new(Barrier::new(CANDIDATES + 1));
                    let handles: Vec<_> = cookies
                        .iter()
                        .map(|cookie| {
                            let (addr, cookie, barrier, latencies) =
                                (addr.clone(), cookie.clone(), Arc::clone(&barrier), Arc::clone(&latencies));
                            std::thread::spawn(move || {
                                barrier.wait();
                                let t = Instant::now();
                                let (status, _, body) = http(
                                    &addr,
                                    "POST",
                                    "/api/answer",
                                    &format!("{{\"number\":{number},\"given\":\"A\"}}"),
                                    &cookie,
                                );
                                assert_eq!(status, 200, "{body}");
                                latencies.lock().unwrap().push(t.elapsed());
                            })
                        })
                        .collect();
                    barrier.wait();
                    let start = Instant::now();
                    for h in handles {
                        h.join().unwrap();
                    }
                    total += start.elapsed();
                }
                total
            });
        },
    );
    let mut all = latencies.lock().unwrap().clone();
    all.sort_unstable();
    let pick = |q: f64| all[((all.len() as f64 - 1.0) * q) as usize];
    eprintln!(
        "quiz server, time to save an answer with {CANDIDATES} candidates at once: p50 {:?}, p99 {:?}, max {:?} over {} saves",
        pick(0.5),
        pick(0.99),
        all.last().unwrap(),
        all.len()
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
