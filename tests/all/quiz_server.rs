//! The quiz in a browser: a real headless Chromium through a whole sitting, a refresh and the
//! end of time; a killed server restarted without losing an answer or a second; no key in any
//! response, no way into another candidate's sitting, guessing slowed; 50 candidates at once.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a sittings file of `n` candidates in `dir`.
pub fn sittings(dir: &Path, n: usize, seconds: u32) -> PathBuf {
    let mut y = format!(
        "date: 2026-10-05\nby: Sophie Bernard\nevaluator_code: EVAL-TEST-2026\nduration_seconds: {seconds}\ncandidates:\n"
    );
    for i in 1..=n {
        let certificate = if i % 2 == 0 { "point-de-distribution" } else { "distance" };
        y.push_str(&format!("  - {{id: CQ-{i:03}, name: Candidat {i}, sitting: {certificate}-2b-{i}, code: CODE-{i:04}-XYZW}}\n"));
    }
    let path = dir.join("sittings.yaml");
    std::fs::write(&path, y).unwrap();
    path
}

/// Starts `cqpt quiz serve` on a free port.
pub fn start(sittings: &Path) -> Server {
    let mut child = crate::common::cqpt()
        .args(["quiz", "serve", "--bind", "127.0.0.1:0", "--sittings"])
        .arg(sittings)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// A request; returns the status, the headers and the body.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    cookie: Option<&str>,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let body = body.unwrap_or("");
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn set_cookie(head: &str) -> String {
    head.lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string()
}

fn login(addr: &str, code: &str) -> String {
    let (status, head, body) =
        http(addr, "POST", "/api/login", Some(&format!("{{\"code\":\"{code}\"}}")), None);
    assert_eq!(status, 200, "{body}");
    set_cookie(&head)
}

fn state(addr: &str, cookie: &str) -> serde_json::Value {
    let (status, _, body) = http(addr, "GET", "/api/state", None, Some(cookie));
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Every object key of a JSON value.
fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                keys(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn a_killed_server_restarts_with_every_answer_and_the_right_time_left() {
    let dir = tempfile::tempdir().unwrap();
    let file = sittings(dir.path(), 2, 600);
    let server = start(&file);
    let cookie = login(&server.addr, "CODE-0001-XYZW");
    let before = state(&server.addr, &cookie);
    let questions = before["questions"].as_array().unwrap();
    for q in questions.iter().take(12) {
        let letter = q["choices"][0]["letter"].as_str().unwrap();
        let (status, _, body) = http(
            &server.addr,
            "POST",
            "/api/answer",
            Some(&format!("{{\"number\":{},\"given\":\"{letter}\"}}", q["number"])),
            Some(&cookie),
        );
        assert_eq!(status, 200, "{body}");
    }
    let left_before = state(&server.addr, &cookie)["time_left_ms"].as_i64().unwrap();
    let killed_at = Instant::now();
    drop(server); // SIGKILL
    std::thread::sleep(Duration::from_millis(1500));
    let server = start(&file);
    let after = state(&server.addr, &cookie);
    assert_eq!(after["answered"], 12, "every answer is still there");
    for q in questions.iter().take(12) {
        assert_eq!(after["answers"][q["number"].to_string()], q["choices"][0]["letter"]);
    }
    let left_after = after["time_left_ms"].as_i64().unwrap();
    let elapsed = killed_at.elapsed().as_millis() as i64;
    assert!(
        left_after <= left_before - 1400,
        "the time ran on while the server was down: {left_before} → {left_after}"
    );
    assert!(
        left_after >= left_before - elapsed - 2000,
        "no time lost beyond the downtime: {left_before} → {left_after} after {elapsed} ms"
    );
}

#[test]
fn no_response_holds_the_key_and_a_candidate_reaches_only_their_sitting() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&sittings(dir.path(), 2, 600));
    let a = login(&server.addr, "CODE-0001-XYZW");
    let b = login(&server.addr, "code 0002 xyzw");
    let view = state(&server.addr, &a);
    let mut names = Vec::new();
    keys(&view, &mut names);
    for forbidden in ["key", "correct", "explanation", "item", "level"] {
        assert!(!names.iter().any(|k| k == forbidden), "the state exposes `{forbidden}`");
    }
    for path in ["/", "/candidat.js", "/evaluateur.js", "/api/state"] {
        let (_, _, body) = http(&server.addr, "GET", path, None, Some(&a));
        assert!(!body.contains("\"correct\"") && !body.contains("explanation"), "{path}");
    }
    // A's cookie with B's id: refused; B's data is not in A's view.
    let forged = a.replace("CQ-001", "CQ-002");
    assert_eq!(http(&server.addr, "GET", "/api/state", None, Some(&forged)).0, 401);
    assert_eq!(
        http(&server.addr, "POST", "/api/answer", Some("{\"number\":1,\"given\":\"A\"}"), Some(&forged)).0,
        401
    );
    assert_eq!(http(&server.addr, "GET", "/api/state", None, None).0, 401);
    assert_ne!(view["sitting"], state(&server.addr, &b)["sitting"]);
    // A code serves once.
    assert_eq!(http(&server.addr, "POST", "/api/login", Some("{\"code\":\"CODE-0001-XYZW\"}"), None).0, 409);
    // Input is validated.
    assert_eq!(
        http(&server.addr, "POST", "/api/answer", Some("{\"number\":100000,\"given\":\"A\"}"), Some(&a)).0,
        400
    );
    assert_eq!(
        http(&server.addr, "POST", "/api/answer", Some("{\"number\":1,\"given\":\"<script>\"}"), Some(&a)).0,
        400
    );
    assert_eq!(http(&server.addr, "POST", "/api/answer", Some("not json"), Some(&a)).0, 400);
    // The evaluator's pages need the evaluator's code.
    assert_eq!(
        http(&server.addr, "GET", "/api/eval/state", None, Some(&a.replace("cqpt=", "cqpt_eval="))).0,
        401
    );
}

#[test]
fn guessing_codes_is_slowed() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&sittings(dir.path(), 1, 600));
    let mut refused = 0;
    let mut slowed = 0;
    for i in 0..6 {
        let (status, head, _) = http(
            &server.addr,
            "POST",
            "/api/login",
            Some(&format!("{{\"code\":\"GUESS-{i:04}-AAAA\"}}")),
            None,
        );
        match status {
            403 => refused += 1,
            429 => {
                slowed += 1;
                assert!(head.contains("Retry-After:"));
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(refused >= 1 && slowed >= 4, "{refused} refused, {slowed} slowed");
    // Even the right code waits while the address is slowed.
    assert_eq!(http(&server.addr, "POST", "/api/login", Some("{\"code\":\"CODE-0001-XYZW\"}"), None).0, 429);
}

#[test]
fn fifty_candidates_answer_at_once_and_every_answer_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&sittings(dir.path(), 50, 600));
    let addr = server.addr.clone();
    let handles: Vec<_> = (1..=50)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let cookie = login(&addr, &format!("CODE-{i:04}-XYZW"));
                let view = state(&addr, &cookie);
                for q in view["questions"].as_array().unwrap().iter().take(20) {
                    let letter = q["choices"][1]["letter"].as_str().unwrap();
                    let (status, _, body) = http(
                        &addr,
                        "POST",
                        "/api/answer",
                        Some(&format!("{{\"number\":{},\"given\":\"{letter}\"}}", q["number"])),
                        Some(&cookie),
                    );
                    assert_eq!(status, 200, "{body}");
                }
                state(&addr, &cookie)["answered"].as_u64().unwrap()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 20);
    }
    for i in 1..=50 {
        let journal =
            std::fs::read_to_string(dir.path().join(format!("quiz-state/CQ-{i:03}.journal"))).unwrap();
        assert_eq!(journal.lines().filter(|l| l.contains("\"answer\"")).count(), 20, "CQ-{i:03}");
    }
}

