//! QTI 3.0 export and import of the quiz bank (1EdTech *Question and Test Interoperability*).
//!
//! A package is a folder: `imsmanifest.xml` (IMS Content Packaging 1.2 as QTI 3.0 profiles it)
//! lists one resource per question, `items/<question id>.xml`, each a `qti-assessment-item` with
//! a `qti-choice-interaction` (`max-choices` 1 for a single-choice question, 0 for a multiple
//! one), its key as the `qti-correct-response` of the response declaration and the
//! `match_correct` response processing template. The explanation is a `qti-rubric-block` for
//! the scorer and tutor. The manifest's metadata of each resource carries what QTI has no
//! place for in the item, every field of the bank's question:
//!
//! | bank field | where in the resource's `metadata` |
//! |---|---|
//! | `items` | one `csm:curriculumStandardsMetadata` per item, in order, its `csm:GUID` the CASE identifier of the item ([`super::case::identifier`]) |
//! | `level` | `lom/educational/difficulty` (LOMv1.0: 1 `easy`, 2 `medium`, 3 `difficult`) |
//! | `pool` | `lom/educational/context`, source `cqpt`: `p0` or `2b` |
//! | `status` | `lom/lifeCycle/status`, source `cqpt`: `draft`, `pilot`, `live`, `retired` |
//! | `author` | `lom/lifeCycle/contribute`, role `author` (LOMv1.0), its `entity` a vCard (`FN`) |
//! | `reviewers`, `reviewed` | `lom/lifeCycle/contribute`, role `validator` (LOMv1.0): one vCard `entity` per reviewer, in order, and `date/dateTime` the review date |
//! | `source` | `lom/relation`, kind `isbasedon` (LOMv1.0), the text in `resource/description` |
//! | `recheck` | `lom/annotation`, its `date/dateTime`, the date's `description` `recheck` |
//! | `family` | `lom/general/identifier`, catalog `cqpt-family` |
//! | `angoff` | `lom/classification`, purpose `angoff` (source `cqpt`), the percent as the `taxonPath/taxon/id` |
//!
//! All of it validates against the QTI 3.0 content packaging profile and the loose LOM binding
//! (IMS MD 1.3.2), whose vocabularies are open.
//!
//! [`import`] reads such a package back into questions; exporting a bank then importing it
//! gives the same bank, field for field ([`to_bank_yaml`] writes it in the bank's format). An
//! item with no CASE link, no level, pool or status, or a value the bank cannot hold (an
//! unknown status, a date that is not YYYY-MM-DD, an Angoff rating over 100, a family that is
//! not an id) is reported with the file, line and field of the value, all at once.

use super::case;
use crate::date::Date;
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::quiz::bank::{Choice, Pool, Status};
use crate::quiz::{Bank, Question, QuestionKind};
use crate::referentiel::Library;
use quick_xml::escape::{escape, partial_escape};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

/// The QTI 3.0 ASI namespace.
pub const QTI_NAMESPACE: &str = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
/// The response processing template of a question with one key.
pub const MATCH_CORRECT: &str = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml";
/// The resource type of an item in a QTI 3.0 package manifest.
pub const ITEM_RESOURCE_TYPE: &str = "imsqti_item_xmlv3p0";
/// The LOM difficulty of each level (1 to 3).
pub const DIFFICULTIES: [(u8, &str); 3] = [(1, "easy"), (2, "medium"), (3, "difficult")];

/// A package: its files, by path relative to the package folder, in a stable order.
#[derive(Debug, Clone, Default)]
pub struct QtiPackage {
    /// `(relative path, bytes)`, the manifest first.
    pub files: Vec<(String, Vec<u8>)>,
}

/// The identifier of choice `n` (from 0) of a question.
fn choice_id(n: usize) -> String {
    format!("C{}", n + 1)
}

