//! A refused cell ([`CellError`]), the cells as read from a workbook or a CSV file ([`Table`]),
//! and the reading of one cell as a level, a time, a date, a number or a text.

use crate::date::{Date, TimeOfDay};
use crate::scale::Level;
use std::collections::BTreeMap;
use std::fmt;

/// One refused cell (or, with `row` 0, a refused sheet or file): where, which field, what is
/// wrong, what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    /// The sheet (for a CSV file, its name); empty for the file as a whole.
    pub sheet: String,
    /// The 1-based row; 0 for the sheet or the file as a whole.
    pub row: u32,
    /// The column's letters (`A`, `D`, `AA`); empty with `row` 0.
    pub column: String,
    /// The field the cell holds (`niveau`, `debut`, `item`…).
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// What was expected.
    pub expected: String,
    /// What was found, quoted (never whole when long).
    pub found: String,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.sheet.is_empty(), self.row) {
            (true, _) => {}
            (false, 0) => write!(f, "{}: ", self.sheet)?,
            (false, row) => write!(f, "{}!{}{row}: ", self.sheet, self.column)?,
        }
        write!(f, "{}", self.message)?;
        if !self.field.is_empty() {
            write!(f, " [{}]", self.field)?;
        }
        if !self.expected.is_empty() {
            write!(f, " (expected {}; found {})", self.expected, self.found)?;
        }
        Ok(())
    }
}

/// Every refused cell of an import, in sheet, row and column order: nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refused(pub Vec<CellError>);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

/// The letters of a 0-based column (0 → `A`, 26 → `AA`).
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + r));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The 0-based column of letters (`A` → 0), for sorting.
fn column_index(letters: &str) -> u32 {
    letters
        .bytes()
        .fold(0u32, |n, b| n.saturating_mul(26).saturating_add(u32::from(b - b'A') + 1))
        .saturating_sub(1)
}

/// A cell's value as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// Nothing.
    #[default]
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A date or time as the spreadsheet counts them (days since its epoch, the fraction a time).
    DateTime(f64),
    /// A boolean.
    Bool(bool),
    /// A spreadsheet error (`#DIV/0!`, `#REF!`…).
    Error(String),
}

impl Value {
    /// Whether the cell is empty (or holds only spaces).
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// How a message quotes it.
    fn shown(&self) -> String {
        match self {
            Value::Empty => "an empty cell".into(),
            Value::Text(t) => crate::limits::quote(t.trim()),
            Value::Number(n) | Value::DateTime(n) => number(*n),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Value::Error(e) => e.clone(),
        }
    }
}

/// A number as a person writes it (`4`, not `4.0`).
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// The cells of one sheet (or CSV file), 0-based, as read.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The sheet's name, as errors name it.
    pub name: String,
    /// The cells that hold something.
    pub cells: BTreeMap<(u32, u32), Value>,
    /// Why the reading stopped early (a value past the bounds, too many cells).
    pub overflow: Option<CellError>,
}

static EMPTY: Value = Value::Empty;

impl Table {
    /// The value at a 0-based row and column.
    pub fn get(&self, row: u32, col: u32) -> &Value {
        self.cells.get(&(row, col)).unwrap_or(&EMPTY)
    }

    /// One past the last row that holds something.
    pub fn height(&self) -> u32 {
        self.cells.keys().next_back().map_or(0, |(r, _)| r + 1)
    }

    /// Whether a row holds nothing in columns `cols`.
    pub fn row_is_empty(&self, row: u32, cols: std::ops::Range<u32>) -> bool {
        cols.into_iter().all(|c| self.get(row, c).is_empty())
    }

    /// The place of a cell, for errors.
    pub fn at(&self, row: u32, col: u32) -> At {
        At { sheet: self.name.clone(), row, col }
    }
}

/// A cell's place (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    /// The sheet.
    pub sheet: String,
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u32,
}

impl At {
    /// The error of this cell.
    pub fn error(&self, field: &str, message: impl Into<String>) -> CellError {
        CellError {
            sheet: self.sheet.clone(),
            row: self.row + 1,
            column: column_letters(self.col),
            field: field.to_string(),
            message: crate::limits::shorten_message(message.into()),
            expected: String::new(),
            found: String::new(),
        }
    }
}

