//! Each candidate's journal: one JSON line per event (login, answer, extra time, close),
//! appended and flushed to disk before the server answers, so that killing the server or the
//! browser loses nothing. Replaying the journal rebuilds the sitting where it was.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// One event of a sitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The candidate logged in with their code; the clock starts at the first.
    Login {
        /// Milliseconds since the epoch.
        ms: i64,
        /// Digest of the session token given to the browser.
        token: String,
    },
    /// An answer, as given.
    Answer {
        /// Milliseconds since the epoch.
        ms: i64,
        /// Question number.
        number: usize,
        /// Letters given.
        given: String,
        /// Given after the time limit.
        late: bool,
    },
    /// Extra time granted by the evaluator.
    Extra {
        /// Milliseconds since the epoch.
        ms: i64,
        /// Minutes.
        minutes: u32,
    },
    /// The sitting was closed.
    Close {
        /// Milliseconds since the epoch.
        ms: i64,
        /// `time`, `candidate` or `evaluator`.
        by: String,
    },
    /// The evaluator reissued the access code (the previous browser is logged out).
    Reset {
        /// Milliseconds since the epoch.
        ms: i64,
    },
}

/// An append-only journal file.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens (or creates) the journal at `path` and reads the events already in it. A last line
    /// cut short by a crash is ignored.
    pub fn open(path: &Path) -> std::io::Result<(Journal, Vec<Event>)> {
        let mut events = Vec::new();
        if path.exists() {
            for line in BufReader::new(File::open(path)?).lines() {
                let line = line?;
                if let Ok(event) = serde_json::from_str::<Event>(&line) {
                    events.push(event);
                }
            }
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok((Journal { path: path.to_path_buf(), file }, events))
    }

    /// Appends `event` and flushes it to disk.
    pub fn append(&mut self, event: &Event) -> std::io::Result<()> {
        let mut line = serde_json::to_string(event).map_err(std::io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.sync_data()
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