/// One question as a `qti-assessment-item`.
pub fn item_xml(q: &Question) -> String {
    let (cardinality, max) = match q.kind {
        QuestionKind::Single => ("single", 1),
        QuestionKind::Multiple => ("multiple", 0),
    };
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<qti-assessment-item xmlns=\"{QTI_NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"{QTI_NAMESPACE} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd\" \
         identifier=\"{}\" title=\"{}\" adaptive=\"false\" time-dependent=\"false\" xml:lang=\"fr\">",
        escape(&q.id),
        escape(&q.id)
    );
    let _ = writeln!(
        x,
        "  <qti-response-declaration identifier=\"RESPONSE\" cardinality=\"{cardinality}\" base-type=\"identifier\">"
    );
    x.push_str("    <qti-correct-response>\n");
    for (n, c) in q.choices.iter().enumerate() {
        if c.correct {
            let _ = writeln!(x, "      <qti-value>{}</qti-value>", choice_id(n));
        }
    }
    x.push_str("    </qti-correct-response>\n  </qti-response-declaration>\n");
    x.push_str(
        "  <qti-outcome-declaration identifier=\"SCORE\" cardinality=\"single\" base-type=\"float\"/>\n",
    );
    x.push_str("  <qti-item-body>\n");
    let _ = writeln!(
        x,
        "    <qti-choice-interaction response-identifier=\"RESPONSE\" shuffle=\"true\" max-choices=\"{max}\">"
    );
    let _ = writeln!(x, "      <qti-prompt>{}</qti-prompt>", partial_escape(&q.question));
    for (n, c) in q.choices.iter().enumerate() {
        let _ = writeln!(
            x,
            "      <qti-simple-choice identifier=\"{}\">{}</qti-simple-choice>",
            choice_id(n),
            partial_escape(&c.text)
        );
    }
    x.push_str("    </qti-choice-interaction>\n");
    x.push_str("    <qti-rubric-block use=\"scoring\" view=\"scorer tutor\">\n");
    let _ =
        writeln!(x, "      <qti-content-body><p>{}</p></qti-content-body>", partial_escape(&q.explanation));
    x.push_str("    </qti-rubric-block>\n  </qti-item-body>\n");
    let _ = writeln!(x, "  <qti-response-processing template=\"{MATCH_CORRECT}\"/>");
    x.push_str("</qti-assessment-item>\n");
    x
}

/// The vocabulary source of the values cqpt adds to LOM (status, pool, angoff, family, recheck).
pub const CQPT_VOCABULARY: &str = "cqpt";
/// The LOM identifier catalog of a question's near-duplicate family.
pub const FAMILY_CATALOG: &str = "cqpt-family";

/// A name as a vCard 3.0 (the LOM `entity`), its `FN` escaped.
fn vcard(name: &str) -> String {
    let mut v = String::new();
    for c in name.chars() {
        match c {
            '\\' => v.push_str("\\\\"),
            ',' => v.push_str("\\,"),
            ';' => v.push_str("\\;"),
            '\n' => v.push_str("\\n"),
            c => v.push(c),
        }
    }
    format!("BEGIN:VCARD\nVERSION:3.0\nFN:{v}\nEND:VCARD")
}

/// The name of a LOM `entity`: the `FN` of its vCard, or the whole text when it is no vCard.
fn vcard_name(text: &str) -> String {
    let Some(value) = text.lines().map(str::trim).find_map(|l| l.strip_prefix("FN:")) else {
        return text.trim().to_string();
    };
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn pool_code(pool: Pool) -> &'static str {
    match pool {
        Pool::P0 => "p0",
        Pool::Evaluation => "2b",
    }
}

/// The statuses, by their code.
const STATUSES: [(&str, Status); 4] = [
    ("draft", Status::Draft),
    ("pilot", Status::Pilot),
    ("live", Status::Live),
    ("retired", Status::Retired),
];
/// The pools, by their code.
const POOLS: [(&str, Pool); 2] = [("p0", Pool::P0), ("2b", Pool::Evaluation)];

fn status_code(status: Status) -> &'static str {
    STATUSES.iter().find(|(_, s)| *s == status).map_or("draft", |(c, _)| c)
}

/// A LOM vocabulary value (`source`, `value`) inside the element `name`.
fn vocabulary(x: &mut String, indent: &str, name: &str, source: &str, value: &str) {
    let _ = write!(
        x,
        "{indent}<imsmd:{name}>\n\
         {indent}  <imsmd:source>{source}</imsmd:source>\n\
         {indent}  <imsmd:value>{value}</imsmd:value>\n\
         {indent}</imsmd:{name}>\n"
    );
}

