//! The decision policy: the agreement's numbers and the product decisions where the text is
//! silent, read from `referentiels/politique.toml` so that the CPNE can change them.

use crate::closed_set::closed_set;
use crate::diag::{Code, Diagnostic, Diagnostics, Location, Severity};
use crate::dossier::{AppealGround, Contract, DocumentKind, Route};
use crate::referentiel::{Category, Knowledge, Library, ReferentielKind};
use crate::source::SourceFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The name of the policy file in the référentiels folder.
pub const POLICY_FILE: &str = "politique.toml";

closed_set! {
    /// An evaluation modality of phase 2.
    pub enum Modality {
        /// Phase 2A, dossier de preuves.
        Preuves,
        /// Phase 2B, quiz.
        Quiz,
        /// Phase 2C, observation in a real work situation.
        Observation,
    }
}

impl Modality {
    /// The French name.
    pub fn label(self) -> &'static str {
        match self {
            Modality::Preuves => "dossier de preuves",
            Modality::Quiz => "quiz",
            Modality::Observation => "observation",
        }
    }
}

closed_set! {
    /// How the levels of several observed contacts make one.
    pub enum Aggregate {
        /// The lower median.
        Median,
        /// The lowest.
        Min,
        /// The highest.
        Max,
    }
}

impl Aggregate {
    /// Applies the rule to a non-empty list.
    pub fn apply(self, levels: &[u8]) -> Option<u8> {
        let mut sorted = levels.to_vec();
        sorted.sort_unstable();
        match self {
            Aggregate::Median => sorted.get((sorted.len().checked_sub(1)?) / 2).copied(),
            Aggregate::Min => sorted.first().copied(),
            Aggregate::Max => sorted.last().copied(),
        }
    }
}

/// Required levels and caps.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelsPolicy {
    /// The level an item must reach.
    pub required: u8,
    /// The highest level a quiz can establish.
    pub quiz_max: u8,
    /// Levels from this one need a written justification.
    pub justification_from: u8,
}

/// Which modality evaluates which category, and how levels combine.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModalitiesPolicy {
    /// Modalities for transversal items.
    pub transversal: Vec<Modality>,
    /// Modalities for partly specific items.
    #[serde(rename = "partiellement-specifique")]
    pub partiellement_specifique: Vec<Modality>,
    /// Modalities for specific items.
    pub specifique: Vec<Modality>,
    /// How the contacts of the observation combine.
    pub observation_aggregate: Aggregate,
    /// How the modalities combine.
    pub combine: Aggregate,
}

impl ModalitiesPolicy {
    /// The modalities assigned to a category.
    pub fn for_category(&self, category: Category) -> &[Modality] {
        match category {
            Category::Transversal => &self.transversal,
            Category::PartiellementSpecifique => &self.partiellement_specifique,
            Category::Specifique => &self.specifique,
        }
    }
}

/// Per-activity rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActivitiesPolicy {
    /// Items at most this many levels short leave the activity "à compléter".
    pub complement_max_gap: u8,
    /// The optional parts of the certificates and the items they concern.
    pub optional: Vec<OptionalPart>,
}

/// A part of a certificate's activity that is not common to all organisations (in italics in
/// the text, or excluded by one of its notes), pointing at the items it concerns: for that
/// certificate only, those items never block, whatever their level.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionalPart {
    /// The certificate.
    pub certificate: String,
    /// The activity id.
    pub activity: String,
    /// The sub-activity, as titled in the référentiel: optional itself, or holding the task.
    pub sub_activity: String,
    /// The optional task of that sub-activity, as worded in the référentiel, when only the task
    /// is optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// Where the text says it is not common to all.
    pub source: String,
    /// The items it concerns.
    pub items: Vec<String>,
}

impl ActivitiesPolicy {
    /// Whether `item` is optional for `certificate`.
    pub fn is_optional(&self, certificate: &str, item: &str) -> bool {
        self.optional.iter().any(|o| o.certificate == certificate && o.items.iter().any(|i| i == item))
    }
}

