//! The store as the server uses it: `SQLite` connections kept for reuse, each call run on a
//! blocking thread so that the async workers never wait on the disk.

use super::error::AppError;
use crate::clock::Clock;
use crate::store::SqliteStore;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Connections kept idle at most.
const MAX_IDLE: usize = 32;

/// Connections to one store file.
pub struct StorePool {
    path: PathBuf,
    clock: Arc<dyn Clock>,
    idle: Mutex<Vec<SqliteStore>>,
    /// Writes of this process take turns here (first come, first served).
    writer: tokio::sync::Mutex<()>,
}

impl StorePool {
    /// Opens (creating and migrating) the store at `path`.
    pub fn open(path: PathBuf, clock: Arc<dyn Clock>) -> crate::store::Result<StorePool> {
        let first = SqliteStore::open(&path, clock.clone())?;
        Ok(StorePool { path, clock, idle: Mutex::new(vec![first]), writer: tokio::sync::Mutex::new(()) })
    }

    /// The store file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Runs the write `f` when this process's earlier writes are done: `SQLite` takes one writer
    /// at a time, and a writer that finds the database locked waits in its busy handler, which
    /// sleeps in growing steps; taking turns here first keeps the wait to the writes before.
    pub async fn run_write<T, F>(self: &Arc<Self>, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> Result<T, AppError> + Send + 'static,
    {
        let _turn = self.writer.lock().await;
        self.run(f).await
    }

    /// Runs `f` on a connection, on a blocking thread.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let taken = pool.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
            let mut store = match taken {
                Some(s) => s,
                None => SqliteStore::open(&pool.path, pool.clock.clone())?,
            };
            let result = f(&mut store);
            let mut idle = pool.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if idle.len() < MAX_IDLE {
                idle.push(store);
            }
            result
        })
        .await
        .map_err(|e| AppError::Internal(format!("store task: {e}")))?
    }
}