/// The LOM of a question's resource (see the module doc for where each field goes).
fn lom_xml(q: &Question) -> String {
    let i = "          ";
    let mut x = String::from("        <imsmd:lom>\n");
    if let Some(family) = &q.family {
        let _ = write!(
            x,
            "{i}<imsmd:general>\n\
             {i}  <imsmd:identifier>\n\
             {i}    <imsmd:catalog>{FAMILY_CATALOG}</imsmd:catalog>\n\
             {i}    <imsmd:entry>{}</imsmd:entry>\n\
             {i}  </imsmd:identifier>\n\
             {i}</imsmd:general>\n",
            partial_escape(family)
        );
    }
    let _ = writeln!(x, "{i}<imsmd:lifeCycle>");
    vocabulary(&mut x, "            ", "status", CQPT_VOCABULARY, status_code(q.status));
    if let Some(author) = &q.author {
        let _ = writeln!(x, "{i}  <imsmd:contribute>");
        vocabulary(&mut x, "              ", "role", "LOMv1.0", "author");
        let _ = writeln!(x, "{i}    <imsmd:entity>{}</imsmd:entity>", partial_escape(vcard(author)));
        let _ = writeln!(x, "{i}  </imsmd:contribute>");
    }
    if !q.reviewers.is_empty() || q.reviewed.is_some() {
        let _ = writeln!(x, "{i}  <imsmd:contribute>");
        vocabulary(&mut x, "              ", "role", "LOMv1.0", "validator");
        for r in &q.reviewers {
            let _ = writeln!(x, "{i}    <imsmd:entity>{}</imsmd:entity>", partial_escape(vcard(r)));
        }
        if let Some(date) = q.reviewed {
            let _ = writeln!(
                x,
                "{i}    <imsmd:date>\n{i}      <imsmd:dateTime>{date}</imsmd:dateTime>\n{i}    </imsmd:date>"
            );
        }
        let _ = writeln!(x, "{i}  </imsmd:contribute>");
    }
    let _ = writeln!(x, "{i}</imsmd:lifeCycle>");
    let difficulty = DIFFICULTIES.iter().find(|(l, _)| *l == q.level).map_or("medium", |(_, d)| d);
    let _ = writeln!(x, "{i}<imsmd:educational>");
    vocabulary(&mut x, "            ", "context", CQPT_VOCABULARY, pool_code(q.pool));
    vocabulary(&mut x, "            ", "difficulty", "LOMv1.0", difficulty);
    let _ = writeln!(x, "{i}</imsmd:educational>");
    if let Some(source) = &q.source {
        let _ = writeln!(x, "{i}<imsmd:relation>");
        vocabulary(&mut x, "            ", "kind", "LOMv1.0", "isbasedon");
        let _ = write!(
            x,
            "{i}  <imsmd:resource>\n\
             {i}    <imsmd:description>\n\
             {i}      <imsmd:string language=\"fr\">{}</imsmd:string>\n\
             {i}    </imsmd:description>\n\
             {i}  </imsmd:resource>\n\
             {i}</imsmd:relation>\n",
            partial_escape(source)
        );
    }
    if let Some(date) = q.recheck {
        let _ = write!(
            x,
            "{i}<imsmd:annotation>\n\
             {i}  <imsmd:date>\n\
             {i}    <imsmd:dateTime>{date}</imsmd:dateTime>\n\
             {i}    <imsmd:description>\n\
             {i}      <imsmd:string language=\"en\">recheck</imsmd:string>\n\
             {i}    </imsmd:description>\n\
             {i}  </imsmd:date>\n\
             {i}</imsmd:annotation>\n"
        );
    }
    if let Some(angoff) = q.angoff {
        let _ = writeln!(x, "{i}<imsmd:classification>");
        vocabulary(&mut x, "            ", "purpose", CQPT_VOCABULARY, "angoff");
        let _ = write!(
            x,
            "{i}  <imsmd:taxonPath>\n\
             {i}    <imsmd:source>\n\
             {i}      <imsmd:string language=\"en\">Angoff rating (percent)</imsmd:string>\n\
             {i}    </imsmd:source>\n\
             {i}    <imsmd:taxon>\n\
             {i}      <imsmd:id>{angoff}</imsmd:id>\n\
             {i}    </imsmd:taxon>\n\
             {i}  </imsmd:taxonPath>\n\
             {i}</imsmd:classification>\n"
        );
    }
    x.push_str("        </imsmd:lom>\n");
    x
}