/// Recevabilité rules (art. 3, art. 6-1, Annexe 2 §III).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecevabilitePolicy {
    /// Routes to the CQPT.
    pub routes: Vec<Route>,
    /// Free-access routes (DIF, CIF).
    pub free_access_routes: Vec<Route>,
    /// Routes that need no prior experience.
    pub no_experience_routes: Vec<Route>,
    /// Years of related experience required, as calendar anniversaries.
    pub min_experience_years: i32,
    /// Contracts that make a branch employee (Annexe 2 §III: "CDD ou CDI").
    pub branch_contracts: Vec<Contract>,
    /// Years after the end of a contrat de professionnalisation during which its holder may
    /// apply on the `fin-contrat-de-professionnalisation` route.
    pub end_of_contract_window_years: i32,
    /// The window of the free-access rule, in years.
    pub window_years: i32,
    /// Hours of effective work required in the window.
    pub min_hours: u32,
    /// Document kinds that prove activity in the branch.
    pub proof_documents: Vec<DocumentKind>,
    /// The kind of the sworn statement.
    pub sworn_statement: DocumentKind,
}

/// Observation limits (Annexe 2 §III, phase 2C).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObservationPolicy {
    /// Longest observation, in minutes.
    pub max_minutes: u32,
    /// Severity of an observation over the maximum.
    pub over_max: Severity,
    /// Minimum number of contacts per certificate id.
    pub min_contacts: BTreeMap<String, u32>,
}

/// Carry-over of the savoirs communs (art. 3).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CarryOverPolicy {
    /// The référentiel whose items are carried over.
    pub referentiel: String,
    /// Years kept without practising.
    pub years_not_practising: i32,
    /// Years kept when practising daily.
    pub years_practising: i32,
}

/// Units (blocs de compétences) acquired in an earlier attempt.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitsPolicy {
    /// Years an acquired unit is kept for a later attempt, from the decision that validated
    /// it; absent: for life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_years: Option<i32>,
}

/// Accreditation of evaluating bodies (Annexe 2 §IV).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccreditationPolicy {
    /// Years an accreditation lasts.
    pub years: i32,
}

/// Funding by AUVICOM (art. 6-2, Annexe 2 §IV).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FundingPolicy {
    /// Flat rate per hour, in euros.
    pub euros_per_hour: u32,
    /// Hours funded at most.
    pub max_hours: u32,
    /// Largest adjustment the CPNE may make, in percent.
    pub max_modulation_percent: i32,
    /// The adjustment in force, in percent.
    pub modulation_percent: i32,
    /// Routes AUVICOM funds.
    pub funded_routes: Vec<Route>,
    /// The DIF route, funded when the dossier says it is a priority DIF.
    pub priority_dif_route: Route,
    /// Routes the company pays for.
    pub company_routes: Vec<Route>,
}

/// The attribution commission (art. 5).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommissionPolicy {
    /// Employee representatives.
    pub salaries: u32,
    /// Employer representatives.
    pub employeurs: u32,
    /// Grounds on which an appeal is admitted.
    pub appeal_grounds: Vec<AppealGround>,
    /// Severity of a member who evaluated or trained the candidate.
    pub member_conflict: Severity,
}

/// The parts of the procedure around the evaluation (art. 6-1, art. 6-2).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedurePolicy {
    /// Severity of an evaluation without the convention between the company and the body.
    pub convention_missing: Severity,
    /// Severity of a company tutor to whom the recevable file was not sent.
    pub tutor_not_informed: Severity,
}

/// The quiz (phases 0 and 2B).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuizPolicy {
    /// Length of a sitting, minutes.
    pub minutes: u32,
    /// Questions in a sitting, at most.
    pub max_questions: usize,
    /// Live questions the phase 2B pool must hold per assessed item.
    pub min_questions_per_item: usize,
    /// The scoring rule (`ascending`).
    pub scoring: QuizScoring,
    /// What a level is decided for: each item, or each environment of annexe 3.
    pub evidence: QuizEvidence,
    /// Answers a unit (item or environment) needs for the quiz to give it a level.
    pub min_answers: usize,
    /// Share of the credit at a level (percent) that reaches that level.
    pub pass_percent: u32,
    /// Credit for a multiple-answer question partly right.
    pub partial_credit: PartialCredit,
    /// Share of the sittings of a certificate a question may appear in, percent.
    pub exposure_percent: u32,
    /// Sittings counted before the exposure limit applies.
    pub exposure_after: u32,
    /// The writing rules `cqpt quiz validate` checks.
    pub writing: WritingPolicy,
    /// When `cqpt quiz stats` flags a question for review.
    pub stats: QuizStatsPolicy,
}

