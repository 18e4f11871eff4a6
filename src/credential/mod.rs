//! Open Badges 3.0 credentials (1EdTech, on W3C Verifiable Credentials 2.0) for an award: an
//! `OpenBadgeCredential` naming the certificate, its criteria (the commission's decision), the
//! units or activities awarded, the date and the certifier, signed with the certifier's Ed25519
//! key under the Data Integrity cryptosuite `eddsa-rdfc-2022`.
//!
//! - [`canon`]: JSON-LD to RDF with the vendored contexts (no network), then RDFC-1.0.
//! - [`proof`]: the `eddsa-rdfc-2022` proof: hashes of the canonical proof options and
//!   document, signed with Ed25519; multikey and multibase encodings.
//! - [`keys`]: the certifier's folder (public profile, secret key kept with mode 0600, the
//!   counter of status list entries).
//! - [`badge`]: the credential of a dossier the commission awarded.
//! - [`parchemin`]: the one-page certificate PDF of an award, with the QR code of its
//!   verification address.
//! - [`status`]: the Bitstring Status List the certifier publishes to revoke credentials.
//! - [`verify`]: every check a verifier makes (proof, issuer key, signature, the fields read
//!   from the canonical graph, schemas, revocation), with a reason for each failure.

pub mod badge;
pub mod canon;
pub mod keys;
pub mod parchemin;
pub mod proof;
pub mod status;
pub mod verify;

/// What went wrong in signing or verifying, for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CredentialError(pub String);

impl CredentialError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        CredentialError(message.into())
    }
}

impl From<CredentialError> for crate::Error {
    fn from(e: CredentialError) -> Self {
        crate::Error::Data(e.0)
    }
}
