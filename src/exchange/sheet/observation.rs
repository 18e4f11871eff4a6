//! The observation (phase 2C) as read from a sheet or a CSV file ([`ObservationDraft`]), then
//! checked and turned into the model ([`assemble`]): contact numbers unique, end not before
//! start, items known and in the observation grid, a justification from the policy's level.

use super::SheetContext;
use super::cells::{At, Errors};
use crate::date::{Date, TimeOfDay};
use crate::dossier::{Assessment, Contact, Observation};
use crate::policy::Modality;
use crate::scale::Level;
use std::collections::{BTreeMap, BTreeSet};

/// A level as read, with the cells it came from.
#[derive(Debug, Clone)]
pub struct LevelDraft {
    /// The item id.
    pub item: String,
    /// Where the item id is written.
    pub item_at: At,
    /// The level.
    pub level: Level,
    /// Where the level is written.
    pub level_at: At,
    /// The justification, when written.
    pub justification: Option<String>,
    /// Where a missing justification is reported.
    pub justification_at: At,
}

/// A contact as read.
#[derive(Debug, Clone)]
pub struct ContactDraft {
    /// Its number.
    pub number: u32,
    /// Where its number is written.
    pub number_at: At,
    /// Its start, where written.
    pub start: Option<(At, TimeOfDay)>,
    /// Its end, where written.
    pub end: Option<(At, TimeOfDay)>,
    /// Its levels.
    pub levels: Vec<LevelDraft>,
}

/// The observation as read (each value `None` when the cell is empty or was refused).
#[derive(Debug, Clone)]
pub struct ObservationDraft {
    /// Its date.
    pub date: Option<Date>,
    /// Where its date is written (or reported missing).
    pub date_at: Option<At>,
    /// Its start.
    pub start: Option<TimeOfDay>,
    /// Where its start is written (or reported missing).
    pub start_at: Option<At>,
    /// Its end.
    pub end: Option<(At, TimeOfDay)>,
    /// The observer.
    pub observer: Option<String>,
    /// The contacts, in order.
    pub contacts: Vec<ContactDraft>,
}

