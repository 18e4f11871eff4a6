//! What the load benchmarks share: an HTTP/1.1 client on one kept-alive connection, the
//! system's clocks, percentiles.

// Each bench uses part of what is here.
#![allow(dead_code)]

use cqpt::accounts::{Role, Secret};
use cqpt::clock::Clock;
use cqpt::context::load_context;
use cqpt::source::{DataSource, SourceFile};
use cqpt::store::{self, NewUser, SqliteStore, Store};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Dossiers in the workspace benches' store.
pub const DOSSIERS: usize = 10_000;
/// The generator's seed for that store.
pub const SEED: u64 = 14;
/// The bench's account (an AUVICOM officer).
pub const LOGIN: &str = "banc";
/// Its password.
pub const PASSWORD: &str = "mot-de-passe-du-banc-d-essai";

/// The server's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    }

    fn monotonic_ms(&self) -> i64 {
        static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        ORIGIN.get_or_init(std::time::Instant::now).elapsed().as_millis() as i64
    }
}

/// A client on one kept-alive connection.
pub struct Client {
    reader: BufReader<TcpStream>,
    addr: SocketAddr,
    /// The `Cookie` header sent.
    pub cookie: String,
}

impl Client {
    pub fn new(addr: SocketAddr, cookie: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        Client { reader: BufReader::new(stream), addr, cookie: cookie.to_string() }
    }

    /// One request: status, `Set-Cookie` values, body.
    pub fn send(&mut self, method: &str, path: &str, extra: &str, body: &str) -> (u16, Vec<String>, String) {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        if !self.cookie.is_empty() {
            head.push_str(&format!("Cookie: {}\r\n", self.cookie));
        }
        head.push_str(extra);
        head.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        self.reader.get_mut().write_all(head.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        let (mut length, mut chunked, mut cookies) = (0, false, Vec::new());
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((name, value)) = l.split_once(':') {
                let value = value.trim();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse().unwrap(),
                    "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                    "set-cookie" => cookies.push(value.split(';').next().unwrap().to_string()),
                    _ => {}
                }
            }
        }
        let mut bytes = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line).unwrap();
                let n = usize::from_str_radix(line.trim(), 16).unwrap();
                let mut chunk = vec![0; n + 2];
                self.reader.read_exact(&mut chunk).unwrap();
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&chunk[..n]);
            }
        } else {
            bytes.resize(length, 0);
            self.reader.read_exact(&mut bytes).unwrap();
        }
        (status, cookies, String::from_utf8_lossy(&bytes).into_owned())
    }

    pub fn get(&mut self, path: &str) -> (u16, String) {
        let (status, _, body) = self.send("GET", path, "", "");
        (status, body)
    }
}

/// The value of the first hidden input `name` of a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in:\n{page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// p-th percentile of sorted `values`.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The store with `DOSSIERS` generated dossiers and the bench's account, made once and kept.
pub fn workspace_store() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    let dir = target.join("bench-workspace");
    let path = dir.join(format!("store-{DOSSIERS}-{SEED}.sqlite"));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let partial = dir.join(format!("store-{DOSSIERS}-{SEED}.partial.sqlite"));
    for stale in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{stale}", partial.display()));
    }
    eprintln!("bench: importing {DOSSIERS} generated dossiers into {} (once)", path.display());
    let (library, policy) = load_context(&DataSource::Embedded).unwrap();
    let mut s = SqliteStore::open(&partial, Arc::new(SystemClock)).unwrap();
    let mut imported = 0;
    for g in cqpt::synthetic::generate(&library, &policy, DOSSIERS, SEED, &[2025, 2026]) {
        let file = SourceFile { name: g.file_name, text: g.yaml };
        if store::import_dossier(&mut s, "banc", &file, &library, &policy).is_ok() {
            imported += 1;
        }
    }
    assert!(imported >= DOSSIERS * 99 / 100, "{imported} dossiers imported");
    let hash = cqpt::accounts::hash_password(&Secret::new(PASSWORD)).unwrap();
    s.create_user(
        "banc",
        &NewUser {
            login: LOGIN.into(),
            display_name: "Banc d'essai".into(),
            role: Role::AuvicomOfficer,
            body: None,
            password_hash: hash,
            candidate: None,
        },
    )
    .unwrap();
    // Closing the last connection checkpoints the WAL into the file, which is then complete.
    drop(s);
    std::fs::rename(&partial, &path).unwrap();
    path
}

/// Logs `login` in: its session cookie.
pub fn login(addr: SocketAddr, login: &str, password: &str) -> String {
    let mut c = Client::new(addr, "");
    let (_, cookies, page) = c.send("GET", "/connexion", "", "");
    let csrf = hidden(&page, "csrf");
    c.cookie = cookies.into_iter().find(|k| k.starts_with("cqpt_login=")).unwrap();
    let form =
        serde_urlencoded::to_string([("login", login), ("password", password), ("csrf", &csrf)]).unwrap();
    let (status, cookies, _) =
        c.send("POST", "/connexion", "Content-Type: application/x-www-form-urlencoded\r\n", &form);
    assert_eq!(status, 303);
    cookies.into_iter().find(|k| k.starts_with("cqpt_session=")).unwrap()
}