/// The package of the whole bank. `base_url` as in [`case::CaseOptions::base_url`].
pub fn export(bank: &Bank, library: &Library, base_url: Option<&str>) -> QtiPackage {
    let mut manifest = String::new();
    manifest.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    manifest.push_str(
        "<manifest xmlns=\"http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1\" \
         xmlns:imsmd=\"http://ltsc.ieee.org/xsd/LOM\" \
         xmlns:csm=\"http://www.imsglobal.org/xsd/qti/qtiv3p0/imscsmd_v1p1\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd \
         http://ltsc.ieee.org/xsd/LOM https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd \
         http://www.imsglobal.org/xsd/qti/qtiv3p0/imscsmd_v1p1 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_csmv1p1_v1p0.xsd\" \
         identifier=\"cqpt-quiz-bank\">\n",
    );
    manifest.push_str("  <metadata>\n    <schema>QTI Package</schema>\n    <schemaversion>3.0.0</schemaversion>\n  </metadata>\n");
    manifest.push_str("  <organizations/>\n  <resources>\n");
    let mut items = Vec::new();
    for q in &bank.questions {
        let href = format!("items/{}.xml", q.id);
        let _ = write!(
            manifest,
            "    <resource identifier=\"res-{id}\" type=\"{ITEM_RESOURCE_TYPE}\" href=\"{href}\">\n\
             \x20     <metadata>\n\
             \x20       <csm:curriculumStandardsMetadataSet>\n",
            id = escape(&q.id),
        );
        for item in &q.items {
            let guid = case::identifier("item", item);
            let uri = match base_url {
                Some(base) => format!("{}/ims/case/v1p1/CFItems/{guid}", base.trim_end_matches('/')),
                None => format!("urn:uuid:{guid}"),
            };
            let label = library.item(item).map_or(item.as_str(), |i| i.label.as_str());
            let _ = write!(
                manifest,
                "\x20         <csm:curriculumStandardsMetadata>\n\
                 \x20           <csm:setOfGUIDs>\n\
                 \x20             <csm:labelledGUID>\n\
                 \x20               <csm:label>{label}</csm:label>\n\
                 \x20               <csm:caseItemURI>{uri}</csm:caseItemURI>\n\
                 \x20               <csm:GUID>{guid}</csm:GUID>\n\
                 \x20             </csm:labelledGUID>\n\
                 \x20           </csm:setOfGUIDs>\n\
                 \x20         </csm:curriculumStandardsMetadata>\n",
                label = partial_escape(label),
            );
        }
        manifest.push_str("        </csm:curriculumStandardsMetadataSet>\n");
        manifest.push_str(&lom_xml(q));
        let _ = write!(
            manifest,
            "\x20     </metadata>\n\
             \x20     <file href=\"{href}\"/>\n\
             \x20   </resource>\n"
        );
        items.push((href, item_xml(q).into_bytes()));
    }
    manifest.push_str("  </resources>\n</manifest>\n");
    let mut files = vec![("imsmanifest.xml".to_string(), manifest.into_bytes())];
    files.extend(items);
    QtiPackage { files }
}

/// A parsed element of interest while reading a file: its local name, attributes, the text
/// gathered inside, and its line.
struct Reading<'t> {
    text: &'t str,
    file: String,
    diagnostics: Diagnostics,
}

impl Reading<'_> {
    fn location(&self, pos: usize) -> Location {
        let before = &self.text[..pos.min(self.text.len())];
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count() as u32 + 1);
        Location { file: self.file.clone(), line, column }
    }

    fn error(&mut self, pos: usize, field: &str, message: String, expected: &str, found: String) {
        let location = self.location(pos);
        self.diagnostics.push(
            Diagnostic::error(Code::InvalidValue, location, field.to_string(), message)
                .expected(expected)
                .found(found),
        );
    }
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    s.rsplit(':').next().unwrap_or_default().to_string()
}

fn attrs(e: &BytesStart) -> HashMap<String, String> {
    e.attributes()
        .flatten()
        .map(|a| {
            (local(a.key.as_ref()), a.unescape_value().map(std::borrow::Cow::into_owned).unwrap_or_default())
        })
        .collect()
}

/// A step of [`walk`]: `path` holds the local names from the root to the element.
enum Step<'a> {
    /// A start tag, its attributes and its byte position.
    Open(&'a [String], &'a HashMap<String, String>, usize),
    /// An end tag and the text gathered inside the element (trimmed).
    Close(&'a [String], &'a str),
}

/// Walks an XML text, calling `on` at each start and end tag; a syntax error is reported.
fn walk(r: &mut Reading, mut on: impl FnMut(Step)) {
    let mut reader = quick_xml::Reader::from_str(r.text);
    let mut path: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(local(e.name().as_ref()));
                texts.push(String::new());
                on(Step::Open(&path, &attrs(&e), pos));
            }
            Ok(Event::Empty(e)) => {
                path.push(local(e.name().as_ref()));
                on(Step::Open(&path, &attrs(&e), pos));
                on(Step::Close(&path, ""));
                path.pop();
            }
            Ok(Event::End(_)) => {
                let text = texts.pop().unwrap_or_default();
                on(Step::Close(&path, text.trim()));
                path.pop();
                if let Some(parent) = texts.last_mut() {
                    parent.push_str(&text);
                }
            }
            Ok(Event::Text(t)) => {
                if let (Some(last), Ok(s)) = (texts.last_mut(), t.decode()) {
                    last.push_str(&s);
                }
            }
            Ok(Event::CData(t)) => {
                if let (Some(last), Ok(s)) = (texts.last_mut(), t.decode()) {
                    last.push_str(&s);
                }
            }
            Ok(Event::GeneralRef(g)) => {
                let resolved = match g.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => g
                        .decode()
                        .ok()
                        .and_then(|n| quick_xml::escape::resolve_predefined_entity(&n).map(str::to_string)),
                };
                if let (Some(last), Some(s)) = (texts.last_mut(), resolved) {
                    last.push_str(&s);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let location = r.location(reader.error_position() as usize);
                r.diagnostics.push(
                    Diagnostic::error(
                        Code::Syntax,
                        location,
                        String::new(),
                        format!("the file is not well-formed XML ({e})"),
                    )
                    .expected("well-formed XML"),
                );
                break;
            }
        }
    }
}

