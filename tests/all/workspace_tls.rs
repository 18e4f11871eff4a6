//! `cqpt serve --tls-cert --tls-key`: HTTPS served directly with rustls (a certificate made by
//! `openssl` for the test, fetched with `curl`), cookies marked `Secure`; a missing key is an
//! error naming the file.

use crate::common::{cqpt, run_cmd};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A running `cqpt serve`, killed on drop.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_workspace_serves_https_with_secure_cookies() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (scripts/system-deps.sh installs it)");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = cqpt()
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--store"])
        .arg(dir.path().join("cqpt.sqlite"))
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let served = Served(child);
    // The server says where it listens once it does.
    let mut lines = BufReader::new(stdout).lines();
    let listening = lines.by_ref().map_while(Result::ok).find(|l| l.starts_with("cqpt serve : "));
    assert_eq!(
        listening.unwrap(),
        format!(
            "cqpt serve : https://127.0.0.1:{port} (magasin : {}) — Ctrl-C pour arrêter",
            dir.path().join("cqpt.sqlite").display()
        )
    );
    // The socket may need a moment after the line: retried within a bound, not slept.
    let deadline = Instant::now() + Duration::from_secs(20);
    let answer = loop {
        let out = Command::new("curl")
            .args(["-sk", "-i", "--max-time", "5", &format!("https://127.0.0.1:{port}/connexion")])
            .output()
            .expect("curl (scripts/system-deps.sh installs it)");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() || Instant::now() > deadline {
            break text;
        }
    };
    assert!(answer.starts_with("HTTP/2 200") || answer.starts_with("HTTP/1.1 200"), "{answer}");
    let cookie = answer.lines().find(|l| l.to_lowercase().starts_with("set-cookie: cqpt_login=")).unwrap();
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly"), "{cookie}");
    // Plain HTTP on the HTTPS port is not served.
    let plain = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "5",
            &format!("http://127.0.0.1:{port}/connexion"),
        ])
        .output()
        .unwrap();
    assert_ne!(String::from_utf8_lossy(&plain.stdout), "200");
    drop(served);
}

#[test]
fn a_missing_key_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent-key.pem");
    let r = run_cmd(
        cqpt()
            .args(["serve", "--addr", "127.0.0.1:0", "--store"])
            .arg(dir.path().join("cqpt.sqlite"))
            .arg("--tls-cert")
            .arg(dir.path().join("absent-cert.pem"))
            .arg("--tls-key")
            .arg(&missing),
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("absent-key.pem") || r.stderr.contains("absent-cert.pem"), "{}", r.stderr);
    // One without the other is refused before anything starts.
    let r = run_cmd(cqpt().args(["serve", "--tls-cert", "x.pem"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--tls-key"), "{}", r.stderr);
}
