//! French typography: a no-break space before ; : ! ? » and after «, so that they never start
//! or end a line. Narrow no-break space (U+202F) before ; ! ?, no-break space (U+00A0) before
//! : and » and after «. A colon between digits (09:30) is left alone.

const NBSP: char = '\u{a0}';
const NNBSP: char = '\u{202f}';

/// Applies French spacing to `text`.
pub fn french_spacing(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        let before = match c {
            ';' | '!' | '?' => Some(NNBSP),
            ':' => Some(NBSP),
            '»' => Some(NBSP),
            _ => None,
        };
        if let Some(space) = before {
            let is_time = c == ':'
                && prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit());
            let is_url = c == ':' && next == Some('/');
            let repeated = prev.is_some_and(|p| matches!(p, ';' | '!' | '?' | ':' | NBSP | NNBSP));
            if !is_time && !is_url && !repeated && prev.is_some() {
                if out.ends_with(' ') {
                    out.pop();
                    out.push(space);
                } else if !out.ends_with(NBSP)
                    && !out.ends_with(NNBSP)
                    && prev.is_some_and(|p| !p.is_whitespace())
                {
                    out.push(space);
                }
            }
            out.push(c);
            continue;
        }
        if prev == Some('«') && c == ' ' {
            continue; // replaced by the no-break space pushed after «
        }
        out.push(c);
        if c == '«' && next.is_some_and(|n| n != NBSP && n != '\n') {
            out.push(NBSP);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_before_high_punctuation_become_no_break() {
        assert_eq!(french_spacing("Proposition : attribution"), "Proposition\u{a0}: attribution");
        assert_eq!(french_spacing("Pourquoi ?"), "Pourquoi\u{202f}?");
        assert_eq!(french_spacing("Attention!"), "Attention\u{202f}!");
        assert_eq!(french_spacing("« acquis »"), "«\u{a0}acquis\u{a0}»");
        assert_eq!(french_spacing("«acquis»"), "«\u{a0}acquis\u{a0}»");
    }

    #[test]
    fn times_and_addresses_are_left_alone() {
        assert_eq!(french_spacing("de 09:00 à 11:00"), "de 09:00 à 11:00");
        assert_eq!(french_spacing("https://exemple.fr"), "https://exemple.fr");
        assert_eq!(french_spacing("Proposition\u{a0}: oui"), "Proposition\u{a0}: oui");
    }
}
