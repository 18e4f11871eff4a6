//! Reading one référentiel file: from the YAML tree to the model, every problem of the file
//! collected (wrong types, missing and unknown keys, invalid values). Checks that need the
//! other files (duplicate ids, dangling references) are in [`super::library`].

use super::model::{
    Activity, Autonomy, Category, Competence, Environment, Item, ItemKind, ItemRef, Knowledge, Referentiel,
    ReferentielKind, SavoirFaireGroup, SubActivity, Task,
};
use super::units::{decode_registration, decode_unit};
use crate::diag::Location;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::yaml::{Decoder, MapReader, Node, Value};

/// A référentiel and the items its file defines.
pub struct DecodedFile {
    /// The référentiel.
    pub referentiel: Referentiel,
    /// The items defined in its `items:` list.
    pub items: Vec<Item>,
}

const TOP_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "source",
    "mission",
    "context",
    "autonomy",
    "registration",
    "activities",
    "units",
    "environments",
    "savoir_faire_groups",
    "items",
];

/// Decodes a référentiel file; `None` when its id, kind or title cannot be read.
pub fn decode_referentiel(file: &str, root: &Node, diagnostics: &mut Diagnostics) -> Option<DecodedFile> {
    let mut d = Decoder::new(file, diagnostics);
    let mut top = d.map(root, "")?;
    let id = top.required(&mut d, "id", "the référentiel id").and_then(|n| d.id(n, "id"));
    let kind = top
        .required(&mut d, "kind", "certificat or savoirs-communs")
        .and_then(|n| d.choice(n, "kind", ReferentielKind::CHOICES));
    let title = required_text(&mut d, &mut top, "title");
    let source = required_text(&mut d, &mut top, "source");
    let mission = optional_text(&mut d, &mut top, "mission");
    let context = optional_text(&mut d, &mut top, "context");
    let autonomy = top.optional("autonomy").and_then(|n| decode_autonomy(&mut d, n, "autonomy"));
    let registration =
        top.optional("registration").and_then(|n| decode_registration(&mut d, n, "registration"));
    let activities: Vec<Activity> = list(&mut d, &mut top, "activities", decode_activity);
    let units = list(&mut d, &mut top, "units", decode_unit);
    let environments: Vec<Environment> = list(&mut d, &mut top, "environments", decode_environment);
    let savoir_faire_groups: Vec<SavoirFaireGroup> =
        list(&mut d, &mut top, "savoir_faire_groups", decode_group);
    let items: Vec<Item> = list(&mut d, &mut top, "items", decode_item);
    let has_activities = top.node_has("activities");
    let has_environments = top.node_has("environments");
    top.finish(&mut d, TOP_KEYS);

    let (id, kind, title) = (id?, kind?, title?);
    match kind {
        ReferentielKind::Certificat if !has_activities => {
            let diag = Diagnostic::error(
                Code::MissingField,
                d.location(root),
                "activities",
                "a certificate needs its activities",
            )
            .expected("a list of activities")
            .found("nothing");
            d.report(diag);
        }
        ReferentielKind::SavoirsCommuns if !has_environments => {
            let diag = Diagnostic::error(
                Code::MissingField,
                d.location(root),
                "environments",
                "the savoirs communs need their environments",
            )
            .expected("a list of environments")
            .found("nothing");
            d.report(diag);
        }
        _ => {}
    }
    let items = items
        .into_iter()
        .map(|mut item| {
            item.defined_in.clone_from(&id);
            item
        })
        .collect();
    Some(DecodedFile {
        referentiel: Referentiel {
            id,
            kind,
            title,
            source: source.unwrap_or_default(),
            mission,
            context,
            autonomy,
            registration,
            activities,
            environments,
            savoir_faire_groups,
            units,
            file: file.to_string(),
        },
        items,
    })
}

impl MapReader<'_> {
    /// Whether the mapping has a non-null value under `key` (without taking it).
    fn node_has(&self, key: &str) -> bool {
        matches!(&self.node().value, Value::Map(entries)
            if entries.iter().any(|(k, v)| matches!(&k.value, Value::Str(s) if s == key) && v.value != Value::Null))
    }
}

