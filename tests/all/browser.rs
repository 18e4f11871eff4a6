//! A real headless Chromium (Debian's chromium and chromium-driver, installed by .ci/run),
//! driven through the shared fantoccini harness (`webdriver.rs`): a whole sitting, a refresh in
//! the middle, the keyboard, and the end of time.

use crate::quiz_server::{sittings, start};
use crate::webdriver::Browser;
use fantoccini::key::Key;
use std::time::{Duration, Instant};

/// Whole seconds, as the waits of this test were written.
fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
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
    browser.wait_until("the login form", secs(10), |b| b.visible("#login"));
    browser.fill("#code", "code-0001-xyzw");
    browser.click("#login-form button");
    browser.wait_until("the first question", secs(10), |b| {
        b.visible("#quiz") && b.text("#progress").starts_with("Question 1 /")
    });
    let total: usize = browser
        .text("#progress")
        .split(" / ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    // Five answers with the mouse.
    for n in 1..=5 {
        browser.click("#choices input");
        browser
            .wait_until("the answer saved", secs(10), |b| b.text("#save-status") == "Réponse enregistrée.");
        browser.click("#next");
        browser.wait_until("the next question", secs(10), move |b| {
            b.text("#progress").starts_with(&format!("Question {} /", n + 1))
        });
    }
    assert!(browser.text("#progress").contains("5 répondue(s)"), "{}", browser.text("#progress"));
    let timer_before = browser.text("#timer");
    // A refresh: the same sitting, the answers kept, the time running on.
    browser.refresh();
    browser.wait_until("the sitting after a refresh", secs(10), |b| {
        b.visible("#quiz") && b.text("#progress").contains("répondue")
    });
    assert!(
        browser.text("#progress").starts_with("Question 6 /"),
        "resumes at the first open question: {}",
        browser.text("#progress")
    );
    assert!(browser.text("#progress").contains("5 répondue(s)"));
    browser.wait_until("the timer", secs(5), |b| b.text("#timer").starts_with("Temps restant"));
    let after = seconds(&browser.text("#timer"));
    assert!(
        after <= seconds(&timer_before),
        "the time was not reset by the refresh: {timer_before} → {after} s"
    );
    browser.wait_until("the time running on", secs(5), move |b| seconds(&b.text("#timer")) < after);
    // Two answers with the keyboard: a letter, then the right arrow.
    for n in 6..=7 {
        browser.type_keys("#choices input", "b");
        browser
            .wait_until("the answer saved", secs(10), |b| b.text("#save-status") == "Réponse enregistrée.");
        browser.type_keys("#choices input", &char::from(Key::Right).to_string());
        browser.wait_until("the next question", secs(10), move |b| {
            b.text("#progress").starts_with(&format!("Question {} /", n + 1))
        });
    }
    assert!(browser.text("#progress").contains("7 répondue(s)"), "{}", browser.text("#progress"));
    assert!(total > 7);
    // The end of time: the page closes itself and the server scores the sitting.
    browser.wait_until("the end of time", secs(60), |b| b.visible("#done"));
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
