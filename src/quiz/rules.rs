//! The writing rules of the bank (`cqpt quiz validate`), each with a stable code: what makes a
//! question answerable without the knowledge it tests (a key longer than its distractors,
//! absolute words in distractors, a fixed number of keys), what lets a sitting be learned
//! (near-duplicates under different items, a phase 0 question near a 2B one), what the quiz must
//! not decide (a savoir-faire in the 2B pool), and a question's life (source, author, two
//! reviewers, review and re-check dates). Thresholds come from `[quiz.writing]` of the policy.

use super::bank::{Bank, Pool, Question, QuestionKind, Status};
use crate::date::Date;
use crate::diag::{Location, Severity};
use crate::policy::Policy;
use crate::referentiel::{ItemKind, Library};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A writing rule, with its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Rule {
    /// Q01: the key is notably longer than every distractor.
    KeyLonger,
    /// Q02: a distractor holds an absolute word ("toujours", "jamais"…) that no key holds.
    AbsoluteWord,
    /// Q03: near-duplicate stems under different items, not declared one family.
    NearDuplicate,
    /// Q04: the multiple-answer questions of a pool mostly have the same number of keys.
    FixedKeyCount,
    /// Q05: a question without its legal or technical source.
    NoSource,
    /// Q06: a 2B question on a savoir-faire (art. 6-2, annexe 2 §III 2B: the quiz assesses savoirs).
    SavoirFaireIn2b,
    /// Q07: a live question without its author, two reviewers other than the author, or its
    /// review date.
    NotReviewed,
    /// Q08: a question due for review (its review date plus the policy's years, or its re-check
    /// date, reached).
    ReviewDue,
    /// Q09: a phase 0 question and a phase 2B question of one near-duplicate cluster.
    PoolLeak,
    /// Q10: a live 2B question without its Angoff rating.
    NoAngoff,
    /// Q11: in too many single-choice questions of a pool, the key is among the two longest
    /// choices (fewer than two distractors as long as it), so "pick one of the two longest"
    /// beats chance.
    KeyAmongLongest,
    /// Q12: the key is the longest choice in too few single-choice questions of a pool, so "never
    /// the longest" beats chance.
    KeyNeverLongest,
}

impl Rule {
    /// Every rule, in code order.
    pub const ALL: [Rule; 12] = [
        Rule::KeyLonger,
        Rule::AbsoluteWord,
        Rule::NearDuplicate,
        Rule::FixedKeyCount,
        Rule::NoSource,
        Rule::SavoirFaireIn2b,
        Rule::NotReviewed,
        Rule::ReviewDue,
        Rule::PoolLeak,
        Rule::NoAngoff,
        Rule::KeyAmongLongest,
        Rule::KeyNeverLongest,
    ];

    /// Its stable code, `Q01`…
    pub fn code(self) -> &'static str {
        match self {
            Rule::KeyLonger => "Q01",
            Rule::AbsoluteWord => "Q02",
            Rule::NearDuplicate => "Q03",
            Rule::FixedKeyCount => "Q04",
            Rule::NoSource => "Q05",
            Rule::SavoirFaireIn2b => "Q06",
            Rule::NotReviewed => "Q07",
            Rule::ReviewDue => "Q08",
            Rule::PoolLeak => "Q09",
            Rule::NoAngoff => "Q10",
            Rule::KeyAmongLongest => "Q11",
            Rule::KeyNeverLongest => "Q12",
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Rule::KeyLonger => "key-longer",
            Rule::AbsoluteWord => "absolute-word",
            Rule::NearDuplicate => "near-duplicate",
            Rule::FixedKeyCount => "fixed-key-count",
            Rule::NoSource => "no-source",
            Rule::SavoirFaireIn2b => "savoir-faire-in-2b",
            Rule::NotReviewed => "not-reviewed",
            Rule::ReviewDue => "review-due",
            Rule::PoolLeak => "pool-leak",
            Rule::NoAngoff => "no-angoff",
            Rule::KeyAmongLongest => "key-among-longest",
            Rule::KeyNeverLongest => "key-never-longest",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.name())
    }
}

/// A question that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// Error (the bank is not fit) or warning (to do: a review due).
    pub severity: Severity,
    /// The question's id (or the pool, for a bank-wide rule).
    pub question: String,
    /// Where it is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = if self.severity == Severity::Error { "error" } else { "warning" };
        write!(f, "{}: {severity}[{}] {}: {}", self.location, self.rule, self.question, self.message)
    }
}

/// The length of a text in characters.
fn len(text: &str) -> usize {
    text.chars().count()
}

