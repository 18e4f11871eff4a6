//! The validated model of a référentiel: activities → sub-activities → tasks, and the
//! knowledge items in four kinds, each with its category.

use crate::diag::Location;
pub use crate::scale::ItemKind;
use serde::{Serialize, Serializer};

/// The category of an item (a colour legend in annexe 3, lost in the text; set by hand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Common to the trade (green in annexe 3).
    Transversal,
    /// Partly specific (blue).
    PartiellementSpecifique,
    /// Specific to one certificate (red).
    Specifique,
}

impl Category {
    /// The names used in the data files.
    pub const CHOICES: &'static [(&'static str, Category)] = &[
        ("transversal", Category::Transversal),
        ("partiellement-specifique", Category::PartiellementSpecifique),
        ("specifique", Category::Specifique),
    ];

    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Transversal => "transversal",
            Category::PartiellementSpecifique => "partiellement-specifique",
            Category::Specifique => "specifique",
        }
    }

    /// The French name.
    pub fn label(self) -> &'static str {
        match self {
            Category::Transversal => "transversal",
            Category::PartiellementSpecifique => "partiellement spécifique",
            Category::Specifique => "spécifique",
        }
    }
}

/// Whether a référentiel describes a certificate or the knowledge common to several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferentielKind {
    /// A certificate's activities and knowledge.
    Certificat,
    /// Knowledge common to the certificates (annexe 3).
    SavoirsCommuns,
}

impl ReferentielKind {
    /// The names used in the data files.
    pub const CHOICES: &'static [(&'static str, ReferentielKind)] =
        &[("certificat", ReferentielKind::Certificat), ("savoirs-communs", ReferentielKind::SavoirsCommuns)];

    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferentielKind::Certificat => "certificat",
            ReferentielKind::SavoirsCommuns => "savoirs-communs",
        }
    }
}

/// A reference to a knowledge item by id, with the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRef {
    /// The id referred to.
    pub id: String,
    /// Where the reference is written.
    pub location: Location,
}

impl Serialize for ItemRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

/// A knowledge item, defined once and referenced from every place it appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Stable id (`c-…`, `sp-…`, `se-…`, `sf-…`).
    pub id: String,
    /// Its kind.
    pub kind: ItemKind,
    /// Its category.
    pub category: Category,
    /// Its wording.
    pub label: String,
    /// Other wordings of the same item in the text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub wordings: Vec<String>,
    /// A correction or a choice made in transcribing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The id of the référentiel whose file defines it.
    pub defined_in: String,
    /// Where it is defined.
    #[serde(skip)]
    pub location: Location,
}

/// A task of a sub-activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// Its wording.
    pub text: String,
    /// In italics in the text: not common to all organisations.
    pub optional: bool,
    /// A correction or a remark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A sub-activity (an underlined heading in the text) and its tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubActivity {
    /// Its heading.
    pub title: String,
    /// A remark of the text or of the transcription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Not common to all organisations.
    pub optional: bool,
    /// Its tasks, in the order of the text.
    pub tasks: Vec<Task>,
}

/// The knowledge of an activity or environment, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Knowledge {
    /// The page of the annex that lists it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Connaissances.
    pub connaissances: Vec<ItemRef>,
    /// Savoirs procéduraux.
    pub savoirs_proceduraux: Vec<ItemRef>,
    /// Savoirs expérientiels.
    pub savoirs_experientiels: Vec<ItemRef>,
    /// Savoir-faire.
    pub savoir_faire: Vec<ItemRef>,
}

impl Knowledge {
    /// The list of one kind.
    pub fn of_kind(&self, kind: ItemKind) -> &[ItemRef] {
        match kind {
            ItemKind::Connaissance => &self.connaissances,
            ItemKind::SavoirProcedural => &self.savoirs_proceduraux,
            ItemKind::SavoirExperientiel => &self.savoirs_experientiels,
            ItemKind::SavoirFaire => &self.savoir_faire,
        }
    }

