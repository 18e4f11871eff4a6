//! Accounts of the workspace, with no I/O: roles, argon2id password hashing, random session
//! tokens (kept as SHA-256 only), the password policy, one-time passwords and the login
//! throttling policy as a pure function of recent failures and the clock.

use crate::closed_set::closed_set;
use crate::registry::{Hash, sha256};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::fmt;

closed_set! {
    /// What a user may do: one role per account.
    pub enum Role {
        /// The CPNE secretariat: accounts, bodies, everything.
        Administrator,
        /// AUVICOM: applications, recevabilité, assignment to a body.
        AuvicomOfficer,
        /// An evaluator of one evaluating body: only the candidates assigned to it.
        Evaluator,
        /// A member of the commission: syntheses and decisions.
        CommissionMember,
        /// A candidate: their own dossier.
        Candidate,
    }
}

impl Role {
    /// The French name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "administrateur",
            Role::AuvicomOfficer => "chargé de dossiers AUVICOM",
            Role::Evaluator => "évaluateur",
            Role::CommissionMember => "membre de la commission",
            Role::Candidate => "candidat",
        }
    }
}

/// A secret (a password, a token) whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }
    /// The secret itself, to hash it or hand it to its owner once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (argon2 takes any length; this bounds the work per login).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Too short.
    #[error("the password has {found} characters; at least {MIN_PASSWORD_CHARS} are expected")]
    TooShort {
        /// Its length, in characters.
        found: usize,
    },
    /// Too long.
    #[error("the password has {found} characters; at most {MAX_PASSWORD_CHARS} are accepted")]
    TooLong {
        /// Its length, in characters.
        found: usize,
    },
    /// The hashing itself failed (parameters, randomness).
    #[error("the password could not be hashed ({0})")]
    Hashing(String),
}

/// The password policy: 12 to 256 characters (NIST SP 800-63B: length, no composition rules).
pub fn check_password(password: &Secret) -> Result<(), PasswordError> {
    let found = password.expose().chars().count();
    if found < MIN_PASSWORD_CHARS {
        Err(PasswordError::TooShort { found })
    } else if found > MAX_PASSWORD_CHARS {
        Err(PasswordError::TooLong { found })
    } else {
        Ok(())
    }
}

/// argon2id with OWASP's parameters: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password that meets the policy, as a PHC string (`$argon2id$v=19$…`) with a random
/// salt.
pub fn hash_password(password: &Secret) -> Result<String, PasswordError> {
    check_password(password)?;
    hasher()
        .hash_password(password.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hashing(e.to_string()))
}

/// Whether `password` matches a PHC string made by [`hash_password`]. A malformed hash matches
/// nothing.
pub fn verify_password(password: &Secret, phc: &str) -> bool {
    hasher().verify_password(password.expose().as_bytes(), phc).is_ok()
}

/// Random bytes from the operating system.
fn random<const N: usize>() -> Result<[u8; N], PasswordError> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).map_err(|e| PasswordError::Hashing(e.to_string()))?;
    Ok(bytes)
}

/// A new session token: 32 random bytes, as 64 hexadecimal digits for the cookie. Only its
/// [`token_hash`] is stored; a session is found by the hash, so the comparison of secrets
/// never depends on how many leading bytes match.
pub fn new_token() -> Result<Secret, PasswordError> {
    Ok(Secret(crate::registry::hex(&random::<32>()?)))
}

/// What the store keeps of a session token.
pub fn token_hash(token: &Secret) -> Hash {
    sha256(token.expose().as_bytes())
}

/// The alphabet of one-time passwords: no 0/O, 1/l/I.
const OTP_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A one-time password for a new account (the first administrator): 20 characters from a
/// 56-letter alphabet (about 116 bits), printed once and changed at first login.
pub fn one_time_password() -> Result<Secret, PasswordError> {
    let bytes = random::<40>()?;
    // Rejection sampling over bytes keeps every letter equally likely.
    let limit = 256 - 256 % OTP_ALPHABET.len();
    let mut out: String = bytes
        .iter()
        .filter(|&&b| usize::from(b) < limit)
        .map(|&b| OTP_ALPHABET[usize::from(b) % OTP_ALPHABET.len()] as char)
        .take(20)
        .collect();
    while out.chars().count() < 20 {
        let [b] = random::<1>()?;
        if usize::from(b) < limit {
            out.push(OTP_ALPHABET[usize::from(b) % OTP_ALPHABET.len()] as char);
        }
    }
    Ok(Secret(out))
}