/// The thresholds of the item statistics.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuizStatsPolicy {
    /// Answers a question needs before it is judged.
    pub min_answers: usize,
    /// Below this share right (percent), too hard.
    pub facility_min_percent: u32,
    /// Above this share right (percent), too easy.
    pub facility_max_percent: u32,
    /// Below this point-biserial (percent: 20 is 0.20), discriminates poorly.
    pub discrimination_min_percent: u32,
    /// A distractor picked by fewer (percent) does not work.
    pub distractor_min_percent: u32,
}

/// The thresholds of the quiz's writing rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WritingPolicy {
    /// A key longer than this share (percent) of the longest distractor gives itself away.
    pub key_length_percent: u32,
    /// Words that mark a distractor as wrong ("toujours", "jamais"…).
    pub absolute_words: Vec<String>,
    /// Two stems sharing this share (percent) of their words are near-duplicates.
    pub near_duplicate_percent: u32,
    /// No number of keys may be held by more than this share (percent) of the multiple-answer
    /// questions of a pool.
    pub key_count_percent: u32,
    /// The key may be among the two longest choices in at most this share (percent) of the
    /// single-choice questions of a pool.
    pub key_rank_percent: u32,
    /// The key must be the longest choice in at least this share (percent) of the single-choice
    /// questions of a pool.
    pub key_longest_min_percent: u32,
    /// Years after its review date a question is due for review again.
    pub review_years: u32,
}

/// Quiz sittings run in the workspace.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SittingsPolicy {
    /// Most extra minutes an evaluator may grant a candidate, in all.
    pub max_extra_minutes: u32,
    /// Offset of the local times written into the dossier from UTC, in minutes.
    pub utc_offset_minutes: i32,
    /// Wrong access codes tolerated per address within the window.
    pub code_failures_per_address: u32,
    /// Wrong access codes tolerated from all addresses within the window.
    pub code_failures_in_all: u32,
    /// The window, in minutes.
    pub code_failure_window_minutes: u32,
    /// How long a seat's session outlives the sitting's time, in minutes.
    pub seat_session_margin_minutes: u32,
}

impl Default for SittingsPolicy {
    fn default() -> Self {
        SittingsPolicy {
            max_extra_minutes: 10,
            utc_offset_minutes: 60,
            code_failures_per_address: 20,
            code_failures_in_all: 1000,
            code_failure_window_minutes: 15,
            seat_session_margin_minutes: 60,
        }
    }
}

closed_set! {
    /// How answers make an item's level.
    pub enum QuizScoring {
        /// Going up the levels, each level reached while its share of credit is enough.
        Ascending,
    }
}

/// What the quiz decides a level for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuizEvidence {
    /// Each item on its own answers.
    Item,
    /// Each environment of annexe 3 (technologique, réglementaire, commercial…) on the answers
    /// to all its items; every item of the environment assessed in the sitting takes that level.
    Environment,
}

/// Credit for a multiple-answer question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartialCredit {
    /// 1 when the letters given are exactly the key, 0 otherwise.
    None,
    /// (right letters given − wrong letters given) / keys, never below 0.
    Proportional,
}

/// Which phases of Annexe 2 §III a certificate requires (a titre professionnel has no quiz).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::struct_excessive_bools, reason = "one switch per phase, as in the policy file")]
pub struct PhasesPolicy {
    /// Phase 2A, dossier de preuves.
    pub preuves: bool,
    /// Phase 2B, quiz (and the prédiagnostic of phase 0 that uses it).
    pub quiz: bool,
    /// Phase 2C, observation in a real work situation.
    pub observation: bool,
}

impl Default for PhasesPolicy {
    fn default() -> Self {
        PhasesPolicy { preuves: true, quiz: true, observation: true }
    }
}

impl PhasesPolicy {
    /// Whether the phase of `modality` is required.
    pub fn requires(&self, modality: Modality) -> bool {
        match modality {
            Modality::Preuves => self.preuves,
            Modality::Quiz => self.quiz,
            Modality::Observation => self.observation,
        }
    }
}

closed_set! {
    /// What a candidate must acquire to be awarded the certificate.
    pub enum PassRule {
        /// Every core activity acquired (the CQPT).
        AllActivities,
        /// Each unit (bloc de compétences) decided on its own, only for a certificate that
        /// declares units: a unit is acquired when all its activities are; the certificate when
        /// all its units are, some acquired now and some earlier; some units acquired and the
        /// others not is a validation partielle.
        PerUnit,
    }
}

