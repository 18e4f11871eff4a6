//! The workspace's durability, on the real binary over real sockets (issue 14, "Done when"):
//! `cqpt serve` killed with SIGKILL while 50 applications are being submitted at once loses
//! none it acknowledged (303 to the new dossier) and leaves the registry chain valid, at three
//! different moments; and a store whose disk is full answers a clear error page, records
//! nothing, and loses nothing acknowledged before.
//!
//! The client is a few lines of HTTP/1.1 over `std::net::TcpStream` (one request per
//! connection, `Connection: close`): enough for a form post and a redirect, and no browser is
//! involved (the browser tests drive chromium through fantoccini). No timing is asserted.

use crate::common::cqpt;
use cqpt::store::{SqliteStore, Store};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

/// Longest wait for the server to start, or for one answer.
const WAIT: Duration = Duration::from_secs(120);

/// A `cqpt serve` child process.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// The administrator's one-time password, printed at the first start only.
    pub password: Option<String>,
    /// What the server wrote on its standard error so far.
    pub log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `cqpt serve` on `store` and a free port, and waits (bounded) for its
    /// `cqpt serve : http://` line.
    pub fn start(store: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut child = cqpt()
            .args(["serve", "--store"])
            .arg(store)
            .args(["--addr", &addr.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cqpt serve starts");
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                kept.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let (lines, seen) = mpsc::channel::<String>();
        // Drains the server's output until it ends (the server never blocks on a full pipe).
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let mut password = None;
        let mut next_is_password = false;
        loop {
            let line = seen.recv_timeout(WAIT).unwrap_or_else(|e| {
                let _ = child.kill();
                panic!("cqpt serve printed no address ({e}): {}", log.lock().unwrap())
            });
            if next_is_password {
                password = Some(line.trim().to_string());
                next_is_password = false;
            } else if line.starts_with("Premier démarrage") {
                next_is_password = true;
            } else if line.starts_with("cqpt serve : http://") {
                break;
            }
        }
        Server { child, addr, password, log }
    }

    /// Whether the server's standard error says `text` within [`WAIT`] (its reader thread
    /// may lag behind the answer that followed the line).
    pub fn logged(&self, text: &str) -> bool {
        let deadline = std::time::Instant::now() + WAIT;
        while std::time::Instant::now() < deadline {
            if self.log.lock().unwrap().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// SIGKILL: no shutdown, no flush, no destructor.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, `Set-Cookie` values (`name=value` only), `Location`, body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub cookies: Vec<String>,
    pub location: String,
    pub body: String,
}

/// One request over its own connection.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: &str,
    form: Option<&[(&str, &str)]>,
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect_timeout(&addr, WAIT)?;
    stream.set_read_timeout(Some(WAIT))?;
    stream.set_write_timeout(Some(WAIT))?;
    let body = form.map(|f| serde_urlencoded::to_string(f).unwrap()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if form.is_some() {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("no full answer: {text:?}"),
        ));
    };
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, head.to_string()))?;
    let mut cookies = Vec::new();
    let mut location = String::new();
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "set-cookie" => cookies.push(value.split(';').next().unwrap_or_default().to_string()),
            "location" => location = value.to_string(),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let body = if chunked { unchunked(body) } else { body.to_string() };
    Ok(Answer { status, cookies, location, body })
}

