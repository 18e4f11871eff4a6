//! The grids as CSV files, one layout per grid, told apart by their header row.
//!
//! Both layouts: UTF-8 with or without BOM, `;` or `,` between fields (the one the header row
//! uses), a header row with the column names below in this order (case and spaces ignored),
//! then one row per level; empty rows are skipped.
//!
//! **Observation** (phase 2C), long form, one row per level observed:
//! `contact;debut;fin;item;niveau;justification`. `contact` is the contact's number; `debut`
//! and `fin` (HH:MM) its start and end, given on its first row and left empty or repeated
//! unchanged on its next rows; `item` an item of the observation grid; `niveau` 0–5;
//! `justification` required from the policy's level. A row with a contact and its times but no
//! item records a contact without levels. The observation's date is the import's date, its
//! start and end are the earliest start and the latest end of the contacts, its observer the
//! person importing.
//!
//! **Dossier de preuves** (phase 2A): `piece;titre;nature;referent;fonction;item;niveau;justification`,
//! as the sheet « Preuves » ([`super::preuves`]).

use super::cells::{self, CellError, Errors, Refused, Table, Value};
use super::layout::{self as l, MAX_ROWS};
use super::observation::{ContactDraft, LevelDraft, ObservationDraft};
use super::{GridImport, SheetContext};
use crate::date::Date;
use crate::dossier::Dossier;
use std::collections::BTreeMap;

/// Reads a grid as CSV (`name` is how errors name the file): the observation or the dossier
/// de preuves, by its header row. Every refused cell at once; nothing imported then. The CSV
/// carries no dossier id: the caller picks the dossier.
pub fn import_csv(
    name: &str,
    bytes: &[u8],
    dossier: &Dossier,
    ctx: &SheetContext,
    by: &str,
    on: Date,
) -> Result<GridImport, Refused> {
    let whole = |message: String| CellError::whole(name, "", message);
    if bytes.len() > l::MAX_CSV_BYTES {
        return Err(Refused(vec![
            whole(format!("the file is too large for a grid ({} bytes)", bytes.len()))
                .expected(format!("at most {} bytes", l::MAX_CSV_BYTES), format!("{} bytes", bytes.len())),
        ]));
    }
    if dossier.certificate != ctx.grids.certificate {
        return Err(Refused(vec![whole(format!(
            "the grids are those of {}, the dossier's certificate is {}",
            ctx.grids.certificate, dossier.certificate
        ))]));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Refused(vec![
            whole(format!("the file is not UTF-8 at byte {at} (save it as UTF-8 CSV)"))
                .expected("UTF-8 text", format!("byte 0x{:02X}", bytes.get(at).copied().unwrap_or(0))),
        ])
    })?;
    let table = parse(name, text).map_err(|e| Refused(vec![*e]))?;
    let header: Vec<String> =
        (0..8).map(|c| cells::text(table.get(0, c)).unwrap_or_default().to_lowercase()).collect();
    let is = |columns: &[&str]| columns.iter().enumerate().all(|(i, c)| header[i] == *c);
    let mut errors = Errors::default();
    let mut import = GridImport::default();
    if is(&l::OBS_CSV_COLUMNS) {
        let draft = read_observation(&table, &mut errors);
        import.observation = draft.and_then(|d| super::observation::assemble(d, ctx, &mut errors, by, on));
    } else if is(&l::PRE_COLUMNS) {
        import.preuves = super::preuves::read(&table, 1, ctx, &mut errors, by, on);
    } else {
        return Err(Refused(vec![
            table
                .at(0, 0)
                .error("", "the header row is neither the observation's nor the dossier de preuves'")
                .expected(
                    format!("`{}` or `{}`", l::OBS_CSV_COLUMNS.join(";"), l::PRE_COLUMNS.join(";")),
                    crate::limits::quote(header.join(";").trim_end_matches(';')),
                ),
        ]));
    }
    if errors.is_empty() { Ok(import) } else { Err(errors.into_refused(&[name])) }
}