#[allow(clippy::derivable_impls, reason = "closed_set! owns the derives of the enum")]
impl Default for PassRule {
    fn default() -> Self {
        PassRule::AllActivities
    }
}

/// The whole policy.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Decision: what a candidate must acquire (`all-activities`, or `per-unit` for a
    /// certificate with units).
    #[serde(default)]
    pub pass_rule: PassRule,
    /// The phases required.
    #[serde(default)]
    pub phases: PhasesPolicy,
    /// How long units acquired earlier are kept.
    #[serde(default)]
    pub units: UnitsPolicy,
    /// Levels.
    pub levels: LevelsPolicy,
    /// Modalities.
    pub modalities: ModalitiesPolicy,
    /// Activities.
    pub activities: ActivitiesPolicy,
    /// Recevabilité.
    pub recevabilite: RecevabilitePolicy,
    /// Observation.
    pub observation: ObservationPolicy,
    /// Carry-over.
    pub carry_over: CarryOverPolicy,
    /// Accreditation.
    pub accreditation: AccreditationPolicy,
    /// Funding.
    pub funding: FundingPolicy,
    /// Commission.
    pub commission: CommissionPolicy,
    /// Quiz.
    pub quiz: QuizPolicy,
    /// The convention and the transmissions around the evaluation.
    pub procedure: ProcedurePolicy,
    /// Quiz sittings in the workspace.
    #[serde(default)]
    pub sittings: SittingsPolicy,
    /// Per certificate, the sections it overrides (`[certificats.<id>.levels]`…), as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub certificats: BTreeMap<String, toml::Table>,
    /// Per certificate with overrides, the default merged with them (built when loading).
    #[serde(skip)]
    effective: BTreeMap<String, Policy>,
}

impl Policy {
    /// The policy that applies to the certificate `id`: the default sections, each overridden
    /// where `[certificats.<id>]` says so.
    pub fn for_certificate(&self, id: &str) -> &Policy {
        self.effective.get(id).unwrap_or(self)
    }
}

/// Lays `over` on `base` key by key: a table goes into the table it replaces, any other value
/// (an array included) replaces the one of `base`. The per-certificate sections of the policy
/// and of the documents' texts both use it.
pub(crate) fn overlay(base: &mut toml::Table, over: &toml::Table) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => overlay(b, o),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The default sections of `file` with the overrides of `certificate` laid over them, key by key
/// (an array replaces the default one; `observation.min_contacts = N` sets that certificate's).
fn merged(default: &toml::Table, certificate: &str, overrides: &toml::Table) -> toml::Table {
    let mut base = default.clone();
    base.remove("certificats");
    let mut over = overrides.clone();
    if let Some(toml::Value::Table(obs)) = over.get_mut("observation")
        && let Some(n @ toml::Value::Integer(_)) = obs.get("min_contacts").cloned()
    {
        obs.insert(
            "min_contacts".into(),
            toml::Value::Table(toml::Table::from_iter([(certificate.into(), n)])),
        );
    }
    overlay(&mut base, &over);
    base
}

/// Reads the policy file and checks it against the référentiels; every problem is returned.
pub fn load_policy(file: &SourceFile, library: &Library) -> Result<Policy, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    if let Err(d) = crate::limits::check_size(&file.name, &file.text, &crate::limits::POLICY) {
        diagnostics.push(*d);
        return Err(diagnostics);
    }
    let depth = crate::limits::toml_depth(&file.text);
    if depth > crate::limits::POLICY.depth {
        diagnostics.push(
            Diagnostic::error(
                Code::TooLarge,
                Location { file: file.name.clone(), line: 0, column: 0 },
                "",
                format!(
                    "the policy may nest arrays and tables at most {} levels deep",
                    crate::limits::POLICY.depth
                ),
            )
            .found(format!("{depth} levels")),
        );
        return Err(diagnostics);
    }
    let mut policy: Policy = match toml::from_str(&file.text) {
        Ok(p) => p,
        Err(e) => {
            let (line, column) = e.span().map_or((0, 0), |s| line_column(&file.text, s.start));
            let message = e.message().to_string();
            diagnostics.push(Diagnostic::error(
                Code::Syntax,
                Location { file: file.name.clone(), line, column },
                "",
                format!("invalid policy: {message}"),
            ));
            return Err(diagnostics);
        }
    };
    check(&policy, file, library, &mut diagnostics);
    policy.effective = certificate_policies(&policy, file, library, &mut diagnostics);
    check_minimum_contacts(&policy, file, library, &mut diagnostics);
    if diagnostics.has_errors() { Err(diagnostics) } else { Ok(policy) }
}

