//! Closed sets of names, declared once: [`closed_set!`] for the values a file may hold (routes,
//! contracts, statuses, modalities…) and [`code_set!`] for the stable codes of diagnostics,
//! findings and rejections.
//!
//! Each macro writes the enum with the whole of its derives, so that every set has the same
//! traits and its kebab-case names come from one place: the variant names. serde and strum both
//! turn a variant name into kebab-case; a test checks, for every set declared here, that both
//! give the same string for each variant.

/// Declares a closed set of values as an enum: the derives (serde, strum, ordering, hashing),
/// kebab-case names for both serde and strum, the list of every value in declaration order
/// (`ALL`) and the name of a value (`as_str`).
///
/// ```text
/// closed_set! {
///     /// The kind of a work contract.
///     pub enum Contract {
///         /// Contrat à durée indéterminée.
///         Cdi,
///         /// Contrat à durée déterminée.
///         Cdd,
///     }
/// }
/// ```
macro_rules! closed_set {
    // What both kinds of set share: the derives, strum's kebab-case names, `ALL` and `as_str`;
    // the kind adds its own derives and its serde attribute.
    (
        @declare [$($derive:path),*] #[$serde:meta]
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            ::serde::Serialize,
            ::strum::Display,
            ::strum::IntoStaticStr,
            ::strum::VariantArray,
            $($derive),*
        )]
        #[strum(serialize_all = "kebab-case")]
        #[$serde]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )*
        }

        impl $name {
            /// Every value, in declaration order: the order they are documented and reported in.
            pub const ALL: &'static [$name] = <$name as ::strum::VariantArray>::VARIANTS;

            /// The kebab-case name used in files and outputs.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($body:tt)* }
    ) => {
        $crate::closed_set::closed_set! {
            @declare [::serde::Deserialize, ::strum::EnumString, ::strum::VariantNames]
            #[serde(rename_all = "kebab-case")]
            $(#[$meta])*
            $vis enum $name { $($body)* }
        }
    };
}

/// Declares a set of stable codes as an enum: the kebab-case string of each code is derived from
/// its variant name (strum) and serde serialises through that same string, so adding a code is
/// adding a variant. Beside `ALL` and `as_str`, `description` gives the doc comment of the
/// variant: what the code means.
macro_rules! code_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($body:tt)* }
    ) => {
        $crate::closed_set::closed_set! {
            @declare [::strum::EnumMessage]
            #[serde(into = "&'static str")]
            $(#[$meta])*
            $vis enum $name { $($body)* }
        }

        impl $name {
            /// What the code means: the doc comment of its variant.
            pub fn description(self) -> &'static str {
                ::strum::EnumMessage::get_documentation(&self).unwrap_or_default()
            }
        }
    };
}

pub(crate) use closed_set;
pub(crate) use code_set;

#[cfg(test)]
mod tests {
    use crate::dossier::{
        AccreditationEvent, ActivityStatus, AppealGround, College, Contract, DocumentKind, PreuveKind,
        Proposal, Route,
    };
    use crate::phases::{ItemStatus, Payer};
    use crate::policy::{Aggregate, Modality, PassRule, QuizScoring};
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;
    use std::path::Path;
    use std::str::FromStr;
    use strum::{VariantArray, VariantNames};

    /// Checks that serde and strum agree on every name of the closed set `T`, both ways, and
    /// returns the set's name.
    fn serde_agrees_with_strum<T>() -> &'static str
    where
        T: VariantArray + VariantNames + Serialize + DeserializeOwned + FromStr + Into<&'static str>,
        T: Copy + PartialEq + Debug + std::fmt::Display,
        <T as FromStr>::Err: Debug,
    {
        assert_eq!(<T as VariantArray>::VARIANTS.len(), <T as VariantNames>::VARIANTS.len());
        for (&value, &name) in <T as VariantArray>::VARIANTS.iter().zip(<T as VariantNames>::VARIANTS) {
            let strum: &'static str = value.into();
            assert_eq!(strum, name);
            assert_eq!(value.to_string(), strum);
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::Value::from(strum), "{value:?}");
            assert_eq!(serde_json::from_value::<T>(serde_json::Value::from(strum)).unwrap(), value);
            assert_eq!(strum.parse::<T>().unwrap(), value);
        }
        std::any::type_name::<T>().rsplit("::").next().unwrap()
    }

    /// The names of the enums declared with `closed_set!` in the crate's sources.
    fn declared_sets(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                declared_sets(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("closed_set.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (_, rest) in text.match_indices("closed_set! {").map(|(i, _)| text.split_at(i)) {
                    let after_enum = rest.split_once("enum ").unwrap().1;
                    let name = after_enum.split(|c: char| !c.is_alphanumeric()).next().unwrap();
                    found.push(name.to_string());
                }
            }
        }
    }

    #[test]
    fn every_closed_set_has_the_same_names_in_serde_and_strum() {
        let mut checked = vec![
            serde_agrees_with_strum::<Route>(),
            serde_agrees_with_strum::<Contract>(),
            serde_agrees_with_strum::<DocumentKind>(),
            serde_agrees_with_strum::<College>(),
            serde_agrees_with_strum::<AppealGround>(),
            serde_agrees_with_strum::<AccreditationEvent>(),
            serde_agrees_with_strum::<PreuveKind>(),
            serde_agrees_with_strum::<ActivityStatus>(),
            serde_agrees_with_strum::<Proposal>(),
            serde_agrees_with_strum::<Modality>(),
            serde_agrees_with_strum::<Aggregate>(),
            serde_agrees_with_strum::<QuizScoring>(),
            serde_agrees_with_strum::<PassRule>(),
            serde_agrees_with_strum::<Payer>(),
            serde_agrees_with_strum::<ItemStatus>(),
            serde_agrees_with_strum::<crate::accounts::Role>(),
        ];
        let mut declared = Vec::new();
        declared_sets(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut declared);
        checked.sort_unstable();
        declared.sort_unstable();
        assert_eq!(checked, declared, "every closed_set! is checked here");
    }
}
