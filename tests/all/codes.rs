//! The registries of stable codes: diagnostics of the input files, procedural findings and
//! reasons of a recevabilité rejection. Every code is unique across all of them, kebab-case,
//! documented, and the list is a snapshot, so a renamed or removed code shows up in review.

use cqpt::diag::Code;
use cqpt::phases::{FindingCode, Reason};
use serde::Serialize;

/// One code as the snapshot lists it.
#[derive(Serialize)]
struct Entry {
    registry: &'static str,
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    article: Option<&'static str>,
    description: &'static str,
}

fn registry() -> Vec<Entry> {
    let diag = Code::ALL.iter().map(|c| Entry {
        registry: "diagnostic",
        code: c.as_str(),
        article: None,
        description: c.description(),
    });
    let findings = FindingCode::ALL.iter().map(|c| Entry {
        registry: "finding",
        code: c.as_str(),
        article: Some(c.article()),
        description: c.description(),
    });
    let reasons = Reason::ALL.iter().map(|c| Entry {
        registry: "recevabilite",
        code: c.as_str(),
        article: Some(c.article()),
        description: c.description(),
    });
    diag.chain(findings).chain(reasons).collect()
}

#[test]
fn every_code_is_unique_kebab_case_and_documented() {
    let entries = registry();
    let mut seen = std::collections::HashMap::new();
    for e in &entries {
        if let Some(first) = seen.insert(e.code, e.registry) {
            panic!("code `{}` used twice ({first} and {})", e.code, e.registry);
        }
        assert!(
            !e.code.is_empty()
                && e.code.split('-').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase())),
            "`{}` is not kebab-case",
            e.code
        );
        assert!(!e.description.is_empty(), "code `{}` has no description", e.code);
    }
    insta::assert_yaml_snapshot!("codes", entries);
}

#[test]
fn serde_writes_the_same_string_as_as_str() {
    for c in Code::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        assert_eq!(c.to_string(), c.as_str());
    }
    for c in FindingCode::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        assert_eq!(c.to_string(), c.as_str());
    }
    for c in Reason::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        assert_eq!(c.to_string(), c.as_str());
    }
}
