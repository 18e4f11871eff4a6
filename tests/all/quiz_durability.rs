//! The quiz's durability on the real binary over real sockets (issue 15, "Done when"): the
//! server killed with SIGKILL while 50 candidates answer at once loses no acknowledged answer;
//! killed while an evaluator closes the sitting, it finishes the closing at restart and every
//! seat has its result; a full disk refuses an answer visibly (507, in French) and loses
//! nothing acknowledged, and the same answer is saved once there is room again.

use crate::workspace_durability::{Answer, Server, SmallDisk, fill, hidden, send, unchunked};
use cqpt::quiz::Purpose;
use cqpt::server::quiz::codes;
use cqpt::source::{DataSource, SourceFile};
use cqpt::store::quiz::{NewSeat, NewSitting, QuizStore};
use cqpt::store::{SqliteStore, Store};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::Duration;

const SITTING: &str = "S-DURABILITE";

/// A store with the demo's accounts and `seats` dossiers of the evaluator's body seated in one
/// sitting: the evaluator's password and the codes, by dossier.
fn seated_store(store: &Path, seats: usize) -> (String, BTreeMap<String, String>) {
    let (library, policy) = cqpt::context::load_context(&DataSource::Embedded).unwrap();
    let mut s = SqliteStore::open(store, crate::store::clock()).unwrap();
    let (_, accounts) =
        cqpt::server::demo::fill(&mut s, &crate::common::root().join("examples/dossiers"), &library, &policy)
            .unwrap();
    let evaluator = accounts.iter().find(|a| a.login == "evaluateur").unwrap();
    let body = s.user("evaluateur").unwrap().unwrap().body.unwrap();
    let text =
        std::fs::read_to_string(crate::common::root().join("examples/dossiers/01-distance-attribution.yaml"))
            .unwrap();
    let bank = cqpt::quiz::load(&DataSource::Embedded, &library).unwrap();
    let spec = cqpt::quiz::sitting::SittingSpec {
        certificate: "distance".into(),
        purpose: Purpose::Evaluation,
        reference: SITTING.into(),
        ..Default::default()
    };
    let mut codes_by_dossier = BTreeMap::new();
    let mut new_seats = Vec::new();
    for i in 0..seats {
        let drawn = cqpt::quiz::draw(&bank, &library, &policy, &spec, 1000 + i as u64).unwrap();
        let id = format!("quiz-{i:02}");
        let file = SourceFile { name: format!("{id}.yaml"), text: text.clone() };
        cqpt::store::import_dossier(&mut s, "test", &file, &library, &policy).unwrap();
        let code = codes::new_code().unwrap();
        new_seats.push(NewSeat {
            dossier_id: id.clone(),
            seed: 1000 + i as u64,
            drawn: serde_json::to_string(&cqpt::quiz::sitting::drawn_questions(&drawn)).unwrap(),
            code_sha256: codes::digest(&codes::normalise(&code).unwrap()),
        });
        codes_by_dossier.insert(id, code);
    }
    s.create_sitting(
        "evaluateur",
        &NewSitting {
            id: SITTING.into(),
            certificate: "distance".into(),
            purpose: Purpose::Evaluation,
            body_id: body,
            minutes: 30,
            seats: new_seats,
        },
    )
    .unwrap();
    (evaluator.password.expose().to_string(), codes_by_dossier)
}

/// A seat's session: its cookie, its CSRF token, how many questions.
struct Seat {
    cookie: String,
    csrf: String,
    questions: usize,
}

fn take_seat(addr: SocketAddr, code: &str) -> Seat {
    let login = send(addr, "POST", "/quiz", "", Some(&[("code", code)])).unwrap();
    assert_eq!(login.status, 303, "{}", login.body);
    let cookie = login.cookies.iter().find(|c| c.starts_with("cqpt_place=")).unwrap().clone();
    let page = send(addr, "GET", "/quiz/epreuve", &cookie, None).unwrap();
    let csrf = page.body.split("data-csrf=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    Seat { cookie, csrf, questions: page.body.matches("class=\"question\"").count() }
}

/// An answer sent as the page sends it, over its own connection.
fn answer(addr: SocketAddr, seat: &Seat, number: usize, given: &str) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(30))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = format!("{{\"number\":{number},\"given\":\"{given}\"}}");
    write!(
        stream,
        "POST /quiz/epreuve/reponse HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {}\r\n\
         X-CSRF-Token: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        seat.cookie,
        seat.csrf,
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no full answer"))?;
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        unchunked(body)
    } else {
        body.into()
    };
    Ok(Answer { status, cookies: Vec::new(), location: String::new(), body })
}

fn acknowledged(a: &std::io::Result<Answer>) -> bool {
    a.as_ref().is_ok_and(|a| a.status == 200 && a.body.contains("\"saved\":true"))
}

/// Every acknowledged answer is in the store as given, and the chain verifies.
fn check_answers(store: &Path, acked: &[(String, usize, String)]) {
    let s = SqliteStore::open(store, crate::store::clock()).unwrap();
    for (dossier, number, given) in acked {
        let kept = s.answers(SITTING, dossier).unwrap();
        assert!(
            kept.iter().any(|a| a.number as usize == *number && &a.given == given),
            "acknowledged answer {dossier} #{number} = {given} lost: {kept:?}"
        );
    }
    s.verify_registry().unwrap();
}

