//! Calendar dates and times of day, as the dossiers write them (`YYYY-MM-DD`, `HH:MM`).
//! The engine never reads the clock: every date comes from the input or a parameter.

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A date of the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = u8::try_from(doy - (153 * mp + 2) / 5 + 1).ok()?;
        let month = u8::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).ok()?;
        let year = i32::try_from(yoe + era * 400 + i64::from(month <= 2)).ok()?;
        Date::new(year, month, day)
    }

    /// The date `days` days later (earlier when negative).
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days).unwrap_or(self)
    }

    /// The anniversary `years` years later (earlier when negative): the same day of the same
    /// month; where that day does not exist (29 February in a common year) the last day of the
    /// month, 28 February, as the French rules on time limits do (code de procédure civile,
    /// art. 641). The one year arithmetic of the engine: experience, carry-over, accreditation.
    pub fn add_years(self, years: i32) -> Date {
        let year = (self.year + years).clamp(1, 9999);
        let day = self.day.min(days_in_month(year, self.month));
        Date { year, month: self.month, day }
    }

    /// Whether `date` falls within `years` years running from the event of `self` (an award, an
    /// accreditation): from `self` through the anniversary itself, the day the time limit expires
    /// (code de procédure civile, art. 641).
    pub fn within_years(self, years: i32, date: Date) -> bool {
        self <= date && date <= self.add_years(years)
    }

    /// Whether `days` days counted from `self` (the first day worked, included) make at least
    /// `years` full years: they reach the day before the anniversary. 2025-01-01 and 365 days
    /// (to 2025-12-31) make a year; 2024-01-01 needs 366 days (to 2024-12-31).
    pub fn days_make_years(self, days: i64, years: i32) -> bool {
        self.add_days(days) >= self.add_years(years)
    }

    /// Days from `self` to `later` (negative if `later` is before).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Date, String> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else { return Err(format!("\"{s}\" is not a date YYYY-MM-DD")) };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(format!("\"{s}\" is not a date YYYY-MM-DD"));
        }
        let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
            return Err(format!("\"{s}\" is not a date YYYY-MM-DD"));
        };
        Date::new(y, m, d).ok_or_else(|| format!("\"{s}\" is not a day of the calendar"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A time of day, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    minutes: u16,
}

impl TimeOfDay {
    /// The time `minutes` after midnight, if within the day.
    pub fn from_minutes(minutes: u32) -> Option<TimeOfDay> {
        u16::try_from(minutes).ok().filter(|m| *m < 24 * 60).map(|minutes| TimeOfDay { minutes })
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.minutes
    }
}

impl FromStr for TimeOfDay {
    type Err = String;

    fn from_str(s: &str) -> Result<TimeOfDay, String> {
        let bad = || format!("\"{s}\" is not a time HH:MM");
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let (h, m) = (h.parse::<u16>().map_err(|_| bad())?, m.parse::<u16>().map_err(|_| bad())?);
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(TimeOfDay { minutes: h * 60 + m })
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn epoch_round_trips() {
        for s in ["1970-01-01", "2000-02-29", "2024-12-31", "1899-03-01", "2100-02-28"] {
            let date = d(s);
            assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), Some(date), "{s}");
        }
        assert_eq!(d("1970-01-02").days_since_epoch(), 1);
        assert_eq!(d("2025-01-01").days_until(d("2025-12-31")), 364);
    }

    #[test]
    fn years_are_added_on_the_same_day() {
        assert_eq!(d("2023-05-10").add_years(3), d("2026-05-10"));
        assert_eq!(d("2024-02-29").add_years(1), d("2025-02-28"));
        assert_eq!(d("2026-03-01").add_years(-3), d("2023-03-01"));
    }

    #[test]
    fn a_year_is_a_calendar_anniversary_29_february_included() {
        // Experience: a year of days worked from the first day.
        assert!(d("2025-01-01").days_make_years(365, 1));
        assert!(!d("2025-01-01").days_make_years(364, 1));
        assert!(!d("2024-01-01").days_make_years(365, 1), "2024 is a leap year");
        assert!(d("2024-01-01").days_make_years(366, 1));
        assert!(d("2024-02-29").days_make_years(365, 1), "to 2025-02-27, the eve of 28 February");
        assert!(!d("2024-02-29").days_make_years(364, 1));
        // A time limit from an event runs through the anniversary.
        assert!(d("2023-04-20").within_years(3, d("2026-04-20")));
        assert!(!d("2023-04-20").within_years(3, d("2026-04-21")));
        assert!(!d("2023-04-20").within_years(3, d("2023-04-19")));
        assert!(d("2024-02-29").within_years(2, d("2026-02-28")));
        assert!(!d("2024-02-29").within_years(2, d("2026-03-01")));
    }

    #[test]
    fn bad_dates_and_times_are_refused() {
        assert!("2025-02-29".parse::<Date>().is_err());
        assert!("2025-13-01".parse::<Date>().is_err());
        assert!("25-01-01".parse::<Date>().is_err());
        assert!("24:00".parse::<TimeOfDay>().is_err());
        assert_eq!("9:05".parse::<TimeOfDay>().unwrap().minutes(), 545);
    }
}
