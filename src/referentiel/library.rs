//! The référentiel library: every référentiel file and the scales, loaded together and checked
//! across files (duplicate ids, dangling references, kinds, unused items).

use super::decode::{DecodedFile, decode_referentiel};
use super::model::{Item, ItemKind, ItemRef, Referentiel, ReferentielKind};
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::scale::{Scales, decode_scales};
use crate::source::SourceFile;
use crate::yaml;
use crate::yaml::{Node, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The name of the scales file in a référentiels folder.
pub const SCALES_FILE: &str = "echelles.yaml";

/// Every référentiel, every item and the two scales, validated.
#[derive(Debug, Clone)]
pub struct Library {
    /// The mastery scales.
    pub scales: Scales,
    /// The référentiels, in file-name order.
    pub referentiels: Vec<Referentiel>,
    /// Every knowledge item, by id.
    pub items: BTreeMap<String, Item>,
    /// The same items in a hash map, for [`Library::item`]: ids share long prefixes, which a
    /// hash settles faster than the sorted map's comparisons. Built with the library.
    index: rustc_hash::FxHashMap<String, Item>,
}

impl Library {
    /// The référentiel with this id.
    pub fn referentiel(&self, id: &str) -> Option<&Referentiel> {
        self.referentiels.iter().find(|r| r.id == id)
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.index.get(id)
    }

    /// The certificates (référentiels of kind `certificat`).
    pub fn certificates(&self) -> impl Iterator<Item = &Referentiel> {
        self.referentiels.iter().filter(|r| r.kind == ReferentielKind::Certificat)
    }

    /// Reads a certificate id at `node`; an id that names no certificate is reported with the
    /// ids that do.
    pub fn read_certificate(&self, d: &mut yaml::Decoder, node: &Node, field: &str) -> Option<String> {
        let id = d.id(node, field)?;
        if self.referentiel(&id).is_some_and(|r| r.kind == ReferentielKind::Certificat) {
            return Some(id);
        }
        let known: Vec<&str> = self.certificates().map(|r| r.id.as_str()).collect();
        let diag = Diagnostic::error(
            Code::DanglingReference,
            d.location(node),
            field,
            format!("no certificate has the id `{id}`"),
        )
        .expected(format!("one of {}", known.join(", ")))
        .found(format!("`{id}`"));
        d.report(diag);
        None
    }

    /// The ids of every référentiel, for messages.
    pub fn ids(&self) -> Vec<&str> {
        self.referentiels.iter().map(|r| r.id.as_str()).collect()
    }
}

/// A library and the warnings found while loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The library.
    pub library: Library,
    /// Warnings (nothing that stops its use).
    pub warnings: Diagnostics,
}

/// Loads and validates the files of a référentiels folder (`echelles.yaml` and every other
/// `.yaml` file). Every problem of every file is returned at once.
pub fn load(files: &[SourceFile]) -> Result<Loaded, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut scales: Option<Scales> = None;
    let mut decoded: Vec<DecodedFile> = Vec::new();
    // Ids that files define but that could not be read into items: references to them are
    // not reported as dangling, so one broken file does not bury the real problems.
    let mut declared: HashSet<String> = HashSet::new();
    let mut unreadable_scales = false;
    for file in files {
        let is_scales = file.file_name() == SCALES_FILE;
        let root = match yaml::parse(&file.name, &file.text) {
            Ok(root) => root,
            Err(diag) => {
                diagnostics.push(*diag);
                declared.extend(scan_ids(&file.text));
                unreadable_scales |= is_scales;
                continue;
            }
        };
        if is_scales {
            scales = Some(decode_scales(&file.name, &root, &mut diagnostics));
        } else {
            declared.extend(declared_item_ids(&root));
            if let Some(d) = decode_referentiel(&file.name, &root, &mut diagnostics) {
                decoded.push(d);
            }
        }
    }
    if scales.is_none() && !unreadable_scales {
        let folder = files
            .first()
            .map_or_else(|| "referentiels".to_string(), super::super::source::SourceFile::folder);
        diagnostics.push(
            Diagnostic::error(
                Code::MissingField,
                Location { file: format!("{folder}/{SCALES_FILE}"), line: 0, column: 0 },
                "",
                "no scales file",
            )
            .expected(format!("a file `{SCALES_FILE}` holding the two 0–5 scales"))
            .found("nothing"),
        );
    }
    if decoded.is_empty() && !diagnostics.has_errors() {
        diagnostics.push(
            Diagnostic::error(
                Code::MissingField,
                Location {
                    file: files.first().map(super::super::source::SourceFile::folder).unwrap_or_default(),
                    line: 0,
                    column: 0,
                },
                "",
                "no référentiel file",
            )
            .expected("at least one référentiel `.yaml` file")
            .found("nothing"),
        );
    }
    let library = link(decoded, scales.unwrap_or_default(), &declared, &mut diagnostics);
    diagnostics.sort();
    if diagnostics.has_errors() { Err(diagnostics) } else { Ok(Loaded { library, warnings: diagnostics }) }
}