/// Checks a draft and builds the observation; `None` when a cell was refused (pushed to
/// `errors`). Without a date cell, the date is `on`; without start and end cells, they are the
/// earliest start and the latest end of the contacts.
pub fn assemble(
    draft: ObservationDraft,
    ctx: &SheetContext,
    errors: &mut Errors,
    by: &str,
    on: Date,
) -> Option<Observation> {
    let before = errors.is_empty();
    let certificate = &ctx.grids.certificate;
    let in_grid: BTreeSet<&str> =
        super::items::grid_items(ctx.library, ctx.policy, certificate, &ctx.grids.observation)
            .iter()
            .map(|g| g.item.id.as_str())
            .collect();
    let from = ctx.justification_from();
    let mut numbers: BTreeMap<u32, &At> = BTreeMap::new();
    let mut reported = BTreeSet::new();
    for contact in &draft.contacts {
        if let Some(first) = numbers.get(&contact.number) {
            errors.push(
                contact
                    .number_at
                    .error("contact", format!("contact {} is numbered twice", contact.number))
                    .expected(
                        format!("a number no other contact has (already at {}{})", col(first), first.row + 1),
                        contact.number.to_string(),
                    ),
            );
        } else {
            numbers.insert(contact.number, &contact.number_at);
        }
        if let (Some((_, start)), Some((end_at, end))) = (&contact.start, &contact.end)
            && end < start
        {
            errors.push(
                end_at
                    .error("fin", format!("contact {} ends before it starts ({start})", contact.number))
                    .expected(format!("a time at or after {start}"), end.to_string()),
            );
        }
        let mut items = BTreeMap::new();
        for l in &contact.levels {
            check_item(ctx, &in_grid, &l.item, &l.item_at, Modality::Observation, errors, &mut reported);
            if let Some(first) = items.insert(l.item.as_str(), &l.item_at) {
                errors.push(
                    l.item_at
                        .error(
                            "item",
                            format!("item `{}` is given twice for contact {}", l.item, contact.number),
                        )
                        .expected(
                            format!(
                                "one level per item and contact (first at {}{})",
                                col(first),
                                first.row + 1
                            ),
                            crate::limits::quote(&l.item),
                        ),
                );
            }
            if l.level.value() >= from && l.justification.is_none() {
                errors.push(
                    l.justification_at
                        .error(
                            "justification",
                            format!(
                                "level {} of `{}` (contact {}) needs a justification (from level {from})",
                                l.level, l.item, contact.number
                            ),
                        )
                        .expected("a justification", "none"),
                );
            }
        }
    }
    let start =
        draft.start.or_else(|| draft.contacts.iter().filter_map(|c| c.start.as_ref().map(|s| s.1)).min());
    let end = draft
        .end
        .as_ref()
        .map(|e| e.1)
        .or_else(|| draft.contacts.iter().filter_map(|c| c.end.as_ref().map(|s| s.1)).max());
    let missing = |at: &Option<At>, field: &str, what: &str| match at {
        Some(at) => at.error(field, format!("the observation's {what} is missing")),
        None => super::cells::CellError::whole("", field, format!("the observation's {what} is missing")),
    };
    if start.is_none() {
        errors.push(
            missing(&draft.start_at, "debut", "start time")
                .expected("a time HH:MM (or the contacts' start times)", "an empty cell"),
        );
    }
    if end.is_none() {
        let at = draft.end.as_ref().map(|e| e.0.clone()).or(draft.start_at.clone());
        errors.push(
            missing(&at, "fin", "end time")
                .expected("a time HH:MM (or the contacts' end times)", "an empty cell"),
        );
    }
    if let (Some(start), Some((end_at, end))) = (start, &draft.end)
        && *end < start
    {
        errors.push(
            end_at
                .error("fin", format!("the observation ends before it starts ({start})"))
                .expected(format!("a time at or after {start}"), end.to_string()),
        );
    }
    let date = draft.date.unwrap_or(on);
    if !before || !errors.is_empty() {
        return None;
    }
    let contacts = draft
        .contacts
        .into_iter()
        .enumerate()
        .map(|(i, c)| Contact {
            number: c.number,
            start: c.start.map(|s| s.1),
            end: c.end.map(|e| e.1),
            assessments: c
                .levels
                .into_iter()
                .map(|l| Assessment {
                    item: l.item,
                    level: l.level,
                    justification: l.justification,
                    by: by.to_string(),
                    on,
                    location: crate::diag::Location::default(),
                })
                .collect(),
            field: format!("observation.contacts[{i}]"),
            location: crate::diag::Location::default(),
        })
        .collect();
    Some(Observation {
        date,
        start: start?,
        end: end?,
        by: draft.observer.unwrap_or_else(|| by.to_string()),
        referee: None,
        referee_remarks: None,
        contacts,
        interview: None,
        location: crate::diag::Location::default(),
        end_location: crate::diag::Location::default(),
    })
}

/// The column letters of a place.
fn col(at: &At) -> String {
    super::cells::column_letters(at.col)
}

/// Checks that `item` is known and listed by the grid of `modality`; each cell is reported once.
pub fn check_item(
    ctx: &SheetContext,
    in_grid: &BTreeSet<&str>,
    item: &str,
    at: &At,
    modality: Modality,
    errors: &mut Errors,
    reported: &mut BTreeSet<(u32, u32)>,
) {
    if in_grid.contains(item) || !reported.insert((at.row, at.col)) {
        return;
    }
    let grid = ctx.labels.modality(modality);
    match ctx.library.item(item) {
        None => {
            let mut e = at
                .error("item", format!("no item has the id `{item}`"))
                .expected(format!("the id of an item of the {grid} grid"), crate::limits::quote(item));
            if let Some(hint) = crate::suggest::did_you_mean(item, in_grid.iter().copied()) {
                e.message = format!("{} ({hint})", e.message);
            }
            errors.push(e);
        }
        Some(found) => errors.push(
            at.error(
                "item",
                format!(
                    "item `{item}` is not in the {grid} grid of {}: its category ({}) is evaluated by another modality",
                    ctx.grids.certificate,
                    ctx.labels.category(found.category)
                ),
            )
            .expected(format!("the id of an item of the {grid} grid"), crate::limits::quote(item)),
        ),
    }
}
