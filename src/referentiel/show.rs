//! How a référentiel is shown to a person (a tree) and to a machine (self-contained JSON with
//! the items it references).

use super::library::Library;
use super::model::{Item, ItemKind, ItemRef, Knowledge, Referentiel, ReferentielKind, SubActivity};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write;

/// A référentiel with the items it references, for `--format json`.
#[derive(Debug, Serialize)]
pub struct ReferentielView<'a> {
    /// The référentiel.
    #[serde(flatten)]
    pub referentiel: &'a Referentiel,
    /// Counts that a reader checks first.
    pub summary: Summary,
    /// Every item it references, in the order of first reference.
    pub items: Vec<&'a Item>,
}

/// Counts of a référentiel.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Number of activities.
    pub activities: usize,
    /// Number of core activities.
    pub core_activities: usize,
    /// Number of optional activities.
    pub optional_activities: usize,
    /// Number of competences.
    pub competences: usize,
    /// Number of tasks.
    pub tasks: usize,
    /// Number of exemples concrets.
    pub examples: usize,
    /// Number of units (blocs de compétences).
    pub units: usize,
    /// Number of distinct items referenced.
    pub items: usize,
}

impl<'a> ReferentielView<'a> {
    /// Builds the view of `referentiel`, resolving its items in `library`.
    pub fn new(library: &'a Library, referentiel: &'a Referentiel) -> Self {
        let mut seen = BTreeSet::new();
        let items: Vec<&Item> = referentiel
            .item_refs()
            .filter(|(_, r)| seen.insert(r.id.as_str()))
            .filter_map(|(_, r)| library.item(&r.id))
            .collect();
        let summary = Summary {
            activities: referentiel.activities.len(),
            core_activities: referentiel.activities.iter().filter(|a| a.core).count(),
            optional_activities: referentiel.activities.iter().filter(|a| a.optional).count(),
            competences: referentiel.activities.iter().map(|a| a.competences.len()).sum(),
            tasks: referentiel.activities.iter().map(|a| a.tasks().count()).sum(),
            examples: referentiel.activities.iter().map(|a| a.examples().count()).sum(),
            units: referentiel.units.len(),
            items: items.len(),
        };
        ReferentielView { referentiel, summary, items }
    }
}

/// One line of `cqpt referentiel list`: a référentiel and its counts.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ListRow<'a> {
    /// Its id.
    pub id: &'a str,
    /// Certificate or savoirs communs.
    pub kind: ReferentielKind,
    /// Its title.
    pub title: &'a str,
    /// Number of activities.
    pub activities: usize,
    /// Number of core activities.
    pub core_activities: usize,
    /// Number of competences.
    pub competences: usize,
    /// Number of units.
    pub units: usize,
    /// Number of distinct items referenced.
    pub items: usize,
}

/// The rows of `cqpt referentiel list`, in the library's order.
pub fn list(library: &Library) -> Vec<ListRow<'_>> {
    library
        .referentiels
        .iter()
        .map(|r| {
            let summary = ReferentielView::new(library, r).summary;
            ListRow {
                id: &r.id,
                kind: r.kind,
                title: &r.title,
                activities: summary.activities,
                core_activities: summary.core_activities,
                competences: summary.competences,
                units: summary.units,
                items: summary.items,
            }
        })
        .collect()
}