/// The CSV as a table of text cells (row 0 the header), `;` or `,` as the header row uses.
fn parse(name: &str, text: &str) -> Result<Table, Box<CellError>> {
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() >= first.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table { name: name.to_string(), cells: BTreeMap::new(), overflow: None };
    for (row, record) in reader.records().enumerate() {
        let row = row as u32;
        let record = record.map_err(|e| {
            let line = e.position().map_or(row + 1, |p| p.line() as u32);
            Box::new(CellError::whole(name, "", format!("the CSV cannot be read at line {line} ({e})")))
        })?;
        if row >= MAX_ROWS {
            return Err(Box::new(
                CellError::whole(name, "", "the file has too many rows")
                    .expected(format!("at most {MAX_ROWS} rows"), format!("more than {MAX_ROWS}")),
            ));
        }
        if record.len() > 8 {
            let extra = record.iter().skip(8).any(|f| !f.trim().is_empty());
            if extra {
                return Err(Box::new(
                    table
                        .at(row, 8)
                        .error("", "a value after the last column")
                        .expected("at most 8 columns", format!("{} columns", record.len())),
                ));
            }
        }
        for (col, field) in record.iter().take(8).enumerate() {
            if !field.trim().is_empty() {
                table.cells.insert((row, col as u32), Value::Text(field.to_string()));
            }
        }
    }
    Ok(table)
}

/// Column indexes of [`super::layout::OBS_CSV_COLUMNS`].
const CONTACT: u32 = 0;
const START: u32 = 1;
const END: u32 = 2;
const ITEM: u32 = 3;
const LEVEL: u32 = 4;
const JUSTIFICATION: u32 = 5;

/// Reads the observation's long form: rows grouped by contact number, in order of first row.
fn read_observation(table: &Table, errors: &mut Errors) -> Option<ObservationDraft> {
    let mut contacts: Vec<ContactDraft> = Vec::new();
    for row in 1..table.height() {
        if table.row_is_empty(row, 0..6) {
            continue;
        }
        let at = |c: u32| table.at(row, c);
        let get = |c: u32| table.get(row, c);
        let number = cells::read(errors, &at(CONTACT), "contact", get(CONTACT), cells::contact_number);
        if get(CONTACT).is_empty() {
            errors.push(
                at(CONTACT)
                    .error("contact", "a row without a contact number")
                    .expected("a whole number from 1 to 999", "an empty cell"),
            );
        }
        let start = cells::read(errors, &at(START), "debut", get(START), cells::time);
        let end = cells::read(errors, &at(END), "fin", get(END), cells::time);
        let item = cells::read(errors, &at(ITEM), "item", get(ITEM), cells::text);
        let level = cells::read(errors, &at(LEVEL), "niveau", get(LEVEL), cells::level);
        let justification =
            cells::read(errors, &at(JUSTIFICATION), "justification", get(JUSTIFICATION), cells::text);
        let Some(number) = number else { continue };
        let index = contacts.iter().position(|c| c.number == number).unwrap_or_else(|| {
            contacts.push(ContactDraft {
                number,
                number_at: at(CONTACT),
                start: None,
                end: None,
                levels: Vec::new(),
            });
            contacts.len() - 1
        });
        let contact = &mut contacts[index];
        for (time, col, field, slot) in
            [(start, START, "debut", &mut contact.start), (end, END, "fin", &mut contact.end)]
        {
            let Some(time) = time else { continue };
            match slot {
                Some((first, t)) if *t != time => errors.push(
                    at(col)
                        .error(
                            field,
                            format!("contact {number} has another {field} at row {}", first.row + 1),
                        )
                        .expected(t.to_string(), time.to_string()),
                ),
                Some(_) => {}
                None => *slot = Some((at(col), time)),
            }
        }
        match (item, level) {
            (Some(item), Some(level)) => contact.levels.push(LevelDraft {
                item,
                item_at: at(ITEM),
                level,
                level_at: at(LEVEL),
                justification,
                justification_at: at(JUSTIFICATION),
            }),
            (Some(item), None) if get(LEVEL).is_empty() => errors.push(
                at(LEVEL)
                    .error("niveau", format!("item `{item}` has no level"))
                    .expected("a whole number from 0 to 5", "an empty cell"),
            ),
            (None, Some(_)) if get(ITEM).is_empty() => errors.push(
                at(ITEM)
                    .error("item", "a level without an item")
                    .expected("the id of an item of the observation grid", "an empty cell"),
            ),
            _ => {}
        }
    }
    (!contacts.is_empty()).then_some(ObservationDraft {
        date: None,
        date_at: None,
        start: None,
        start_at: Some(table.at(0, START)),
        end: None,
        observer: None,
        contacts,
    })
}