/// The key of the first override that alone makes the policy of `id` unreadable (a wrong type).
fn faulty_leaf(default: &toml::Table, id: &str, overrides: &toml::Table) -> Option<String> {
    fn leaves(table: &toml::Table, out: &mut Vec<(Vec<String>, toml::Value)>, path: &[String]) {
        for (key, value) in table {
            let mut path = path.to_vec();
            path.push(key.clone());
            match value {
                toml::Value::Table(t) => leaves(t, out, &path),
                _ => out.push((path, value.clone())),
            }
        }
    }
    let mut all = Vec::new();
    leaves(overrides, &mut all, &[]);
    all.into_iter().find_map(|(path, value)| {
        let mut one = toml::Table::new();
        let (last, parents) = path.split_last()?;
        let mut at = &mut one;
        for p in parents {
            at = at
                .entry(p.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()?;
        }
        at.insert(last.clone(), value);
        merged(default, id, &one).try_into::<Policy>().is_err().then(|| last.clone())
    })
}

/// The line of `[certificats.<id>…` (its first table), or 0.
fn certificate_line(file: &SourceFile, id: &str) -> usize {
    let header = format!("[certificats.{id}");
    file.text
        .lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(&header) && l[header.len()..].starts_with(['.', ']'])
        })
        .map_or(0, |i| i + 1)
}

/// The place of `key = …` among the tables of `[certificats.<id>…]`, if the certificate sets it.
fn place_in_certificate(file: &SourceFile, id: &str, key: &str) -> Option<Location> {
    let header = format!("[certificats.{id}");
    let mut inside = false;
    for (i, line) in file.text.lines().enumerate() {
        let l = line.trim_start();
        if l.starts_with('[') {
            inside = l.starts_with(&header) && l[header.len()..].starts_with(['.', ']']);
        } else if inside && l.starts_with(key) && l[key.len()..].trim_start().starts_with('=') {
            let line = u32::try_from(i + 1).unwrap_or(0);
            return Some(Location { file: file.name.clone(), line, column: 1 });
        }
    }
    None
}

/// Builds the policy of each certificate of `[certificats]`: an unknown certificate, an unknown
/// key, a wrong type and a number out of range are reported at their line.
fn certificate_policies(
    policy: &Policy,
    file: &SourceFile,
    library: &Library,
    out: &mut Diagnostics,
) -> BTreeMap<String, Policy> {
    let mut effective = BTreeMap::new();
    if policy.certificats.is_empty() {
        return effective;
    }
    let Ok(default) = toml::from_str::<toml::Table>(&file.text) else { return effective };
    for (id, overrides) in &policy.certificats {
        let line = u32::try_from(certificate_line(file, id)).unwrap_or(0);
        let at = Location { file: file.name.clone(), line, column: u32::from(line > 0) };
        let Some(certificate) = library.referentiel(id).filter(|r| r.kind == ReferentielKind::Certificat)
        else {
            let ids: Vec<&str> = library.certificates().map(|r| r.id.as_str()).collect();
            out.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    at,
                    format!("certificats.{id}"),
                    format!("no certificate has the id `{id}`"),
                )
                .expected("certificate ids")
                .found(id.clone())
                .help(crate::suggest::did_you_mean(id, ids)),
            );
            continue;
        };
        let merged = merged(&default, id, overrides);
        let own: Policy = match merged.try_into() {
            Ok(p) => p,
            Err(e) => {
                let message = e.message().trim().to_string();
                let unknown = message.strip_prefix("unknown field `").and_then(|m| m.split('`').next());
                let key = match unknown {
                    Some(unknown) => unknown.to_string(),
                    None => faulty_leaf(&default, id, overrides).unwrap_or_default(),
                };
                let key = key.as_str();
                let place = place_in_certificate(file, id, key).unwrap_or(at);
                out.push(Diagnostic::error(
                    Code::Syntax,
                    place,
                    format!("certificats.{id}"),
                    format!("invalid policy of `{id}`: {message}"),
                ));
                continue;
            }
        };
        let mut ranges = RangeCheck { file, out, certificate: Some(id) };
        check_ranges(&own, &mut ranges);
        let mut bad = |key: &str, field: &str, message: String, expected: &str, found: String| {
            let place = place_in_certificate(file, id, key).unwrap_or_else(|| at.clone());
            out.push(
                Diagnostic::error(Code::InvalidValue, place, format!("certificats.{id}.{field}"), message)
                    .expected(expected)
                    .found(found),
            );
        };
        check_modalities(&own, &mut bad);
        if own.pass_rule == PassRule::PerUnit && certificate.units.is_empty() {
            bad(
                "pass_rule",
                "pass_rule",
                format!("`{id}` declares no units: its pass rule cannot be per unit"),
                "all-activities",
                "per-unit".into(),
            );
        }
        effective.insert(id.clone(), own);
    }
    effective
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (u32::try_from(line).unwrap_or(0), u32::try_from(column).unwrap_or(0))
}