/// A value read in the manifest and the byte position of its element.
type At = (String, usize);

/// What the manifest says of one item resource, as read (checked in [`resource_meta`]).
#[derive(Debug, Default, Clone)]
struct Resource {
    href: String,
    pos: usize,
    guids: Vec<At>,
    difficulty: Option<At>,
    pool: Option<At>,
    status: Option<At>,
    author: Option<String>,
    reviewers: Vec<String>,
    reviewed: Option<At>,
    recheck: Option<At>,
    source: Option<String>,
    family: Option<At>,
    angoff: Option<At>,
}

/// What is gathered inside the LOM element being read (a contribute, a relation…).
#[derive(Debug, Default)]
struct Scratch {
    role: Option<String>,
    entities: Vec<String>,
    date: Option<At>,
    catalog: Option<String>,
    entry: Option<At>,
    text: Option<String>,
    kind: Option<String>,
}

/// Whether `path` is a resource of the package (`manifest/resources/resource`), not a LOM
/// relation's resource.
fn is_package_resource(path: &[String]) -> bool {
    path.len() >= 2 && path[path.len() - 2] == "resources"
}

fn read_manifest(r: &mut Reading) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    let mut current: Option<Resource> = None;
    let mut other_types = Vec::new();
    let mut leaf = 0;
    let mut s = Scratch::default();
    walk(r, |step| match step {
        Step::Open(path, a, pos) => {
            leaf = pos;
            match path.last().map_or("", String::as_str) {
                "resource" if is_package_resource(path) => {
                    if a.get("type").is_some_and(|t| t == ITEM_RESOURCE_TYPE) {
                        current = Some(Resource {
                            href: a.get("href").cloned().unwrap_or_default(),
                            pos,
                            ..Resource::default()
                        });
                    } else {
                        other_types.push((pos, a.get("type").cloned().unwrap_or_default()));
                    }
                }
                "contribute" | "relation" | "annotation" | "classification" => s = Scratch::default(),
                "identifier" if path.iter().any(|p| p == "general") => s = Scratch::default(),
                _ => {}
            }
        }
        Step::Close(path, text) => {
            let Some(res) = current.as_mut() else { return };
            let within = |n: &str| path.iter().any(|p| p == n);
            let at = || (text.to_string(), leaf);
            match path.last().map_or("", String::as_str) {
                "GUID" => res.guids.push(at()),
                "value" if within("difficulty") => res.difficulty = Some(at()),
                "value" if within("context") => res.pool = Some(at()),
                "value" if within("lifeCycle") && within("status") => res.status = Some(at()),
                "value" if within("role") || within("kind") || within("purpose") => {
                    s.role = Some(text.to_string());
                }
                "entity" if within("contribute") => s.entities.push(text.to_string()),
                "dateTime" => s.date = Some(at()),
                "catalog" => s.catalog = Some(text.to_string()),
                "entry" if within("general") => s.entry = Some(at()),
                "id" if within("taxon") => s.entry = Some(at()),
                "string" if within("relation") => s.text = Some(text.to_string()),
                "string" if within("annotation") => s.kind = Some(text.to_string()),
                "contribute" => match s.role.as_deref() {
                    Some("author") => res.author = s.entities.first().map(|e| vcard_name(e)),
                    Some("validator") => {
                        res.reviewers = s.entities.iter().map(|e| vcard_name(e)).collect();
                        res.reviewed = s.date.take();
                    }
                    _ => {}
                },
                "identifier" if within("general") && s.catalog.as_deref() == Some(FAMILY_CATALOG) => {
                    res.family = s.entry.take();
                }
                "relation" if s.role.as_deref() == Some("isbasedon") => res.source = s.text.take(),
                "annotation" if s.kind.as_deref() == Some("recheck") => res.recheck = s.date.take(),
                "classification" if s.role.as_deref() == Some("angoff") => res.angoff = s.entry.take(),
                "resource" if is_package_resource(path) => out.extend(current.take()),
                _ => {}
            }
        }
    });
    for (pos, t) in other_types {
        r.error(
            pos,
            "manifest.resources.resource.type",
            "a resource that is not a QTI 3.0 item".to_string(),
            ITEM_RESOURCE_TYPE,
            format!("`{t}`"),
        );
    }
    out
}

