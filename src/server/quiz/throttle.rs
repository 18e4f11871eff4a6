//! Wrong access codes slow the next attempts down: per address and in all, within a window of
//! time. A right code does not reset the counts (resetting would let a guesser holding one
//! valid code go on at full speed). Time comes from the server's monotonic clock.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

/// The failures of the window.
#[derive(Debug, Default)]
pub struct Throttle {
    by_address: HashMap<IpAddr, VecDeque<i64>>,
    all: VecDeque<i64>,
}

/// The limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures tolerated per address within the window.
    pub per_address: u32,
    /// Failures tolerated in all within the window.
    pub in_all: u32,
    /// The window, in milliseconds.
    pub window_ms: i64,
}

impl Throttle {
    fn forget(&mut self, now: i64, window: i64) {
        while self.all.front().is_some_and(|t| now - t >= window) {
            self.all.pop_front();
        }
        self.by_address.retain(|_, times| {
            while times.front().is_some_and(|t| now - t >= window) {
                times.pop_front();
            }
            !times.is_empty()
        });
    }

    /// `Err(seconds)` while `address` must wait before its next attempt.
    pub fn check(&mut self, address: IpAddr, now: i64, limits: Limits) -> Result<(), u64> {
        self.forget(now, limits.window_ms);
        let wait = |times: &VecDeque<i64>, allowed: u32| {
            (times.len() >= allowed as usize)
                .then(|| times.front().map_or(0, |first| first + limits.window_ms - now))
        };
        let mine = self.by_address.get(&address).and_then(|t| wait(t, limits.per_address));
        let everyone = wait(&self.all, limits.in_all);
        match mine.into_iter().chain(everyone).max() {
            Some(ms) => Err(u64::try_from(ms.max(1000) / 1000).unwrap_or(1)),
            None => Ok(()),
        }
    }

    /// Counts a wrong code from `address`.
    pub fn failed(&mut self, address: IpAddr, now: i64) {
        self.by_address.entry(address).or_default().push_back(now);
        self.all.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits { per_address: 5, in_all: 8, window_ms: 60_000 };

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, n])
    }

    #[test]
    fn the_sixth_wrong_code_of_an_address_waits_until_the_first_leaves_the_window() {
        let mut t = Throttle::default();
        for i in 0..5 {
            assert_eq!(t.check(ip(1), i * 1000, LIMITS), Ok(()));
            t.failed(ip(1), i * 1000);
        }
        assert_eq!(t.check(ip(1), 5000, LIMITS), Err(55));
        assert_eq!(t.check(ip(2), 5000, LIMITS), Ok(()), "another address is not slowed");
        assert_eq!(t.check(ip(1), 59_999, LIMITS), Err(1));
        assert_eq!(t.check(ip(1), 60_000, LIMITS), Ok(()), "the first failure left the window");
    }

    #[test]
    fn a_right_code_resets_nothing_and_many_addresses_are_slowed_in_all() {
        let mut t = Throttle::default();
        for n in 0..8 {
            t.failed(ip(n), 0);
        }
        // A right code in between is not a call to this type: nothing is reset.
        assert_eq!(t.check(ip(100), 10, LIMITS), Err(59));
    }
}