fn required_text(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<String> {
    let path = m.path(key);
    m.required(d, key, "text").and_then(|n| d.string(n, &path))
}

fn optional_text(d: &mut Decoder, m: &mut MapReader, key: &str) -> Option<String> {
    let path = m.path(key);
    m.optional(key).and_then(|n| d.string(n, &path))
}

fn optional_bool(d: &mut Decoder, m: &mut MapReader, key: &str) -> bool {
    let path = m.path(key);
    m.optional(key).and_then(|n| d.bool(n, &path)).unwrap_or(false)
}

fn optional_page(d: &mut Decoder, m: &mut MapReader) -> Option<u32> {
    let path = m.path("page");
    m.optional("page").and_then(|n| d.int(n, &path, 1, 9999)).and_then(|p| u32::try_from(p).ok())
}

/// Decodes the list under `key` with `each`, skipping elements that fail.
fn list<T>(
    d: &mut Decoder,
    m: &mut MapReader,
    key: &str,
    each: fn(&mut Decoder, &Node, &str) -> Option<T>,
) -> Vec<T> {
    let path = m.path(key);
    let Some(node) = m.optional(key) else { return Vec::new() };
    d.seq(node, &path).unwrap_or_default().into_iter().filter_map(|(field, n)| each(d, n, &field)).collect()
}

fn decode_autonomy(d: &mut Decoder, node: &Node, field: &str) -> Option<Autonomy> {
    let mut m = d.map(node, field)?;
    let text = required_text(d, &mut m, "text");
    let first_months = months(d, &mut m, "first_months");
    let full_months = months(d, &mut m, "full_months");
    m.finish(d, &["text", "first_months", "full_months"]);
    Some(Autonomy { text: text?, first_months, full_months })
}

fn months(d: &mut Decoder, m: &mut MapReader, key: &str) -> Vec<u32> {
    let path = m.path(key);
    let Some(node) = m.required(d, key, "one number of months or a range [min, max]") else {
        return Vec::new();
    };
    let values: Vec<u32> = d
        .seq(node, &path)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(f, n)| d.int(n, &f, 0, 600).and_then(|v| u32::try_from(v).ok()))
        .collect();
    if !(1..=2).contains(&values.len()) || values.windows(2).any(|w| w[0] > w[1]) {
        let diag = Diagnostic::error(
            Code::InvalidValue,
            d.location(node),
            path,
            "not a number of months nor a range",
        )
        .expected("[months] or [min, max] with min ≤ max")
        .found(node.value.describe());
        d.report(diag);
    }
    values
}

fn decode_activity(d: &mut Decoder, node: &Node, field: &str) -> Option<Activity> {
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the activity id").and_then(|n| d.id(n, &format!("{field}.id")));
    let code = optional_text(d, &mut m, "code");
    let title = required_text(d, &mut m, "title");
    let description = optional_text(d, &mut m, "description");
    let core = {
        let path = m.path("core");
        m.required(d, "core", "`true` or `false`").and_then(|n| d.bool(n, &path))
    };
    let optional = optional_bool(d, &mut m, "optional");
    let page = optional_page(d, &mut m);
    let sub_activities = list(d, &mut m, "sub_activities", decode_sub_activity);
    let competences = list(d, &mut m, "competences", decode_competence);
    let own = {
        let path = m.path("knowledge");
        m.optional("knowledge").and_then(|n| decode_knowledge(d, n, &path, &ItemKind::ALL))
    };
    m.finish(
        d,
        &[
            "id",
            "code",
            "title",
            "description",
            "core",
            "optional",
            "page",
            "sub_activities",
            "competences",
            "knowledge",
        ],
    );
    let location = d.location(node);
    let (id, title, core) = (id?, title?, core?);
    let below: Vec<&Knowledge> = sub_activities
        .iter()
        .filter_map(|s: &SubActivity| s.knowledge.as_ref())
        .chain(competences.iter().filter_map(|c: &Competence| c.knowledge.as_ref()))
        .collect();
    let knowledge = gather(d, &location, field, own, &below);
    if core && knowledge.is_none() {
        let diag = Diagnostic::error(
            Code::MissingField,
            location.clone(),
            format!("{field}.knowledge"),
            format!("the core activity `{id}` lists no knowledge"),
        )
        .expected("a knowledge mapping with the four kinds (here or under its competences)")
        .found("nothing");
        d.report(diag);
    }
    let no_task = sub_activities.iter().all(|s: &SubActivity| s.tasks.is_empty())
        && competences.iter().all(|c| c.tasks().next().is_none());
    if no_task && knowledge.as_ref().is_none_or(Knowledge::is_empty) {
        let diag = Diagnostic::error(
            Code::EmptyActivity,
            location.clone(),
            field.to_string(),
            format!("the activity `{id}` has neither tasks nor knowledge"),
        )
        .expected("sub-activities with tasks, or knowledge")
        .found("an empty activity");
        d.report(diag);
    }
    Some(Activity {
        id,
        code,
        title,
        description,
        core,
        optional,
        page,
        sub_activities,
        competences,
        knowledge,
        location,
    })
}

