//! A candidate's dossier, validated: what each phase recorded, who recorded it and when.

use super::values::{AccreditationEvent, AppealGround, College, Contract, DocumentKind, Route};
use crate::closed_set::closed_set;
use crate::date::{Date, TimeOfDay};
use crate::diag::Location;
use crate::scale::Level;
use serde::Serialize;

/// The candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// File number.
    pub id: String,
    /// Family name.
    pub family_name: String,
    /// Given name.
    pub given_name: String,
    /// Date of birth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
}

/// The contrat de professionnalisation a young person or job seeker is finishing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfessionalisationContract {
    /// The certificate it aimed at.
    pub target: String,
    /// Its end.
    pub end: Date,
}

/// A period of work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Employment {
    /// The employer.
    pub employer: String,
    /// The employer is under the CCN des télécommunications (art. 1).
    pub in_branch: bool,
    /// The kind of contract.
    pub contract: Contract,
    /// The job held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    /// Directly related to the CQPT aimed at (art. 3).
    pub related: bool,
    /// First day.
    pub start: Date,
    /// Last day; ongoing when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    /// Hours of effective work in the period.
    pub hours: u32,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// A document sent to AUVICOM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Its kind.
    pub kind: DocumentKind,
    /// Its date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Its reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The application to AUVICOM (phase 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    /// Received by AUVICOM.
    pub submitted: Date,
    /// AUVICOM's decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided: Option<Date>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// A CQPT the candidate already holds (art. 3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CqptHeld {
    /// Its certificate id.
    pub certificate: String,
    /// Awarded on.
    pub awarded: Date,
    /// Practised one of the two jobs daily since.
    pub practising: bool,
    /// The savoirs communs validated for it and their levels, as its synthesis records them.
    pub validated: Vec<ValidatedItem>,
    /// The reference of its synthesis, where the levels were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthese_reference: Option<String>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// A unit (bloc de compétences) of the certificate validated by an earlier decision: kept for
/// the candidate (for life, or for the period of the policy's `[units]`) and counted in this
/// attempt, which then evaluates only the other units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AcquiredUnit {
    /// The unit id, one of the certificate's units.
    pub unit: String,
    /// The date of the decision that validated it.
    pub on: Date,
    /// The reference of that decision (its dossier or minutes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// The convention between the company and the evaluating body that organises the evaluation
/// (art. 6-2: "une convention précisant les modalités d'organisation de l'évaluation est établie
/// entre l'entreprise et l'organisme évaluateur").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Convention {
    /// Signed on.
    pub signed: Date,
    /// Its reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// The company tutor, to whom the recevable file goes (art. 6-1: "et, le cas échéant, au tuteur
/// dans l'entreprise").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tutor {
    /// Name.
    pub name: String,
    /// The day the recevable file was sent to the tutor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transmitted: Option<Date>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// An item validated for a CQPT already held, at the level reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidatedItem {
    /// The item id.
    pub item: String,
    /// The level reached.
    pub level: Level,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// One event of an evaluating body's accreditation (Annexe 2 §IV).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccreditationRecord {
    /// Granted, renewed or withdrawn.
    pub event: AccreditationEvent,
    /// Its date.
    pub on: Date,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

impl EvaluatingBody {
    /// The date of the last accreditation or renewal.
    pub fn accredited_on(&self) -> Option<Date> {
        self.accreditation.iter().filter(|r| r.event != AccreditationEvent::Withdrawn).map(|r| r.on).max()
    }
}

/// The evaluating body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluatingBody {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its accreditation by the CPNE: granted, renewed, withdrawn, in date order.
    pub accreditation: Vec<AccreditationRecord>,
    /// It trained the candidate.
    pub trained_candidate: bool,
    /// The default evaluator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluator: Option<String>,
    /// Its evaluators for this candidate (the default evaluator included): the only people whose
    /// levels count.
    pub evaluators: Vec<String>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// A person who vouches for the candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Referee {
    /// Name.
    pub name: String,
    /// Role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// One level given to one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The item id.
    pub item: String,
    /// The level.
    pub level: Level,
    /// The evaluator's justification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Who gave it.
    pub by: String,
    /// When.
    pub on: Date,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

closed_set! {
    /// The kind of a piece of evidence.
    pub enum PreuveKind {
        /// A written description.
        Description,
        /// A document.
        Document,
        /// A referee's testimony.
        Temoignage,
    }
}

/// A piece of the dossier de preuves (phase 2A).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preuve {
    /// Its id in the dossier.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its kind.
    pub kind: PreuveKind,
    /// The referee, for a testimony.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referee: Option<Referee>,
    /// Levels the evaluator drew from it.
    pub assessments: Vec<Assessment>,
}

/// An answer of a quiz, as the candidate gave it and as it was marked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedAnswer {
    /// The question's number in the sitting.
    pub number: u32,
    /// The bank's question id.
    pub question: String,
    /// The letters given, as given.
    pub given: String,
    /// When it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<TimeOfDay>,
    /// Marked right.
    pub correct: bool,
    /// Given after the time limit.
    pub late: bool,
}

