//! French typography: a no-break space before ; : ! ? » and after «, so that they never start
//! or end a line. Narrow no-break space (U+202F) before ; ! ?, no-break space (U+00A0) before
//! : and » and after «. A colon between digits (09:30) is left alone.
//!
//! Dates, sums and numbers as a French reader writes them, held together by no-break spaces so
//! that a line never breaks inside one: « 10 septembre 2026 », « 1 400,00 € », « 2,5 ».

const NBSP: char = '\u{a0}';
const NNBSP: char = '\u{202f}';

/// The bytes after which [`french_spacing`] may change a text: `; ! ? :` and the last byte
/// of `«` (U+00AB) and `»` (U+00BB) in UTF-8.
const MARKS: [bool; 256] = {
    let mut marks = [false; 256];
    let mut i = 0;
    let bytes = b";!?:\xAB\xBB";
    while i < bytes.len() {
        marks[bytes[i] as usize] = true;
        i += 1;
    }
    marks
};

/// Applies French spacing to `text`.
pub fn french_spacing(text: &str) -> String {
    french_spacing_cow(text).into_owned()
}

/// [`french_spacing`], `text` borrowed as it is when it has none of the marks (most texts of a
/// document): no copy.
pub fn french_spacing_cow(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().any(|b| MARKS[usize::from(b)]) {
        std::borrow::Cow::Owned(spaced(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// [`french_spacing`] of a text that may need it.
fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let p = prev.replace(c);
        let before = match c {
            ';' | '!' | '?' => Some(NNBSP),
            ':' | '»' => Some(NBSP),
            _ => None,
        };
        if let Some(space) = before {
            let is_time =
                c == ':' && p.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
            let is_url = c == ':' && next == Some('/');
            let repeated = p.is_some_and(|p| matches!(p, ';' | '!' | '?' | ':' | NBSP | NNBSP));
            if !is_time && !is_url && !repeated && p.is_some() {
                if out.ends_with(' ') {
                    out.pop();
                    out.push(space);
                } else if !out.ends_with(NBSP)
                    && !out.ends_with(NNBSP)
                    && p.is_some_and(|p| !p.is_whitespace())
                {
                    out.push(space);
                }
            }
            out.push(c);
            continue;
        }
        if p == Some('«') && c == ' ' {
            continue; // replaced by the no-break space pushed after «
        }
        out.push(c);
        if c == '«' && next.is_some_and(|n| n != NBSP && n != '\n') {
            out.push(NBSP);
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A date in French words, never split across lines: `2026-09-01` → « 1er septembre 2026 »
/// (no-break spaces inside).
pub fn date(d: crate::date::Date) -> String {
    let iso = d.to_string();
    let mut parts = iso.split('-');
    let (year, month, day) = (parts.next(), parts.next(), parts.next());
    let month = month.and_then(|m| m.parse::<usize>().ok()).and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    let day = day.and_then(|d| d.parse::<u8>().ok());
    match (year, month, day) {
        (Some(y), Some(m), Some(1)) => format!("1er{NBSP}{m}{NBSP}{y}"),
        (Some(y), Some(m), Some(d)) => format!("{d}{NBSP}{m}{NBSP}{y}"),
        _ => iso,
    }
}

/// [`date`] of an optional date; empty when there is none.
pub fn date_or_blank(d: Option<crate::date::Date>) -> String {
    d.map(date).unwrap_or_default()
}

/// A time of day the French way, held together: 09:05 → « 9 h 05 ».
pub fn time(t: crate::date::TimeOfDay) -> String {
    let m = t.minutes();
    format!("{}{NBSP}h{NBSP}{:02}", m / 60, m % 60)
}

/// `text` with every ISO date in it (`2025-10-13`) written out in French (« 13 octobre
/// 2025 »): for the engine's messages, which quote dates as dossiers write them.
pub fn dates_in(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let mut copied = 0;
    while i + 10 <= bytes.len() {
        let w = &bytes[i..i + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 10).is_none_or(|b| !b.is_ascii_digit());
        let iso = bounded && digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10);
        if let Some(d) = iso.then(|| text[i..i + 10].parse::<crate::date::Date>().ok()).flatten() {
            out.push_str(&text[copied..i]);
            out.push_str(&date(d));
            i += 10;
            copied = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// Digits grouped by three with a narrow no-break space: 1234567 → « 1 234 567 ».
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NNBSP);
        }
        out.push(c);
    }
    out
}

/// A number with `places` decimals, a decimal comma and grouped thousands: 1400.5 → « 1 400,50 »
/// (with 2 places).
pub fn number(value: f64, places: usize) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    let text = format!("{:.*}", places, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if value < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{}", group(int)) } else { format!("{sign}{},{frac}", group(int)) }
}

/// A sum in euros: 1400 → « 1 400,00 € » (narrow no-break space between thousands, no-break
/// space before the sign).
pub fn euros(value: f64) -> String {
    format!("{}{NBSP}€", number(value, 2))
}

/// A whole count with grouped thousands: 12500 → « 12 500 ».
pub fn count(value: usize) -> String {
    group(&value.to_string())
}

/// A share as a percentage without decimals: 0.256 → « 26 % ».
pub fn percent(share: f64) -> String {
    format!("{}{NBSP}%", number(100.0 * share, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_french_words_held_together() {
        let d = |s: &str| date(s.parse().unwrap());
        assert_eq!(d("2026-09-10"), "10\u{a0}septembre\u{a0}2026");
        assert_eq!(d("2026-03-01"), "1er\u{a0}mars\u{a0}2026");
        assert_eq!(d("2025-12-31"), "31\u{a0}décembre\u{a0}2025");
        assert_eq!(date_or_blank(None), "");
        assert_eq!(
            dates_in("fin le 2025-01-31, pas 2025-02-30 ni 12025-01-01"),
            "fin le 31\u{a0}janvier\u{a0}2025, pas 2025-02-30 ni 12025-01-01"
        );
        assert_eq!(dates_in("é 2026-09-10"), "é 10\u{a0}septembre\u{a0}2026");
        assert_eq!(time("09:05".parse().unwrap()), "9\u{a0}h\u{a0}05");
    }

    #[test]
    fn sums_and_numbers_are_written_the_french_way() {
        assert_eq!(euros(1400.0), "1\u{202f}400,00\u{a0}€");
        assert_eq!(euros(300.0), "300,00\u{a0}€");
        assert_eq!(euros(1_234_567.891), "1\u{202f}234\u{202f}567,89\u{a0}€");
        assert_eq!(euros(0.0), "0,00\u{a0}€");
        assert_eq!(number(2.456, 1), "2,5");
        assert_eq!(number(-0.001, 2), "0,00");
        assert_eq!(number(-1200.0, 0), "-1\u{202f}200");
        assert_eq!(number(f64::NAN, 1), "0,0");
        assert_eq!(count(12_500), "12\u{202f}500");
        assert_eq!(percent(0.256), "26\u{a0}%");
    }

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
