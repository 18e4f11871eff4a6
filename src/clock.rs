//! Where the time comes from: the server's clocks in the binary, fake ones in tests. The
//! library never reads a clock itself (clippy.toml bans it); it is given one of these.

/// The two clocks a server needs.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch: what is recorded (the registry, a sitting's start).
    fn now_ms(&self) -> i64;
    /// Milliseconds on a clock that only goes forward at the pace of real time, whatever is
    /// done to the machine's clock: what running sittings are timed on.
    fn monotonic_ms(&self) -> i64;
}
