//! The dossier de preuves (phase 2A) read from a table of eight columns, the same in the sheet
//! and in CSV: `piece`, `titre`, `nature`, `referent`, `fonction`, `item`, `niveau`,
//! `justification` ([`super::layout::PRE_COLUMNS`]). One row per level drawn from a piece; the
//! first row of a piece gives its id, title and kind, the next rows of the same piece may leave
//! them empty (or repeat them unchanged). A row with only a piece (no item) records a piece with
//! no level yet.

use super::SheetContext;
use super::cells::{self, Errors, Table, Value};
use crate::date::Date;
use crate::dossier::{Assessment, Preuve, PreuveKind, Referee};
use crate::policy::Modality;
use std::collections::BTreeSet;

/// Column indexes of [`super::layout::PRE_COLUMNS`].
const PIECE: u32 = 0;
const TITLE: u32 = 1;
const KIND: u32 = 2;
const REFEREE: u32 = 3;
const ROLE: u32 = 4;
const ITEM: u32 = 5;
const LEVEL: u32 = 6;
const JUSTIFICATION: u32 = 7;

/// A kind of piece, by its code (`temoignage`), its French label or the code with accents.
fn kind(value: &Value, ctx: &SheetContext) -> Result<PreuveKind, (String, String)> {
    let text = cells::text(value)?;
    let folded = text.to_lowercase().replace(['é', 'è'], "e");
    let labels = &ctx.labels;
    PreuveKind::ALL
        .iter()
        .copied()
        .find(|k| {
            folded == k.as_str()
                || text.eq_ignore_ascii_case(labels.get(crate::documents::LabelSet::Preuve, k.as_str()))
        })
        .ok_or_else(|| {
            let codes: Vec<&str> = PreuveKind::ALL.iter().map(|k| k.as_str()).collect();
            ("not a kind of piece".to_string(), format!("one of {}", codes.join(", ")))
        })
}

