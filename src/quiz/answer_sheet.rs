//! The answer sheet of a paper sitting, typed in afterwards (`cqpt quiz score --answers`): CSV
//! with a header line and the columns `numero`, `reponse` (letters, e.g. `B` or `A;C`; empty
//! when none) and optionally `heure` (HH:MM), separated by `,` or by `;` (as French
//! spreadsheets write it: the header line tells which). Every bad row is reported with its
//! line, all at once: a number outside the sitting, letters the question does not offer, a
//! question answered twice, an unreadable time.

use super::scoring::Answer;
use super::sitting::{Sitting, SittingQuestion};
use crate::date::TimeOfDay;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::limits::ANSWERS;
use std::collections::HashMap;

/// The separator of a sheet: `;` when its header line holds more `;` than `,`.
pub fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' }
}

/// The letters of `given` (separators `;`, `,`, `+` and spaces left out), upper case.
fn given_letters(given: &str) -> impl Iterator<Item = char> + '_ {
    given.chars().filter(|c| !matches!(c, ';' | ',' | '+' | ' ')).map(|c| c.to_ascii_uppercase())
}

/// Reads the answers to `sitting` from the sheet `text` of `file`; every problem is returned.
pub fn read_answers(file: &str, text: &str, sitting: &Sitting) -> Result<Vec<Answer>, Diagnostics> {
    let mut sheet = Sheet { file, sitting, first_line: HashMap::new(), diagnostics: Diagnostics::default() };
    if let Err(d) = crate::limits::check_size(file, text, &ANSWERS) {
        sheet.diagnostics.push(*d);
        return Err(sheet.diagnostics);
    }
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).delimiter(delimiter(text)).from_reader(text.as_bytes());
    let mut answers = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                let d = Diagnostic::error(Code::Syntax, sheet.at(line), "", format!("invalid CSV: {e}"));
                sheet.diagnostics.push(d);
                continue;
            }
        };
        let line = record.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        if row >= ANSWERS.nodes {
            sheet.diagnostics.push(
                Diagnostic::error(
                    Code::TooLarge,
                    sheet.at(line),
                    "",
                    format!("an answer sheet holds at most {} rows", ANSWERS.nodes),
                )
                .found(format!("row {}", row + 1)),
            );
            break;
        }
        answers.extend(sheet.answer(&record, line));
    }
    if sheet.diagnostics.has_errors() { Err(sheet.diagnostics) } else { Ok(answers) }
}

/// An answer sheet being read: the sitting it answers and what its rows showed so far.
struct Sheet<'a> {
    /// The file, as diagnostics name it.
    file: &'a str,
    /// The sitting answered.
    sitting: &'a Sitting,
    /// The line each question was first answered at.
    first_line: HashMap<usize, u32>,
    /// Every problem met.
    diagnostics: Diagnostics,
}

