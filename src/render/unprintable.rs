//! Text the embedded font cannot print (it would come out as blank boxes), found where it comes
//! from: the fields of a serialisable value (a template's view, a dossier) that hold it, named
//! by their path (`candidate.family_name`, `overrides[0].reason`).

use super::font::missing_chars;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;

/// A field holding characters the font lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnprintableField {
    /// Its path from the top of the value: `candidate.family_name`, `overrides[0].reason`.
    pub field: String,
    /// The characters the font lacks, sorted, each once.
    pub chars: Vec<char>,
    /// The field's text.
    pub text: String,
}

/// The fields of `value` whose text the font cannot print, in the order of the value.
pub fn find<T: Serialize + ?Sized>(value: &T) -> Vec<UnprintableField> {
    let mut found = Vec::new();
    if let Ok(value) = serde_json::to_value(value) {
        walk(&value, &mut String::new(), &mut found);
    }
    found
}

fn walk(value: &Value, path: &mut String, found: &mut Vec<UnprintableField>) {
    match value {
        Value::String(text) => {
            let chars = missing_chars(text);
            if !chars.is_empty() {
                found.push(UnprintableField { field: path.clone(), chars, text: text.clone() });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                walk(item, path, found);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// `'ễ' (U+1EC5), 'Ж' (U+0416)`: characters as a person and a font tool name them.
pub fn describe(chars: &[char]) -> String {
    chars.iter().map(|c| format!("'{c}' (U+{:04X})", *c as u32)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_by_their_path() {
        let value = serde_json::json!({
            "candidate": {"family_name": "Nguyễn", "given_name": "Ана"},
            "overrides": [{"reason": "ok"}, {"reason": "voir 漢字"}],
        });
        let found = find(&value);
        assert_eq!(found.len(), 1, "Vietnamese and Cyrillic print: {found:?}");
        assert_eq!(found[0].field, "overrides[1].reason");
        assert_eq!(found[0].chars, vec!['字', '漢']);
        assert_eq!(describe(&['漢']), "'漢' (U+6F22)");
    }
}