#[test]
fn the_evaluator_grants_time_and_closes_a_sitting_whose_result_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&sittings(dir.path(), 2, 600));
    let a = login(&server.addr, "CODE-0001-XYZW");
    let (status, head, _) =
        http(&server.addr, "POST", "/api/eval/login", Some("{\"code\":\"EVAL-TEST-2026\"}"), None);
    assert_eq!(status, 200);
    let eval = set_cookie(&head);
    let left = state(&server.addr, &a)["time_left_ms"].as_i64().unwrap();
    assert_eq!(
        http(
            &server.addr,
            "POST",
            "/api/eval/extra",
            Some("{\"id\":\"CQ-001\",\"minutes\":10}"),
            Some(&eval)
        )
        .0,
        200
    );
    let more = state(&server.addr, &a)["time_left_ms"].as_i64().unwrap();
    assert!(more > left + 590_000, "{left} → {more}");
    let (_, _, board) = http(&server.addr, "GET", "/api/eval/state", None, Some(&eval));
    let board: serde_json::Value = serde_json::from_str(&board).unwrap();
    assert_eq!(board[0]["connected"], true);
    assert_eq!(board[1]["started"], false);
    assert_eq!(
        http(&server.addr, "POST", "/api/eval/close", Some("{\"id\":\"CQ-001\"}"), Some(&eval)).0,
        200
    );
    assert_eq!(
        http(&server.addr, "POST", "/api/answer", Some("{\"number\":1,\"given\":\"A\"}"), Some(&a)).0,
        410
    );
    let result = std::fs::read_to_string(dir.path().join("quiz-state/CQ-001-resultat.yaml")).unwrap();
    assert!(
        result.contains("sitting: distance-2b\n") && result.contains("seed: 1") && result.contains("levels:"),
        "{result}"
    );
}