/// The body of a chunked answer.
pub fn unchunked(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// The value of the first hidden input `name` of a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in:\n{page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// Logs `admin` in: the session cookie and its CSRF token.
fn login(addr: SocketAddr, password: &str) -> (String, String) {
    let page = send(addr, "GET", "/connexion", "", None).unwrap();
    let bound = page.cookies.iter().find(|c| c.starts_with("cqpt_login=")).unwrap().clone();
    let csrf = hidden(&page.body, "csrf");
    let answer = send(
        addr,
        "POST",
        "/connexion",
        &bound,
        Some(&[("login", "admin"), ("password", password), ("csrf", &csrf)]),
    )
    .unwrap();
    assert_eq!(answer.status, 303, "{}", answer.body);
    let session =
        answer.cookies.iter().find(|c| c.starts_with("cqpt_session=") && c.len() > 13).unwrap().clone();
    let csrf = hidden(&send(addr, "GET", "/auvicom", &session, None).unwrap().body, "csrf");
    (session, csrf)
}

/// A valid application of candidate `candidate`.
/// A complete application form for `candidate` (recevable), with the session's CSRF token.
pub fn application(candidate: &str, csrf: &str) -> Vec<(String, String)> {
    [
        ("csrf", csrf),
        ("candidate_id", candidate),
        ("family_name", "Lefèvre"),
        ("given_name", "Anaïs"),
        ("certificate", "distance"),
        ("route", "plan-de-formation"),
        ("submitted", "2026-11-20"),
        ("employment.0.employer", "Norvia Télécom SA"),
        ("employment.0.in_branch", "on"),
        ("employment.0.contract", "cdi"),
        ("employment.0.related", "on"),
        ("employment.0.start", "2022-01-03"),
        ("employment.0.hours", "6400"),
        ("documents.0.kind", "contrat-de-travail"),
        ("documents.0.date", "2022-01-03"),
        ("documents.1.kind", "attestation-sur-honneur"),
        ("documents.1.date", "2026-11-18"),
        ("documents.2.kind", "bulletin-de-paie"),
        ("documents.2.date", "2026-10-31"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Submits one application: the dossier id when the server acknowledged it (303 to the new
/// dossier), else what happened.
fn submit(addr: SocketAddr, session: &str, form: &[(String, String)]) -> Result<String, String> {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    match send(addr, "POST", "/auvicom/demandes/nouvelle", session, Some(&pairs)) {
        Ok(a) if a.status == 303 => a
            .location
            .strip_prefix("/dossiers/")
            .and_then(|l| l.strip_suffix("?fait=demande"))
            .map(str::to_string)
            .ok_or_else(|| format!("303 to {}", a.location)),
        Ok(a) => Err(format!("{}: {}", a.status, a.body)),
        Err(e) => Err(e.to_string()),
    }
}

/// The store is readable, holds every acknowledged dossier, and its chain verifies, both
/// through the library and through `cqpt registry verify`.
fn check_store(store: &Path, acknowledged: &[(String, String)]) {
    let s = SqliteStore::open(store, crate::store::clock()).unwrap();
    for (candidate, id) in acknowledged {
        let found = s.dossier(id).unwrap().unwrap_or_else(|| panic!("acknowledged dossier {id} lost"));
        assert_eq!(&found.candidate, candidate, "{id}");
    }
    assert!(s.verify_registry().unwrap() > 0);
    drop(s);
    let verify = crate::common::run_cmd(cqpt().args(["registry", "verify", "--store"]).arg(store));
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
}

/// One round: 50 distinct applications submitted at once by 50 threads, the server killed
/// with SIGKILL as soon as `kill_after` of them are acknowledged. The acknowledged
/// (candidate, dossier id) pairs.
fn kill_during_submissions(
    server: Server,
    password: &str,
    round: usize,
    kill_after: usize,
) -> Vec<(String, String)> {
    const CLIENTS: usize = 50;
    let addr = server.addr;
    let (session, csrf) = login(addr, password);
    let start = Arc::new(Barrier::new(CLIENTS));
    let (results, answers) = mpsc::channel::<(String, Result<String, String>)>();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let candidate = format!("CQ-2026-{}", 1000 * round + i);
            let form = application(&candidate, &csrf);
            let (session, start, results) = (session.clone(), start.clone(), results.clone());
            std::thread::spawn(move || {
                start.wait();
                let _ = results.send((candidate, submit(addr, &session, &form)));
            })
        })
        .collect();
    drop(results);
    let mut acknowledged = Vec::new();
    let mut other = Vec::new();
    // Kill as soon as enough are acknowledged: the others are still in flight.
    while acknowledged.len() < kill_after {
        let (candidate, result) = answers.recv_timeout(WAIT).expect("answers keep coming");
        match result {
            Ok(id) => acknowledged.push((candidate, id)),
            Err(e) => other.push(e),
        }
    }
    server.kill();
    for t in threads {
        t.join().unwrap();
    }
    for (candidate, result) in &answers {
        match result {
            Ok(id) => acknowledged.push((candidate, id)),
            Err(e) => other.push(e),
        }
    }
    assert!(
        other.iter().all(|e| !e.starts_with(['4', '5'])),
        "only acknowledgements and broken connections: {other:?}"
    );
    let refused = other.iter().filter(|e| e.contains("refused")).count();
    eprintln!(
        "round {round}: killed after {kill_after} acknowledgements; {} acknowledged in all, {} cut off \
         in flight, {refused} not connected before the kill",
        acknowledged.len(),
        other.len() - refused,
    );
    acknowledged
}

#[test]
fn sigkill_during_50_concurrent_submissions_loses_no_acknowledged_dossier() {
    let dir = tempfile::tempdir().unwrap();
    let store: PathBuf = dir.path().join("cqpt.sqlite");
    let mut server = Server::start(&store);
    let password = server.password.clone().expect("the first start prints the admin password");
    let mut all: Vec<(String, String)> = Vec::new();
    for (round, kill_after) in [(1, 5), (2, 20), (3, 40)] {
        all.extend(kill_during_submissions(server, &password, round, kill_after));
        check_store(&store, &all);
        // The same store serves again, with nothing to repair by hand.
        server = Server::start(&store);
        assert!(server.password.is_none(), "the administrator exists already");
    }
    let (session, _) = login(server.addr, &password);
    for (_, id) in &all {
        let page = send(server.addr, "GET", &format!("/dossiers/{id}"), &session, None).unwrap();
        assert_eq!(page.status, 200, "{id}: {}", page.body);
    }
    let list = send(server.addr, "GET", "/auvicom", &session, None).unwrap();
    assert_eq!(list.status, 200);
    server.kill();
    check_store(&store, &all);
}

/// A small `tmpfs` mounted for one test, unmounted when dropped.
pub struct SmallDisk {
    pub path: PathBuf,
}

impl SmallDisk {
    /// Mounts a `tmpfs` of `size` at `path`: `None` when this machine does not allow it
    /// (mounting needs root or `CAP_SYS_ADMIN`).
    pub fn mount(path: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(path).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| SmallDisk { path: path.to_path_buf() })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.path).status();
    }
}

/// Fills the disk of `path` with the file `path` until no byte more fits, then frees `keep`
/// bytes of it.
pub fn fill(path: &Path, keep: u64) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0x5a_u8; 64 * 1024];
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(28), "ENOSPC expected: {e}");
                break;
            }
        }
    }
    let _ = file.sync_all();
    let len = file.metadata().unwrap().len();
    file.set_len(len.saturating_sub(keep)).unwrap();
}