/// The place of `key = …` in the file (first occurrence), for checks made after parsing.
fn place_of(file: &SourceFile, key: &str) -> Location {
    let line = file
        .text
        .lines()
        .position(|l| {
            l.trim_start().starts_with(key)
                && l[l.find(key).unwrap_or(0) + key.len()..].trim_start().starts_with('=')
        })
        .map_or(0, |i| u32::try_from(i + 1).unwrap_or(0));
    Location { file: file.name.clone(), line, column: u32::from(line > 0) }
}

/// Reports numbers of the policy outside their allowed range, each at its line.
pub struct RangeCheck<'a> {
    file: &'a SourceFile,
    out: &'a mut Diagnostics,
    /// When checking a certificate's policy: its id. Only the numbers it sets itself are
    /// reported (an inherited one is reported at the default), at their line in its tables.
    certificate: Option<&'a str>,
}

impl RangeCheck<'_> {
    /// Reports `field` (`section.key`) unless `value` lies in `range`; `why` says where the
    /// range comes from (an article, or "Decision").
    pub fn range<T: Copy + PartialOrd + std::fmt::Display>(
        &mut self,
        field: &str,
        value: T,
        range: std::ops::RangeInclusive<T>,
        why: &str,
    ) {
        if range.contains(&value) {
            return;
        }
        let key = field.rsplit('.').next().unwrap_or(field);
        let (place, field) = match self.certificate {
            None => (place_of(self.file, key), field.to_string()),
            Some(id) => {
                // `observation.min_contacts.<id>` is written `min_contacts = N` in the tables of <id>.
                let key = if field.starts_with("observation.min_contacts.") { "min_contacts" } else { key };
                match place_in_certificate(self.file, id, key) {
                    Some(place) => (place, format!("certificats.{id}.{field}")),
                    None => return,
                }
            }
        };
        let (min, max) = range.into_inner();
        self.out.push(
            Diagnostic::error(Code::InvalidValue, place, field, format!("{value} is out of range ({why})"))
                .expected(format!("from {min} to {max}"))
                .found(value.to_string()),
        );
    }
}

