//! A small HTTP/1.1 server for the quiz, on the standard library: one thread per connection
//! (bounded), requests of at most 64 KiB, JSON in and out, no external resource.

use super::state::{Refusal, Sittings};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// The pages, served from memory.
pub struct Pages {
    /// The candidate's page.
    pub candidate: String,
    /// The evaluator's page.
    pub evaluator: String,
    /// The candidate page's script.
    pub candidate_js: String,
    /// The evaluator page's script.
    pub evaluator_js: String,
    /// The style sheet.
    pub css: String,
}

const MAX_REQUEST: usize = 64 * 1024;
const MAX_CONNECTIONS: usize = 512;

struct Request {
    method: String,
    path: String,
    cookies: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<String>,
}

impl Response {
    fn json(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: "application/json; charset=utf-8",
            body: body.into_bytes(),
            headers: Vec::new(),
        }
    }
    fn text(status: u16, content_type: &'static str, body: &str) -> Response {
        Response { status, content_type, body: body.as_bytes().to_vec(), headers: Vec::new() }
    }
    fn error(status: u16, message: &str) -> Response {
        Response::json(status, serde_json::json!({ "error": message }).to_string())
    }
    fn refusal(r: Refusal) -> Response {
        match r {
            Refusal::Unauthorised => Response::error(401, "session inconnue : saisissez votre code d'accès"),
            Refusal::WrongCode => Response::error(403, "code d'accès inconnu"),
            Refusal::CodeUsed => {
                Response::error(409, "ce code a déjà servi : demandez à l'évaluateur de le réactiver")
            }
            Refusal::TooMany(seconds) => {
                let mut r = Response::error(429, &format!("trop d'essais : réessayez dans {seconds} s"));
                r.headers.push(format!("Retry-After: {seconds}"));
                r
            }
            Refusal::Closed => Response::error(410, "l'épreuve est terminée"),
            Refusal::Invalid(m) => Response::error(400, &m),
            Refusal::Storage(m) => Response::error(503, &format!("réponse non enregistrée : {m}")),
        }
    }
}

fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        _ => "Service Unavailable",
    }
}

