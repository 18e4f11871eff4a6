//! A filled workbook read back ([`import_workbook`]): the file's size and its archive's declared
//! sizes checked before anything is parsed, the three sheets streamed cell by cell within
//! bounds (a cell far away never makes a huge grid), formulas never evaluated (their cached
//! values are read; an error value is refused with its place), then each sheet checked.

use super::cells::{self, At, CellError, Errors, Refused, Table, Value};
use super::layout::{self as l, MAX_CELLS, MAX_COLS, MAX_ROWS};
use super::observation::{ContactDraft, LevelDraft, ObservationDraft};
use super::{GridImport, SheetContext};
use crate::date::Date;
use crate::dossier::Dossier;
use calamine::{DataRef, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// Reads a filled workbook of `dossier`: the identity sheet must name this dossier and its
/// certificate; the observation and the dossier de preuves are read when filled. Every refused
/// cell is returned at once and nothing is imported then. `by` and `on` are who imports the
/// levels and when (each assessment records them).
pub fn import_workbook(
    bytes: &[u8],
    dossier: &Dossier,
    ctx: &SheetContext,
    by: &str,
    on: Date,
) -> Result<GridImport, Refused> {
    let order = ctx.sheet_order();
    let (tables, epoch_1904) = open(bytes, ctx).map_err(|e| Refused(vec![*e]))?;
    let mut errors = Errors::default();
    let mut tables = tables.into_iter();
    let (identity, observation, preuves) = (
        tables.next().unwrap_or_default(),
        tables.next().unwrap_or_default(),
        tables.next().unwrap_or_default(),
    );
    check_identity(&identity, dossier, &mut errors);
    if !errors.is_empty() {
        // Another dossier's workbook: its grids are not read at all.
        return Err(errors.into_refused(&order));
    }
    for table in [&observation, &preuves] {
        if let Some(e) = overflow(table) {
            errors.push(e);
        }
    }
    let draft = read_observation(&observation, ctx, epoch_1904, &mut errors);
    let observation = draft.and_then(|d| super::observation::assemble(d, ctx, &mut errors, by, on));
    let preuves = super::preuves::read(&preuves, l::PRE_FIRST, ctx, &mut errors, by, on);
    if errors.is_empty() { Ok(GridImport { preuves, observation }) } else { Err(errors.into_refused(&order)) }
}

/// The error a table recorded when it went past its bounds.
fn overflow(table: &Table) -> Option<CellError> {
    table.overflow.clone()
}

/// Opens the workbook and reads its identity, observation and preuves sheets.
fn open(bytes: &[u8], ctx: &SheetContext) -> Result<(Vec<Table>, bool), Box<CellError>> {
    let file = |message: String| CellError::whole("", "", message);
    if bytes.len() > l::MAX_XLSX_BYTES {
        return Err(Box::new(
            file(format!("the file is too large for a filled grid ({} bytes)", bytes.len()))
                .expected(format!("at most {} bytes", l::MAX_XLSX_BYTES), format!("{} bytes", bytes.len())),
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(Box::new(file("the file is not an .xlsx workbook".into()).expected(
            "an Excel workbook (.xlsx, a ZIP archive), or a CSV file named .csv",
            describe(bytes),
        )));
    }
    check_archive(bytes)
        .map_err(|(message, expected, found)| Box::new(file(message).expected(expected, found)))?;
    let mut workbook: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        file(format!("the workbook cannot be read ({e})")).expected("an .xlsx workbook", "a damaged file")
    })?;
    let epoch_1904 = workbook.has_1904_epoch();
    let names = workbook.sheet_names();
    let f = &ctx.texts.feuilles;
    let mut tables = Vec::new();
    let mut budget = MAX_CELLS;
    for name in [&f.identite, &f.observation, &f.preuves] {
        if !names.iter().any(|n| n == name) {
            return Err(Box::new(
                CellError::whole(name, "", format!("the workbook has no sheet `{name}`")).expected(
                    format!("the sheets of `cqpt grille tableur` ({})", ctx.sheet_order().join(", ")),
                    names.join(", "),
                ),
            ));
        }
        tables.push(read_sheet(&mut workbook, name, &mut budget)?);
    }
    Ok((tables, epoch_1904))
}

/// What the first bytes of a file look like, for the "found" of a refusal.
fn describe(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "an empty file".into();
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return "an old Excel workbook (.xls): save it as .xlsx".into();
    }
    if bytes.starts_with(b"%PDF") {
        return "a PDF file".into();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(20)]).into_owned();
    crate::limits::quote(&head)
}

