//! The Bitstring Status List (W3C) the certifier publishes: one bit per issued credential, set
//! when it is revoked; GZIP-compressed, base64url in multibase (`u…`), signed like a credential.

use super::CredentialError;
use super::canon::VC_V2;
use super::keys::IssuerProfile;
use serde_json::{Value, json};
use std::io::{Read, Write};

/// The length of the list in bits (16 KiB, the minimum the specification sets, for privacy).
pub const LIST_BITS: usize = 131_072;
/// The status purpose cqpt uses.
pub const PURPOSE: &str = "revocation";

/// The encoded list with the bits of `revoked` set (bit 0 is the left-most bit of byte 0).
pub fn encode(revoked: &[u32]) -> Result<String, CredentialError> {
    let mut bits = vec![0u8; LIST_BITS / 8];
    for &i in revoked {
        let i = i as usize;
        if i >= LIST_BITS {
            return Err(CredentialError::new(format!(
                "status index {i} is past the list's {LIST_BITS} entries"
            )));
        }
        bits[i / 8] |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bits).map_err(|e| CredentialError::new(e.to_string()))?;
    let bytes = gz.finish().map_err(|e| CredentialError::new(e.to_string()))?;
    Ok(multibase::encode(multibase::Base::Base64Url, bytes))
}

/// Whether bit `index` of an encoded list is set.
pub fn is_set(encoded: &str, index: u32) -> Result<bool, CredentialError> {
    let bad =
        |why: String| CredentialError::new(format!("the status list's encodedList cannot be read ({why})"));
    let (_, bytes) = multibase::decode(encoded).map_err(|e| bad(e.to_string()))?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(bytes.as_slice()).read_to_end(&mut bits).map_err(|e| bad(e.to_string()))?;
    let i = index as usize;
    let byte =
        bits.get(i / 8).ok_or_else(|| bad(format!("index {i} is past its {} entries", bits.len() * 8)))?;
    Ok(byte & (0x80 >> (i % 8)) != 0)
}

/// The `credentialStatus` of the credential at `index`.
pub fn entry(issuer: &IssuerProfile, index: u32) -> Value {
    json!({
        "id": format!("{}#{index}", issuer.status_list),
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": index.to_string(),
        "statusListCredential": issuer.status_list,
    })
}

/// The status list credential (unsigned) with `revoked` set, valid from `valid_from`.
pub fn list_credential(
    issuer: &IssuerProfile,
    revoked: &[u32],
    valid_from: &str,
) -> Result<Value, CredentialError> {
    Ok(json!({
        "@context": [VC_V2],
        "id": issuer.status_list,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": format!("{}#list", issuer.status_list),
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked)?,
        },
    }))
}

/// Whether `credential` is revoked according to `list` (already checked as signed by the
/// issuer): `None` when the credential has no status entry.
pub fn revoked(credential: &Value, list: &Value) -> Result<Option<bool>, CredentialError> {
    let Some(status) = credential.get("credentialStatus") else { return Ok(None) };
    let field = |name: &str| status.get(name).and_then(Value::as_str).unwrap_or_default();
    if field("type") != "BitstringStatusListEntry" || field("statusPurpose") != PURPOSE {
        return Err(CredentialError::new(
            "the credential's status is not a revocation BitstringStatusListEntry",
        ));
    }
    let url = field("statusListCredential");
    if list.get("id").and_then(Value::as_str) != Some(url) {
        return Err(CredentialError::new(format!(
            "the status list given is {}, the credential names {url}",
            list.get("id").and_then(Value::as_str).unwrap_or("(no id)")
        )));
    }
    let index: u32 = field("statusListIndex").parse().map_err(|_| {
        CredentialError::new(format!("statusListIndex `{}` is not a number", field("statusListIndex")))
    })?;
    let encoded = list
        .pointer("/credentialSubject/encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| CredentialError::new("the status list has no credentialSubject.encodedList"))?;
    is_set(encoded, index).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_set_left_to_right_and_read_back() {
        let encoded = encode(&[0, 9, 131_071]).unwrap();
        assert!(encoded.starts_with('u'));
        for (i, set) in [(0, true), (1, false), (8, false), (9, true), (131_070, false), (131_071, true)] {
            assert_eq!(is_set(&encoded, i).unwrap(), set, "bit {i}");
        }
        assert!(encode(&[131_072]).is_err());
        assert!(is_set(&encoded, 131_072).is_err());
    }
}
