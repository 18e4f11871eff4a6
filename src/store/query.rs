//! What a list of dossiers selects: free text over the file number, the candidate's name and
//! the dossier id, a state, a certificate, an evaluating body (an evaluator's scope), one page.

/// A selection of dossiers, one page of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierQuery {
    /// Words that must each appear in the dossier id, the file number or the candidate's name
    /// (case-insensitive).
    pub text: Option<String>,
    /// One state (`applied`, `recevable`, … see [`super::dossier_state`]).
    pub state: Option<String>,
    /// One certificate id.
    pub certificate: Option<String>,
    /// Only the dossiers assigned to this evaluating body.
    pub body: Option<String>,
    /// Page size (1–500).
    pub limit: usize,
    /// Rows skipped.
    pub offset: usize,
}

impl Default for DossierQuery {
    fn default() -> Self {
        DossierQuery { text: None, state: None, certificate: None, body: None, limit: 50, offset: 0 }
    }
}

/// Most words of a search; the rest are ignored.
const MAX_WORDS: usize = 8;

/// The `WHERE` clause of `q` over `dossiers d JOIN candidates c`, with its values in order
/// (every value is a bound parameter, never spliced into the SQL).
pub fn where_clause(q: &DossierQuery) -> (String, Vec<String>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    for word in q.text.iter().flat_map(|t| t.split_whitespace()).take(MAX_WORDS) {
        values.push(format!("%{}%", like_escaped(&word.to_lowercase())));
        let n = values.len();
        // `search` holds the id, the file number and the names, lower-cased (schema v4).
        conditions.push(format!("d.search LIKE ?{n} ESCAPE '\\'"));
    }
    let exact = [
        ("d.state", q.state.as_ref().filter(|s| !s.is_empty())),
        ("d.certificate", q.certificate.as_ref().filter(|s| !s.is_empty())),
        ("d.body_id", q.body.as_ref()),
    ];
    for (column, value) in exact {
        if let Some(v) = value {
            values.push(v.clone());
            conditions.push(format!("{column} = ?{}", values.len()));
        }
    }
    let clause =
        if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    (clause, values)
}

/// `text` with the `LIKE` wildcards escaped.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_bound_and_wildcards_are_escaped() {
        let q = DossierQuery {
            text: Some("Dupont 50%_x".into()),
            state: Some("applied".into()),
            body: Some("OE-1".into()),
            ..DossierQuery::default()
        };
        let (clause, values) = where_clause(&q);
        assert_eq!(values, ["%dupont%", "%50\\%\\_x%", "applied", "OE-1"]);
        assert!(clause.contains("d.state = ?3") && clause.contains("d.body_id = ?4"), "{clause}");
        assert!(!clause.contains("Dupont") && !clause.contains("?_"), "{clause}");
    }

    #[test]
    fn no_selection_is_no_clause() {
        assert_eq!(where_clause(&DossierQuery::default()), (String::new(), Vec::new()));
    }
}
