//! The connections of `cqpt serve` over plain HTTP: hyper's HTTP/1.1 with a timer, so that a
//! client sending its request's headers too slowly is disconnected ([`HEADER_TIMEOUT`]);
//! connections counted per address ([`MAX_PER_ADDRESS`]) and in all ([`MAX_CONNECTIONS`]),
//! one over the limit closed at once; Ctrl-C or SIGTERM stops accepting and lets the requests
//! under way finish (10 seconds at most). Bodies and whole requests have their limits in the
//! router (`RequestBodyLimitLayer`, `TimeoutLayer`).

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Longest time a client may take to send a request's line and headers (from the first byte
/// of a new connection, or of the next request on a kept connection).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections open at once from one address: a test centre's room of 200 candidates behind
/// one address (NAT), two connections each.
pub const MAX_PER_ADDRESS: usize = 400;
/// Connections open at once in all (within the usual 1,024 open files of a process).
pub const MAX_CONNECTIONS: usize = 900;

/// The connections open, per address.
#[derive(Default)]
struct Open {
    by_address: HashMap<IpAddr, usize>,
    total: usize,
}

/// A counted connection: uncounted when dropped.
struct Counted {
    open: Arc<Mutex<Open>>,
    address: IpAddr,
}

impl Counted {
    /// Counts a connection from `address`, or `None` over a limit.
    fn take(open: &Arc<Mutex<Open>>, address: IpAddr) -> Option<Counted> {
        let mut o = open.lock().unwrap_or_else(PoisonError::into_inner);
        let mine = o.by_address.get(&address).copied().unwrap_or(0);
        if mine >= MAX_PER_ADDRESS || o.total >= MAX_CONNECTIONS {
            return None;
        }
        o.by_address.insert(address, mine + 1);
        o.total += 1;
        Some(Counted { open: open.clone(), address })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut o = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        o.total = o.total.saturating_sub(1);
        if let Some(n) = o.by_address.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                o.by_address.remove(&self.address);
            }
        }
    }
}

/// Serves `app` on `listener` until `stop` resolves; then waits for the connections under way
/// (10 seconds at most).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let open = Arc::new(Mutex::new(Open::default()));
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: say so, wait a little, go on.
                    eprintln!("cqpt serve: a connection could not be accepted: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(counted) = Counted::take(&open, address.ip()) else {
            // Over a limit: closed at once, nothing read.
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = tower::ServiceExt::map_request(app.clone(), move |mut req: axum::http::Request<_>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(address));
            req
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).keep_alive(true);
        let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection that ends in an error (reset, timeout) concerns that client only.
            let _ = connection.await;
            drop(counted);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_counted_per_address_and_uncounted_when_they_end() {
        let open = Arc::new(Mutex::new(Open::default()));
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        let mine: Vec<Counted> = (0..MAX_PER_ADDRESS).map(|_| Counted::take(&open, a).unwrap()).collect();
        assert!(Counted::take(&open, a).is_none(), "one over the limit of the address");
        let other = Counted::take(&open, b).expect("another address is not affected");
        drop(mine);
        assert!(Counted::take(&open, a).is_some());
        drop(other);
        assert_eq!(open.lock().unwrap().by_address.len(), 0);
    }
}
