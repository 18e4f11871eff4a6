//! A closed seat's result: its answers scored by the engine ([`crate::quiz::scoring`]) into
//! the section its dossier takes in (`quiz:` or `prediagnostic:`), every answer as given. The
//! same function closes a seat and rebuilds a result (`cqpt quiz rescore`).

use crate::date::{Date, TimeOfDay};
use crate::policy::Policy;
use crate::quiz::scoring::{self, Answer, Answers};
use crate::quiz::{Purpose, Sitting};
use crate::store::quiz::{AnswerRow, SeatRow, SittingRow};

/// Time allowed to a seat: the sitting's minutes and the extra minutes granted.
pub fn allowed(sitting: &SittingRow, seat: &SeatRow) -> i64 {
    i64::from(sitting.minutes + seat.extra_minutes) * 60_000
}

/// The local time of day of `ms` (the policy's offset from UTC).
pub fn local(policy: &Policy, ms: i64) -> (Date, Option<TimeOfDay>) {
    let shifted = ms + i64::from(policy.sittings.utc_offset_minutes) * 60_000;
    let epoch = Date::new(1970, 1, 1).expect("the epoch exists");
    let minutes = u32::try_from(shifted.div_euclid(60_000).rem_euclid(24 * 60)).unwrap_or(0);
    (epoch.add_days(shifted.div_euclid(86_400_000)), TimeOfDay::from_minutes(minutes))
}

/// The dossier's section of a closed seat (`quiz:` or `prediagnostic:`), every answer as given.
pub fn section(
    policy: &Policy,
    sitting_row: &SittingRow,
    seat: &SeatRow,
    sitting: &Sitting,
    answers: &[AnswerRow],
    by: &str,
    ended_ms: i64,
) -> String {
    let started = seat.started_ms.unwrap_or(ended_ms);
    let (date, start) = local(policy, started);
    let given: Vec<Answer> = answers
        .iter()
        .map(|a| Answer { number: a.number as usize, given: a.given.clone(), at: local(policy, a.at_ms).1 })
        .collect();
    let marked: Vec<(&Answer, bool)> = given.iter().zip(answers).map(|(g, a)| (g, a.late)).collect();
    let sheet = Answers {
        date,
        started: seat.started_ms.and(start),
        ended: local(policy, ended_ms).1,
        extra_minutes: seat.extra_minutes,
        answers: given.clone(),
    };
    let limit = seat.started_ms.and_then(|s| local(policy, s + allowed(sitting_row, seat)).1);
    let certificate_policy = policy.for_certificate(&sitting_row.certificate);
    let mut score = scoring::mark(sitting, &sheet, limit, &marked, certificate_policy);
    score.sitting.clone_from(&sitting_row.id);
    let text = scoring::to_yaml(&score, by);
    let key = match sitting_row.purpose {
        Purpose::Prediagnostic => "prediagnostic",
        Purpose::Evaluation => "quiz",
    };
    // The section as the dossier takes it: the comment line dropped, the seed too (it is
    // secret: the sitting's public reference is enough to find it in the store).
    let mut block = format!("{key}:\n");
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("seed:")) {
        block.push_str("  ");
        block.push_str(line);
        block.push('\n');
    }
    block
}
