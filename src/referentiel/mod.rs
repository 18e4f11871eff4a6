//! Référentiels: the data files that describe each certificate (activities → optional
//! competences → tasks, knowledge in four kinds with a category, examples, units) and the
//! knowledge common to the CQPT.
//!
//! Reading goes in stages: [`crate::yaml`] parses a file into a tree with positions,
//! [`decode`] turns one file into the model while collecting its problems, and
//! [`library`] checks the files against each other.

pub mod completeness;
pub mod decode;
pub mod library;
pub mod model;
pub mod show;
pub mod units;

pub use library::{Library, Loaded, SCALES_FILE, load};
pub use model::{
    Activity, Autonomy, Category, Competence, Environment, Item, ItemKind, ItemRef, Knowledge, Referentiel,
    ReferentielKind, SavoirFaireGroup, SubActivity, Task,
};
pub use units::{Registration, Unit};
