//! Slow clients cannot take the server from everyone (issue 15, "seats and access"): on the
//! real binary, as many connections from one address as its share allows that never finish their headers fill that
//! address's share, the next one from it is closed at once, another address is served
//! meanwhile, and the slow connections are closed by the server after its header timeout.

use crate::workspace_durability::Server;
use cqpt::server::listen::{HEADER_TIMEOUT, MAX_PER_ADDRESS};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Whether the server closed `stream` (end of stream or reset) within `within`.
fn closed_by_server(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 256];
    match stream.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => {
            // An answer (408) then the end.
            matches!(stream.read(&mut buf), Ok(0) | Err(_))
        }
        Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
    }
}

/// `GET /connexion` from the local address `from`: the status line.
fn get_from(server: SocketAddr, from: [u8; 4]) -> String {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from((from, 0))).unwrap();
        let mut stream = socket.connect(server).await.unwrap();
        stream.write_all(b"GET /connexion HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
            .await
            .unwrap()
            .unwrap();
        String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_string()
    })
}

#[test]
fn slow_clients_of_one_address_neither_lock_out_others_nor_stay_forever() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("cqpt.sqlite"));
    let addr = server.addr;
    // Headers begun, never finished.
    let mut slow: Vec<TcpStream> = (0..MAX_PER_ADDRESS)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"GET /connexion HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    // The address's share is full: one more from it is closed without being read.
    let mut one_more = TcpStream::connect(addr).unwrap();
    let _ = one_more.write_all(b"GET /connexion HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        closed_by_server(&mut one_more, Duration::from_secs(30)),
        "one over the address's limit is closed"
    );
    // Another address is served meanwhile.
    assert_eq!(get_from(addr, [127, 0, 0, 2]), "HTTP/1.1 200 OK");
    // The slow connections are closed by the server once their header time is over.
    let bound = HEADER_TIMEOUT + Duration::from_secs(20);
    for s in &mut slow {
        assert!(closed_by_server(s, bound), "a slow connection is closed after the header timeout");
    }
    // Then the address is served again.
    assert_eq!(get_from(addr, [127, 0, 0, 1]), "HTTP/1.1 200 OK");
    server.kill();
}
