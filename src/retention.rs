//! How long personal data is kept (RGPD, art. 5.1.e): one period per kind of record, read from
//! `referentiels/conservation.toml` with diagnostics that name the file, line and key.

use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::error::{Error, Result};
use crate::source::{DataSource, SourceFile};
use serde::Deserialize;
use std::path::PathBuf;

/// The file of the retention periods, in `referentiels/`.
pub const RETENTION_FILE: &str = "conservation.toml";

/// Longest period accepted, in days (a century).
pub const MAX_DAYS: u32 = 36_525;

/// Retention periods, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Retention {
    /// A candidate's dossiers, from the latest date they record.
    pub dossier: u32,
    /// Uploaded files, from the latest date of their dossier.
    pub fichier: u32,
    /// Login sessions, after they expire.
    pub session_connexion: u32,
    /// Failed logins, after they happened.
    pub echec_connexion: u32,
}

impl Retention {
    /// The last day a dossier whose latest date is `latest` is kept: the data is due for
    /// erasure from the day after.
    pub fn dossier_kept_until(&self, latest: crate::date::Date) -> crate::date::Date {
        latest.add_days(i64::from(self.dossier))
    }
}

/// Reads the retention periods from a file.
pub fn parse_retention(file: &SourceFile) -> std::result::Result<Retention, Diagnostics> {
    let at = |line, column| Location { file: file.name.clone(), line, column };
    if let Err(d) = crate::limits::check_size(&file.name, &file.text, &crate::limits::POLICY) {
        return Err(Diagnostics(vec![*d]));
    }
    let retention: Retention = toml::from_str(&file.text).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_column(&file.text, s.start));
        Diagnostics(vec![
            Diagnostic::error(
                Code::Syntax,
                at(line, column),
                "",
                format!("invalid retention periods: {}", e.message()),
            )
            .expected("whole numbers of days for dossier, fichier, session-connexion, echec-connexion"),
        ])
    })?;
    let mut diagnostics = Diagnostics::default();
    for (key, days) in [
        ("dossier", retention.dossier),
        ("fichier", retention.fichier),
        ("session-connexion", retention.session_connexion),
        ("echec-connexion", retention.echec_connexion),
    ] {
        if days == 0 || days > MAX_DAYS {
            let line = key_line(&file.text, key);
            diagnostics.push(
                Diagnostic::error(Code::InvalidValue, at(line, 1), key, "a retention period out of range")
                    .expected(format!("1 to {MAX_DAYS} days"))
                    .found(days.to_string()),
            );
        }
    }
    if diagnostics.has_errors() { Err(diagnostics) } else { Ok(retention) }
}

/// Loads the retention periods of a data source; a data folder without the file uses the
/// embedded one (folders exported before it existed keep working).
pub fn load_retention(source: &DataSource) -> Result<Retention> {
    let find = |s: &DataSource| -> Result<Option<SourceFile>> {
        Ok(s.files("referentiels", "toml")?.into_iter().find(|f| f.file_name() == RETENTION_FILE))
    };
    let file = match find(source)? {
        Some(f) => f,
        None => find(&DataSource::Embedded)?.ok_or_else(|| Error::Read {
            path: PathBuf::from(format!("referentiels/{RETENTION_FILE}")),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not embedded"),
        })?,
    };
    parse_retention(&file).map_err(Error::Invalid)
}

/// The 1-based line of `key = …`, 0 when not found.
fn key_line(text: &str, key: &str) -> u32 {
    text.lines()
        .position(|l| l.trim_start().strip_prefix(key).is_some_and(|r| r.trim_start().starts_with('=')))
        .map_or(0, |i| i as u32 + 1)
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn file(text: &str) -> SourceFile {
        SourceFile { name: "conservation.toml".into(), text: text.into() }
    }

    #[test]
    fn the_embedded_periods_load() {
        let r = load_retention(&DataSource::Embedded).unwrap();
        assert_eq!(r.dossier, 1826);
    }

    #[test]
    fn a_dossier_is_kept_through_its_last_day() {
        let r = Retention { dossier: 10, fichier: 1, session_connexion: 1, echec_connexion: 1 };
        let latest = Date::new(2024, 1, 1).unwrap();
        assert_eq!(r.dossier_kept_until(latest), Date::new(2024, 1, 11).unwrap());
    }

    #[test]
    fn a_period_out_of_range_names_its_line_and_key() {
        let text = "dossier = 0\nfichier = 1\nsession-connexion = 1\nechec-connexion = 36526\n";
        let d = parse_retention(&file(text)).unwrap_err();
        assert_eq!(d.0.len(), 2);
        assert_eq!((d.0[0].location.line, d.0[0].field.as_str()), (1, "dossier"));
        assert_eq!((d.0[1].location.line, d.0[1].field.as_str()), (4, "echec-connexion"));
        let ok = "dossier = 1\nfichier = 1\nsession-connexion = 1\nechec-connexion = 36525\n";
        assert!(parse_retention(&file(ok)).is_ok());
    }

    #[test]
    fn an_unknown_or_missing_key_is_a_diagnostic_with_its_line() {
        let text = "dossier = 1\nfichier = 1\nsession-connexion = 1\nechec-connexion = 1\nautre = 2\n";
        let d = parse_retention(&file(text)).unwrap_err();
        assert_eq!(d.0[0].location.line, 5, "{:?}", d.0[0]);
        let missing = parse_retention(&file("dossier = 1\n")).unwrap_err();
        assert!(missing.0[0].message.contains("fichier"), "{:?}", missing.0[0]);
    }
}