/// Every number of the policy, checked against its range: no value can overflow the
/// arithmetic that uses it (dates, minutes, euros).
fn check_ranges(policy: &Policy, r: &mut RangeCheck) {
    const LEVEL: &str = "a level of the 0–5 scale";
    let levels = &policy.levels;
    r.range("levels.required", levels.required, 0..=5, LEVEL);
    r.range("levels.quiz_max", levels.quiz_max, 0..=5, LEVEL);
    r.range("levels.justification_from", levels.justification_from, 0..=5, LEVEL);
    r.range("activities.complement_max_gap", policy.activities.complement_max_gap, 0..=5, LEVEL);
    let rec = &policy.recevabilite;
    r.range(
        "recevabilite.min_experience_years",
        rec.min_experience_years,
        0..=10,
        "Annexe 2 §III says one year",
    );
    r.range(
        "recevabilite.end_of_contract_window_years",
        rec.end_of_contract_window_years,
        0..=10,
        "Decision: one year after the contract's end",
    );
    r.range("recevabilite.window_years", rec.window_years, 1..=50, "art. 3 says 3 years");
    r.range("recevabilite.min_hours", rec.min_hours, 0..=100_000, "art. 3 says 1,607 hours");
    let obs = &policy.observation;
    r.range("observation.max_minutes", obs.max_minutes, 1..=24 * 60, "Annexe 2 §III says 2 hours");
    for (certificate, contacts) in &obs.min_contacts {
        r.range(&format!("observation.min_contacts.{certificate}"), *contacts, 1..=1_000, "Annexe 2 §III");
    }
    let carry = &policy.carry_over;
    r.range("carry_over.years_not_practising", carry.years_not_practising, 0..=50, "art. 3 says 3 years");
    r.range("carry_over.years_practising", carry.years_practising, 0..=50, "art. 3 says 5 years");
    r.range("accreditation.years", policy.accreditation.years, 1..=50, "Annexe 2 §IV says 2 years");
    if let Some(years) = policy.units.kept_years {
        r.range("units.kept_years", years, 1..=100, "leave it out to keep acquired units for life");
    }
    let funding = &policy.funding;
    r.range("funding.euros_per_hour", funding.euros_per_hour, 0..=100_000, "art. 6-2 says 100 €");
    r.range("funding.max_hours", funding.max_hours, 0..=1_000, "art. 6-2 says 3 hours");
    r.range(
        "funding.max_modulation_percent",
        funding.max_modulation_percent,
        0..=20,
        "art. 6-2: at most 20 %",
    );
    let max_modulation = funding.max_modulation_percent.clamp(0, 20);
    r.range(
        "funding.modulation_percent",
        funding.modulation_percent,
        -max_modulation..=max_modulation,
        "art. 6-2: within max_modulation_percent",
    );
    let com = &policy.commission;
    r.range("commission.salaries", com.salaries, 1..=100, "art. 5 says 2");
    r.range("commission.employeurs", com.employeurs, 1..=100, "art. 5 says 2");
    let quiz = &policy.quiz;
    r.range("quiz.minutes", quiz.minutes, 1..=24 * 60, "Annexe 2 §III says 30 minutes");
    r.range("quiz.max_questions", quiz.max_questions, 1..=1_000, "Decision");
    r.range("quiz.min_answers", quiz.min_answers, 1..=100, "Decision");
    r.range("quiz.pass_percent", quiz.pass_percent, 1..=100, "Decision");
    r.range("quiz.exposure_percent", quiz.exposure_percent, 1..=100, "Decision");
    r.range("quiz.writing.key_length_percent", quiz.writing.key_length_percent, 100..=1_000, "Decision");
    r.range("quiz.writing.near_duplicate_percent", quiz.writing.near_duplicate_percent, 1..=100, "Decision");
    r.range("quiz.writing.key_count_percent", quiz.writing.key_count_percent, 1..=100, "Decision");
    r.range("quiz.writing.key_rank_percent", quiz.writing.key_rank_percent, 1..=100, "Decision");
    r.range(
        "quiz.writing.key_longest_min_percent",
        quiz.writing.key_longest_min_percent,
        0..=100,
        "Decision",
    );
    r.range("quiz.writing.review_years", quiz.writing.review_years, 1..=20, "Decision");
    r.range("quiz.min_questions_per_item", quiz.min_questions_per_item, 0..=1_000, "Decision");
}

fn check(policy: &Policy, file: &SourceFile, library: &Library, out: &mut Diagnostics) {
    check_ranges(policy, &mut RangeCheck { file, out, certificate: None });
    let mut bad = |key: &str, field: &str, message: String, expected: &str, found: String| {
        out.push(
            Diagnostic::error(Code::InvalidValue, place_of(file, key), field, message)
                .expected(expected)
                .found(found),
        );
    };
    check_optional_parts(policy, library, &mut bad);
    check_references(policy, library, &mut bad);
}

/// Reports an invalid value of the policy: its key (to find its line), field, message, what was
/// expected and what was found.
type ReportBad<'a> = dyn FnMut(&str, &str, String, &str, String) + 'a;