/// A full disk, for real: the store on a small `tmpfs` that a file fills up. Needs the right to
/// mount (root in the CI container); elsewhere the test says so and passes without running.
#[test]
fn a_full_disk_gives_a_clear_error_page_records_nothing_and_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&dir.path().join("disk"), "8m") else {
        eprintln!("skipped: mounting a tmpfs needs root (or CAP_SYS_ADMIN) on this machine");
        return;
    };
    let store = disk.path.join("cqpt.sqlite");
    let server = Server::start(&store);
    let password = server.password.clone().unwrap();
    let (session, csrf) = login(server.addr, &password);
    // Room for a few applications, then none.
    fill(&disk.path.join("filler"), 256 * 1024);
    let mut acknowledged = Vec::new();
    let mut refused = None;
    for i in 0..2000 {
        let candidate = format!("CQ-2026-{}", 5000 + i);
        let pairs = application(&candidate, &csrf);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let answer = send(server.addr, "POST", "/auvicom/demandes/nouvelle", &session, Some(&pairs)).unwrap();
        if answer.status == 303 {
            acknowledged.push((candidate, answer.location.split(['/', '?']).nth(2).unwrap().to_string()));
        } else {
            refused = Some((candidate, answer));
            break;
        }
    }
    let (lost, answer) = refused.expect("the disk fills up");
    assert!(!acknowledged.is_empty(), "some applications fitted before the disk was full");
    // A clear page in French, no panic, no success.
    assert_eq!(answer.status, 500, "{}", answer.body);
    assert!(answer.body.contains("rien n&#39;a été enregistré"), "{}", answer.body);
    assert!(answer.body.contains("plus de place"), "{}", answer.body);
    // The server keeps serving what it has, and says why on its standard error.
    let page = send(server.addr, "GET", &format!("/dossiers/{}", acknowledged[0].1), &session, None).unwrap();
    assert_eq!(page.status, 200);
    assert!(server.logged("store full"), "{}", server.log.lock().unwrap());
    server.kill();
    // Nothing acknowledged lost, nothing refused recorded, the chain intact.
    check_store(&store, &acknowledged);
    let s = SqliteStore::open(&store, crate::store::clock()).unwrap();
    assert!(s.dossier(&lost).unwrap().is_none(), "the refused application was not recorded");
    drop(s);
    // Room again: the same store takes the refused application.
    std::fs::remove_file(disk.path.join("filler")).unwrap();
    let server = Server::start(&store);
    let (session, csrf) = login(server.addr, &password);
    let retried = submit(server.addr, &session, &application(&lost, &csrf)).unwrap();
    acknowledged.push((lost, retried));
    server.kill();
    check_store(&store, &acknowledged);
    drop(disk);
}

