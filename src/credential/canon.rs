//! JSON-LD to canonical N-Quads (RDFC-1.0), offline: the only contexts a document may name are
//! the vendored ones ([`CONTEXTS`]); any other is an error, never a network request.

use super::CredentialError;
use sophia_api::parser::QuadParser;
use sophia_api::quad::Spog;
use sophia_api::source::QuadSource;
use sophia_api::term::SimpleTerm;
use sophia_jsonld::loader::{ClosureLoader, FutureExt};
use sophia_jsonld::{JsonLdOptions, JsonLdParser};
use std::collections::HashSet;

/// The URL of the VC 2.0 context.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The URL of the Open Badges 3.0 context (3.0.3).
pub const OB_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// The contexts cqpt knows, by URL (vendored under `tests/vendor/contexts/`).
pub const CONTEXTS: [(&str, &str); 2] = [
    (VC_V2, include_str!("../../tests/vendor/contexts/credentials-v2.jsonld")),
    (OB_V3, include_str!("../../tests/vendor/contexts/ob-context-3.0.3.json")),
];

/// The RDF dataset of a JSON-LD document, as canonical N-Quads (RDFC-1.0, SHA-256), one quad a
/// line, sorted.
pub fn canonicalize(document: &serde_json::Value) -> Result<String, CredentialError> {
    let options = JsonLdOptions::new().with_document_loader_closure(|| {
        ClosureLoader::new(|iri: sophia_api::prelude::Iri<String>| {
            let url = iri.as_str().to_string();
            async move {
                CONTEXTS.iter().find(|(u, _)| *u == url).map(|(_, text)| (*text).to_string()).ok_or_else(
                    || {
                        format!(
                            "the context {url} is not one cqpt knows (it never loads one from the network)"
                        )
                    },
                )
            }
            .boxed()
        })
    });
    let parser = JsonLdParser::new_with_options(options);
    let text = serde_json::to_string(document).map_err(|e| CredentialError::new(e.to_string()))?;
    let dataset: HashSet<Spog<SimpleTerm<'static>>> = parser
        .parse_str(&text)
        .collect_quads()
        .map_err(|e| CredentialError::new(format!("the document is not valid JSON-LD ({e})")))?;
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(&dataset, &mut out)
        .map_err(|e| CredentialError::new(format!("the document cannot be canonicalised ({e})")))?;
    String::from_utf8(out).map_err(|e| CredentialError::new(e.to_string()))
}

/// The objects of the quads `<subject> <predicate> ?o` of canonical N-Quads, as written (an IRI
/// in angle brackets, a literal in quotes with its datatype).
pub fn objects<'a>(nquads: &'a str, subject: &str, predicate: &str) -> Vec<&'a str> {
    let prefix = format!("{subject} <{predicate}> ");
    nquads
        .lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .map(|rest| rest.strip_suffix(" .").unwrap_or(rest))
        .collect()
}

/// The subjects of the quads `?s <predicate> <object>`.
pub fn subjects<'a>(nquads: &'a str, predicate: &str, object: &str) -> Vec<&'a str> {
    let suffix = format!(" <{predicate}> {object} .");
    nquads.lines().filter_map(|l| l.strip_suffix(suffix.as_str())).collect()
}

/// The text of an N-Quads literal (`"…"` or `"…"^^<type>`), unescaped; an IRI without its angle
/// brackets.
pub fn literal(term: &str) -> String {
    if let Some(iri) = term.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        return iri.to_string();
    }
    let Some(body) = term.strip_prefix('"') else { return term.to_string() };
    let end = body.rfind('"').unwrap_or(body.len());
    let raw = &body[..end];
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