/// Checks each optional part against the référentiel: its activity exists, its sub-activity or
/// task is marked optional there, and its items belong to the activity.
fn check_optional_parts(policy: &Policy, library: &Library, bad: &mut ReportBad<'_>) {
    for (i, o) in policy.activities.optional.iter().enumerate() {
        let field = format!("activities.optional[{i}]");
        let activity = library.referentiel(&o.certificate).and_then(|r| r.activity(&o.activity));
        let Some(activity) = activity else {
            bad(
                "activity",
                &format!("{field}.activity"),
                format!("certificate `{}` has no activity `{}`", o.certificate, o.activity),
                "a certificate id and one of its activity ids",
                format!("{} / {}", o.certificate, o.activity),
            );
            continue;
        };
        let sub_activity = activity.sub_activities.iter().find(|s| s.title == o.sub_activity);
        let optional = match (&o.task, sub_activity) {
            (None, Some(s)) => s.optional,
            (Some(task), Some(s)) => s.tasks.iter().any(|t| t.text == *task && (t.optional || s.optional)),
            (_, None) => false,
        };
        if !optional {
            let (key, what, found) = match &o.task {
                None => ("sub_activity", "an optional sub-activity", o.sub_activity.clone()),
                Some(task) => ("task", "an optional task of that sub-activity", task.clone()),
            };
            bad(
                key,
                &format!("{field}.{key}"),
                format!("`{found}` is not {what} of `{}`", o.activity),
                "a sub-activity or task marked optional in the référentiel",
                found,
            );
        }
        let listed: Vec<&str> =
            activity.knowledge.iter().flat_map(Knowledge::refs).map(|(_, x)| x.id.as_str()).collect();
        for item in o.items.iter().filter(|item| !listed.contains(&item.as_str())) {
            bad(
                "items",
                &format!("{field}.items"),
                format!("`{item}` is not an item of the activity `{}`", o.activity),
                "item ids of that activity",
                item.clone(),
            );
        }
    }
}

/// Checks the ids the policy names: a minimum number of contacts for every certificate and
/// none for an unknown one, the référentiel of the carry-over, and a modality for every category.
fn check_references(policy: &Policy, library: &Library, bad: &mut ReportBad<'_>) {
    for certificate in policy.observation.min_contacts.keys() {
        if library.referentiel(certificate).is_none_or(|r| r.kind != ReferentielKind::Certificat) {
            bad(
                certificate,
                "observation.min_contacts",
                format!("no certificate has the id `{certificate}`"),
                "certificate ids",
                certificate.clone(),
            );
        }
    }
    if library.referentiel(&policy.carry_over.referentiel).is_none() {
        bad(
            "referentiel",
            "carry_over.referentiel",
            format!("no référentiel has the id `{}`", policy.carry_over.referentiel),
            "a référentiel id",
            policy.carry_over.referentiel.clone(),
        );
    }
    check_modalities(policy, bad);
}

/// Checks that a modality evaluates every category, and only the modalities of required phases.
fn check_modalities(policy: &Policy, bad: &mut ReportBad<'_>) {
    for category in [Category::Transversal, Category::PartiellementSpecifique, Category::Specifique] {
        let assigned = policy.modalities.for_category(category);
        if assigned.is_empty() {
            bad(
                category.as_str(),
                &format!("modalities.{}", category.as_str()),
                "no modality evaluates this category".into(),
                "at least one of preuves, quiz, observation",
                "[]".into(),
            );
        }
        for m in assigned.iter().filter(|m| !policy.phases.requires(**m)) {
            bad(
                category.as_str(),
                &format!("modalities.{}", category.as_str()),
                format!(
                    "the {} evaluates this category but its phase is not required (phases.{m} = false)",
                    m.label()
                ),
                "modalities of required phases",
                m.to_string(),
            );
        }
    }
}

/// Every certificate has a minimum number of contacts, in `[observation.min_contacts]` or in
/// its own `[certificats.<id>.observation]`.
fn check_minimum_contacts(policy: &Policy, file: &SourceFile, library: &Library, out: &mut Diagnostics) {
    for r in library.certificates() {
        if !policy.for_certificate(&r.id).observation.min_contacts.contains_key(&r.id) {
            out.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    place_of(file, "[observation.min_contacts]"),
                    "observation.min_contacts",
                    format!("no minimum number of contacts for `{}`", r.id),
                )
                .expected("one entry per certificate")
                .found("none"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_median_of_contacts() {
        assert_eq!(Aggregate::Median.apply(&[3, 2, 4, 3]), Some(3));
        assert_eq!(Aggregate::Median.apply(&[2, 4]), Some(2));
        assert_eq!(Aggregate::Max.apply(&[2, 4]), Some(4));
        assert_eq!(Aggregate::Min.apply(&[]), None);
    }
}