/// Checks the archive's declared sizes and number of parts before anything is inflated.
fn check_archive(bytes: &[u8]) -> Result<(), (String, String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        (
            format!("the workbook is not a valid archive ({e})"),
            "an .xlsx workbook".into(),
            "a damaged ZIP archive".into(),
        )
    })?;
    if archive.len() > l::MAX_XLSX_PARTS {
        return Err((
            "the workbook has too many parts".into(),
            format!("at most {} parts", l::MAX_XLSX_PARTS),
            format!("{} parts", archive.len()),
        ));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|e| {
            (
                format!("the workbook is not a valid archive ({e})"),
                "an .xlsx workbook".into(),
                "a damaged ZIP archive".into(),
            )
        })?;
        total = total.saturating_add(part.size());
    }
    if total > l::MAX_XLSX_UNCOMPRESSED {
        return Err((
            "the workbook is too large once uncompressed".into(),
            format!("at most {} bytes uncompressed", l::MAX_XLSX_UNCOMPRESSED),
            format!("{total} bytes"),
        ));
    }
    Ok(())
}

/// Streams the cells of one sheet within [`MAX_ROWS`] × [`MAX_COLS`] and the shared cell
/// budget; a value beyond is recorded as the table's overflow error and ends the reading.
fn read_sheet(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    budget: &mut usize,
) -> Result<Table, Box<CellError>> {
    let damaged = |e: calamine::XlsxError| {
        CellError::whole(name, "", format!("the sheet cannot be read ({e})"))
            .expected("a sheet written by a spreadsheet", "a damaged sheet")
    };
    let mut table = Table { name: name.to_string(), cells: BTreeMap::new(), overflow: None };
    let mut reader = workbook.worksheet_cells_reader(name).map_err(damaged)?;
    while let Some(cell) = reader.next_cell().map_err(damaged)? {
        let (row, col) = cell.get_position();
        let value = value(cell.get_value());
        if value.is_empty() {
            continue;
        }
        if row >= MAX_ROWS || col >= MAX_COLS {
            let error = table.at(row, col).error("", "a value outside the grid").expected(
                format!("values up to row {MAX_ROWS}, column {}", cells::column_letters(MAX_COLS - 1)),
                format!("a value at {}{}", cells::column_letters(col), row.saturating_add(1)),
            );
            table.overflow = Some(error);
            break;
        }
        if *budget == 0 {
            table.overflow = Some(
                CellError::whole(name, "", "the workbook holds too many filled cells")
                    .expected(format!("at most {MAX_CELLS} filled cells"), format!("more than {MAX_CELLS}")),
            );
            break;
        }
        *budget -= 1;
        table.cells.insert((row, col), value);
    }
    Ok(table)
}

/// A cell's cached value (a formula is never evaluated).
fn value(data: &DataRef<'_>) -> Value {
    match data {
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s.clone()),
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(d) => Value::DateTime(d.as_f64()),
        DataRef::Error(e) => Value::Error(e.to_string()),
        DataRef::Empty => Value::Empty,
    }
}

/// The identity sheet must name this dossier and its certificate.
fn check_identity(table: &Table, dossier: &Dossier, errors: &mut Errors) {
    if let Some(e) = overflow(table) {
        errors.push(e);
    }
    let col = u32::from(l::ID_VALUE_COL);
    for (row, field, want) in [
        (l::ID_DOSSIER, "dossier", super::dossier_id(dossier)),
        (l::ID_CERTIFICATE, "certificat", dossier.certificate.clone()),
    ] {
        let v = table.get(row, col);
        let found = cells::text(v).unwrap_or_default();
        if found != want {
            let what = if field == "dossier" { "another dossier" } else { "another certificate" };
            errors.push(
                table
                    .at(row, col)
                    .error(
                        field,
                        format!(
                            "this workbook is for {what}: it is not imported into dossier {}",
                            super::dossier_id(dossier)
                        ),
                    )
                    .expected(
                        crate::limits::quote(&want),
                        if v.is_empty() { "an empty cell".into() } else { crate::limits::quote(&found) },
                    ),
            );
        }
    }
}