impl CellError {
    /// With what was expected and found.
    pub fn expected(mut self, expected: impl Into<String>, found: impl Into<String>) -> CellError {
        self.expected = expected.into();
        self.found = crate::limits::shorten(&found.into());
        self
    }

    /// An error of a sheet or a file as a whole.
    pub fn whole(sheet: &str, field: &str, message: impl Into<String>) -> CellError {
        CellError {
            sheet: sheet.to_string(),
            row: 0,
            column: String::new(),
            field: field.to_string(),
            message: crate::limits::shorten_message(message.into()),
            expected: String::new(),
            found: String::new(),
        }
    }
}

/// Most errors reported for one file: past it, one more error says how many were left out.
pub const MAX_ERRORS: usize = 200;

/// The refused cells of an import, gathered.
#[derive(Debug, Default)]
pub struct Errors {
    list: Vec<CellError>,
    dropped: usize,
}

impl Errors {
    /// Adds one.
    pub fn push(&mut self, error: CellError) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(error);
        } else {
            self.dropped += 1;
        }
    }

    /// Whether none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The errors in the order of `sheets`, then row and column.
    pub fn into_refused(mut self, sheets: &[&str]) -> Refused {
        let order = |s: &str| sheets.iter().position(|n| *n == s).unwrap_or(sheets.len());
        self.list.sort_by_key(|e| (order(&e.sheet), e.row, column_index(&e.column)));
        if self.dropped > 0 {
            self.list.push(CellError::whole(
                "",
                "",
                format!(
                    "… and {} more refused cell(s), left out (at most {MAX_ERRORS} are listed)",
                    self.dropped
                ),
            ));
        }
        Refused(self.list)
    }
}

/// A refused value: the message and what was expected.
type Bad = (String, String);

/// The spreadsheet error a cell holds.
fn error_value(v: &Value) -> Option<Bad> {
    match v {
        Value::Error(_) => Some((
            "the cell holds an error value, not a value".into(),
            "a value typed in (no formula error)".into(),
        )),
        _ => None,
    }
}

/// Reads the cell with `read`, pushing the error at `at`; `None` when empty or refused.
pub fn read<T>(
    errors: &mut Errors,
    at: &At,
    field: &str,
    value: &Value,
    read: impl Fn(&Value) -> Result<T, Bad>,
) -> Option<T> {
    if value.is_empty() {
        return None;
    }
    match error_value(value).map_or_else(|| read(value), Err) {
        Ok(v) => Some(v),
        Err((message, expected)) => {
            errors.push(at.error(field, message).expected(expected, value.shown()));
            None
        }
    }
}

