//! CASE 1.1 export of a référentiel (1EdTech *Competencies and Academic Standards Exchange*):
//! one `CFPackage` with its `CFDocument`, its `CFItems` (units, activities, competences,
//! sub-activities, tasks, environments, savoir-faire groups and every knowledge item it
//! references), the `CFAssociations` between them (`isChildOf`, in the order of the text) and
//! the `CFDefinitions` (the kinds of items as `CFItemTypes`, the categories of knowledge items
//! as `CFConcepts`).
//!
//! Identifiers are UUID v5 ([`identifier`]) derived from cqpt's stable ids: the same référentiel
//! gives the same identifiers in every export, a knowledge item has the same identifier in
//! every package that references it (the QTI export links questions to it), and the whole
//! package is the same bytes for the same input and date.
//!
//! The French titles of the item types are the labels of `referentiels/libelles.toml` for the
//! kinds of knowledge and the categories; the structural types (activité, compétence…) are
//! named by [`STRUCTURE_TYPES`].
//!
//! **Why the categories are `CFConcepts`, not `CFItemTypes`** (issue 18 asked for the categories
//! and kinds as item types). In CASE 1.1 an item has one type: `CFItemType` is a single string
//! and `CFItemTypeURI` a single `LinkURI` (`CFPckgItem` of the vendored package schema), while
//! every knowledge item has both a kind (connaissance, savoir procédural, savoir expérientiel,
//! savoir-faire) and a category (transversal, partiellement spécifique, spécifique), two
//! independent axes. Categories as item types would take the kind off the items, or need one
//! type per (kind, category) pair (twelve types whose titles a consumer would have to parse to
//! filter by kind or by category). CASE's place for a second, controlled classification of an
//! item is `conceptKeywordsURI`, a link to a `CFConcept` of the package's `CFDefinitions`: so
//! the kinds (and the structural levels) are the `CFItemTypes`, and each category is a
//! `CFConcept` that every knowledge item of that category links to. Both are in the package's
//! definitions with UUID v5 identifiers (`item-type:{kind}`, `category:{category}`), so both
//! axes survive an import and stay reproducible.

use crate::date::Date;
use crate::documents::{Labels, Texts};
use crate::referentiel::{Category, ItemKind, ItemRef, Knowledge, Library, Referentiel, SubActivity};
use serde::Serialize;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The name hashed into cqpt's UUID v5 namespace (itself a v5 of this URL in the URL namespace).
pub const NAMESPACE_NAME: &str = "https://cqpt.invalid/case";

/// The structural item types of a référentiel: code (for the identifier) and French title.
pub const STRUCTURE_TYPES: [(&str, &str); 7] = [
    ("unit", "Bloc de compétences"),
    ("activity", "Activité"),
    ("competence", "Compétence"),
    ("sub-activity", "Sous-activité"),
    ("task", "Tâche"),
    ("environment", "Environnement"),
    ("savoir-faire-group", "Groupe de savoir-faire"),
];

/// cqpt's UUID v5 namespace.
pub fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, NAMESPACE_NAME.as_bytes())
}

/// The CASE identifier of a thing of kind `kind` whose stable key is `key` (UUID v5 of
/// `kind:key` in [`namespace`]). Knowledge items use `("item", item id)`.
pub fn identifier(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&namespace(), format!("{kind}:{key}").as_bytes())
}

/// What the export needs besides the référentiel.
#[derive(Debug, Clone)]
pub struct CaseOptions {
    /// The date recorded as `lastChangeDateTime` of every record (midnight UTC).
    pub date: Date,
    /// The base of the network addresses (`uri`): `{base}/ims/case/v1p1/CFItems/{id}`…; without
    /// one, each `uri` is the identifier as a URN (`urn:uuid:…`).
    pub base_url: Option<String>,
}

/// A CASE 1.1 package (`getCFPackage` response).
#[derive(Debug, Clone, Serialize)]
pub struct CfPackage {
    /// The framework.
    #[serde(rename = "CFDocument")]
    pub document: CfDocument,
    /// Its items.
    #[serde(rename = "CFItems")]
    pub items: Vec<CfItem>,
    /// The links between them.
    #[serde(rename = "CFAssociations")]
    pub associations: Vec<CfAssociation>,
    /// Item types and concepts.
    #[serde(rename = "CFDefinitions")]
    pub definitions: CfDefinitions,
}