/// What the manifest gives a question beyond its item file.
#[derive(Debug)]
struct Meta {
    items: Vec<String>,
    level: Option<u8>,
    pool: Option<Pool>,
    status: Option<Status>,
    author: Option<String>,
    reviewers: Vec<String>,
    source: Option<String>,
    reviewed: Option<Date>,
    recheck: Option<Date>,
    family: Option<String>,
    angoff: Option<u8>,
}

/// The value of `found` among `values`; absent or unknown, an error on `field`.
fn pick<T: Copy>(
    m: &mut Reading,
    res: &Resource,
    found: Option<&At>,
    values: &[(&str, T)],
    field: &str,
    what: &str,
    expected: &str,
) -> Option<T> {
    let value = found.and_then(|(v, _)| values.iter().find(|(n, _)| n == v)).map(|(_, t)| *t);
    if value.is_none() {
        m.error(
            found.map_or(res.pos, |(_, p)| *p),
            field,
            match found {
                Some(_) => format!("the resource `{}` has a {what} the bank does not know", res.href),
                None => format!("the resource `{}` has no {what}", res.href),
            },
            expected,
            found.map_or_else(|| "none".to_string(), |(v, _)| format!("`{v}`")),
        );
    }
    value
}

/// A date of the manifest; an error on `field` when it is no date.
fn date(m: &mut Reading, found: Option<&At>, field: &str) -> Option<Date> {
    let (text, pos) = found?;
    match text.parse::<Date>() {
        Ok(d) => Some(d),
        Err(e) => {
            m.error(*pos, field, e, "a date YYYY-MM-DD", format!("`{text}`"));
            None
        }
    }
}

/// Checks what the manifest says of a resource; `None` when its items are unknown.
fn resource_meta(m: &mut Reading, res: &Resource, items_by_guid: &HashMap<String, String>) -> Option<Meta> {
    let mut items = Vec::new();
    let mut known = true;
    for (guid, pos) in &res.guids {
        match items_by_guid.get(guid) {
            Some(item) if !items.contains(item) => items.push(item.clone()),
            Some(_) => {}
            None => {
                known = false;
                m.error(
                    *pos,
                    "resource.metadata.curriculumStandardsMetadataSet…GUID",
                    format!("the resource `{}` names no knowledge item of the référentiels", res.href),
                    "the CASE identifier of an item (cqpt referentiel export --format case)",
                    format!("`{guid}`"),
                );
            }
        }
    }
    if res.guids.is_empty() {
        m.error(
            res.pos,
            "resource.metadata.curriculumStandardsMetadataSet…GUID",
            format!("the resource `{}` names no knowledge item of the référentiels", res.href),
            "the CASE identifier of an item (cqpt referentiel export --format case)",
            "none".to_string(),
        );
    }
    let levels: Vec<(&str, u8)> = DIFFICULTIES.iter().map(|(l, d)| (*d, *l)).collect();
    let level = pick(
        m,
        res,
        res.difficulty.as_ref(),
        &levels,
        "resource.metadata.lom.educational.difficulty",
        "level",
        "easy, medium or difficult",
    );
    let pool = pick(
        m,
        res,
        res.pool.as_ref(),
        &POOLS,
        "resource.metadata.lom.educational.context",
        "pool",
        "p0 or 2b",
    );
    let status = pick(
        m,
        res,
        res.status.as_ref(),
        &STATUSES,
        "resource.metadata.lom.lifeCycle.status",
        "status",
        "draft, pilot, live or retired",
    );
    let reviewed = date(m, res.reviewed.as_ref(), "resource.metadata.lom.lifeCycle.contribute.date");
    let recheck = date(m, res.recheck.as_ref(), "resource.metadata.lom.annotation.date");
    let angoff = res.angoff.as_ref().and_then(|(text, pos)| match text.parse::<u8>() {
        Ok(a) if a <= 100 => Some(a),
        _ => {
            m.error(
                *pos,
                "resource.metadata.lom.classification.taxonPath.taxon.id",
                "the Angoff rating is no percentage".to_string(),
                "a whole number from 0 to 100",
                format!("`{text}`"),
            );
            None
        }
    });
    let family = res.family.as_ref().and_then(|(text, pos)| {
        let ok = crate::yaml::is_id(text);
        if !ok {
            m.error(
                *pos,
                "resource.metadata.lom.general.identifier.entry",
                "the family is no id".to_string(),
                "lowercase ASCII letters, digits and hyphens",
                format!("`{text}`"),
            );
        }
        ok.then(|| text.clone())
    });
    (known && !items.is_empty()).then(|| Meta {
        items,
        level,
        pool,
        status,
        author: res.author.clone(),
        reviewers: res.reviewers.clone(),
        source: res.source.clone(),
        reviewed,
        recheck,
        family,
        angoff,
    })
}