/// Words too common to tell two stems apart.
const STOP_WORDS: &[&str] = &[
    "alors",
    "avec",
    "cette",
    "dans",
    "doit",
    "elle",
    "être",
    "faire",
    "leur",
    "lors",
    "mais",
    "même",
    "parmi",
    "peut",
    "plus",
    "pour",
    "quand",
    "quel",
    "quelle",
    "quelles",
    "quels",
    "sans",
    "sont",
    "votre",
    "vous",
    "client",
    "cliente",
    "clients",
    "suivantes",
    "suivants",
    "réponses",
    "possibles",
    "plusieurs",
    "qu'est-ce",
    "est-ce",
];

/// The significant words of a stem: lower case, four letters or more, common words left out.
pub fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
        .map(|w| w.rsplit('\'').next().unwrap_or(w))
        .filter(|w| w.chars().count() >= 4 && !STOP_WORDS.contains(w))
        .map(str::to_string)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The share (percent) of significant words two stems have in common (Jaccard index).
pub fn similarity(a: &[String], b: &[String]) -> u32 {
    let common = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    let union = a.len() + b.len() - common;
    (common * 100).checked_div(union).map_or(0, |s| u32::try_from(s).unwrap_or(100))
}

/// The near-duplicate threshold of the clusters the draw keeps apart (the policy's default for
/// Q03: once the bank passes Q03, every near pair is one family anyway).
const NEAR_PERCENT: u32 = 40;