/// The framework document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CfDocument {
    /// UUID.
    pub identifier: String,
    /// Address.
    pub uri: String,
    /// Always `1.1`.
    pub case_version: &'static str,
    /// Who promulgates it (the certifier of `documents.toml`, or the registration's authority).
    pub creator: String,
    /// Its title.
    pub title: String,
    /// The export's date.
    pub last_change_date_time: String,
    /// The mission of the job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `fr`.
    pub language: &'static str,
    /// Where the text comes from.
    pub notes: String,
}

/// A link to another record.
#[derive(Debug, Clone, Serialize)]
pub struct LinkUri {
    /// Its title.
    pub title: String,
    /// Its UUID.
    pub identifier: String,
    /// Its address.
    pub uri: String,
}

/// An item of the framework.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CfItem {
    /// UUID.
    pub identifier: String,
    /// Its wording.
    pub full_statement: String,
    /// The title of its type.
    #[serde(rename = "CFItemType")]
    pub item_type: String,
    /// Address.
    pub uri: String,
    /// The code the text gives it, or cqpt's id of a knowledge item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_coding_scheme: Option<String>,
    /// Its position under its parent (1, 2…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_enumeration: Option<String>,
    /// The category of a knowledge item.
    #[serde(rename = "conceptKeywordsURI", skip_serializing_if = "Option::is_none")]
    pub concept_keywords_uri: Option<LinkUri>,
    /// A remark of the text or of the transcription; « facultatif » for optional parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `fr`.
    pub language: &'static str,
    /// Link to its type.
    #[serde(rename = "CFItemTypeURI")]
    pub item_type_uri: LinkUri,
    /// The export's date.
    pub last_change_date_time: String,
}

/// A link between two nodes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CfAssociation {
    /// UUID.
    pub identifier: String,
    /// `isChildOf`.
    pub association_type: &'static str,
    /// Position among the children of the destination (1, 2…).
    pub sequence_number: u32,
    /// Address.
    pub uri: String,
    /// The child.
    #[serde(rename = "originNodeURI")]
    pub origin: LinkUri,
    /// The parent.
    #[serde(rename = "destinationNodeURI")]
    pub destination: LinkUri,
    /// The export's date.
    pub last_change_date_time: String,
    /// The text's own wording of a knowledge item at this place, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Definitions of the package.
#[derive(Debug, Clone, Serialize)]
pub struct CfDefinitions {
    /// The categories of knowledge items.
    #[serde(rename = "CFConcepts")]
    pub concepts: Vec<CfConcept>,
    /// The types of items.
    #[serde(rename = "CFItemTypes")]
    pub item_types: Vec<CfItemType>,
}

/// A concept (a category of knowledge item).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CfConcept {
    /// UUID.
    pub identifier: String,
    /// Address.
    pub uri: String,
    /// French label.
    pub title: String,
    /// cqpt's code.
    pub hierarchy_code: String,
    /// The export's date.
    pub last_change_date_time: String,
}

/// A type of item.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CfItemType {
    /// UUID.
    pub identifier: String,
    /// Address.
    pub uri: String,
    /// French title.
    pub title: String,
    /// What it is.
    pub description: String,
    /// cqpt's code.
    pub hierarchy_code: String,
    /// cqpt's code.
    pub type_code: String,
    /// The export's date.
    pub last_change_date_time: String,
}

/// Builds the packages' records.
struct Builder<'a> {
    options: &'a CaseOptions,
    stamp: String,
    labels: &'a Labels,
    items: Vec<CfItem>,
    associations: Vec<CfAssociation>,
    /// Knowledge items already written.
    seen: BTreeSet<String>,
    /// Item types used (codes).
    types: BTreeSet<String>,
    /// Categories used.
    categories: BTreeSet<Category>,
}