/// The knowledge of a level: written there, or gathered from the levels below (each item once,
/// in the order of the text). Written at both is an error: each list has one place.
fn gather(
    d: &mut Decoder,
    location: &Location,
    field: &str,
    own: Option<Knowledge>,
    below: &[&Knowledge],
) -> Option<Knowledge> {
    if below.is_empty() {
        return own;
    }
    if own.is_some() {
        let diag = Diagnostic::error(
            Code::InvalidValue,
            location.clone(),
            format!("{field}.knowledge"),
            "knowledge written both here and under its competences or rows",
        )
        .expected("the knowledge at one level only (the deepest the text gives)")
        .found("two levels");
        d.report(diag);
    }
    let mut k = own.unwrap_or_default();
    for x in below {
        k.absorb(x);
    }
    k.gathered = true;
    Some(k)
}

fn decode_competence(d: &mut Decoder, node: &Node, field: &str) -> Option<Competence> {
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the competence id").and_then(|n| d.id(n, &format!("{field}.id")));
    let code = optional_text(d, &mut m, "code");
    let title = required_text(d, &mut m, "title");
    let optional = optional_bool(d, &mut m, "optional");
    let note = optional_text(d, &mut m, "note");
    let sub_activities = list(d, &mut m, "sub_activities", decode_sub_activity);
    let own = {
        let path = m.path("knowledge");
        m.optional("knowledge").and_then(|n| decode_knowledge(d, n, &path, &ItemKind::ALL))
    };
    let examples = strings(d, &mut m, "examples");
    m.finish(d, &["id", "code", "title", "optional", "note", "sub_activities", "knowledge", "examples"]);
    let location = d.location(node);
    let below: Vec<&Knowledge> = sub_activities.iter().filter_map(|s| s.knowledge.as_ref()).collect();
    let knowledge = gather(d, &location, field, own, &below);
    let id = id?;
    if knowledge.as_ref().is_none_or(Knowledge::is_empty) && sub_activities.iter().all(|s| s.tasks.is_empty())
    {
        let diag = Diagnostic::error(
            Code::EmptyActivity,
            location.clone(),
            field.to_string(),
            format!("the competence `{id}` has neither tasks nor knowledge"),
        )
        .expected("rows with tasks, or knowledge")
        .found("an empty competence");
        d.report(diag);
    }
    Some(Competence {
        id,
        code,
        title: title?,
        optional,
        note,
        sub_activities,
        knowledge,
        examples,
        location,
    })
}

/// The strings of the list under `key`, each bad entry reported (an absent key is an empty list).
pub(super) fn strings(d: &mut Decoder, m: &mut MapReader, key: &str) -> Vec<String> {
    let path = m.path(key);
    m.optional(key)
        .and_then(|n| d.seq(n, &path))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(f, n)| d.string(n, &f))
        .collect()
}

fn decode_sub_activity(d: &mut Decoder, node: &Node, field: &str) -> Option<SubActivity> {
    let mut m = d.map(node, field)?;
    let title = required_text(d, &mut m, "title");
    let note = optional_text(d, &mut m, "note");
    let optional = optional_bool(d, &mut m, "optional");
    let knowledge = {
        let path = m.path("knowledge");
        m.optional("knowledge").and_then(|n| decode_knowledge(d, n, &path, &ItemKind::ALL))
    };
    let examples = strings(d, &mut m, "examples");
    let tasks_node = m.required(d, "tasks", "a list of tasks");
    let tasks: Vec<Task> = tasks_node
        .and_then(|n| d.seq(n, &format!("{field}.tasks")))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(f, n)| decode_task(d, n, &f))
        .collect();
    m.finish(d, &["title", "note", "optional", "tasks", "knowledge", "examples"]);
    if let (Some(n), true) = (tasks_node, tasks.is_empty()) {
        let diag = Diagnostic::error(
            Code::EmptyActivity,
            d.location(n),
            format!("{field}.tasks"),
            "a sub-activity without tasks",
        )
        .expected("at least one task")
        .found(n.value.describe());
        d.report(diag);
    }
    Some(SubActivity { title: title?, note, optional, tasks, knowledge, examples })
}