/// Quiz levels (phase 0 or 2B).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuizResult {
    /// The sitting id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sitting: Option<String>,
    /// The seed the sitting was drawn with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Start time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<TimeOfDay>,
    /// End time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<TimeOfDay>,
    /// Every answer, as given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<RecordedAnswer>,
    /// Date of the sitting.
    pub date: Date,
    /// Who ran it.
    pub by: String,
    /// Levels per item.
    pub levels: Vec<Assessment>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// One contact observed (phase 2C).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    /// Its number.
    pub number: u32,
    /// When it started, as the observer noted it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<TimeOfDay>,
    /// When it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<TimeOfDay>,
    /// Levels observed.
    pub assessments: Vec<Assessment>,
    /// The path of its number in the file.
    #[serde(skip)]
    pub field: String,
    /// Where its number is written.
    #[serde(skip)]
    pub location: Location,
}

/// The interview that follows the observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interview {
    /// It took place.
    pub done: bool,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// The interview with the candidate right after the observation, as its own record (Annexe 2
/// §III, phase 2C, NB: "un entretien sur le déroulement de l'évaluation sera mené avec le candidat
/// dès la fin de la phase 2C. Il permettra, le cas échéant, de compléter la séquence").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterviewRecord {
    /// Date.
    pub date: Date,
    /// The evaluator who led it.
    pub by: String,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Contacts observed afterwards to complete the sequence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// The observation in a real work situation (phase 2C).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// Date.
    pub date: Date,
    /// Start time.
    pub start: TimeOfDay,
    /// End time.
    pub end: TimeOfDay,
    /// The observer.
    pub by: String,
    /// The internal referee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referee: Option<Referee>,
    /// The internal referee's remarks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referee_remarks: Option<String>,
    /// The contacts.
    pub contacts: Vec<Contact>,
    /// The interview after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interview: Option<Interview>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
    /// Where its end time is written.
    #[serde(skip)]
    pub end_location: Location,
}

impl Observation {
    /// Its length in minutes.
    pub fn minutes(&self) -> u32 {
        u32::from(self.end.minutes().saturating_sub(self.start.minutes()))
    }
}

closed_set! {
    /// Status of an activity in the synthesis.
    pub enum ActivityStatus {
        /// Every core item reaches the required level.
        Acquis,
        /// A complementary evaluation could close the gap.
        #[strum(serialize = "a-completer")]
        ACompleter,
        /// Otherwise.
        NonAcquis,
    }
}

impl ActivityStatus {
    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            ActivityStatus::Acquis => "acquis",
            ActivityStatus::ACompleter => "à compléter",
            ActivityStatus::NonAcquis => "non acquis",
        }
    }
}

closed_set! {
    /// The proposal to the CPNE, and the commission's decision.
    pub enum Proposal {
        /// Award the certificate.
        Attribution,
        /// A complementary evaluation first.
        EvaluationComplementaire,
        /// Do not award.
        NonAttribution,
        /// Award some units (blocs de compétences) of a certificate assessed unit by unit, not
        /// the whole: validation partielle, in France Compétences' words.
        ValidationPartielle,
    }
}

impl Proposal {
    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            Proposal::Attribution => "attribution",
            Proposal::EvaluationComplementaire => "évaluation complémentaire",
            Proposal::NonAttribution => "non-attribution",
            Proposal::ValidationPartielle => "validation partielle",
        }
    }
}

/// What an override changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "target", rename_all = "kebab-case")]
pub enum OverrideTarget {
    /// The level of an item.
    Item {
        /// The item id.
        item: String,
        /// The new level.
        level: Level,
    },
    /// The status of an activity.
    Activity {
        /// The activity id.
        activity: String,
        /// The new status.
        status: ActivityStatus,
    },
    /// The proposal.
    Proposal {
        /// The new proposal.
        proposal: Proposal,
    },
}

/// An evaluator's override of a computed result, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Override {
    /// What it changes.
    #[serde(flatten)]
    pub target: OverrideTarget,
    /// Why.
    pub reason: String,
    /// Who.
    pub by: String,
    /// When.
    pub on: Date,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// The synthesis record (phase 3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyntheseRecord {
    /// Date.
    pub date: Date,
    /// Evaluator.
    pub by: String,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// A complementary evaluation round, after a proposal of "évaluation complémentaire" (Annexe 2
/// §III, phase 3: "ce qui devra faire l'objet d'une évaluation complémentaire"): the items
/// evaluated again, their new levels, and a new synthesis; the first one stays as it was.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplementRound {
    /// The items evaluated again.
    pub items: Vec<String>,
    /// The new levels, each with the modality that gave it.
    pub assessments: Vec<(crate::policy::Modality, Assessment)>,
    /// The new synthesis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthese: Option<SyntheseRecord>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// A member of the attribution commission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// Name.
    pub name: String,
    /// Its college.
    pub college: College,
    /// The member trained the candidate.
    pub trained_candidate: bool,
}

/// An appeal against the decision (art. 5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appeal {
    /// Filed on.
    pub filed: Date,
    /// Its ground.
    pub ground: AppealGround,
    /// Details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

