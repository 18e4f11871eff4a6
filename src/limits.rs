//! Every limit on the size of an input, in one place: what each loader accepts at most before
//! it refuses a file with a diagnostic that names the file and the limit. No input, however
//! made, can make cqpt use unbounded time, memory or stack.

use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::error::Error;
use std::io::Read;
use std::path::Path;

/// The budget of one kind of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// What the file is, for messages ("a dossier", "the policy", …).
    pub what: &'static str,
    /// Largest file, in bytes.
    pub bytes: usize,
    /// Deepest nesting (YAML collections, TOML arrays and tables, template blocks).
    pub depth: usize,
    /// Most values once YAML aliases are expanded.
    pub nodes: usize,
    /// Most bytes of text once YAML aliases are expanded (each value counts at least 8 bytes).
    pub expanded_bytes: usize,
}

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// A candidate's dossier.
pub const DOSSIER: Budget =
    Budget { what: "a dossier", bytes: MIB, depth: 32, nodes: 200_000, expanded_bytes: 4 * MIB };
/// A référentiel or the scales (`referentiels/*.yaml`), an observation grid, a sittings file:
/// the default of [`crate::yaml::parse`].
pub const DATA: Budget =
    Budget { what: "a data file", bytes: 2 * MIB, depth: 32, nodes: 400_000, expanded_bytes: 8 * MIB };
/// A quiz bank file (`quiz/*.yaml`).
pub const QUIZ_BANK: Budget =
    Budget { what: "a quiz bank file", bytes: 4 * MIB, depth: 16, nodes: 800_000, expanded_bytes: 16 * MIB };
/// The decision policy (`referentiels/politique.toml`).
pub const POLICY: Budget =
    Budget { what: "the policy", bytes: 256 * KIB, depth: 8, nodes: 0, expanded_bytes: 0 };
/// A template (`templates/*.hbs`): `depth` bounds nested blocks; partials may not recurse.
pub const TEMPLATE: Budget =
    Budget { what: "a template", bytes: 256 * KIB, depth: 24, nodes: 0, expanded_bytes: 0 };
/// An answer sheet of `cqpt quiz score` (CSV); `nodes` bounds its rows.
pub const ANSWERS: Budget =
    Budget { what: "an answer sheet", bytes: 256 * KIB, depth: 0, nodes: 2_000, expanded_bytes: 0 };

/// Largest file read from disk by any loader (the largest budget above).
pub const MAX_READ_BYTES: usize = QUIZ_BANK.bytes;

/// Longest text of a found value quoted in a diagnostic, in characters.
pub const MAX_QUOTED_CHARS: usize = 60;

/// A value as a diagnostic quotes it: whole when short, else its first
/// [`MAX_QUOTED_CHARS`] characters and its size (`"abc…" (10485760 bytes)`). Every echo of
/// a found value goes through here, so that no input is ever printed whole.
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => format!("\"{text}\""),
        Some((end, _)) => format!("\"{}…\" ({} bytes)", &text[..end], text.len()),
    }
}

/// Longest "found" of a diagnostic, in characters: a quoted value and its size fit.
pub const MAX_FOUND_CHARS: usize = MAX_QUOTED_CHARS + 40;

/// `text` cut to [`MAX_FOUND_CHARS`] characters with its size, without quotes (the last
/// guard of [`crate::diag::Diagnostic::found`]).
pub fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_FOUND_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], text.len()),
    }
}

/// Longest message of a diagnostic, in characters: a message that quotes an input whole
/// (an id of ten megabytes in "no item has the id …") is cut there.
pub const MAX_MESSAGE_CHARS: usize = 400;

/// A diagnostic's message, cut to [`MAX_MESSAGE_CHARS`] with its size when longer.
pub fn shorten_message(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => message,
        Some((end, _)) => format!("{}… ({} bytes)", &message[..end], message.len()),
    }
}

/// One diagnostic naming `file` (line 1) as an error.
fn refuse(file: &str, line: u32, column: u32, code: Code, message: String) -> Error {
    Error::Invalid(Diagnostics(vec![Diagnostic::error(
        code,
        Location { file: file.to_string(), line, column },
        "",
        message,
    )]))
}

/// The diagnostic of a file over its budget.
pub fn too_large(file: &str, budget: &Budget, size: usize) -> Diagnostic {
    Diagnostic::error(
        Code::TooLarge,
        Location { file: file.to_string(), line: 0, column: 0 },
        "",
        format!(
            "the file is too large for {} ({size} bytes, at most {} accepted)",
            budget.what, budget.bytes
        ),
    )
    .expected(format!("at most {} bytes", budget.bytes))
    .found(format!("{size} bytes"))
}

/// Checks that `text` fits `budget`; the diagnostic names the file and the limit.
pub fn check_size(file: &str, text: &str, budget: &Budget) -> Result<(), Box<Diagnostic>> {
    if text.len() > budget.bytes { Err(Box::new(too_large(file, budget, text.len()))) } else { Ok(()) }
}

