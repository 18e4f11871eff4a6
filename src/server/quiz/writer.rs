//! The answers' writer: one thread with its own connection to the store takes every answer
//! waiting, writes them in one transaction (`synchronous=FULL`: on disk at commit), then
//! acknowledges each. Two hundred candidates clicking at once cost a few commits, not two
//! hundred; an answer is acknowledged only once committed, and a failed commit (a full disk)
//! refuses every answer of its batch, which the pages keep and send again.

use crate::clock::Clock;
use crate::store::SqliteStore;
use crate::store::quiz::{NewAnswer, QuizStore};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use tokio::sync::oneshot;

/// Most answers written in one transaction.
const MAX_BATCH: usize = 512;

/// Why an answer was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// The disk (or the database's limit) is full.
    Full(String),
    /// Another failure of the store, or the writer is gone.
    Failed(String),
}

type Job = (NewAnswer, oneshot::Sender<Result<(), WriteError>>);

/// The handle the handlers send answers to.
pub struct AnswerWriter {
    jobs: mpsc::Sender<Job>,
}

impl AnswerWriter {
    /// Starts the writer thread on the store at `path`.
    pub fn start(path: PathBuf, clock: Arc<dyn Clock>) -> std::io::Result<AnswerWriter> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new().name("cqpt-answers".into()).spawn(move || run(&path, &clock, &queue))?;
        Ok(AnswerWriter { jobs })
    }

    /// Writes `answer`; returns once it is on disk, or why not.
    pub async fn write(&self, answer: NewAnswer) -> Result<(), WriteError> {
        let (done, wait) = oneshot::channel();
        self.jobs
            .send((answer, done))
            .map_err(|_| WriteError::Failed("the answers' writer stopped".into()))?;
        wait.await.unwrap_or_else(|_| Err(WriteError::Failed("the answers' writer stopped".into())))
    }
}

fn run(path: &std::path::Path, clock: &Arc<dyn Clock>, queue: &mpsc::Receiver<Job>) {
    let mut store: Option<SqliteStore> = None;
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let answers: Vec<NewAnswer> = batch.iter().map(|(a, _)| a.clone()).collect();
        let outcome = match &mut store {
            Some(s) => s.record_answers(&answers),
            None => SqliteStore::open(path, clock.clone()).and_then(|mut s| {
                let r = s.record_answers(&answers);
                store = Some(s);
                r
            }),
        };
        let outcome = outcome.map_err(|e| {
            if e.is_storage_full() {
                WriteError::Full(e.to_string())
            } else {
                WriteError::Failed(e.to_string())
            }
        });
        if let Err(e) = &outcome {
            eprintln!("cqpt serve: {} answers not written: {e:?}", answers.len());
        }
        for (_, done) in batch {
            let _ = done.send(outcome.clone());
        }
    }
}