/// Pairs of questions (indices) whose stems share `percent` of their significant words.
fn near_pairs(questions: &[Question], percent: u32) -> Vec<(usize, usize)> {
    let words: Vec<Vec<String>> = questions.iter().map(|q| words(&q.question)).collect();
    let mut out = Vec::new();
    for i in 0..questions.len() {
        for j in i + 1..questions.len() {
            if words[i].len() >= 3 && words[j].len() >= 3 && similarity(&words[i], &words[j]) >= percent {
                out.push((i, j));
            }
        }
    }
    out
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The near-duplicate cluster of every question: questions of one family, and questions whose
/// stems are near, are joined; a cluster is named by the id of its first question.
pub fn clusters(questions: &[Question]) -> HashMap<String, String> {
    let mut parent: Vec<usize> = (0..questions.len()).collect();
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    let mut first_of_family: HashMap<&str, usize> = HashMap::new();
    for (i, q) in questions.iter().enumerate() {
        if let Some(f) = &q.family {
            let first = *first_of_family.entry(f.as_str()).or_insert(i);
            union(&mut parent, first, i);
        }
    }
    for (a, b) in near_pairs(questions, NEAR_PERCENT) {
        union(&mut parent, a, b);
    }
    (0..questions.len())
        .map(|i| (questions[i].id.clone(), questions[root(&mut parent, i)].id.clone()))
        .collect()
}

/// Checks every writing rule on `bank`; `today` dates the review rule (none: not checked).
pub fn check(bank: &Bank, library: &Library, policy: &Policy, today: Option<Date>) -> Vec<Finding> {
    let mut out = Vec::new();
    let w = &policy.quiz.writing;
    // A retired question is never drawn: the rules leave it alone.
    for q in bank.questions.iter().filter(|q| q.status != Status::Retired) {
        let mut find = |rule: Rule, severity: Severity, message: String| {
            out.push(Finding {
                rule,
                severity,
                question: q.id.clone(),
                location: q.location.clone(),
                message,
            });
        };
        let keys: Vec<&str> = q.choices.iter().filter(|c| c.correct).map(|c| c.text.as_str()).collect();
        let distractors: Vec<&str> =
            q.choices.iter().filter(|c| !c.correct).map(|c| c.text.as_str()).collect();
        let longest_distractor = distractors.iter().map(|t| len(t)).max().unwrap_or(0);
        let longest_key = keys.iter().map(|t| len(t)).max().unwrap_or(0);
        if q.kind == QuestionKind::Single
            && longest_distractor > 0
            && longest_key * 100 > longest_distractor * w.key_length_percent as usize
        {
            find(
                Rule::KeyLonger,
                Severity::Error,
                format!(
                    "the key has {longest_key} characters, the longest distractor {longest_distractor}: at most {} % of it expected",
                    w.key_length_percent
                ),
            );
        }
        let absolute = |t: &str| {
            let lower =
                format!(" {} ", t.to_lowercase().replace(|c: char| !c.is_alphanumeric() && c != '\'', " "));
            w.absolute_words.iter().find(|a| lower.contains(&format!(" {} ", a.to_lowercase()))).cloned()
        };
        if !keys.iter().any(|k| absolute(k).is_some()) {
            for d in &distractors {
                if let Some(word) = absolute(d) {
                    find(
                        Rule::AbsoluteWord,
                        Severity::Error,
                        format!("the distractor « {d} » holds « {word} », which no key holds"),
                    );
                }
            }
        }
        let in_use = matches!(q.status, Status::Live | Status::Pilot);
        if q.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            let severity = if in_use { Severity::Error } else { Severity::Warning };
            find(Rule::NoSource, severity, "no `source`: the legal or technical text it rests on".into());
        }
        if q.pool == Pool::Evaluation {
            for item in &q.items {
                if library.item(item).is_some_and(|i| i.kind == ItemKind::SavoirFaire) {
                    find(
                        Rule::SavoirFaireIn2b,
                        Severity::Error,
                        format!(
                            "`{item}` is a savoir-faire: the quiz assesses savoirs (art. 6-2, annexe 2 §III 2B); keep it for phase 0 (`pool: p0`)"
                        ),
                    );
                }
            }
        }
        if q.status == Status::Live {
            let mut missing = Vec::new();
            if q.author.as_deref().is_none_or(|a| a.trim().is_empty()) {
                missing.push("an author".to_string());
            }
            let mut reviewers: Vec<&str> = q
                .reviewers
                .iter()
                .map(|r| r.trim())
                .filter(|r| !r.is_empty() && Some(*r) != q.author.as_deref())
                .collect();
            reviewers.sort_unstable();
            reviewers.dedup();
            if reviewers.len() < 2 {
                missing.push(format!("two reviewers other than the author (found {})", reviewers.len()));
            }
            if q.reviewed.is_none() {
                missing.push("a review date (`reviewed`)".to_string());
            }
            if !missing.is_empty() {
                find(
                    Rule::NotReviewed,
                    Severity::Error,
                    format!("a live question needs {}", missing.join(", ")),
                );
            }
            if q.pool == Pool::Evaluation && q.angoff.is_none() {
                find(
                    Rule::NoAngoff,
                    Severity::Error,
                    "no `angoff`: the chance (percent) a minimally competent candidate answers right".into(),
                );
            }
        }
        if let Some(today) = today
            && q.status != Status::Retired
        {
            let years = i32::try_from(w.review_years).unwrap_or(i32::MAX);
            if let Some(reviewed) = q.reviewed
                && reviewed.add_years(years) <= today
            {
                find(
                    Rule::ReviewDue,
                    Severity::Warning,
                    format!("reviewed on {reviewed}, due for review since {}", reviewed.add_years(years)),
                );
            }
            if let Some(recheck) = q.recheck
                && recheck <= today
            {
                find(
                    Rule::ReviewDue,
                    Severity::Warning,
                    format!("a date-sensitive fact to check again since {recheck}"),
                );
            }
        }
    }
    near_duplicates(bank, policy, &mut out);
    key_counts(bank, policy, &mut out);
    key_ranks(bank, policy, &mut out);
    out.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.rule).cmp(&(&b.location.file, b.location.line, b.rule))
    });
    out
}

/// Q03 and Q09: near-duplicate stems under different items without a shared family, and
/// clusters that reach both pools.
fn near_duplicates(bank: &Bank, policy: &Policy, out: &mut Vec<Finding>) {
    let qs = &bank.questions;
    for (a, b) in near_pairs(qs, policy.quiz.writing.near_duplicate_percent) {
        let (qa, qb) = (&qs[a], &qs[b]);
        if qa.status == Status::Retired || qb.status == Status::Retired {
            continue;
        }
        let same_family = qa.family.is_some() && qa.family == qb.family;
        if !same_family && qa.items != qb.items {
            out.push(Finding {
                rule: Rule::NearDuplicate,
                severity: Severity::Error,
                question: qb.id.clone(),
                location: qb.location.clone(),
                message: format!(
                    "its stem is near the stem of `{}` ({}) under another item: rewrite one, or give both one `family`",
                    qa.id, qa.location
                ),
            });
        }
    }
    let mut pools: HashMap<&str, (Option<&Question>, Option<&Question>)> = HashMap::new();
    for q in qs.iter().filter(|q| q.status != Status::Retired) {
        let entry = pools.entry(bank.cluster_of(&q.id)).or_default();
        match q.pool {
            Pool::P0 => entry.0 = entry.0.or(Some(q)),
            Pool::Evaluation => entry.1 = entry.1.or(Some(q)),
        }
    }
    for (p0, ev) in pools.into_values() {
        if let (Some(p0), Some(ev)) = (p0, ev) {
            out.push(Finding {
                rule: Rule::PoolLeak,
                severity: Severity::Error,
                question: ev.id.clone(),
                location: ev.location.clone(),
                message: format!(
                    "a near-duplicate of the phase 0 question `{}`: a candidate would meet it again in phase 2B",
                    p0.id
                ),
            });
        }
    }
}

