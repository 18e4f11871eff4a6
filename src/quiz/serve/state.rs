//! The sittings being taken: time kept by the server from the candidate's first login, every
//! answer journaled before it is acknowledged, sittings closed and scored at the end of time.
//! The answer key never leaves this module's types: the views sent to browsers have no key.

use super::journal::{Event, Journal};
use super::sittings::{QuizSession, Seat};
use crate::date::TimeOfDay;
use crate::policy::Policy;
use crate::quiz::scoring::{self, Answer, Answers};
use crate::quiz::{Bank, Sitting, draw};
use crate::referentiel::Library;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Mutex;

/// Where the time comes from: the server's clock in the binary, a fake one in tests.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Unknown or expired session token.
    Unauthorised,
    /// Wrong access code.
    WrongCode,
    /// The access code was already used.
    CodeUsed,
    /// Too many wrong codes from this address: retry after this many seconds.
    TooMany(u64),
    /// The sitting is closed.
    Closed,
    /// The request is malformed.
    Invalid(String),
    /// The journal could not be written: nothing was saved.
    Storage(String),
}

struct Candidate {
    seat: Seat,
    sitting: Sitting,
    journal: Journal,
    token: Option<String>,
    code_used: bool,
    started_ms: Option<i64>,
    extra_minutes: u32,
    answers: BTreeMap<usize, (String, i64, bool)>,
    closed: Option<(i64, String)>,
    last_seen_ms: i64,
}

/// A question as a browser sees it: no key, no explanation.
#[derive(Serialize)]
pub struct QuestionView<'a> {
    number: usize,
    text: &'a str,
    multiple: bool,
    choices: Vec<ChoiceView<'a>>,
}

/// A choice as a browser sees it.
#[derive(Serialize)]
pub struct ChoiceView<'a> {
    letter: char,
    text: &'a str,
}

/// A candidate's sitting as their browser sees it.
#[derive(Serialize)]
pub struct CandidateView<'a> {
    name: &'a str,
    sitting: &'a str,
    total: usize,
    answered: usize,
    time_left_ms: i64,
    closed: bool,
    questions: Vec<QuestionView<'a>>,
    answers: BTreeMap<usize, &'a str>,
}

/// One line of the evaluator's page.
#[derive(Serialize)]
pub struct SeatView {
    id: String,
    name: String,
    sitting: String,
    connected: bool,
    started: bool,
    answered: usize,
    total: usize,
    time_left_ms: i64,
    closed: bool,
    code_used: bool,
}

/// The quiz server's state.
pub struct Sittings {
    session: QuizSession,
    policy: Policy,
    duration_ms: i64,
    candidates: Vec<Mutex<Candidate>>,
    by_code: HashMap<String, usize>,
    evaluator_tokens: Mutex<Vec<String>>,
    throttle: Mutex<HashMap<IpAddr, (u32, i64)>>,
    clock: Box<dyn Clock>,
}

fn digest(token: &str) -> String {
    let h = token
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{h:016x}")
}

/// A fresh random token (128 bits from the operating system).
fn random_token() -> Result<String, Refusal> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| Refusal::Storage(format!("no randomness for a session token ({e})")))?;
    Ok(bytes.iter().fold(String::with_capacity(32), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    }))
}

impl Sittings {
    /// Opens the session: draws every sitting and replays every journal of the state folder.
    pub fn open(
        session: QuizSession,
        bank: &Bank,
        library: &Library,
        policy: &Policy,
        clock: Box<dyn Clock>,
    ) -> crate::Result<Sittings> {
        std::fs::create_dir_all(&session.state_dir)
            .map_err(|source| crate::Error::Write { path: session.state_dir.clone(), source })?;
        let mut candidates = Vec::new();
        let mut by_code = HashMap::new();
        for (i, seat) in session.seats.iter().enumerate() {
            let sitting = draw(bank, library, policy, &seat.sitting.spec(), seat.sitting.seed)?;
            let path = session.state_dir.join(format!("{}.journal", seat.id));
            let (journal, events) =
                Journal::open(&path).map_err(|source| crate::Error::Read { path: path.clone(), source })?;
            let mut c = Candidate {
                seat: seat.clone(),
                sitting,
                journal,
                token: None,
                code_used: false,
                started_ms: None,
                extra_minutes: seat.extra_minutes,
                answers: BTreeMap::new(),
                closed: None,
                last_seen_ms: 0,
            };
            for event in events {
                apply(&mut c, &event);
            }
            by_code.insert(normalise(&seat.code), i);
            candidates.push(Mutex::new(c));
        }
        let duration_ms = i64::from(session.duration_seconds.unwrap_or(policy.quiz.minutes * 60)) * 1000;
        Ok(Sittings {
            session,
            policy: policy.clone(),
            duration_ms,
            candidates,
            by_code,
            evaluator_tokens: Mutex::new(Vec::new()),
            throttle: Mutex::new(HashMap::new()),
            clock,
        })
    }