/// The commission's decision (phase 4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Date.
    pub date: Date,
    /// Members present.
    pub members: Vec<Member>,
    /// The decision.
    pub outcome: Proposal,
    /// The units (blocs de compétences) the decision validates, for a certificate assessed
    /// unit by unit: those of a validation partielle, or every unit not already acquired.
    pub units: Vec<String>,
    /// An appeal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appeal: Option<Appeal>,
    /// Where it is written.
    #[serde(skip)]
    pub location: Location,
}

/// A candidate's dossier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dossier {
    /// The file it was read from.
    #[serde(skip)]
    pub file: String,
    /// The candidate.
    pub candidate: Candidate,
    /// The certificate aimed at.
    pub certificate: String,
    /// The access route.
    pub route: Route,
    /// A priority DIF.
    pub priority_dif: bool,
    /// The contrat de professionnalisation ending, for that route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub professionalisation_contract: Option<ProfessionalisationContract>,
    /// Periods of work.
    pub employment: Vec<Employment>,
    /// Documents sent to AUVICOM.
    pub documents: Vec<Document>,
    /// The application.
    pub application: Application,
    /// A CQPT already held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cqpt_held: Option<CqptHeld>,
    /// Units of this certificate acquired in an earlier attempt, kept for this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acquired_units: Vec<AcquiredUnit>,
    /// The evaluating body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluating_body: Option<EvaluatingBody>,
    /// The convention between the company and the evaluating body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub convention: Option<Convention>,
    /// The company tutor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tutor: Option<Tutor>,
    /// Hours of evaluation billed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_hours: Option<f64>,
    /// Phase 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prediagnostic: Option<QuizResult>,
    /// Phase 2A.
    pub preuves: Vec<Preuve>,
    /// Phase 2B.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiz: Option<QuizResult>,
    /// Phase 2C.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observation: Option<Observation>,
    /// The interview after phase 2C, which may complete the sequence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interview: Option<InterviewRecord>,
    /// Overrides.
    pub overrides: Vec<Override>,
    /// Phase 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthese: Option<SyntheseRecord>,
    /// A complementary evaluation round after the synthesis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complement: Option<ComplementRound>,
    /// Phase 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

impl Dossier {
    /// Whether any phase-2 evaluation is recorded.
    pub fn has_evaluation(&self) -> bool {
        !self.preuves.is_empty() || self.quiz.is_some() || self.observation.is_some()
    }

    /// Every phase-2 assessment with its modality.
    pub fn assessments(&self) -> impl Iterator<Item = (crate::policy::Modality, &Assessment)> {
        use crate::policy::Modality;
        let preuves = self.preuves.iter().flat_map(|p| &p.assessments).map(|a| (Modality::Preuves, a));
        let quiz = self.quiz.iter().flat_map(|q| &q.levels).map(|a| (Modality::Quiz, a));
        let observation =
            self.observed_contacts().flat_map(|c| &c.assessments).map(|a| (Modality::Observation, a));
        preuves.chain(quiz).chain(observation)
    }

    /// Every assessment of the evaluating body: phase 2's, then the complementary round's.
    pub fn all_assessments(&self) -> impl Iterator<Item = &Assessment> {
        let round = self.complement.iter().flat_map(|c| &c.assessments).map(|(_, a)| a);
        self.assessments().map(|(_, a)| a).chain(round)
    }

    /// Every contact observed in phase 2C: the observation's, then those of the interview that
    /// completed the sequence.
    pub fn observed_contacts(&self) -> impl Iterator<Item = &Contact> {
        let observed = self.observation.iter().flat_map(|o| &o.contacts);
        observed.chain(self.interview.iter().flat_map(|i| &i.contacts))
    }

    /// Whether the interview that follows the observation is recorded.
    pub fn interviewed(&self) -> bool {
        self.interview.is_some()
            || self.observation.as_ref().and_then(|o| o.interview.as_ref()).is_some_and(|i| i.done)
    }

    /// The latest date the dossier records: the default evaluation date, so that a dossier is
    /// judged as of its own last entry and never as of the clock.
    pub fn latest_date(&self) -> Date {
        // The latest of the dates below, folded as they come (no list of them).
        let a = self.application.decided.into_iter();
        let a = a.chain(self.employment.iter().flat_map(|e| std::iter::once(e.start).chain(e.end)));
        let a = a.chain(self.assessments().map(|(_, a)| a.on));
        let a = a.chain(self.overrides.iter().map(|o| o.on));
        let a = a.chain(self.interview.as_ref().map(|i| i.date));
        let a = a.chain(self.synthese.as_ref().map(|s| s.date));
        let round = self.complement.iter();
        let a = a.chain(round.clone().flat_map(|c| c.assessments.iter().map(|(_, a)| a.on)));
        let a = a.chain(round.filter_map(|c| c.synthese.as_ref().map(|s| s.date)));
        let a = a.chain(self.decision.as_ref().map(|d| d.date));
        a.fold(self.application.submitted, Date::max)
    }

    /// The candidate's name, given name first.
    pub fn candidate_name(&self) -> String {
        format!("{} {}", self.candidate.given_name, self.candidate.family_name)
    }
}