/// A whole number (a number without fraction, or text of digits).
fn whole(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e9 => Some(*n as i64),
        Value::Text(t) => t.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A level of the 0–5 scale.
pub fn level(value: &Value) -> Result<Level, Bad> {
    let expected = || format!("a whole number from 0 to {}", Level::MAX);
    let n = whole(value).ok_or_else(|| ("not a level".to_string(), expected()))?;
    u8::try_from(n)
        .ok()
        .and_then(Level::new)
        .ok_or_else(|| (format!("the level {n} is not on the 0–{} scale", Level::MAX), expected()))
}

/// A contact number, 1 to 999.
pub fn contact_number(value: &Value) -> Result<u32, Bad> {
    let expected = || "a whole number from 1 to 999".to_string();
    let n = whole(value).ok_or_else(|| ("not a contact number".to_string(), expected()))?;
    u32::try_from(n)
        .ok()
        .filter(|n| (1..=999).contains(n))
        .ok_or_else(|| ("a contact number out of range".into(), expected()))
}

/// A time of day: a spreadsheet time (the fraction of a day) or text `HH:MM` (`9h30` too).
pub fn time(value: &Value) -> Result<TimeOfDay, Bad> {
    let expected = || "a time HH:MM (e.g. 09:30)".to_string();
    match value {
        Value::DateTime(n) | Value::Number(n) if *n >= 0.0 => {
            let minutes = (n.fract() * 1440.0).round() as u32;
            TimeOfDay::from_minutes(minutes).ok_or_else(|| ("not a time of day".into(), expected()))
        }
        Value::Text(t) => {
            let t = t.trim().replace(['h', 'H'], ":");
            let t = t.strip_suffix(":00").filter(|s| s.matches(':').count() == 1).unwrap_or(&t);
            t.parse::<TimeOfDay>().map_err(|_| ("not a time of day".into(), expected()))
        }
        _ => Err(("not a time of day".into(), expected())),
    }
}

/// Days from the spreadsheet's epoch (1899-12-30) to 1970-01-01.
const SERIAL_1970: i64 = 25_569;
/// Days from the 1904 epoch to 1970-01-01.
const SERIAL_1970_1904: i64 = 24_107;

/// A date: a spreadsheet date, or text `JJ/MM/AAAA` or `AAAA-MM-JJ`.
pub fn date(value: &Value, epoch_1904: bool) -> Result<Date, Bad> {
    let expected = || "a date JJ/MM/AAAA".to_string();
    let bad = || ("not a date".to_string(), expected());
    match value {
        Value::DateTime(n) | Value::Number(n) if *n >= 1.0 && *n < 2_958_466.0 => {
            let base = if epoch_1904 { SERIAL_1970_1904 } else { SERIAL_1970 };
            Date::from_days_since_epoch(n.floor() as i64 - base).ok_or_else(bad)
        }
        Value::Text(t) => {
            let t = t.trim();
            if let Ok(d) = t.parse::<Date>() {
                return Ok(d);
            }
            let parts: Vec<&str> = t.split(['/', '.']).collect();
            let [d, m, y] = parts.as_slice() else { return Err(bad()) };
            let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<i32>()) else {
                return Err(bad());
            };
            if y < 1000 {
                return Err(bad());
            }
            Date::new(y, m, d).ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}

/// Text (a number is read as written: `12`, not `12.0`).
pub fn text(value: &Value) -> Result<String, Bad> {
    match value {
        Value::Text(t) => Ok(t.trim().to_string()),
        Value::Number(n) => Ok(number(*n)),
        _ => Err(("not a text".into(), "text".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        for c in [0, 3, 25, 26, 51, 701, 702] {
            assert_eq!(column_index(&column_letters(c)), c);
        }
    }

    #[test]
    fn levels_are_read_at_their_boundaries() {
        assert_eq!(level(&Value::Number(5.0)).unwrap().value(), 5);
        assert_eq!(level(&Value::Text(" 0 ".into())).unwrap().value(), 0);
        assert!(level(&Value::Number(6.0)).is_err());
        assert!(level(&Value::Number(-1.0)).is_err());
        assert!(level(&Value::Number(4.5)).is_err());
        assert!(level(&Value::Text("quatre".into())).is_err());
    }

    #[test]
    fn times_are_read_from_fractions_and_text() {
        assert_eq!(time(&Value::DateTime(0.375)).unwrap().to_string(), "09:00");
        assert_eq!(time(&Value::Text("9h30".into())).unwrap().to_string(), "09:30");
        assert_eq!(time(&Value::Text("09:30:00".into())).unwrap().to_string(), "09:30");
        assert_eq!(time(&Value::Text("23:59".into())).unwrap().to_string(), "23:59");
        assert!(time(&Value::Text("24:00".into())).is_err());
        assert!(time(&Value::Text("midi".into())).is_err());
    }

    #[test]
    fn dates_are_read_from_serials_and_text() {
        assert_eq!(date(&Value::DateTime(25_569.0), false).unwrap().to_string(), "1970-01-01");
        assert_eq!(date(&Value::Text("05/10/2026".into()), false).unwrap().to_string(), "2026-10-05");
        assert_eq!(date(&Value::Text("2026-10-05".into()), false).unwrap().to_string(), "2026-10-05");
        assert!(date(&Value::Text("31/02/2026".into()), false).is_err());
    }

    #[test]
    fn an_error_reads_with_its_place() {
        let e = At { sheet: "Observation".into(), row: 6, col: 3 }
            .error("niveau", "the level 6 is not on the 0–5 scale")
            .expected("a whole number from 0 to 5", "6");
        assert_eq!(
            e.to_string(),
            "Observation!D7: the level 6 is not on the 0–5 scale [niveau] (expected a whole number from 0 to 5; found 6)"
        );
    }
}
