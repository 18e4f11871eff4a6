//! A real headless Chromium (Debian's chromium and chromium-driver, installed by .ci/run),
//! driven over the `WebDriver` protocol with a minimal client: a whole sitting, a refresh in the
//! middle, the keyboard, and the end of time.

use crate::quiz_server::{sittings, start};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn request(port: u16, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<Value> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.map(std::string::ToString::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // Read the head, then exactly Content-Length bytes: chromedriver keeps connections open.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // `read` may fail with EINTR when a signal reaches the thread (CI failed at random on
    // it); `read_exact` retries then, and its end of stream ends the head.
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read_exact(&mut byte) {
            Ok(()) => head.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    let body = String::from_utf8_lossy(&body);
    let json = body.trim();
    Ok(serde_json::from_str(json).unwrap_or(Value::Null))
}

impl Browser {
    fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver is needed: apt-get install chromium chromium-driver (.ci/run installs them)",
            );
        let deadline = Instant::now() + Duration::from_secs(20);
        while request(port, "GET", "/status", None).map_or(true, |s| s["value"]["ready"] != true) {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     format!("--user-data-dir={}", profile.path().display())]}}}});
        let reply = request(port, "POST", "/session", Some(&capabilities)).unwrap();
        let session =
            reply["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {reply}")).to_string();
        Browser { driver, port, session, _profile: profile }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        request(self.port, method, path, body.as_ref()).unwrap()["value"].clone()
    }

    fn goto(&self, url: &str) {
        self.call("POST", &format!("/session/{}/url", self.session), Some(json!({ "url": url })));
    }

    fn find(&self, css: &str) -> Option<String> {
        let v = self.call(
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT].as_str().map(str::to_string)
    }

    fn click(&self, css: &str) {
        let id = self.find(css).unwrap_or_else(|| panic!("no {css}"));
        self.call("POST", &format!("/session/{}/element/{id}/click", self.session), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).unwrap_or_else(|| panic!("no {css}"));
        self.call(
            "POST",
            &format!("/session/{}/element/{id}/value", self.session),
            Some(json!({ "text": text })),
        );
    }

    fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({"script": script, "args": []})),
        )
    }

    fn text(&self, id: &str) -> String {
        self.script(&format!("return document.getElementById('{id}').textContent"))
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn visible(&self, id: &str) -> bool {
        self.script(&format!("return !document.getElementById('{id}').hidden")) == Value::Bool(true)
    }

    fn refresh(&self) {
        self.call("POST", &format!("/session/{}/refresh", self.session), Some(json!({})));
    }

    fn wait(&self, what: &str, seconds: u64, ok: impl Fn(&Browser) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        while !ok(self) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Seconds left in "Temps restant : 1 min 05 s".
fn seconds(timer: &str) -> u64 {
    let numbers: Vec<u64> =
        timer.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    numbers.first().copied().unwrap_or(0) * 60 + numbers.get(1).copied().unwrap_or(0)
}

#[test]
fn a_candidate_takes_a_whole_sitting_in_chromium_with_a_refresh_and_the_end_of_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&sittings(dir.path(), 1, 30));
    let browser = Browser::start();
    let url = format!("http://{}/", server.addr);
    browser.goto(&url);
    browser.wait("the login form", 10, |b| b.visible("login"));
    browser.type_into("#code", "code-0001-xyzw");
    browser.click("#login-form button");
    browser.wait("the first question", 10, |b| {
        b.visible("quiz") && b.text("progress").starts_with("Question 1 /")
    });
    let total: usize = browser
        .text("progress")
        .split(" / ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    // Five answers with the mouse.
    for n in 1..=5 {
        browser.click("#choices input");
        browser.wait("the answer saved", 10, |b| b.text("save-status") == "Réponse enregistrée.");
        browser.click("#next");
        browser.wait("the next question", 10, move |b| {
            b.text("progress").starts_with(&format!("Question {} /", n + 1))
        });
    }
    assert!(browser.text("progress").contains("5 répondue(s)"), "{}", browser.text("progress"));
    let timer_before = browser.text("timer");
    // A refresh: the same sitting, the answers kept, the time running on.
    browser.refresh();
    browser.wait("the sitting after a refresh", 10, |b| {
        b.visible("quiz") && b.text("progress").contains("répondue")
    });
    assert!(
        browser.text("progress").starts_with("Question 6 /"),
        "resumes at the first open question: {}",
        browser.text("progress")
    );
    assert!(browser.text("progress").contains("5 répondue(s)"));
    browser.wait("the timer", 5, |b| b.text("timer").starts_with("Temps restant"));
    let after = seconds(&browser.text("timer"));
    assert!(
        after <= seconds(&timer_before),
        "the time was not reset by the refresh: {timer_before} → {after} s"
    );
    browser.wait("the time running on", 5, move |b| seconds(&b.text("timer")) < after);
    // Two answers with the keyboard: a letter, then the right arrow.
    for n in 6..=7 {
        browser.type_into("#choices input", "b");
        browser.wait("the answer saved", 10, |b| b.text("save-status") == "Réponse enregistrée.");
        browser.type_into("#choices input", "\u{E014}");
        browser.wait("the next question", 10, move |b| {
            b.text("progress").starts_with(&format!("Question {} /", n + 1))
        });
    }
    assert!(browser.text("progress").contains("7 répondue(s)"), "{}", browser.text("progress"));
    assert!(total > 7);
    // The end of time: the page closes itself and the server scores the sitting.
    browser.wait("the end of time", 60, |b| b.visible("done"));
    let result_path = dir.path().join("quiz-state/CQ-001-resultat.yaml");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !result_path.exists() {
        assert!(Instant::now() < deadline, "no result written");
        std::thread::sleep(Duration::from_millis(100));
    }
    let result = std::fs::read_to_string(&result_path).unwrap();
    let given = result.lines().filter(|l| l.contains("given:") && !l.contains("given: \"\"")).count();
    assert_eq!(given, 7, "{result}");
    assert!(result.contains("levels:"));
}