/// Reads the pieces of rows `first..` of `table`; `None` when no row holds anything, or when a
/// cell was refused (pushed to `errors`).
pub fn read(
    table: &Table,
    first: u32,
    ctx: &SheetContext,
    errors: &mut Errors,
    by: &str,
    on: Date,
) -> Option<Vec<Preuve>> {
    let before = errors.is_empty();
    let certificate = &ctx.grids.certificate;
    let in_grid: BTreeSet<&str> =
        super::items::grid_items(ctx.library, ctx.policy, certificate, &ctx.grids.preuves)
            .iter()
            .map(|g| g.item.id.as_str())
            .collect();
    let from = ctx.justification_from();
    let mut pieces: Vec<Preuve> = Vec::new();
    let mut reported = BTreeSet::new();
    let mut seen_levels: BTreeSet<(String, String)> = BTreeSet::new();
    let mut any = false;
    for row in first..table.height() {
        if table.row_is_empty(row, 0..8) {
            continue;
        }
        any = true;
        let at = |c: u32| table.at(row, c);
        let text = |errors: &mut Errors, c: u32, field: &str| {
            cells::read(errors, &at(c), field, table.get(row, c), cells::text)
        };
        let id = text(errors, PIECE, "piece");
        let title = text(errors, TITLE, "titre");
        let kind = cells::read(errors, &at(KIND), "nature", table.get(row, KIND), |v| kind(v, ctx));
        let referee = text(errors, REFEREE, "referent");
        let role = text(errors, ROLE, "fonction");
        let item = text(errors, ITEM, "item");
        let level = cells::read(errors, &at(LEVEL), "niveau", table.get(row, LEVEL), cells::level);
        let justification = text(errors, JUSTIFICATION, "justification");
        // Which piece the row belongs to: its id, else the piece above.
        let index = match &id {
            Some(id) => pieces.iter().position(|p| &p.id == id),
            None if pieces.is_empty() => {
                errors.push(
                    at(PIECE)
                        .error("piece", "the first row gives no piece id")
                        .expected("the id of the piece (e.g. P1)", "an empty cell"),
                );
                continue;
            }
            None => Some(pieces.len() - 1),
        };
        let index = if let Some(i) = index {
            let p = &pieces[i];
            if let Some(t) = &title
                && *t != p.title
            {
                errors.push(
                    at(TITLE)
                        .error("titre", format!("piece `{}` has another title above", p.id))
                        .expected(crate::limits::quote(&p.title), crate::limits::quote(t)),
                );
            }
            if let Some(k) = kind
                && k != p.kind
            {
                errors.push(
                    at(KIND)
                        .error("nature", format!("piece `{}` has another kind above", p.id))
                        .expected(p.kind.as_str(), k.as_str()),
                );
            }
            i
        } else {
            let id = id.unwrap_or_default();
            if title.is_none() {
                errors.push(
                    at(TITLE)
                        .error("titre", format!("piece `{id}` has no title"))
                        .expected("the title of the piece on its first row", "an empty cell"),
                );
            }
            if kind.is_none() && table.get(row, KIND).is_empty() {
                errors.push(
                    at(KIND)
                        .error("nature", format!("piece `{id}` has no kind"))
                        .expected("description, document or temoignage", "an empty cell"),
                );
            }
            let referee = match (kind, &referee) {
                (Some(PreuveKind::Temoignage), None) => {
                    errors.push(
                        at(REFEREE)
                            .error("referent", format!("the testimony `{id}` names no referee"))
                            .expected("the referee's name", "an empty cell"),
                    );
                    None
                }
                (Some(PreuveKind::Temoignage), Some(name)) => {
                    Some(Referee { name: name.clone(), role: role.clone() })
                }
                (_, Some(name)) => {
                    errors.push(
                        at(REFEREE)
                            .error("referent", format!("piece `{id}` is not a testimony: it has no referee"))
                            .expected("an empty cell (or the kind temoignage)", crate::limits::quote(name)),
                    );
                    None
                }
                (_, None) => None,
            };
            pieces.push(Preuve {
                id,
                title: title.clone().unwrap_or_default(),
                kind: kind.unwrap_or(PreuveKind::Description),
                referee,
                assessments: Vec::new(),
            });
            pieces.len() - 1
        };
        match (item, level) {
            (Some(item), Some(level)) => {
                check_level(ctx, &in_grid, &item, &at(ITEM), errors, &mut reported);
                let piece = &pieces[index].id;
                if !seen_levels.insert((piece.clone(), item.clone())) {
                    errors.push(
                        at(ITEM)
                            .error("item", format!("item `{item}` is given twice for piece `{piece}`"))
                            .expected("one level per item and piece", crate::limits::quote(&item)),
                    );
                }
                if level.value() >= from && justification.is_none() {
                    errors.push(
                        at(JUSTIFICATION)
                            .error(
                                "justification",
                                format!(
                                    "level {level} of `{item}` needs a justification (from level {from})"
                                ),
                            )
                            .expected("a justification", "an empty cell"),
                    );
                }
                pieces[index].assessments.push(Assessment {
                    item,
                    level,
                    justification,
                    by: by.to_string(),
                    on,
                    location: crate::diag::Location::default(),
                });
            }
            (Some(item), None) if table.get(row, LEVEL).is_empty() => errors.push(
                at(LEVEL)
                    .error("niveau", format!("item `{item}` has no level"))
                    .expected("a whole number from 0 to 5", "an empty cell"),
            ),
            (None, Some(_)) if table.get(row, ITEM).is_empty() => errors.push(
                at(ITEM)
                    .error("item", "a level without an item")
                    .expected("the id of an item of the grid", "an empty cell"),
            ),
            _ => {}
        }
    }
    (any && before && errors.is_empty()).then_some(pieces)
}

/// Checks an item of the dossier de preuves.
fn check_level(
    ctx: &SheetContext,
    in_grid: &BTreeSet<&str>,
    item: &str,
    at: &cells::At,
    errors: &mut Errors,
    reported: &mut BTreeSet<(u32, u32)>,
) {
    super::observation::check_item(ctx, in_grid, item, at, Modality::Preuves, errors, reported);
}
