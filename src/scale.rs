//! The two 0–5 mastery scales (savoirs, savoir-faire), loaded from `referentiels/echelles.yaml`,
//! and the four kinds of knowledge they apply to. The référentiels build on this module.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::yaml::{Decoder, Node};
use serde::Serialize;
use std::fmt;

/// The four kinds of knowledge the annexes list for each core activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// Connaissances (theoretical knowledge).
    Connaissance,
    /// Savoirs procéduraux (procedures and methods).
    SavoirProcedural,
    /// Savoirs expérientiels (knowledge from experience).
    SavoirExperientiel,
    /// Savoir-faire (know-how).
    SavoirFaire,
}

impl ItemKind {
    /// The four kinds in the order of the annexes.
    pub const ALL: [ItemKind; 4] = [
        ItemKind::Connaissance,
        ItemKind::SavoirProcedural,
        ItemKind::SavoirExperientiel,
        ItemKind::SavoirFaire,
    ];

    /// The names used in the data files.
    pub const CHOICES: &'static [(&'static str, ItemKind)] = &[
        ("connaissance", ItemKind::Connaissance),
        ("savoir-procedural", ItemKind::SavoirProcedural),
        ("savoir-experientiel", ItemKind::SavoirExperientiel),
        ("savoir-faire", ItemKind::SavoirFaire),
    ];

    /// The name used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Connaissance => "connaissance",
            ItemKind::SavoirProcedural => "savoir-procedural",
            ItemKind::SavoirExperientiel => "savoir-experientiel",
            ItemKind::SavoirFaire => "savoir-faire",
        }
    }

    /// The key of the list of this kind under `knowledge:` or an environment.
    pub fn list_key(self) -> &'static str {
        match self {
            ItemKind::Connaissance => "connaissances",
            ItemKind::SavoirProcedural => "savoirs_proceduraux",
            ItemKind::SavoirExperientiel => "savoirs_experientiels",
            ItemKind::SavoirFaire => "savoir_faire",
        }
    }

    /// The French heading of the kind, as in the annexes.
    pub fn heading(self) -> &'static str {
        match self {
            ItemKind::Connaissance => "Connaissances",
            ItemKind::SavoirProcedural => "Savoirs procéduraux",
            ItemKind::SavoirExperientiel => "Savoirs expérientiels",
            ItemKind::SavoirFaire => "Savoir-faire",
        }
    }
}

/// A mastery level, 0 to 5 on either scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Level(u8);

impl Level {
    /// The highest level of both scales.
    pub const MAX: u8 = 5;

    /// A level, if `value` is in 0–5.
    pub fn new(value: u8) -> Option<Level> {
        (value <= Self::MAX).then_some(Level(value))
    }

    /// The level as a number.
    pub fn value(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One step of a scale: its level and its verbatim label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaleLevel {
    /// The level.
    pub level: Level,
    /// The label as the agreement words it.
    pub label: String,
}

/// A 0–5 mastery scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scale {
    /// `savoirs` or `savoir-faire`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The kinds of knowledge it measures.
    pub applies_to: Vec<ItemKind>,
    /// Levels 0 to 5, in order.
    pub levels: Vec<ScaleLevel>,
}

impl Scale {
    /// The label of `level`.
    pub fn label(&self, level: Level) -> &str {
        self.levels.iter().find(|l| l.level == level).map_or("", |l| l.label.as_str())
    }
}

/// Both scales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Scales {
    /// The scales in file order.
    pub scales: Vec<Scale>,
}

impl Scales {
    /// The scale that measures `kind`.
    pub fn for_kind(&self, kind: ItemKind) -> Option<&Scale> {
        self.scales.iter().find(|s| s.applies_to.contains(&kind))
    }

    /// The scale with this id.
    pub fn get(&self, id: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.id == id)
    }
}

/// Reads a level 0–5 at `node`; a number outside the scale is reported as such.
pub fn read_level(d: &mut Decoder, node: &Node, field: &str) -> Option<Level> {
    if let crate::yaml::Value::Int(i) = node.value {
        if let Some(level) = u8::try_from(i).ok().and_then(Level::new) {
            Some(level)
        } else {
            let diag = Diagnostic::error(
                Code::LevelOutOfRange,
                d.location(node),
                field,
                format!("level {i} is outside the 0–5 scale"),
            )
            .expected("an integer from 0 to 5")
            .found(format!("`{i}`"));
            d.report(diag);
            None
        }
    } else {
        d.wrong_type(node, field, "an integer from 0 to 5");
        None
    }
}

/// Decodes `echelles.yaml`; every problem goes to `diagnostics`.
pub fn decode_scales(file: &str, root: &Node, diagnostics: &mut Diagnostics) -> Scales {
    let mut d = Decoder::new(file, diagnostics);
    let mut scales = Scales::default();
    let Some(mut top) = d.map(root, "") else { return scales };
    if let Some(list) = top.required(&mut d, "scales", "a list of scales") {
        for (field, node) in d.seq(list, "scales").unwrap_or_default() {
            if let Some(scale) = decode_scale(&mut d, node, &field) {
                scales.scales.push(scale);
            }
        }
    }
    top.finish(&mut d, &["scales"]);
    check_kinds_covered(&mut d, root, &scales);
    scales
}

