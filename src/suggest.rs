//! "Did you mean …?": the one suggestion helper for misspelt keys, values and ids.

/// The candidate closest to `found`, when one is close enough to be a likely typo: a few
/// characters differ (Levenshtein distance at most 2, or a fifth of the candidate's length for
/// long ids), or one is a prefix of the other. Ties go to the first candidate given.
pub fn closest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let found = found.trim();
    if found.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = strsim::levenshtein(found, candidate);
        let prefix = candidate.len() >= 4
            && found.len() >= 4
            && (found.starts_with(candidate) || candidate.starts_with(found));
        let close = distance <= 2.max(candidate.chars().count() / 5);
        if (close || prefix) && distance > 0 && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The help line for a suggestion: ``did you mean `x`?``.
pub fn did_you_mean<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(found, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_letter_typo_is_suggested() {
        let routes = ["contrat-de-professionnalisation", "plan-de-formation", "dif", "cif"];
        assert_eq!(
            closest("contrat-de-professionalisation", routes),
            Some("contrat-de-professionnalisation")
        );
        assert_eq!(closest("tittle", ["title", "items"]), Some("title"));
    }

    #[test]
    fn nothing_close_gives_no_suggestion() {
        assert_eq!(closest("interim", ["cdi", "cdd", "autre"]), None);
        assert_eq!(closest("", ["cdi"]), None);
    }

    #[test]
    fn a_prefix_is_suggested_for_long_ids() {
        assert_eq!(closest("c-deontologie-du-metier", ["c-deontologie", "c-droit"]), Some("c-deontologie"));
    }

    #[test]
    fn the_closest_wins() {
        assert_eq!(closest("cdl", ["cdi", "cdd"]), Some("cdi"));
        assert_eq!(did_you_mean("cdii", ["cdi"]).as_deref(), Some("did you mean `cdi`?"));
    }
}