    fn deadline(&self, c: &Candidate) -> Option<i64> {
        c.started_ms.map(|s| s + self.duration_ms + i64::from(c.extra_minutes) * 60_000)
    }

    fn time_left(&self, c: &Candidate, now: i64) -> i64 {
        match (c.closed.is_some(), self.deadline(c)) {
            (true, _) => 0,
            (false, Some(d)) => (d - now).max(0),
            (false, None) => self.duration_ms + i64::from(c.extra_minutes) * 60_000,
        }
    }

    /// Refuses an address that gave too many wrong codes; counts a failure when `failed`.
    fn throttled(&self, ip: IpAddr, now: i64) -> Result<(), Refusal> {
        let map = self.throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.get(&ip) {
            Some((_, until)) if *until > now => Err(Refusal::TooMany(((until - now + 999) / 1000) as u64)),
            _ => Ok(()),
        }
    }

    fn failed(&self, ip: IpAddr, now: i64) {
        let mut map = self.throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = map.entry(ip).or_insert((0, 0));
        entry.0 += 1;
        // Each wrong code doubles the wait, from 1 s to 60 s.
        let wait = (1000i64 << (entry.0 - 1).min(6)).min(60_000);
        entry.1 = now + wait;
    }

    fn succeeded(&self, ip: IpAddr) {
        self.throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&ip);
    }

    /// A candidate logs in with their one-time code; returns their session token.
    pub fn login(&self, code: &str, ip: IpAddr) -> Result<String, Refusal> {
        let now = self.clock.now_ms();
        self.throttled(ip, now)?;
        let Some(&i) = self.by_code.get(&normalise(code)) else {
            self.failed(ip, now);
            return Err(Refusal::WrongCode);
        };
        self.succeeded(ip);
        let mut c = self.candidates[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if c.code_used {
            return Err(Refusal::CodeUsed);
        }
        let token = random_token()?;
        let event = Event::Login { ms: now, token: digest(&token) };
        c.journal.append(&event).map_err(|e| Refusal::Storage(e.to_string()))?;
        apply(&mut c, &event);
        c.last_seen_ms = now;
        Ok(format!("{}.{token}", c.seat.id))
    }

    fn candidate(&self, token: &str) -> Result<usize, Refusal> {
        let (id, secret) = token.split_once('.').ok_or(Refusal::Unauthorised)?;
        let i = self.session.seats.iter().position(|s| s.id == id).ok_or(Refusal::Unauthorised)?;
        let c = self.candidates[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if c.token.as_deref() == Some(digest(secret).as_str()) { Ok(i) } else { Err(Refusal::Unauthorised) }
    }

    /// Closes `c` when its time is up.
    fn close_if_due(&self, c: &mut Candidate, now: i64) {
        if c.closed.is_none() && self.deadline(c).is_some_and(|d| now >= d) {
            let _ = self.close(c, now, "time");
        }
    }

    fn close(&self, c: &mut Candidate, now: i64, by: &str) -> Result<(), Refusal> {
        let event = Event::Close { ms: now, by: by.to_string() };
        c.journal.append(&event).map_err(|e| Refusal::Storage(e.to_string()))?;
        apply(c, &event);
        self.write_result(c).map_err(|e| Refusal::Storage(e.to_string()))
    }

    /// Writes the scored result beside the journal (a `quiz:` section for the dossier).
    fn write_result(&self, c: &Candidate) -> crate::Result<()> {
        let local = |ms: i64| {
            let minutes =
                (ms.div_euclid(60_000) + i64::from(self.session.utc_offset_minutes)).rem_euclid(24 * 60);
            TimeOfDay::from_minutes(minutes as u32)
        };
        let answers: Vec<Answer> = c
            .answers
            .iter()
            .map(|(n, (given, ms, _))| Answer { number: *n, given: given.clone(), at: local(*ms) })
            .collect();
        let marked: Vec<(&Answer, bool)> =
            answers.iter().map(|a| (a, c.answers.get(&a.number).is_some_and(|x| x.2))).collect();
        let sheet = Answers {
            date: self.session.date,
            started: c.started_ms.and_then(local),
            ended: c.closed.as_ref().and_then(|(ms, _)| local(*ms)),
            extra_minutes: c.extra_minutes,
            answers: answers.clone(),
        };
        let limit = self.deadline(c).and_then(local);
        let score = scoring::mark(&c.sitting, &sheet, limit, &marked, &self.policy);
        let path = self.session.state_dir.join(format!("{}-resultat.yaml", c.seat.id));
        crate::output::write_atomic(&path, scoring::to_yaml(&score, &self.session.by).as_bytes())
    }

    /// The candidate's sitting as their browser sees it.
    pub fn view(&self, token: &str) -> Result<String, Refusal> {
        let i = self.candidate(token)?;
        let now = self.clock.now_ms();
        let mut c = self.candidates[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.close_if_due(&mut c, now);
        c.last_seen_ms = now;
        let view = CandidateView {
            name: &c.seat.name,
            sitting: &c.sitting.id,
            total: c.sitting.questions.len(),
            answered: c.answers.values().filter(|(g, _, late)| !g.is_empty() && !late).count(),
            time_left_ms: self.time_left(&c, now),
            closed: c.closed.is_some(),
            questions: c
                .sitting
                .questions
                .iter()
                .map(|q| QuestionView {
                    number: q.number,
                    text: &q.text,
                    multiple: q.kind == crate::quiz::QuestionKind::Multiple,
                    choices: q
                        .choices
                        .iter()
                        .map(|ch| ChoiceView { letter: ch.letter, text: &ch.text })
                        .collect(),
                })
                .collect(),
            answers: c
                .answers
                .iter()
                .filter(|(_, (_, _, late))| !late)
                .map(|(n, (g, _, _))| (*n, g.as_str()))
                .collect(),
        };
        serde_json::to_string(&view).map_err(|e| Refusal::Invalid(e.to_string()))
    }

    /// Records an answer; refused once the sitting is closed. Returns the time left.
    pub fn answer(&self, token: &str, number: usize, given: &str) -> Result<i64, Refusal> {
        let i = self.candidate(token)?;
        let now = self.clock.now_ms();
        let mut c = self.candidates[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        c.last_seen_ms = now;
        let Some(q) = c.sitting.questions.iter().find(|q| q.number == number) else {
            return Err(Refusal::Invalid(format!("no question {number} in this sitting")));
        };
        if given.len() > 16 || !scoring::valid_answer(q, given) {
            return Err(Refusal::Invalid(format!("\"{given}\" is not an answer to question {number}")));
        }
        if c.closed.is_some() {
            return Err(Refusal::Closed);
        }
        let late = self.deadline(&c).is_some_and(|d| now >= d);
        let event = Event::Answer { ms: now, number, given: given.to_string(), late };
        c.journal.append(&event).map_err(|e| Refusal::Storage(e.to_string()))?;
        apply(&mut c, &event);
        if late {
            self.close_if_due(&mut c, now);
            return Err(Refusal::Closed);
        }
        Ok(self.time_left(&c, now))
    }

    /// The candidate ends their sitting.
    pub fn finish(&self, token: &str) -> Result<(), Refusal> {
        let i = self.candidate(token)?;
        let now = self.clock.now_ms();
        let mut c = self.candidates[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if c.closed.is_some() {
            return Ok(());
        }
        self.close(&mut c, now, "candidate")
    }

    /// The evaluator logs in; returns a token for the evaluator page.
    pub fn evaluator_login(&self, code: &str, ip: IpAddr) -> Result<String, Refusal> {
        let now = self.clock.now_ms();
        self.throttled(ip, now)?;
        if normalise(code) != normalise(&self.session.evaluator_code) {
            self.failed(ip, now);
            return Err(Refusal::WrongCode);
        }
        self.succeeded(ip);
        let token = random_token()?;
        self.evaluator_tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(digest(&token));
        Ok(token)
    }

    fn evaluator(&self, token: &str) -> Result<(), Refusal> {
        let tokens = self.evaluator_tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if tokens.contains(&digest(token)) { Ok(()) } else { Err(Refusal::Unauthorised) }
    }

    /// Every seat, for the evaluator.
    pub fn overview(&self, token: &str) -> Result<String, Refusal> {
        self.evaluator(token)?;
        let now = self.clock.now_ms();
        let rows: Vec<SeatView> = self
            .candidates
            .iter()
            .map(|m| {
                let mut c = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                self.close_if_due(&mut c, now);
                SeatView {
                    id: c.seat.id.clone(),
                    name: c.seat.name.clone(),
                    sitting: c.sitting.id.clone(),
                    connected: now - c.last_seen_ms < 15_000,
                    started: c.started_ms.is_some(),
                    answered: c.answers.values().filter(|(g, _, late)| !g.is_empty() && !late).count(),
                    total: c.sitting.questions.len(),
                    time_left_ms: self.time_left(&c, now),
                    closed: c.closed.is_some(),
                    code_used: c.code_used,
                }
            })
            .collect();
        serde_json::to_string(&rows).map_err(|e| Refusal::Invalid(e.to_string()))
    }

    fn seat(&self, id: &str) -> Result<usize, Refusal> {
        self.session
            .seats
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| Refusal::Invalid(format!("no candidate {id}")))
    }

    /// The evaluator grants extra minutes (accommodation).
    pub fn grant(&self, token: &str, id: &str, minutes: u32) -> Result<(), Refusal> {
        self.evaluator(token)?;
        if !(1..=240).contains(&minutes) {
            return Err(Refusal::Invalid("extra time is 1 to 240 minutes".into()));
        }
        let i = self.seat(id)?;
        let mut c = self.candidates[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if c.closed.is_some() {
            return Err(Refusal::Closed);
        }
        let event = Event::Extra { ms: self.clock.now_ms(), minutes };
        c.journal.append(&event).map_err(|e| Refusal::Storage(e.to_string()))?;
        apply(&mut c, &event);
        Ok(())
    }

    /// The evaluator closes a sitting.
    pub fn close_seat(&self, token: &str, id: &str) -> Result<(), Refusal> {
        self.evaluator(token)?;
        let i = self.seat(id)?;
        let mut c = self.candidates[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if c.closed.is_some() {
            return Ok(());
        }
        self.close(&mut c, self.clock.now_ms(), "evaluator")
    }

    /// The evaluator lets a candidate use their code again (a lost browser); the old browser is
    /// logged out, the time keeps running.
    pub fn reset(&self, token: &str, id: &str) -> Result<(), Refusal> {
        self.evaluator(token)?;
        let i = self.seat(id)?;
        let mut c = self.candidates[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let event = Event::Reset { ms: self.clock.now_ms() };
        c.journal.append(&event).map_err(|e| Refusal::Storage(e.to_string()))?;
        apply(&mut c, &event);
        Ok(())
    }

    /// Closes every sitting whose time is up (called every second).
    pub fn tick(&self) {
        let now = self.clock.now_ms();
        for m in &self.candidates {
            let mut c = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            self.close_if_due(&mut c, now);
        }
    }
}

fn normalise(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// Applies one journal event to a candidate's state.
fn apply(c: &mut Candidate, event: &Event) {
    match event {
        Event::Login { ms, token } => {
            c.code_used = true;
            c.token = Some(token.clone());
            c.started_ms.get_or_insert(*ms);
        }
        Event::Answer { ms, number, given, late } => {
            // A late answer is kept in the journal but never replaces one given in time.
            if !(*late && c.answers.contains_key(number)) {
                c.answers.insert(*number, (given.clone(), *ms, *late));
            }
        }
        Event::Extra { minutes, .. } => c.extra_minutes += minutes,
        Event::Close { ms, by } => c.closed = Some((*ms, by.clone())),
        Event::Reset { .. } => {
            c.code_used = false;
            c.token = None;
        }
    }
}