/// Q04: in each pool, no number of keys held by more than the policy's share of the
/// multiple-answer questions.
fn key_counts(bank: &Bank, policy: &Policy, out: &mut Vec<Finding>) {
    for pool in [Pool::P0, Pool::Evaluation] {
        let multiple: Vec<&Question> = bank
            .questions
            .iter()
            .filter(|q| q.pool == pool && q.kind == QuestionKind::Multiple && q.status != Status::Retired)
            .collect();
        let mut counts: BTreeMap<usize, Vec<&Question>> = BTreeMap::new();
        for q in &multiple {
            counts.entry(q.choices.iter().filter(|c| c.correct).count()).or_default().push(q);
        }
        let limit = multiple.len() * policy.quiz.writing.key_count_percent as usize;
        for (keys, qs) in counts {
            if multiple.len() >= 5 && qs.len() * 100 > limit {
                let first = qs[0];
                out.push(Finding {
                    rule: Rule::FixedKeyCount,
                    severity: Severity::Error,
                    question: first.id.clone(),
                    location: first.location.clone(),
                    message: format!(
                        "{} of the {} multiple-answer questions of the {} pool have {keys} key(s): at most {} % expected",
                        qs.len(),
                        multiple.len(),
                        if pool == Pool::P0 { "p0" } else { "2b" },
                        policy.quiz.writing.key_count_percent
                    ),
                });
            }
        }
    }
}

/// Whether the key of a single-choice question is among its two longest choices: fewer than
/// two distractors at least as long as it (a tie is no cue).
pub fn key_among_longest(q: &Question) -> bool {
    let Some(key) = q.choices.iter().find(|c| c.correct) else { return false };
    let k = len(&key.text);
    q.choices.iter().filter(|c| !c.correct && len(&c.text) >= k).count() < 2
}

/// Whether the key of a single-choice question is strictly its longest choice.
pub fn key_longest(q: &Question) -> bool {
    let Some(key) = q.choices.iter().find(|c| c.correct) else { return false };
    let k = len(&key.text);
    q.choices.iter().all(|c| c.correct || len(&c.text) < k)
}

/// Q11: in each pool, the key among the two longest choices in at most the policy's share of
/// the single-choice questions (chance is 50 % with four choices); Q12: the key the longest
/// choice in at least the policy's share (chance is 25 %).
fn key_ranks(bank: &Bank, policy: &Policy, out: &mut Vec<Finding>) {
    for pool in [Pool::P0, Pool::Evaluation] {
        let single: Vec<&Question> = bank
            .questions
            .iter()
            .filter(|q| q.pool == pool && q.kind == QuestionKind::Single && q.status != Status::Retired)
            .collect();
        let cued: Vec<&&Question> = single.iter().filter(|q| key_among_longest(q)).collect();
        let percent = policy.quiz.writing.key_rank_percent as usize;
        if single.len() >= 5 && cued.len() * 100 > single.len() * percent {
            let first = cued[0];
            out.push(Finding {
                rule: Rule::KeyAmongLongest,
                severity: Severity::Error,
                question: first.id.clone(),
                location: first.location.clone(),
                message: format!(
                    "in {} of the {} single-choice questions of the {} pool the key is among the two longest choices: at most {percent} % expected (make a distractor at least as long as the key)",
                    cued.len(),
                    single.len(),
                    if pool == Pool::P0 { "p0" } else { "2b" },
                ),
            });
        }
        let longest: Vec<&&Question> = single.iter().filter(|q| key_longest(q)).collect();
        let min = policy.quiz.writing.key_longest_min_percent as usize;
        if single.len() >= 5 && longest.len() * 100 < single.len() * min {
            let first = single[0];
            out.push(Finding {
                rule: Rule::KeyNeverLongest,
                severity: Severity::Error,
                question: first.id.clone(),
                location: first.location.clone(),
                message: format!(
                    "in {} of the {} single-choice questions of the {} pool the key is the longest choice: at least {min} % expected (a key never the longest is a cue too)",
                    longest.len(),
                    single.len(),
                    if pool == Pool::P0 { "p0" } else { "2b" },
                ),
            });
        }
    }
}