impl Builder<'_> {
    fn uri(&self, collection: &str, id: Uuid) -> String {
        match &self.options.base_url {
            Some(base) => format!("{}/ims/case/v1p1/{collection}/{id}", base.trim_end_matches('/')),
            None => format!("urn:uuid:{id}"),
        }
    }

    fn type_title(&self, code: &str) -> String {
        if let Some((_, t)) = STRUCTURE_TYPES.iter().find(|(c, _)| *c == code) {
            return (*t).to_string();
        }
        ItemKind::ALL
            .into_iter()
            .find(|k| k.as_str() == code)
            .map_or_else(|| code.to_string(), |k| capitalise(self.labels.kind(k)))
    }

    fn type_link(&mut self, code: &str) -> LinkUri {
        self.types.insert(code.to_string());
        let id = identifier("item-type", code);
        LinkUri { title: self.type_title(code), identifier: id.to_string(), uri: self.uri("CFItemTypes", id) }
    }

    /// Adds an item and returns its link.
    fn item(
        &mut self,
        id: Uuid,
        type_code: &str,
        statement: &str,
        code: Option<&str>,
        notes: Option<String>,
    ) -> LinkUri {
        let type_uri = self.type_link(type_code);
        let link =
            LinkUri { title: short(statement), identifier: id.to_string(), uri: self.uri("CFItems", id) };
        self.items.push(CfItem {
            identifier: id.to_string(),
            full_statement: statement.to_string(),
            item_type: type_uri.title.clone(),
            uri: link.uri.clone(),
            human_coding_scheme: code.map(str::to_string),
            list_enumeration: None,
            concept_keywords_uri: None,
            notes,
            language: "fr",
            item_type_uri: type_uri,
            last_change_date_time: self.stamp.clone(),
        });
        link
    }

    /// `child` isChildOf `parent`, at `position` (from 1).
    fn child_of(&mut self, child: &LinkUri, parent: &LinkUri, position: usize, notes: Option<String>) {
        let key = format!("{}:isChildOf:{}", child.identifier, parent.identifier);
        let id = identifier("association", &key);
        self.associations.push(CfAssociation {
            identifier: id.to_string(),
            association_type: "isChildOf",
            sequence_number: position as u32,
            uri: self.uri("CFAssociations", id),
            origin: child.clone(),
            destination: parent.clone(),
            last_change_date_time: self.stamp.clone(),
            notes,
        });
        // The position under the (first) parent.
        if let Some(item) = self.items.iter_mut().find(|i| i.identifier == child.identifier)
            && item.list_enumeration.is_none()
        {
            item.list_enumeration = Some(position.to_string());
        }
    }

    /// The knowledge of a place, each item under `parent` in the order of the text.
    fn knowledge(&mut self, library: &Library, knowledge: &Knowledge, parent: &LinkUri) {
        for (n, (_, r)) in knowledge.refs().enumerate() {
            let link = self.knowledge_item(library, r);
            let wording = r.wording.clone();
            self.child_of(&link, parent, n + 1, wording);
        }
    }

    fn savoir_faire(&mut self, library: &Library, refs: &[ItemRef], parent: &LinkUri) {
        for (n, r) in refs.iter().enumerate() {
            let link = self.knowledge_item(library, r);
            self.child_of(&link, parent, n + 1, r.wording.clone());
        }
    }

    /// The item a reference names, written once.
    fn knowledge_item(&mut self, library: &Library, r: &ItemRef) -> LinkUri {
        let id = identifier("item", &r.id);
        let Some(item) = library.item(&r.id) else {
            // The loader has checked every reference; keep a link even so.
            return LinkUri { title: r.id.clone(), identifier: id.to_string(), uri: self.uri("CFItems", id) };
        };
        if !self.seen.insert(r.id.clone()) {
            return LinkUri {
                title: short(&item.label),
                identifier: id.to_string(),
                uri: self.uri("CFItems", id),
            };
        }
        let link = self.item(id, item.kind.as_str(), &item.label, Some(&item.id), item.note.clone());
        self.categories.insert(item.category);
        let concept = identifier("category", item.category.as_str());
        let concept_link = LinkUri {
            title: self.labels.category(item.category).to_string(),
            identifier: concept.to_string(),
            uri: self.uri("CFConcepts", concept),
        };
        if let Some(last) = self.items.last_mut() {
            last.concept_keywords_uri = Some(concept_link);
        }
        link
    }

    fn sub_activities(
        &mut self,
        library: &Library,
        subs: &[SubActivity],
        parent: &LinkUri,
        key: &str,
        first: usize,
    ) {
        for (j, s) in subs.iter().enumerate() {
            let sub_key = format!("{key}:{j}");
            let link = self.item(
                identifier("sub-activity", &sub_key),
                "sub-activity",
                &s.title,
                None,
                notes(s.note.as_deref(), s.optional),
            );
            self.child_of(&link, parent, first + j + 1, None);
            for (t, task) in s.tasks.iter().enumerate() {
                let tlink = self.item(
                    identifier("task", &format!("{sub_key}:{t}")),
                    "task",
                    &task.text,
                    None,
                    notes(task.note.as_deref(), task.optional),
                );
                self.child_of(&tlink, &link, t + 1, None);
            }
            if let Some(k) = &s.knowledge {
                self.knowledge(library, k, &link);
            }
        }
    }
}