/// What an item file holds.
#[derive(Debug, Default)]
struct ItemRead {
    identifier: Option<String>,
    cardinality: Option<(String, usize)>,
    correct: Vec<(String, usize)>,
    value_pos: usize,
    prompt: Option<String>,
    choices: Vec<(String, String)>,
    explanation: Option<String>,
    interactions: Vec<(String, usize)>,
}

fn read_item(r: &mut Reading) -> ItemRead {
    let mut it = ItemRead::default();
    let mut choice_ids = Vec::new();
    walk(r, |step| match step {
        Step::Open(path, a, pos) => match path.last().map_or("", String::as_str) {
            "qti-assessment-item" => it.identifier = a.get("identifier").cloned(),
            "qti-response-declaration" if a.get("identifier").is_some_and(|i| i == "RESPONSE") => {
                it.cardinality = a.get("cardinality").map(|c| (c.clone(), pos));
            }
            "qti-simple-choice" => choice_ids.push(a.get("identifier").cloned().unwrap_or_default()),
            "qti-value" => it.value_pos = pos,
            name if name.ends_with("-interaction") && name != "qti-choice-interaction" => {
                it.interactions.push((name.to_string(), pos));
            }
            _ => {}
        },
        Step::Close(path, text) => {
            let name = path.last().map_or("", String::as_str);
            match name {
                "qti-value" if path.iter().any(|p| p == "qti-correct-response") => {
                    it.correct.push((text.to_string(), it.value_pos));
                }
                "qti-prompt" => it.prompt = Some(text.to_string()),
                "qti-simple-choice" => {
                    let id = choice_ids.get(it.choices.len()).cloned().unwrap_or_default();
                    it.choices.push((id, text.to_string()));
                }
                "qti-rubric-block" => it.explanation = Some(text.to_string()),
                _ => {}
            }
        }
    });
    it
}

/// Reads a QTI 3.0 package folder back into questions. Every problem of the manifest and of
/// every item (a missing file, an interaction other than a choice, an unknown CASE identifier,
/// a key naming no choice…) is returned at once, with its file and line.
pub fn import(dir: &Path, library: &Library) -> Result<Vec<Question>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let manifest_path = dir.join("imsmanifest.xml");
    let manifest_name = manifest_path.display().to_string();
    let Ok(text) = std::fs::read_to_string(&manifest_path) else {
        diagnostics.push(
            Diagnostic::error(
                Code::Io,
                Location { file: manifest_name, line: 0, column: 0 },
                String::new(),
                "no readable imsmanifest.xml in the package folder",
            )
            .expected("a QTI 3.0 package folder (imsmanifest.xml and the items it lists)"),
        );
        return Err(diagnostics);
    };
    let mut m = Reading { text: &text, file: manifest_name, diagnostics: Diagnostics::default() };
    let resources = read_manifest(&mut m);
    let items_by_guid: HashMap<String, String> =
        library.items.keys().map(|id| (case::identifier("item", id).to_string(), id.clone())).collect();
    let mut questions = Vec::new();
    for res in resources {
        let Some(meta) = resource_meta(&mut m, &res, &items_by_guid) else { continue };
        let path = dir.join(&res.href);
        let name = path.display().to_string();
        let Ok(item_text) = std::fs::read_to_string(&path) else {
            m.error(
                res.pos,
                "resource.href",
                format!("the item file `{}` cannot be read", res.href),
                "a file of the package",
                format!("`{}`", res.href),
            );
            continue;
        };
        let mut r = Reading { text: &item_text, file: name.clone(), diagnostics: Diagnostics::default() };
        let read = read_item(&mut r);
        if let Some(q) = to_question(&mut r, read, meta) {
            questions.push(q);
        }
        diagnostics.0.extend(r.diagnostics.0);
    }
    diagnostics.0.extend(m.diagnostics.0);
    if diagnostics.has_errors() {
        diagnostics.sort();
        Err(diagnostics)
    } else {
        Ok(questions)
    }
}