/// Reads a text file of at most `max` bytes: only a regular file (a FIFO, a device or a
/// folder is refused before it is opened, so nothing hangs), in UTF-8 (the first bad byte is
/// reported with its line and column).
pub fn read_text(path: &Path, max: usize) -> Result<String, Error> {
    // The name is written only for a diagnostic.
    let name = || path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    if !meta.is_file() {
        return Err(refuse(
            &name(),
            0,
            0,
            Code::Io,
            "not a regular file (a folder, a FIFO or a device)".into(),
        ));
    }
    let too_big = |size: u64| {
        refuse(
            &name(),
            0,
            0,
            Code::TooLarge,
            format!("the file is too large ({size} bytes, at most {max} accepted)"),
        )
    };
    if meta.len() > max as u64 {
        return Err(too_big(meta.len()));
    }
    let file =
        std::fs::File::open(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    // Sized from the metadata (one byte more, to see the end of the file without growing); a
    // file that grew since is still read whole, up to `max + 1` bytes.
    let expected = usize::try_from(meta.len()).unwrap_or(max).min(max);
    let mut bytes = Vec::with_capacity(expected + 1);
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    if bytes.len() > max {
        return Err(too_big(bytes.len() as u64));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => utf8(&name(), e.into_bytes()),
    }
}

/// The bytes as text, or a diagnostic with the line and column (in bytes) of the first
/// sequence that is not UTF-8.
pub fn utf8(file: &str, bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = &bytes[..at];
        // A plain count: this runs once, on a file being rejected.
        #[allow(clippy::naive_bytecount)]
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = at - before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
        let bad = bytes.get(at).copied().unwrap_or(0);
        refuse(
            file,
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
            Code::Encoding,
            format!(
                "the file is not UTF-8: byte 0x{bad:02X} at line {line}, byte {column} of the line, starts no UTF-8 character (save the file as UTF-8)"
            ),
        )
    })
}

/// The deepest nesting of brackets `[`/`{` (and `[[`/`[` tables) outside quoted strings and
/// comments of a TOML text, to refuse a deep one before the parser recurses into it.
pub fn toml_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut escaped = false;
    for c in text.chars() {
        if comment {
            comment = c != '\n';
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q || c == '\n' {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '#' => comment = true,
            '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_quoted_short_with_their_size() {
        let exact = "é".repeat(MAX_QUOTED_CHARS);
        assert_eq!(quote(&exact), format!("\"{exact}\""));
        let over = "é".repeat(MAX_QUOTED_CHARS + 1);
        assert_eq!(quote(&over), format!("\"{exact}…\" ({} bytes)", over.len()));
        let huge = "x".repeat(10 * MIB);
        assert!(quote(&huge).len() < 100, "{}", quote(&huge).len());
        assert_eq!(shorten(&quote(&huge)), quote(&huge));
        assert!(shorten(&huge).ends_with(&format!("… ({} bytes)", huge.len())));
    }

    #[test]
    fn messages_are_cut_at_their_limit() {
        let exact = "m".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(shorten_message(exact.clone()), exact);
        let over = format!("{exact}!");
        assert_eq!(shorten_message(over), format!("{exact}… ({} bytes)", MAX_MESSAGE_CHARS + 1));
    }

    /// A scratch file holding `bytes`.
    fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cqpt-limits-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn reads_are_bounded_at_their_limit() {
        let path = scratch("ten.txt", b"0123456789");
        assert_eq!(read_text(&path, 10).unwrap(), "0123456789");
        let Err(Error::Invalid(d)) = read_text(&path, 9) else { panic!("11 bytes read") };
        assert_eq!(d.0[0].code, Code::TooLarge);
        assert!(d.0[0].location.file.ends_with("ten.txt"));
        assert!(d.0[0].message.contains("at most 9"), "{}", d.0[0].message);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    /// Opening a FIFO would wait for a writer for ever: its type is checked first.
    #[test]
    fn a_fifo_is_refused_without_being_opened() {
        let path = scratch("fifo.yaml", b"");
        std::fs::remove_file(&path).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(&path).status().unwrap().success());
        let Err(Error::Invalid(d)) = read_text(&path, 100) else { panic!("a FIFO read") };
        assert!(d.0[0].message.contains("not a regular file"), "{}", d.0[0].message);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn not_utf8_names_line_and_byte() {
        let Err(Error::Invalid(d)) = utf8("f.yaml", b"a: 1\nbc: \xe9t\xe9\n".to_vec()) else { panic!() };
        let d = &d.0[0];
        assert_eq!((d.location.line, d.location.column), (2, 5));
        assert_eq!(d.code, Code::Encoding);
        assert!(d.message.contains("0xE9"), "{}", d.message);
    }

    #[test]
    fn toml_depth_ignores_strings_and_comments() {
        assert_eq!(toml_depth("a = [[1], [2]] # [[[[\nb = \"[[[[\"\n[t]\n"), 2);
    }
}