fn decode_task(d: &mut Decoder, node: &Node, field: &str) -> Option<Task> {
    let mut m = d.map(node, field)?;
    let text = required_text(d, &mut m, "text");
    let optional = optional_bool(d, &mut m, "optional");
    let note = optional_text(d, &mut m, "note");
    m.finish(d, &["text", "optional", "note"]);
    Some(Task { text: text?, optional, note })
}

/// Decodes the knowledge lists of the kinds `allowed` (and an optional page).
fn decode_knowledge(d: &mut Decoder, node: &Node, field: &str, allowed: &[ItemKind]) -> Option<Knowledge> {
    let mut m = d.map(node, field)?;
    let knowledge = knowledge_lists(d, &mut m, allowed);
    let mut known = vec!["page"];
    known.extend(allowed.iter().map(|k| k.list_key()));
    m.finish(d, &known);
    Some(knowledge)
}

/// Reads `page` and the lists of the kinds `allowed` from an open mapping.
fn knowledge_lists(d: &mut Decoder, m: &mut MapReader, allowed: &[ItemKind]) -> Knowledge {
    let mut knowledge = Knowledge { page: optional_page(d, m), ..Knowledge::default() };
    for kind in allowed {
        let key = kind.list_key();
        let path = m.path(key);
        if let Some(n) = m.optional(key) {
            *knowledge.of_kind_mut(*kind) = refs(d, n, &path);
        }
    }
    knowledge
}

/// A list of references: each an id, or `{ id, wording }` where the text words the item its
/// own way at this place.
fn refs(d: &mut Decoder, node: &Node, field: &str) -> Vec<ItemRef> {
    d.seq(node, field).unwrap_or_default().into_iter().filter_map(|(f, n)| item_ref(d, n, &f)).collect()
}

fn item_ref(d: &mut Decoder, node: &Node, field: &str) -> Option<ItemRef> {
    if !matches!(node.value, Value::Map(_)) {
        return d.id(node, field).map(|id| ItemRef { id, wording: None, location: d.location(node) });
    }
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the item id").and_then(|n| d.id(n, &format!("{field}.id")));
    let wording = required_text(d, &mut m, "wording");
    m.finish(d, &["id", "wording"]);
    Some(ItemRef { id: id?, wording, location: d.location(node) })
}

fn decode_environment(d: &mut Decoder, node: &Node, field: &str) -> Option<Environment> {
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the environment id").and_then(|n| d.id(n, &format!("{field}.id")));
    let title = required_text(d, &mut m, "title");
    let kinds = [ItemKind::Connaissance, ItemKind::SavoirProcedural, ItemKind::SavoirExperientiel];
    let knowledge = knowledge_lists(d, &mut m, &kinds);
    m.finish(d, &["id", "title", "page", "connaissances", "savoirs_proceduraux", "savoirs_experientiels"]);
    Some(Environment { id: id?, title: title?, knowledge, location: d.location(node) })
}

fn decode_group(d: &mut Decoder, node: &Node, field: &str) -> Option<SavoirFaireGroup> {
    let mut m = d.map(node, field)?;
    let title = required_text(d, &mut m, "title");
    let page = optional_page(d, &mut m);
    let path = m.path("savoir_faire");
    let savoir_faire = m.required(d, "savoir_faire", "a list of savoir-faire ids").map(|n| refs(d, n, &path));
    m.finish(d, &["title", "page", "savoir_faire"]);
    Some(SavoirFaireGroup { title: title?, page, savoir_faire: savoir_faire.unwrap_or_default() })
}

fn decode_item(d: &mut Decoder, node: &Node, field: &str) -> Option<Item> {
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the item id").and_then(|n| d.id(n, &format!("{field}.id")));
    let kind = {
        let path = m.path("kind");
        m.required(d, "kind", "connaissance, savoir-procedural, savoir-experientiel or savoir-faire")
            .and_then(|n| d.choice(n, &path, ItemKind::CHOICES))
    };
    let category = {
        let path = m.path("category");
        m.required(d, "category", "transversal, partiellement-specifique or specifique")
            .and_then(|n| d.choice(n, &path, Category::CHOICES))
    };
    let label = required_text(d, &mut m, "label");
    let wordings = {
        let path = m.path("wordings");
        m.optional("wordings")
            .and_then(|n| d.seq(n, &path))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(f, n)| d.string(n, &f))
            .collect()
    };
    let note = optional_text(d, &mut m, "note");
    m.finish(d, &["id", "kind", "category", "label", "wordings", "note"]);
    Some(Item {
        id: id?,
        kind: kind?,
        category: category?,
        label: label?,
        wordings,
        note,
        defined_in: String::new(),
        location: d.location(node),
    })
}