fn to_question(r: &mut Reading, read: ItemRead, meta: Meta) -> Option<Question> {
    for (name, pos) in &read.interactions {
        r.error(
            *pos,
            "qti-item-body",
            "an interaction the quiz bank cannot hold".into(),
            "qti-choice-interaction",
            format!("`{name}`"),
        );
    }
    let kind = match read.cardinality.as_ref().map(|(c, _)| c.as_str()) {
        Some("single") => Some(QuestionKind::Single),
        Some("multiple") => Some(QuestionKind::Multiple),
        other => {
            let pos = read.cardinality.as_ref().map_or(0, |(_, p)| *p);
            r.error(
                pos,
                "qti-response-declaration.cardinality",
                "the response is neither single nor multiple".into(),
                "single or multiple",
                other.map_or("none".into(), |c| format!("`{c}`")),
            );
            None
        }
    };
    for (key, pos) in &read.correct {
        if !read.choices.iter().any(|(id, _)| id == key) {
            r.error(
                *pos,
                "qti-correct-response.qti-value",
                "the key names no choice".into(),
                "the identifier of a qti-simple-choice",
                format!("`{key}`"),
            );
        }
    }
    let choices: Vec<Choice> = read
        .choices
        .iter()
        .map(|(id, text)| Choice { text: text.clone(), correct: read.correct.iter().any(|(k, _)| k == id) })
        .collect();
    let location = r.location(0);
    if read.identifier.is_none() || read.prompt.is_none() {
        r.error(
            0,
            "qti-assessment-item",
            "an item without identifier or prompt".into(),
            "identifier and qti-prompt",
            "none".into(),
        );
    }
    Some(Question {
        id: read.identifier?,
        item: meta.items[0].clone(),
        items: meta.items,
        pool: meta.pool?,
        status: meta.status?,
        author: meta.author,
        reviewers: meta.reviewers,
        source: meta.source,
        reviewed: meta.reviewed,
        recheck: meta.recheck,
        family: meta.family,
        angoff: meta.angoff,
        level: meta.level?,
        kind: kind?,
        question: read.prompt?,
        choices,
        explanation: read.explanation.unwrap_or_default(),
        location,
    })
}

/// Questions in the bank's YAML format (`quiz/*.yaml`), strings double-quoted.
pub fn to_bank_yaml(questions: &[Question]) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut y = String::from("questions:\n");
    for q in questions {
        let kind = match q.kind {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
        };
        let _ = writeln!(y, "  - id: {}", q.id);
        if let [item] = q.items.as_slice() {
            let _ = writeln!(y, "    item: {item}");
        } else {
            y.push_str("    items:\n");
            for item in &q.items {
                let _ = writeln!(y, "      - {item}");
            }
        }
        let _ = writeln!(y, "    level: {}", q.level);
        let _ = writeln!(y, "    kind: {kind}");
        let _ = writeln!(y, "    pool: {}", pool_code(q.pool));
        let _ = writeln!(y, "    status: {}", status_code(q.status));
        if let Some(author) = &q.author {
            let _ = writeln!(y, "    author: {}", quote(author));
        }
        if !q.reviewers.is_empty() {
            y.push_str("    reviewers:\n");
            for r in &q.reviewers {
                let _ = writeln!(y, "      - {}", quote(r));
            }
        }
        if let Some(source) = &q.source {
            let _ = writeln!(y, "    source: {}", quote(source));
        }
        if let Some(date) = q.reviewed {
            let _ = writeln!(y, "    reviewed: {date}");
        }
        if let Some(date) = q.recheck {
            let _ = writeln!(y, "    recheck: {date}");
        }
        if let Some(family) = &q.family {
            let _ = writeln!(y, "    family: {family}");
        }
        if let Some(angoff) = q.angoff {
            let _ = writeln!(y, "    angoff: {angoff}");
        }
        let _ = writeln!(y, "    question: {}", quote(&q.question));
        y.push_str("    choices:\n");
        for c in &q.choices {
            let _ = writeln!(y, "      - text: {}", quote(&c.text));
            if c.correct {
                y.push_str("        correct: true\n");
            }
        }
        let _ = writeln!(y, "    explanation: {}", quote(&q.explanation));
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_survives_its_vcard() {
        for name in ["A. Auteur", "Relecture rédactionnelle, règles Q01 à Q12", "a;b\\c\nd", ""] {
            assert_eq!(vcard_name(&vcard(name)), name);
        }
        // A tool that puts a plain name in the entity.
        assert_eq!(vcard_name("  R. Relecteur "), "R. Relecteur");
    }

    #[test]
    fn every_status_and_pool_has_its_code() {
        for (code, status) in STATUSES {
            assert_eq!(status_code(status), code);
        }
        for (code, pool) in POOLS {
            assert_eq!(pool_code(pool), code);
        }
    }
}