fn read_request(stream: &mut TcpStream) -> Result<Request, u16> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.by_ref().take(8 * 1024).read_line(&mut line).map_err(|_| 400u16)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().ok_or(400u16)?.to_string(), parts.next().ok_or(400u16)?.to_string());
    let mut length = 0usize;
    let mut cookies = Vec::new();
    let mut total = line.len();
    loop {
        let mut header = String::new();
        let n = reader.by_ref().take(8 * 1024).read_line(&mut header).map_err(|_| 400u16)?;
        total += n;
        if n == 0 || total > MAX_REQUEST {
            return Err(if n == 0 { 400 } else { 413 });
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else { continue };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().map_err(|_| 400u16)?,
            "cookie" => {
                for c in value.split(';') {
                    if let Some((k, v)) = c.trim().split_once('=') {
                        cookies.push((k.to_string(), v.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    if length > MAX_REQUEST {
        return Err(413);
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).map_err(|_| 400u16)?;
    Ok(Request { method, path, cookies, body })
}

fn write_response(stream: &mut TcpStream, r: &Response) {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\nReferrer-Policy: no-referrer\r\n",
        r.status,
        status_text(r.status),
        r.content_type,
        r.body.len()
    );
    for h in &r.headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&r.body);
    let _ = stream.flush();
}

fn field<'a>(body: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    body.as_object().and_then(|o| o.get(key))
}

fn cookie_header(name: &str, value: &str) -> String {
    format!("Set-Cookie: {name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400")
}

/// Answers one request: a page, or a call of the candidates' or the evaluator's API.
fn route(state: &Sittings, pages: &Pages, req: &Request, ip: IpAddr) -> Response {
    let body: serde_json::Value = if req.body.is_empty() {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&req.body) {
            Ok(v) => v,
            Err(_) => return Response::error(400, "corps de requête illisible (JSON attendu)"),
        }
    };
    let text = |key: &str| field(&body, key).and_then(|v| v.as_str()).map(str::to_string);
    let candidate = req.cookie("cqpt").unwrap_or("");
    let evaluator = req.cookie("cqpt_eval").unwrap_or("");
    let path = req.path.split('?').next().unwrap_or("");
    match (req.method.as_str(), path) {
        ("GET", "/") => Response::text(200, "text/html; charset=utf-8", &pages.candidate),
        ("GET", "/evaluateur") => Response::text(200, "text/html; charset=utf-8", &pages.evaluator),
        ("GET", "/candidat.js") => Response::text(200, "text/javascript; charset=utf-8", &pages.candidate_js),
        ("GET", "/evaluateur.js") => {
            Response::text(200, "text/javascript; charset=utf-8", &pages.evaluator_js)
        }
        ("GET", "/style.css") => Response::text(200, "text/css; charset=utf-8", &pages.css),
        ("POST", "/api/login") => logged_in(text("code").map(|c| state.login(&c, ip)), "cqpt"),
        ("GET", "/api/state") => {
            state.view(candidate).map_or_else(Response::refusal, |json| Response::json(200, json))
        }
        ("POST", "/api/answer") => {
            let number = field(&body, "number")
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| usize::try_from(n).ok());
            match (number, text("given")) {
                (Some(n), Some(given)) => {
                    state.answer(candidate, n, &given).map_or_else(Response::refusal, |left| {
                        Response::json(200, format!("{{\"ok\":true,\"time_left_ms\":{left}}}"))
                    })
                }
                _ => Response::error(400, "numéro et réponse attendus"),
            }
        }
        ("POST", "/api/finish") => done(state.finish(candidate)),
        ("POST", "/api/eval/login") => {
            logged_in(text("code").map(|c| state.evaluator_login(&c, ip)), "cqpt_eval")
        }
        ("GET", "/api/eval/state") => {
            state.overview(evaluator).map_or_else(Response::refusal, |json| Response::json(200, json))
        }
        ("POST", "/api/eval/extra") => {
            let minutes = field(&body, "minutes")
                .and_then(serde_json::Value::as_u64)
                .and_then(|m| u32::try_from(m).ok());
            match (text("id"), minutes) {
                (Some(id), Some(m)) => done(state.grant(evaluator, &id, m)),
                _ => Response::error(400, "candidat et minutes attendus"),
            }
        }
        ("POST", "/api/eval/close") => match text("id") {
            Some(id) => done(state.close_seat(evaluator, &id)),
            None => Response::error(400, "candidat attendu"),
        },
        ("POST", "/api/eval/reset") => match text("id") {
            Some(id) => done(state.reset(evaluator, &id)),
            None => Response::error(400, "candidat attendu"),
        },
        (_, "/" | "/evaluateur" | "/api/login" | "/api/state" | "/api/answer" | "/api/finish") => {
            Response::error(405, "méthode non permise")
        }
        _ => Response::error(404, "introuvable"),
    }
}

/// The answer to a login: the session token in the cookie `cookie`, the refusal, or a request
/// without a code.
fn logged_in(login: Option<Result<String, Refusal>>, cookie: &str) -> Response {
    match login {
        Some(Ok(token)) => {
            let mut r = Response::json(200, "{\"ok\":true}".into());
            r.headers.push(cookie_header(cookie, &token));
            r
        }
        Some(Err(e)) => Response::refusal(e),
        None => Response::error(400, "code attendu"),
    }
}

/// The answer to an action that returns nothing: ok, or the refusal.
fn done(outcome: Result<(), Refusal>) -> Response {
    outcome.map_or_else(Response::refusal, |()| Response::json(200, "{\"ok\":true}".into()))
}

/// Serves until `stop` is set: accepts connections on `listener`, closes sittings at the end of
/// time every second.
// The server holds these for its whole life and hands clones to its threads: by value says so.
#[allow(clippy::needless_pass_by_value)]
pub fn serve(
    listener: TcpListener,
    state: Arc<Sittings>,
    pages: Arc<Pages>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let active = Arc::new(AtomicUsize::new(0));
    let ticker_state = Arc::clone(&state);
    let ticker_stop = Arc::clone(&stop);
    std::thread::spawn(move || {
        while !ticker_stop.load(Ordering::Relaxed) {
            ticker_state.tick();
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((mut stream, addr)) => {
                if active.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
                    write_response(&mut stream, &Response::error(503, "serveur occupé"));
                    continue;
                }
                active.fetch_add(1, Ordering::Relaxed);
                let (state, pages, active) = (Arc::clone(&state), Arc::clone(&pages), Arc::clone(&active));
                std::thread::spawn(move || {
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
                    let response = match read_request(&mut stream) {
                        Ok(req) => route(&state, &pages, &req, addr.ip()),
                        Err(status) => Response::error(status, "requête invalide"),
                    };
                    write_response(&mut stream, &response);
                    active.fetch_sub(1, Ordering::Relaxed);
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