fn decode_scale(d: &mut Decoder, node: &Node, field: &str) -> Option<Scale> {
    let mut m = d.map(node, field)?;
    let id = m.required(d, "id", "the scale id").and_then(|n| d.id(n, &m.path("id")));
    let title = m.required(d, "title", "text").and_then(|n| d.string(n, &m.path("title")));
    let mut applies_to = Vec::new();
    if let Some(list) = m.required(d, "applies_to", "a list of knowledge kinds") {
        for (f, n) in d.seq(list, &m.path("applies_to")).unwrap_or_default() {
            if let Some(kind) = d.choice(n, &f, ItemKind::CHOICES) {
                applies_to.push(kind);
            }
        }
    }
    let mut levels: Vec<(ScaleLevel, &Node)> = Vec::new();
    if let Some(list) = m.required(d, "levels", "the levels 0 to 5") {
        for (f, n) in d.seq(list, &m.path("levels")).unwrap_or_default() {
            let Some(mut lm) = d.map(n, &f) else { continue };
            let level = {
                let path = lm.path("level");
                lm.required(d, "level", "an integer from 0 to 5").and_then(|ln| read_level(d, ln, &path))
            };
            let label =
                lm.required(d, "label", "the verbatim label").and_then(|ln| d.string(ln, &lm.path("label")));
            lm.finish(d, &["level", "label"]);
            if let (Some(level), Some(label)) = (level, label) {
                if levels.iter().any(|(l, _)| l.level == level) {
                    let diag = Diagnostic::error(
                        Code::DuplicateId,
                        d.location(n),
                        f.clone(),
                        format!("level {level} is defined twice"),
                    )
                    .expected("each level from 0 to 5 once")
                    .found(format!("`{level}` again"));
                    d.report(diag);
                } else {
                    levels.push((ScaleLevel { level, label }, n));
                }
            }
        }
        let missing: Vec<String> = (0..=Level::MAX)
            .filter(|v| !levels.iter().any(|(l, _)| l.level.value() == *v))
            .map(|v| v.to_string())
            .collect();
        if !missing.is_empty() {
            let diag = Diagnostic::error(
                Code::ScaleIncomplete,
                d.location(list),
                m.path("levels"),
                format!("the scale lacks level(s) {}", missing.join(", ")),
            )
            .expected("every level from 0 to 5")
            .found(format!("{} level(s)", levels.len()));
            d.report(diag);
        }
    }
    m.finish(d, &["id", "title", "applies_to", "levels"]);
    levels.sort_by_key(|(l, _)| l.level);
    Some(Scale { id: id?, title: title?, applies_to, levels: levels.into_iter().map(|(l, _)| l).collect() })
}

/// Every kind of knowledge must be measured by exactly one scale.
fn check_kinds_covered(d: &mut Decoder, root: &Node, scales: &Scales) {
    for (name, kind) in ItemKind::CHOICES {
        let count = scales.scales.iter().filter(|s| s.applies_to.contains(kind)).count();
        if count != 1 {
            let diag = Diagnostic::error(
                Code::InvalidValue,
                d.location(root),
                "scales[].applies_to",
                format!("the kind `{name}` is measured by {count} scale(s)"),
            )
            .expected("exactly one scale per kind of knowledge")
            .found(format!("{count}"));
            d.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    const OK: &str = "scales:\n  - id: s\n    title: T\n    applies_to: [connaissance, savoir-procedural, savoir-experientiel]\n    levels:\n      - {level: 0, label: a}\n      - {level: 1, label: b}\n      - {level: 2, label: c}\n      - {level: 3, label: d}\n      - {level: 4, label: e}\n      - {level: 5, label: f}\n  - id: sf\n    title: T\n    applies_to: [savoir-faire]\n    levels:\n      - {level: 0, label: a}\n      - {level: 1, label: b}\n      - {level: 2, label: c}\n      - {level: 3, label: d}\n      - {level: 4, label: e}\n      - {level: 5, label: f}\n";

    #[test]
    fn a_complete_pair_of_scales_loads() {
        let mut diags = Diagnostics::default();
        let scales = decode_scales("e.yaml", &parse("e.yaml", OK).unwrap(), &mut diags);
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(scales.for_kind(ItemKind::SavoirFaire).unwrap().label(Level::new(3).unwrap()), "d");
    }

    #[test]
    fn level_seven_is_out_of_range_and_five_is_then_missing() {
        let text = OK.replacen("{level: 5, label: f}", "{level: 7, label: f}", 1);
        let mut diags = Diagnostics::default();
        decode_scales("e.yaml", &parse("e.yaml", &text).unwrap(), &mut diags);
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec![Code::LevelOutOfRange, Code::ScaleIncomplete]);
        assert_eq!(diags.0[0].location.line, 11);
        assert_eq!(diags.0[0].found.as_deref(), Some("`7`"));
    }

    #[test]
    fn level_new_rejects_six() {
        assert!(Level::new(5).is_some());
        assert!(Level::new(6).is_none());
    }
}