/// The référentiel as a readable tree. Each item is shown with the wording of the text at
/// that place and its id.
pub fn tree(library: &Library, r: &Referentiel) -> String {
    let mut out = String::new();
    let kind = match r.kind {
        ReferentielKind::Certificat => "certificat",
        ReferentielKind::SavoirsCommuns => "savoirs communs",
    };
    let _ = writeln!(out, "{} — {} ({kind})", r.id, r.title);
    let _ = writeln!(out, "Source: {}", r.source);
    if let Some(g) = &r.registration {
        registration(&mut out, g);
    }
    if let Some(a) = &r.autonomy {
        let _ = writeln!(out, "Autonomie: {}", a.text);
    }
    if !r.activities.is_empty() {
        let core = r.activities.iter().filter(|a| a.core).count();
        let competences: usize = r.activities.iter().map(|a| a.competences.len()).sum();
        let competences =
            if competences > 0 { format!(", {competences} compétences") } else { String::new() };
        let _ = writeln!(
            out,
            "{} activités ({core} cœur de métier, {} optionnelle(s)){competences}",
            r.activities.len(),
            r.activities.iter().filter(|a| a.optional).count()
        );
    }
    for u in &r.units {
        let code = u.code.as_ref().map(|c| format!("{c} — ")).unwrap_or_default();
        let alone = if u.certifiable_alone { "certifiable seul" } else { "non certifiable seul" };
        let mut parts: Vec<&str> = u.activities.iter().map(String::as_str).collect();
        parts.extend(u.competences.iter().map(String::as_str));
        let _ = writeln!(out, "Bloc [{}] {code}{} ({alone}) : {}", u.id, u.title, parts.join(", "));
    }
    for a in &r.activities {
        let mut flags = vec![if a.core { "cœur de métier" } else { "hors cœur de métier" }.to_string()];
        if a.optional {
            flags.push("optionnelle".to_string());
        }
        if let Some(p) = a.page {
            flags.push(format!("p. {p}"));
        }
        let code = a.code.as_ref().map(|c| format!("{c} ")).unwrap_or_default();
        let _ = writeln!(out, "\n[{}] {code}{} ({})", a.id, a.title, flags.join(", "));
        if let Some(d) = &a.description {
            let _ = writeln!(out, "  {d}");
        }
        rows(&mut out, library, &a.sub_activities, "  ");
        for c in &a.competences {
            let code = c.code.as_ref().map(|c| format!("{c} ")).unwrap_or_default();
            let opt = if c.optional { " (optionnelle)" } else { "" };
            let _ = writeln!(out, "  ◆ [{}] {code}{}{opt}", c.id, c.title);
            if let Some(note) = &c.note {
                let _ = writeln!(out, "      ({note})");
            }
            rows(&mut out, library, &c.sub_activities, "    ");
            if let Some(k) = c.knowledge.as_ref().filter(|k| !k.gathered) {
                knowledge(&mut out, library, k, "    ");
            }
            examples(&mut out, &c.examples, "    ");
        }
        if let Some(k) = a.knowledge.as_ref().filter(|k| !k.gathered) {
            knowledge(&mut out, library, k, "  ");
        }
    }
    for e in &r.environments {
        let _ = writeln!(out, "\n[{}] {}", e.id, e.title);
        knowledge(&mut out, library, &e.knowledge, "  ");
    }
    for g in &r.savoir_faire_groups {
        let _ = writeln!(out, "\nSavoir-faire — {}", g.title);
        refs(&mut out, library, &g.savoir_faire, "  ");
    }
    out
}

fn registration(out: &mut String, g: &super::units::Registration) {
    let mut facts = Vec::new();
    if let Some(x) = &g.level {
        facts.push(format!("niveau {x}"));
    }
    if let Some(x) = &g.nsf {
        facts.push(format!("NSF {x}"));
    }
    if !g.rome.is_empty() {
        facts.push(format!("ROME {}", g.rome.join(", ")));
    }
    if let Some(x) = &g.rncp {
        facts.push(format!("RNCP {x}"));
    }
    if let Some(x) = &g.rs {
        facts.push(format!("RS {x}"));
    }
    if let Some(x) = &g.authority {
        facts.push(format!("certificateur : {x}"));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "Enregistrement: {}", facts.join(" · "));
    }
    if !g.legal_basis.is_empty() {
        let _ = writeln!(out, "Bases légales: {}", g.legal_basis.join(" ; "));
    }
}

fn rows(out: &mut String, library: &Library, subs: &[SubActivity], indent: &str) {
    for s in subs {
        let opt = if s.optional { " (optionnel)" } else { "" };
        let _ = writeln!(out, "{indent}▸ {}{opt}", s.title);
        if let Some(note) = &s.note {
            let _ = writeln!(out, "{indent}    ({note})");
        }
        for t in &s.tasks {
            let opt = if t.optional { " (optionnel)" } else { "" };
            let _ = writeln!(out, "{indent}    - {}{opt}", t.text);
        }
        if let Some(k) = &s.knowledge {
            knowledge(out, library, k, &format!("{indent}  "));
        }
        examples(out, &s.examples, &format!("{indent}  "));
    }
}

fn examples(out: &mut String, list: &[String], indent: &str) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "{indent}Exemples concrets ({})", list.len());
    for e in list {
        let _ = writeln!(out, "{indent}  · {e}");
    }
}

fn knowledge(out: &mut String, library: &Library, k: &Knowledge, indent: &str) {
    let page = k.page.map(|p| format!(" (p. {p})")).unwrap_or_default();
    let _ = writeln!(out, "{indent}Savoirs{page}");
    for kind in ItemKind::ALL {
        let list = k.of_kind(kind);
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{indent}  {} ({})", kind.heading(), list.len());
        refs(out, library, list, &format!("{indent}    "));
    }
}

fn refs(out: &mut String, library: &Library, list: &[ItemRef], indent: &str) {
    for r in list {
        match library.item(&r.id) {
            Some(item) => {
                let _ =
                    writeln!(out, "{indent}{} [{}] {}", r.wording_or(item), item.category.label(), item.id);
            }
            None => {
                let _ = writeln!(out, "{indent}? {}", r.id);
            }
        }
    }
}