/// The same through the store's interface, on any machine: a database that may not grow any
/// more refuses a write with an error that says so, keeps everything written before and its
/// chain, and the server turns that error into its page in French (500, nothing recorded).
#[test]
fn a_store_that_cannot_grow_refuses_the_write_and_keeps_everything_before() {
    let (_dir, path, mut s) = crate::store::scratch_store();
    let (library, policy) = cqpt::context::load_context(&cqpt::source::DataSource::Embedded).unwrap();
    let before = s.registry().unwrap().len();
    s.limit_growth(40).unwrap();
    let mut stored = Vec::new();
    let mut failure = None;
    for g in cqpt::synthetic::generate(&library, &policy, 500, 3, &[2026]) {
        let file = cqpt::source::SourceFile { name: g.file_name.clone(), text: g.yaml };
        match cqpt::store::import_dossier(&mut s, "test", &file, &library, &policy) {
            Ok(_) => stored.push(g.file_name.trim_end_matches(".yaml").to_string()),
            Err(e) => {
                failure = Some((g.file_name.trim_end_matches(".yaml").to_string(), e));
                break;
            }
        }
    }
    let (refused, error) = failure.expect("the store fills up");
    let cqpt::store::ImportError::Store(error) = error else { panic!("{error:?}") };
    assert!(error.is_storage_full(), "{error}");
    assert!(error.to_string().contains("full"), "{error}");
    assert!(!stored.is_empty());
    // Everything before is there, the refused dossier and its entry are not.
    assert!(s.dossier(&refused).unwrap().is_none());
    for id in &stored {
        assert!(s.dossier(id).unwrap().is_some(), "{id}");
    }
    assert_eq!(s.verify_registry().unwrap(), before + stored.len());
    drop(s);
    let again = SqliteStore::open(&path, crate::store::clock()).unwrap();
    assert_eq!(again.verify_registry().unwrap(), before + stored.len());
    // The page the server answers with.
    let page = axum::response::IntoResponse::into_response(cqpt::server::error::AppError::from(error));
    assert_eq!(page.status(), 500);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let body = rt.block_on(axum::body::to_bytes(page.into_body(), usize::MAX)).unwrap();
    let body = String::from_utf8(body.to_vec()).unwrap();
    assert!(body.contains("plus de place") && body.contains("rien n&#39;a été enregistré"), "{body}");
}

/// Applications of one candidate submitted at once each get their own dossier: none
/// acknowledged is overwritten by another.
#[test]
fn simultaneous_applications_of_one_candidate_each_keep_their_dossier() {
    const CLIENTS: usize = 12;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("cqpt.sqlite");
    let server = Server::start(&store);
    let (session, csrf) = login(server.addr, server.password.as_deref().unwrap());
    let addr = server.addr;
    let start = Arc::new(Barrier::new(CLIENTS));
    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let form = application("CQ-2026-7777", &csrf);
            let (session, start) = (session.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                submit(addr, &session, &form)
            })
        })
        .collect();
    let mut ids: Vec<String> = threads.into_iter().map(|t| t.join().unwrap().unwrap()).collect();
    server.kill();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), CLIENTS, "one dossier per acknowledged application: {ids:?}");
    let acknowledged: Vec<(String, String)> =
        ids.into_iter().map(|id| ("CQ-2026-7777".to_string(), id)).collect();
    check_store(&store, &acknowledged);
}