/// Checks the files against each other and builds the library.
fn link(
    decoded: Vec<DecodedFile>,
    scales: Scales,
    declared: &HashSet<String>,
    diagnostics: &mut Diagnostics,
) -> Library {
    let mut items: BTreeMap<String, Item> = BTreeMap::new();
    let mut referentiels = Vec::new();
    let mut referentiel_ids: HashMap<String, Location> = HashMap::new();
    let mut activity_ids: HashMap<String, Location> = HashMap::new();
    for file in decoded {
        let r = file.referentiel;
        let here = Location { file: r.file.clone(), line: 1, column: 1 };
        check_unique(diagnostics, &mut referentiel_ids, &r.id, &here, "id", "référentiel");
        for (i, a) in r.activities.iter().enumerate() {
            check_unique(
                diagnostics,
                &mut activity_ids,
                &a.id,
                &a.location,
                &format!("activities[{i}].id"),
                "activity",
            );
        }
        let mut environment_ids = HashMap::new();
        for (i, e) in r.environments.iter().enumerate() {
            check_unique(
                diagnostics,
                &mut environment_ids,
                &e.id,
                &e.location,
                &format!("environments[{i}].id"),
                "environment",
            );
        }
        for (i, item) in file.items.into_iter().enumerate() {
            if let Some(first) = items.get(&item.id) {
                diagnostics.push(duplicate(
                    &item.id,
                    &item.location,
                    &first.location,
                    &format!("items[{i}].id"),
                    "item",
                ));
            } else {
                items.insert(item.id.clone(), item);
            }
        }
        referentiels.push(r);
    }
    let mut used: HashMap<&str, usize> = HashMap::new();
    for r in &referentiels {
        check_references(r, &items, declared, diagnostics);
        super::units::check_units(r, diagnostics);
        for (_, reference) in r.item_refs() {
            *used.entry(reference.id.as_str()).or_default() += 1;
        }
    }
    for item in items.values() {
        if !used.contains_key(item.id.as_str()) {
            diagnostics.push(
                Diagnostic::warning(
                    Code::UnusedItem,
                    item.location.clone(),
                    "items",
                    format!("the item `{}` is defined but listed nowhere", item.id),
                )
                .expected("a reference from an activity, environment or savoir-faire group")
                .found("none"),
            );
        }
    }
    let index = items.iter().map(|(id, item)| (id.clone(), item.clone())).collect();
    Library { scales, referentiels, items, index }
}

fn check_unique(
    diagnostics: &mut Diagnostics,
    seen: &mut HashMap<String, Location>,
    id: &str,
    location: &Location,
    field: &str,
    what: &str,
) {
    if let Some(first) = seen.get(id) {
        diagnostics.push(duplicate(id, location, first, field, what));
    } else {
        seen.insert(id.to_string(), location.clone());
    }
}

fn duplicate(id: &str, location: &Location, first: &Location, field: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateId,
        location.clone(),
        field,
        format!("the {what} id `{id}` is defined twice"),
    )
    .expected(format!("an id not used since {first}"))
    .found(format!("`{id}`"))
}

/// Every reference resolves, to an item of the kind of its list, once per list.
fn check_references(
    r: &Referentiel,
    items: &BTreeMap<String, Item>,
    declared: &HashSet<String>,
    diagnostics: &mut Diagnostics,
) {
    let mut lists: Vec<(String, ItemKind, &[ItemRef])> = Vec::new();
    for (at, k) in r.written_knowledge() {
        for kind in ItemKind::ALL {
            lists.push((format!("{at}.{}", kind.list_key()), kind, k.of_kind(kind)));
        }
    }
    for (i, g) in r.savoir_faire_groups.iter().enumerate() {
        lists.push((
            format!("savoir_faire_groups[{i}].savoir_faire"),
            ItemKind::SavoirFaire,
            &g.savoir_faire,
        ));
    }
    for (field, kind, refs) in lists {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (j, reference) in refs.iter().enumerate() {
            let field = format!("{field}[{j}]");
            if let Some(first) = seen.insert(reference.id.as_str(), j) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateReference,
                        reference.location.clone(),
                        field.clone(),
                        format!("`{}` is listed twice in this list", reference.id),
                    )
                    .expected(format!("each item once (already at index {first})"))
                    .found(format!("`{}`", reference.id)),
                );
            }
            match items.get(&reference.id) {
                None if declared.contains(&reference.id) => {}
                None => {
                    let d = Diagnostic::error(
                        Code::DanglingReference,
                        reference.location.clone(),
                        field,
                        format!("no item has the id `{}`", reference.id),
                    )
                    .expected(format!("the id of a {} defined in an `items:` list", kind.as_str()))
                    .found(format!("`{}`", reference.id))
                    .help(crate::suggest::did_you_mean(&reference.id, items.keys().map(String::as_str)));
                    diagnostics.push(d);
                }
                Some(item) if item.kind != kind => diagnostics.push(
                    Diagnostic::error(
                        Code::KindMismatch,
                        reference.location.clone(),
                        field,
                        format!(
                            "`{}` is a {}, listed under {}",
                            item.id,
                            item.kind.as_str(),
                            kind.list_key()
                        ),
                    )
                    .expected(format!("a {}", kind.as_str()))
                    .found(format!("a {}", item.kind.as_str())),
                ),
                Some(_) => {}
            }
        }
    }
}

/// The ids written under `items:` of a référentiel tree, whether or not the items are valid.
fn declared_item_ids(root: &Node) -> Vec<String> {
    let Value::Map(entries) = &root.value else { return Vec::new() };
    let Some((_, items)) = entries.iter().find(|(k, _)| k.value == Value::Str("items".into())) else {
        return Vec::new();
    };
    let Value::Seq(list) = &items.value else { return Vec::new() };
    list.iter()
        .filter_map(|item| match &item.value {
            Value::Map(fields) => fields.iter().find_map(|(k, v)| match (&k.value, &v.value) {
                (Value::Str(k), Value::Str(id)) if k == "id" => Some(id.trim().to_string()),
                _ => None,
            }),
            _ => None,
        })
        .collect()
}

/// The ids that look defined (`id: x` lines) in a file that is not valid YAML.
fn scan_ids(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().filter_map(|line| {
        let line = line.trim_start().trim_start_matches("- ").trim_start();
        let id = line.strip_prefix("id:")?.trim().trim_matches(['"', '\'']);
        yaml::is_id(id).then(|| id.to_string())
    })
}