/// The notes of a part: its remark, and « facultatif » when optional.
fn notes(note: Option<&str>, optional: bool) -> Option<String> {
    match (note, optional) {
        (Some(n), true) => Some(format!("facultatif ; {n}")),
        (Some(n), false) => Some(n.to_string()),
        (None, true) => Some("facultatif".to_string()),
        (None, false) => None,
    }
}

/// A title for a link: the wording, cut at 120 characters.
fn short(text: &str) -> String {
    let t: String = text.chars().take(120).collect();
    if t.len() < text.len() { format!("{t}…") } else { t }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The CASE 1.1 package of the référentiel `r`.
pub fn export(
    library: &Library,
    texts: &Texts,
    labels: &Labels,
    r: &Referentiel,
    options: &CaseOptions,
) -> CfPackage {
    let stamp = format!("{}T00:00:00Z", options.date);
    let mut b = Builder {
        options,
        stamp: stamp.clone(),
        labels,
        items: Vec::new(),
        associations: Vec::new(),
        seen: BTreeSet::new(),
        types: BTreeSet::new(),
        categories: BTreeSet::new(),
    };
    let doc_id = identifier("document", &r.id);
    let doc =
        LinkUri { title: r.title.clone(), identifier: doc_id.to_string(), uri: b.uri("CFDocuments", doc_id) };
    let creator = r
        .registration
        .as_ref()
        .and_then(|reg| reg.authority.clone())
        .unwrap_or_else(|| texts.for_certificate(&r.id).cpne.nom.clone());

    let mut position = 0;
    for unit in &r.units {
        position += 1;
        let link = b.item(
            identifier("unit", &format!("{}:{}", r.id, unit.id)),
            "unit",
            &unit.title,
            unit.code.as_deref(),
            None,
        );
        b.child_of(&link, &doc, position, None);
    }
    for a in &r.activities {
        position += 1;
        let alink = b.item(
            identifier("activity", &a.id),
            "activity",
            &a.title,
            a.code.as_deref(),
            notes(a.description.as_deref(), a.optional),
        );
        b.child_of(&alink, &doc, position, None);
        b.sub_activities(library, &a.sub_activities, &alink, &a.id, 0);
        for (c, comp) in a.competences.iter().enumerate() {
            let clink = b.item(
                identifier("competence", &comp.id),
                "competence",
                &comp.title,
                comp.code.as_deref(),
                notes(comp.note.as_deref(), comp.optional),
            );
            b.child_of(&clink, &alink, a.sub_activities.len() + c + 1, None);
            b.sub_activities(library, &comp.sub_activities, &clink, &comp.id, 0);
            if let Some(k) = comp.knowledge.as_ref().filter(|k| !k.gathered) {
                b.knowledge(library, k, &clink);
            }
        }
        if let Some(k) = a.knowledge.as_ref().filter(|k| !k.gathered) {
            b.knowledge(library, k, &alink);
        }
    }
    for e in &r.environments {
        position += 1;
        let link = b.item(
            identifier("environment", &format!("{}:{}", r.id, e.id)),
            "environment",
            &e.title,
            None,
            None,
        );
        b.child_of(&link, &doc, position, None);
        b.knowledge(library, &e.knowledge, &link);
    }
    for (g, group) in r.savoir_faire_groups.iter().enumerate() {
        position += 1;
        let link = b.item(
            identifier("savoir-faire-group", &format!("{}:{g}", r.id)),
            "savoir-faire-group",
            &group.title,
            None,
            None,
        );
        b.child_of(&link, &doc, position, None);
        b.savoir_faire(library, &group.savoir_faire, &link);
    }
    // Units group activities: each activity (or competence) is part of its unit.
    for unit in &r.units {
        let uid = identifier("unit", &format!("{}:{}", r.id, unit.id));
        let ulink =
            LinkUri { title: short(&unit.title), identifier: uid.to_string(), uri: b.uri("CFItems", uid) };
        let parts = unit
            .activities
            .iter()
            .map(|a| ("activity", a))
            .chain(unit.competences.iter().map(|c| ("competence", c)));
        for (n, (kind, id)) in parts.enumerate() {
            let uid = identifier(kind, id);
            let title = b
                .items
                .iter()
                .find(|i| i.identifier == uid.to_string())
                .map_or(id.clone(), |i| short(&i.full_statement));
            let part = LinkUri { title, identifier: uid.to_string(), uri: b.uri("CFItems", uid) };
            let key = format!("{}:isPartOf:{}", part.identifier, ulink.identifier);
            let aid = identifier("association", &key);
            b.associations.push(CfAssociation {
                identifier: aid.to_string(),
                association_type: "isPartOf",
                sequence_number: n as u32 + 1,
                uri: b.uri("CFAssociations", aid),
                origin: part,
                destination: ulink.clone(),
                last_change_date_time: stamp.clone(),
                notes: None,
            });
        }
    }

    let concepts = b
        .categories
        .iter()
        .map(|c| {
            let id = identifier("category", c.as_str());
            CfConcept {
                identifier: id.to_string(),
                uri: b.uri("CFConcepts", id),
                title: labels.category(*c).to_string(),
                hierarchy_code: c.as_str().to_string(),
                last_change_date_time: stamp.clone(),
            }
        })
        .collect();
    let order: Vec<&str> =
        STRUCTURE_TYPES.iter().map(|(c, _)| *c).chain(ItemKind::ALL.iter().map(|k| k.as_str())).collect();
    let item_types = order
        .iter()
        .filter(|c| b.types.contains(**c))
        .map(|c| {
            let id = identifier("item-type", c);
            let title = b.type_title(c);
            CfItemType {
                identifier: id.to_string(),
                uri: b.uri("CFItemTypes", id),
                description: format!("{title} d'un référentiel de certification (cqpt)"),
                title,
                hierarchy_code: (*c).to_string(),
                type_code: (*c).to_string(),
                last_change_date_time: stamp.clone(),
            }
        })
        .collect();
    let document = CfDocument {
        identifier: doc.identifier.clone(),
        uri: doc.uri.clone(),
        case_version: "1.1",
        creator,
        title: r.title.clone(),
        last_change_date_time: stamp.clone(),
        description: r.mission.as_ref().map(|m| m.trim().to_string()),
        language: "fr",
        notes: r.source.clone(),
    };
    CfPackage {
        document,
        items: b.items,
        associations: b.associations,
        definitions: CfDefinitions { concepts, item_types },
    }
}

/// The package as the bytes of its JSON file (pretty-printed, with a final newline).
pub fn to_json(package: &CfPackage) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(package).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_version_5_and_stable() {
        let a = identifier("item", "c-produits");
        assert_eq!(a.get_version_num(), 5);
        assert_eq!(a, identifier("item", "c-produits"));
        assert_ne!(a, identifier("activity", "c-produits"));
    }

    #[test]
    fn notes_say_optional() {
        assert_eq!(notes(None, true).as_deref(), Some("facultatif"));
        assert_eq!(notes(Some("x"), false).as_deref(), Some("x"));
        assert_eq!(notes(None, false), None);
    }
}