/// Reads the observation sheet: the header cells, one column per contact, one row per item,
/// then the justifications table. `None` when nothing is filled.
fn read_observation(
    table: &Table,
    ctx: &SheetContext,
    epoch_1904: bool,
    errors: &mut Errors,
) -> Option<ObservationDraft> {
    let vcol = u32::from(l::OBS_VALUE_COL);
    let at = |row: u32, col: u32| table.at(row, col);
    let date = cells::read(errors, &at(l::OBS_DATE, vcol), "date", table.get(l::OBS_DATE, vcol), |v| {
        cells::date(v, epoch_1904)
    });
    let start =
        cells::read(errors, &at(l::OBS_START, vcol), "debut", table.get(l::OBS_START, vcol), cells::time);
    let end = cells::read(errors, &at(l::OBS_END, vcol), "fin", table.get(l::OBS_END, vcol), cells::time);
    let observer =
        cells::read(errors, &at(l::OBS_BY, vcol), "observateur", table.get(l::OBS_BY, vcol), cells::text);
    let first = u32::from(l::OBS_FIRST_CONTACT);
    let last = first + ctx.contact_columns();
    // The item rows: from the first one down to the first row without an id.
    let item_col = u32::from(l::OBS_ITEM_COL);
    let mut items_end = l::OBS_ITEMS;
    while items_end < MAX_ROWS && !table.get(items_end, item_col).is_empty() {
        items_end += 1;
    }
    let mut any = [l::OBS_DATE, l::OBS_START, l::OBS_END].iter().any(|r| !table.get(*r, vcol).is_empty());
    let mut contacts = Vec::new();
    for col in first..last {
        let filled = (l::OBS_STARTS..items_end).any(|r| !table.get(r, col).is_empty());
        if !filled {
            continue;
        }
        any = true;
        let number_at = at(l::OBS_NUMBERS, col);
        let number =
            cells::read(errors, &number_at, "contact", table.get(l::OBS_NUMBERS, col), cells::contact_number);
        if number.is_none() && table.get(l::OBS_NUMBERS, col).is_empty() {
            errors.push(
                number_at
                    .error("contact", "a filled contact has no number")
                    .expected("a whole number from 1 to 999", "an empty cell"),
            );
        }
        let start =
            cells::read(errors, &at(l::OBS_STARTS, col), "debut", table.get(l::OBS_STARTS, col), cells::time)
                .map(|t| (at(l::OBS_STARTS, col), t));
        let end = cells::read(errors, &at(l::OBS_ENDS, col), "fin", table.get(l::OBS_ENDS, col), cells::time)
            .map(|t| (at(l::OBS_ENDS, col), t));
        let mut levels = Vec::new();
        for row in l::OBS_ITEMS..items_end {
            let level_at = at(row, col);
            let Some(level) = cells::read(errors, &level_at, "niveau", table.get(row, col), cells::level)
            else {
                continue;
            };
            let item_at = at(row, item_col);
            let item = cells::text(table.get(row, item_col)).unwrap_or_default();
            levels.push(LevelDraft {
                item,
                item_at,
                level,
                justification_at: level_at.clone(),
                level_at,
                justification: None,
            });
        }
        contacts.push(ContactDraft { number: number.unwrap_or(0), number_at, start, end, levels });
    }
    // The justifications: (contact number, item, text) rows under the grid.
    let just_first = items_end + l::OBS_JUSTIFICATIONS_AFTER;
    for row in just_first..table.height().min(MAX_ROWS) {
        let text = cells::read(
            errors,
            &at(row, u32::from(l::JUST_TEXT_COL)),
            "justification",
            table.get(row, u32::from(l::JUST_TEXT_COL)),
            cells::text,
        );
        let number_at = at(row, u32::from(l::JUST_CONTACT_COL));
        let number =
            cells::read(errors, &number_at, "contact", table.get(row, number_at.col), cells::contact_number);
        let item_at = at(row, u32::from(l::JUST_ITEM_COL));
        let item = cells::read(errors, &item_at, "item", table.get(row, item_at.col), cells::text);
        if table.row_is_empty(row, 0..u32::from(l::JUST_TEXT_COL) + 1) {
            continue;
        }
        any = true;
        attach(&mut contacts, row, number, &number_at, item, &item_at, text, errors, table);
    }
    any.then(|| ObservationDraft {
        date,
        date_at: Some(at(l::OBS_DATE, vcol)),
        start,
        start_at: Some(at(l::OBS_START, vcol)),
        end: end.map(|t| (at(l::OBS_END, vcol), t)),
        observer,
        contacts,
    })
}

/// Puts a justification on the level it justifies.
#[allow(clippy::too_many_arguments)]
fn attach(
    contacts: &mut [ContactDraft],
    row: u32,
    number: Option<u32>,
    number_at: &At,
    item: Option<String>,
    item_at: &At,
    text: Option<String>,
    errors: &mut Errors,
    table: &Table,
) {
    let text_at = table.at(row, u32::from(l::JUST_TEXT_COL));
    let (Some(number), Some(item)) = (number, item) else {
        if table.get(row, number_at.col).is_empty() {
            errors.push(
                number_at
                    .error("contact", "a justification names no contact")
                    .expected("the contact's number", "an empty cell"),
            );
        }
        if table.get(row, item_at.col).is_empty() {
            errors.push(
                item_at
                    .error("item", "a justification names no item")
                    .expected("the id of the item justified", "an empty cell"),
            );
        }
        return;
    };
    let Some(text) = text else {
        errors.push(
            text_at
                .error("justification", "an empty justification")
                .expected("the justification", "an empty cell"),
        );
        return;
    };
    let level = contacts
        .iter_mut()
        .filter(|c| c.number == number)
        .flat_map(|c| c.levels.iter_mut())
        .find(|lv| lv.item == item);
    match level {
        Some(lv) if lv.justification.is_some() => errors.push(
            item_at
                .error("item", format!("item `{item}` of contact {number} is justified twice"))
                .expected("one justification per item and contact", crate::limits::quote(&item)),
        ),
        Some(lv) => lv.justification = Some(text),
        None => errors.push(
            item_at
                .error("item", format!("no level of `{item}` in contact {number} to justify"))
                .expected("an item given a level in that contact", crate::limits::quote(&item)),
        ),
    }
}