#[test]
fn sigkill_while_50_candidates_answer_and_while_the_sitting_closes_loses_nothing() {
    const SEATS: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let store: PathBuf = dir.path().join("cqpt.sqlite");
    let (password, seat_codes) = seated_store(&store, SEATS);
    let server = Server::start(&store);
    let addr = server.addr;
    let start = Arc::new(Barrier::new(SEATS));
    let (acks, received) = mpsc::channel::<(String, usize, String)>();
    let threads: Vec<_> = seat_codes
        .iter()
        .enumerate()
        .map(|(i, (dossier, code))| {
            let (dossier, code, start, acks) = (dossier.clone(), code.clone(), start.clone(), acks.clone());
            std::thread::spawn(move || {
                let seat = take_seat(addr, &code);
                start.wait();
                let given = ["A", "B", "C", "AB"][i % 4];
                for number in 1..=seat.questions {
                    let sent = answer(addr, &seat, number, given);
                    if !acknowledged(&sent) {
                        // The server is gone: an answer not acknowledged is the page's to resend.
                        break;
                    }
                    let _ = acks.send((dossier.clone(), number, given.to_string()));
                }
            })
        })
        .collect();
    drop(acks);
    let mut acked = Vec::new();
    while acked.len() < 300 {
        acked.push(received.recv_timeout(Duration::from_secs(120)).expect("answers keep coming"));
    }
    server.kill();
    for t in threads {
        t.join().unwrap();
    }
    acked.extend(received.iter());
    eprintln!("killed with {} answers acknowledged", acked.len());
    check_answers(&store, &acked);

    // Restarted: the evaluator closes the sitting, and the server is killed as soon as the
    // first seat is closed; the next start finishes the closing.
    let server = Server::start(&store);
    let addr = server.addr;
    let login = send(addr, "GET", "/connexion", "", None).unwrap();
    let bound = login.cookies.iter().find(|c| c.starts_with("cqpt_login=")).unwrap().clone();
    let logged = send(
        addr,
        "POST",
        "/connexion",
        &bound,
        Some(&[("login", "evaluateur"), ("password", &password), ("csrf", &hidden(&login.body, "csrf"))]),
    )
    .unwrap();
    let session =
        logged.cookies.iter().find(|c| c.starts_with("cqpt_session=") && c.len() > 13).unwrap().clone();
    let csrf =
        hidden(&send(addr, "GET", &format!("/seances/{SITTING}"), &session, None).unwrap().body, "csrf");
    let closing = std::thread::spawn(move || {
        send(addr, "POST", &format!("/seances/{SITTING}/clore"), &session, Some(&[("csrf", &csrf)]))
    });
    let watcher = SqliteStore::open(&store, crate::store::clock()).unwrap();
    while watcher.seats(SITTING).unwrap().iter().all(|s| s.closed_ms.is_none()) {
        std::thread::yield_now();
    }
    let closed_before_kill = watcher.seats(SITTING).unwrap().iter().filter(|s| s.closed_ms.is_some()).count();
    server.kill();
    let _ = closing.join();
    eprintln!("killed while closing, {closed_before_kill} of {SEATS} seats closed");
    let server = Server::start(&store);
    server.kill();
    let s = SqliteStore::open(&store, crate::store::clock()).unwrap();
    assert_eq!(s.sitting(SITTING).unwrap().unwrap().state, "closed");
    for seat in s.seats(SITTING).unwrap() {
        let result = seat.result.unwrap_or_else(|| panic!("{} has no result", seat.dossier_id));
        assert!(result.starts_with("quiz:\n"), "{}: {result}", seat.dossier_id);
        let dossier = s.dossier_yaml(&seat.dossier_id).unwrap().unwrap().unwrap();
        assert!(dossier.contains(&format!("sitting: {SITTING}")), "{} not carried over", seat.dossier_id);
    }
    drop(s);
    check_answers(&store, &acked);
}

/// A full disk, for real (a small `tmpfs`; needs root, as in CI; elsewhere the test says so).
#[test]
fn a_full_disk_refuses_an_answer_visibly_and_saves_it_once_there_is_room() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&dir.path().join("disk"), "16m") else {
        eprintln!("skipped: mounting a tmpfs needs root (or CAP_SYS_ADMIN) on this machine");
        return;
    };
    let store = disk.path.join("cqpt.sqlite");
    let (_, seat_codes) = seated_store(&store, 1);
    let (dossier, code) = seat_codes.into_iter().next().unwrap();
    let server = Server::start(&store);
    let seat = take_seat(server.addr, &code);
    fill(&disk.path.join("filler"), 64 * 1024);
    let mut acked = Vec::new();
    let mut refused = None;
    'answers: for round in 0..200 {
        for number in 1..=seat.questions {
            let given = if round % 2 == 0 { "A" } else { "B" };
            let sent = answer(server.addr, &seat, number, given).unwrap();
            if sent.status == 200 {
                acked.push((dossier.clone(), number, given.to_string()));
            } else {
                refused = Some((number, given, sent));
                break 'answers;
            }
        }
    }
    let (number, given, sent) = refused.expect("the disk fills up");
    assert_eq!(sent.status, 507, "{}", sent.body);
    assert!(
        sent.body.contains("\"saved\":false") && sent.body.contains("ne peut plus écrire"),
        "{}",
        sent.body
    );
    assert!(server.logged("answers not written"), "{}", server.log.lock().unwrap());
    // Room again: the page's retry of the same answer is saved.
    std::fs::remove_file(disk.path.join("filler")).unwrap();
    let again = answer(server.addr, &seat, number, given).unwrap();
    assert_eq!(again.status, 200, "{}", again.body);
    acked.push((dossier, number, given.to_string()));
    server.kill();
    check_answers(&store, &acked);
    drop(disk);
}