impl Sheet<'_> {
    /// The place of a line of the sheet.
    fn at(&self, line: u32) -> Location {
        Location { file: self.file.to_string(), line, column: 0 }
    }

    /// Reads one row at `line`: its question, its letters and its time, each checked. `None`
    /// when the number names no question of the sitting.
    fn answer(&mut self, record: &csv::StringRecord, line: u32) -> Option<Answer> {
        let number_text = record.get(0).unwrap_or("").trim();
        let sitting = self.sitting;
        let question =
            number_text.parse::<usize>().ok().and_then(|n| sitting.questions.iter().find(|q| q.number == n));
        let Some(question) = question else {
            let d = Diagnostic::error(
                Code::InvalidValue,
                self.at(line),
                "numero",
                "no question of the sitting has this number",
            )
            .expected(format!("a question number from 1 to {}", sitting.questions.len()))
            .found(crate::limits::quote(number_text));
            self.diagnostics.push(d);
            return None;
        };
        if let Some(first) = self.first_line.insert(question.number, line) {
            let d = Diagnostic::error(
                Code::DuplicateReference,
                self.at(line),
                "numero",
                format!("question {} is answered twice (first at line {first})", question.number),
            )
            .expected("one row per question")
            .found(format!("`{}` again", question.number));
            self.diagnostics.push(d);
            self.first_line.insert(question.number, first);
        }
        let given = record.get(1).unwrap_or("").trim().to_string();
        self.check_letters(question, &given, line);
        let at = record.get(2).map(str::trim).filter(|s| !s.is_empty()).and_then(|t| self.time(t, line));
        Some(Answer { number: question.number, given, at })
    }

    /// Reports letters that `question` does not offer.
    fn check_letters(&mut self, question: &SittingQuestion, given: &str, line: u32) {
        let offered: Vec<char> = question.choices.iter().map(|c| c.letter).collect();
        if given_letters(given).any(|c| !offered.contains(&c)) {
            let letters: Vec<String> = offered.iter().map(char::to_string).collect();
            let d = Diagnostic::error(
                Code::InvalidValue,
                self.at(line),
                "reponse",
                format!("question {} offers the letters {} only", question.number, letters.join(", ")),
            )
            .expected(format!("letters among {} (e.g. B or A;C)", letters.join(", ")))
            .found(crate::limits::quote(given));
            self.diagnostics.push(d);
        }
    }

    /// Reads the time of an answer; an unreadable one is reported.
    fn time(&mut self, text: &str, line: u32) -> Option<TimeOfDay> {
        match text.parse::<TimeOfDay>() {
            Ok(time) => Some(time),
            Err(m) => {
                let d = Diagnostic::error(Code::InvalidValue, self.at(line), "heure", m)
                    .expected("HH:MM")
                    .found(crate::limits::quote(text));
                self.diagnostics.push(d);
                None
            }
        }
    }
}

/// Longest extra time that may be granted, in minutes.
pub const MAX_EXTRA_MINUTES: u32 = 12 * 60;

/// Checks the times of a sitting given on the command line: the end not before the start,
/// the extra time within [`MAX_EXTRA_MINUTES`] and the time limit within the day.
pub fn check_times(
    started: Option<TimeOfDay>,
    ended: Option<TimeOfDay>,
    extra_minutes: u32,
    quiz_minutes: u32,
) -> Diagnostics {
    let mut d = Diagnostics::default();
    let place = || Location { file: "the command line".into(), line: 0, column: 0 };
    if let (Some(s), Some(e)) = (started, ended)
        && e < s
    {
        d.push(
            Diagnostic::error(Code::DatesOutOfOrder, place(), "--ended", "the sitting ends before it starts")
                .expected(format!("a time from {s}"))
                .found(e.to_string()),
        );
    }
    if extra_minutes > MAX_EXTRA_MINUTES {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                place(),
                "--extra-minutes",
                "more extra time than a day allows",
            )
            .expected(format!("0 to {MAX_EXTRA_MINUTES} minutes"))
            .found(extra_minutes.to_string()),
        );
    } else if let Some(s) = started {
        let end = u32::from(s.minutes()).saturating_add(quiz_minutes).saturating_add(extra_minutes);
        if end >= 24 * 60 {
            d.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    place(),
                    "--extra-minutes",
                    "the time limit would pass midnight",
                )
                .expected(format!("the start, {quiz_minutes} minutes and the extra time within the day"))
                .found(extra_minutes.to_string()),
            );
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_line_tells_the_separator() {
        assert_eq!(delimiter("numero;reponse;heure\n1;A,C;09:00\n"), b';');
        assert_eq!(delimiter("numero,reponse\n1,\"A;C\"\n"), b',');
    }

    #[test]
    fn times_are_checked_at_their_limits() {
        let t = |s: &str| Some(s.parse::<TimeOfDay>().unwrap());
        assert!(check_times(t("09:00"), t("09:00"), 0, 30).is_empty());
        assert_eq!(check_times(t("09:00"), t("08:59"), 0, 30).0[0].field, "--ended");
        assert!(check_times(None, None, MAX_EXTRA_MINUTES, 30).is_empty());
        assert!(!check_times(None, None, MAX_EXTRA_MINUTES + 1, 30).is_empty());
        assert!(!check_times(None, None, u32::MAX, 30).is_empty());
        assert!(check_times(t("23:00"), None, 29, 30).is_empty());
        assert!(!check_times(t("23:00"), None, 30, 30).is_empty());
    }
}