    /// The list of one kind, to fill it.
    pub fn of_kind_mut(&mut self, kind: ItemKind) -> &mut Vec<ItemRef> {
        match kind {
            ItemKind::Connaissance => &mut self.connaissances,
            ItemKind::SavoirProcedural => &mut self.savoirs_proceduraux,
            ItemKind::SavoirExperientiel => &mut self.savoirs_experientiels,
            ItemKind::SavoirFaire => &mut self.savoir_faire,
        }
    }

    /// Every reference with the kind of the list it sits in.
    pub fn refs(&self) -> impl Iterator<Item = (ItemKind, &ItemRef)> {
        ItemKind::ALL.into_iter().flat_map(move |k| self.of_kind(k).iter().map(move |r| (k, r)))
    }

    /// Whether no list holds anything.
    pub fn is_empty(&self) -> bool {
        self.refs().next().is_none()
    }
}

/// An activity of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// Stable id, unique across all référentiels.
    pub id: String,
    /// Its wording.
    pub title: String,
    /// Part of the cœur de métier: its knowledge is listed and evaluated.
    pub core: bool,
    /// In italics: not common to all organisations.
    pub optional: bool,
    /// Page of the annex detailing its tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Its sub-activities.
    pub sub_activities: Vec<SubActivity>,
    /// Its knowledge, for a core activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<Knowledge>,
    /// Where it is defined.
    #[serde(skip)]
    pub location: Location,
}

/// An environment of the savoirs communs (technologique, réglementaire, commercial…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Environment {
    /// Stable id within its référentiel.
    pub id: String,
    /// Its heading.
    pub title: String,
    /// Its knowledge (no savoir-faire: those are grouped separately).
    pub knowledge: Knowledge,
    /// Where it is defined.
    #[serde(skip)]
    pub location: Location,
}

/// A group of savoir-faire of the savoirs communs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavoirFaireGroup {
    /// Its heading.
    pub title: String,
    /// Page of the annex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Its savoir-faire.
    pub savoir_faire: Vec<ItemRef>,
}

/// Time to autonomy in the job, as the text gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Autonomy {
    /// The sentence of the text.
    pub text: String,
    /// Months of practice for a first autonomy (one number or a range).
    pub first_months: Vec<u32>,
    /// Months of practice for a full autonomy (one number or a range).
    pub full_months: Vec<u32>,
}

/// A référentiel: a certificate, or the knowledge common to several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referentiel {
    /// Stable id (`distance`, `point-de-distribution`, `savoirs-communs`).
    pub id: String,
    /// Certificate or savoirs communs.
    pub kind: ReferentielKind,
    /// Its title.
    pub title: String,
    /// Where the text comes from.
    pub source: String,
    /// The mission of the job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mission: Option<String>,
    /// The context of the job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Time to autonomy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autonomy: Option<Autonomy>,
    /// Activities (certificates).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Activity>,
    /// Environments (savoirs communs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Environment>,
    /// Savoir-faire groups (savoirs communs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub savoir_faire_groups: Vec<SavoirFaireGroup>,
    /// The file it was read from.
    #[serde(skip)]
    pub file: String,
}

impl Referentiel {
    /// Every item reference of the référentiel, with the kind of its list.
    pub fn item_refs(&self) -> impl Iterator<Item = (ItemKind, &ItemRef)> {
        let activities =
            self.activities.iter().filter_map(|a| a.knowledge.as_ref()).flat_map(Knowledge::refs);
        let environments = self.environments.iter().flat_map(|e| e.knowledge.refs());
        let groups = self
            .savoir_faire_groups
            .iter()
            .flat_map(|g| g.savoir_faire.iter().map(|r| (ItemKind::SavoirFaire, r)));
        activities.chain(environments).chain(groups)
    }

    /// The core activities.
    pub fn core_activities(&self) -> impl Iterator<Item = &Activity> {
        self.activities.iter().filter(|a| a.core)
    }

    /// The activity with this id.
    pub fn activity(&self, id: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.id == id)
    }
}