/// Login throttling: how many failures are allowed in a window, and the wait after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures of one account allowed within the window.
    pub per_account: usize,
    /// Failures from one address allowed within the window.
    pub per_address: usize,
    /// The window, in milliseconds.
    pub window_ms: i64,
}

/// 5 failures per account, 20 per address, in 15 minutes.
pub const THROTTLE: Throttle = Throttle { per_account: 5, per_address: 20, window_ms: 15 * 60 * 1000 };

/// Whether a login attempt may be tried now, given the times (ms) of the recent failures of the
/// account and of the address: `Ok`, or `Err(ms)` to wait until the oldest failure that counts
/// leaves the window.
pub fn may_try_login(
    throttle: &Throttle,
    account_failures: &[i64],
    address_failures: &[i64],
    now_ms: i64,
) -> Result<(), i64> {
    let wait = |failures: &[i64], allowed: usize| -> Option<i64> {
        let mut recent: Vec<i64> =
            failures.iter().copied().filter(|&t| t <= now_ms && now_ms - t < throttle.window_ms).collect();
        if recent.len() < allowed {
            return None;
        }
        recent.sort_unstable();
        // The attempt is allowed again when all but `allowed - 1` of them have left the window.
        let oldest_that_counts = recent[recent.len() - allowed];
        Some(oldest_that_counts + throttle.window_ms - now_ms)
    };
    match (wait(account_failures, throttle.per_account), wait(address_failures, throttle.per_address)) {
        (None, None) => Ok(()),
        (a, b) => Err(a.unwrap_or(0).max(b.unwrap_or(0))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_policy_holds_at_its_boundaries() {
        assert_eq!(check_password(&Secret::new("a".repeat(11))), Err(PasswordError::TooShort { found: 11 }));
        assert_eq!(check_password(&Secret::new("é".repeat(12))), Ok(()));
        assert_eq!(check_password(&Secret::new("a".repeat(256))), Ok(()));
        assert_eq!(check_password(&Secret::new("a".repeat(257))), Err(PasswordError::TooLong { found: 257 }));
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = Secret::new("correct horse battery");
        let phc = hash_password(&password).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password(&password, &phc));
        assert!(!verify_password(&Secret::new("correct horse battery!"), &phc));
        assert!(!verify_password(&password, "not a hash"));
        assert_ne!(phc, hash_password(&password).unwrap(), "each hash has its own salt");
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let s = Secret::new("hunter2hunter2");
        assert_eq!(format!("{s:?}"), "***");
        assert!(!format!("{:?}", (1, &s)).contains("hunter"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.expose().len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), sha256(a.expose().as_bytes()));
    }

    #[test]
    fn one_time_passwords_meet_the_policy() {
        let p = one_time_password().unwrap();
        assert_eq!(p.expose().chars().count(), 20);
        assert!(check_password(&p).is_ok());
        assert!(p.expose().bytes().all(|b| OTP_ALPHABET.contains(&b)));
    }

    #[test]
    fn throttling_starts_at_the_limit_and_ends_with_the_window() {
        let t = THROTTLE;
        let now = 10_000_000;
        let four: Vec<i64> = (0..4).map(|i| now - 1000 * i).collect();
        assert_eq!(may_try_login(&t, &four, &[], now), Ok(()));
        let five: Vec<i64> = (0..5).map(|i| now - 1000 * i).collect();
        // The oldest of the five (now - 4 s) leaves the window in 15 min - 4 s.
        assert_eq!(may_try_login(&t, &five, &[], now), Err(t.window_ms - 4000));
        // One millisecond before the oldest leaves, still refused; at that instant, allowed.
        let oldest = now - 4000;
        let leaves = oldest + t.window_ms;
        assert_eq!(may_try_login(&t, &five, &[], leaves - 1), Err(1));
        assert_eq!(may_try_login(&t, &five, &[], leaves), Ok(()));
    }

    #[test]
    fn throttling_counts_addresses_separately() {
        let t = THROTTLE;
        let now = 5_000_000;
        let nineteen: Vec<i64> = (0..19).map(|i| now - i).collect();
        assert_eq!(may_try_login(&t, &[], &nineteen, now), Ok(()));
        let twenty: Vec<i64> = (0..20).map(|i| now - i).collect();
        assert!(may_try_login(&t, &[], &twenty, now).is_err());
    }

    #[test]
    fn roles_have_stable_codes_and_french_labels() {
        let codes: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            codes,
            ["administrator", "auvicom-officer", "evaluator", "commission-member", "candidate"]
        );
        assert!(Role::ALL.iter().all(|r| !r.label().is_empty()));
    }
}
