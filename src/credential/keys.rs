//! The certifier's folder, made by `cqpt credential keygen`: `issuer.json` (the public profile:
//! id, name, public key, status list address), `secret-key.json` (the Ed25519 secret key,
//! written with mode 0600 and never printed) and `state.json` (the next status list index and
//! the revoked ones).

use super::CredentialError;
use super::proof::{public_from_multikey, public_multikey, secret_from_multikey, secret_multikey};
use crate::error::{Error, Result};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The public profile of the certifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerProfile {
    /// Its id (an address it controls).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its Ed25519 public key as a multikey (`z6Mk…`).
    pub public_key_multibase: String,
    /// The address where it publishes its status list.
    pub status_list: String,
}

impl IssuerProfile {
    /// The verification method of its key: `{id}#{public key}`.
    pub fn verification_method(&self) -> String {
        format!("{}#{}", self.id, self.public_key_multibase)
    }
}

/// The secret key file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecretKeyFile {
    controller: String,
    secret_key_multibase: String,
}

/// What the certifier keeps between issues.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// The status list index of the next credential.
    pub next_status_index: u32,
    /// The revoked indexes, sorted.
    pub revoked: Vec<u32>,
    /// The status list index of each credential issued, by credential id: issuing the same
    /// award again reuses it (and so gives the same credential, byte for byte).
    #[serde(default)]
    pub issued: std::collections::BTreeMap<String, u32>,
    /// The verification token of each credential issued, by credential id: the last segment of
    /// its verification address ([`verification_url`]), the name of its copy in `credentials/`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub verification: std::collections::BTreeMap<String, String>,
}

/// The length of a verification token: 32 hexadecimal digits (128 bits).
pub const TOKEN_LEN: usize = 32;

/// The verification token of the credential `credential_id`: 128 bits of SHA-256 over the
/// certifier's secret key and the id. Credential ids are UUID v5 of the holder's file number,
/// the certificate and the decision date, which a stranger could enumerate; the token cannot be
/// guessed without the secret key, and the same award issued again gets the same token.
pub fn verification_token(key: &SigningKey, credential_id: &str) -> String {
    let mut bytes = b"cqpt verification token v1\0".to_vec();
    bytes.extend_from_slice(&key.to_bytes());
    bytes.push(0);
    bytes.extend_from_slice(credential_id.as_bytes());
    let hash = crate::registry::sha256(&bytes);
    hash.iter().take(TOKEN_LEN / 2).fold(String::with_capacity(TOKEN_LEN), |mut hex, b| {
        use std::fmt::Write;
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

/// Whether `text` has the form of a verification token (never a path: hexadecimal digits only).
pub fn is_token(text: &str) -> bool {
    text.len() == TOKEN_LEN && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The verification address of a credential: the origin of the certifier's id (scheme, host
/// and port) and `/verification/{token}`, the route of the workspace (`cqpt serve
/// --certifier DIR`) served at that origin.
pub fn verification_url(issuer: &IssuerProfile, token: &str) -> String {
    let id = issuer.id.as_str();
    let host_start = id.find("://").map_or(0, |i| i + 3);
    let origin = id[host_start..].find('/').map_or(id, |i| &id[..host_start + i]);
    format!("{origin}/verification/{token}")
}

/// The files of a certifier folder.
pub struct Folder {
    /// The folder.
    pub dir: PathBuf,
}

impl Folder {
    /// The folder at `dir`.
    pub fn new(dir: &Path) -> Folder {
        Folder { dir: dir.to_path_buf() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Creates the key pair and the folder's files from a 32-byte `seed` (random, from the
    /// operating system, in `cqpt credential keygen`). An existing key is never replaced.
    pub fn create(&self, seed: [u8; 32], id: &str, name: &str, status_list: &str) -> Result<IssuerProfile> {
        let secret_path = self.path("secret-key.json");
        if secret_path.exists() {
            return Err(Error::Usage(format!(
                "{} exists: a certifier key is never replaced (remove the folder's files on purpose to start over)",
                secret_path.display()
            )));
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::Write { path: self.dir.clone(), source: e })?;
        let key = SigningKey::from_bytes(&seed);
        let profile = IssuerProfile {
            id: id.to_string(),
            name: name.to_string(),
            public_key_multibase: public_multikey(&key.verifying_key()),
            status_list: status_list.to_string(),
        };
        let secret =
            SecretKeyFile { controller: id.to_string(), secret_key_multibase: secret_multikey(&key) };
        crate::output::write_atomic_private(&secret_path, &json_bytes(&secret))?;
        crate::output::write_atomic(&self.path("issuer.json"), &json_bytes(&profile))?;
        crate::output::write_atomic(&self.path("state.json"), &json_bytes(&State::default()))?;
        Ok(profile)
    }

    /// The public profile.
    pub fn profile(&self) -> Result<IssuerProfile> {
        read_json(&self.path("issuer.json"))
    }

    /// The secret key, checked against the public profile.
    pub fn secret_key(&self) -> Result<SigningKey> {
        let file: SecretKeyFile = read_json(&self.path("secret-key.json"))?;
        let key = secret_from_multikey(&file.secret_key_multibase)?;
        let profile = self.profile()?;
        let public = public_from_multikey(&profile.public_key_multibase)?;
        if key.verifying_key() != public {
            return Err(
                CredentialError::new("secret-key.json does not match the public key of issuer.json").into()
            );
        }
        Ok(key)
    }

    /// The state.
    pub fn state(&self) -> Result<State> {
        read_json(&self.path("state.json"))
    }

    /// Writes the state.
    pub fn save_state(&self, state: &State) -> Result<()> {
        crate::output::write_atomic(&self.path("state.json"), &json_bytes(state))
    }

    /// Where the copy of the credential of verification token `token` is kept, for the
    /// verification page (`credentials/{token}.json`); `None` when `token` is not one.
    pub fn published(&self, token: &str) -> Option<PathBuf> {
        is_token(token).then(|| self.path("credentials").join(format!("{token}.json")))
    }

    /// Where the signed status list is written.
    pub fn status_list_path(&self) -> PathBuf {
        self.path("status-list.json")
    }
}

/// Pretty JSON with a final newline.
pub fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Reads a JSON file, or says which file and why not.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Read { path: path.to_path_buf(), source: e })?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Data(format!("{}:{}:{}: {e}", path.display(), e.line(), e.column())))
}
