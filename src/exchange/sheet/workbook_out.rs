//! The blank workbook of a dossier ([`blank_workbook`]): identity, observation, dossier de
//! preuves and the items of the grids, every word from `referentiels/tableur.toml`, level,
//! time and date cells validated, label cells protected, panes frozen, pages set for A4.

use super::items::{GridItem, grid_items};
use super::layout as l;
use super::texts::fill;
use super::{SheetContext, dossier_id};
use crate::dossier::Dossier;
use crate::dossier::PreuveKind;
use crate::error::{Error, Result};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

/// The formats of the workbook.
struct Formats {
    title: Format,
    note: Format,
    label: Format,
    heading: Format,
    locked: Format,
    input: Format,
    level: Format,
    time: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        let grey = Color::RGB(0x00F2_F2F2);
        let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
        let input = cell.clone().set_unlocked().set_background_color(Color::White);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_text_wrap(),
            label: cell.clone().set_bold().set_background_color(grey),
            heading: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0x00D9_D9D9))
                .set_align(FormatAlign::Center),
            locked: cell.clone().set_background_color(grey),
            level: input.clone().set_align(FormatAlign::Center),
            time: input.clone().set_num_format("hh:mm").set_align(FormatAlign::Center),
            date: input.clone().set_num_format("dd/mm/yyyy"),
            input,
        }
    }
}

/// The blank grids of `dossier` as an `.xlsx` file (see the module's documentation). The
/// same dossier and data give the same bytes (the workbook is dated by the dossier's latest
/// date).
pub fn blank_workbook(dossier: &Dossier, ctx: &SheetContext) -> Result<Vec<u8>> {
    if dossier.certificate != ctx.grids.certificate {
        return Err(Error::Data(format!(
            "the grids are those of {}, the dossier's certificate is {}",
            ctx.grids.certificate, dossier.certificate
        )));
    }
    build(dossier, ctx).map_err(|e| Error::Data(format!("the workbook cannot be written ({e})")))
}

fn build(dossier: &Dossier, ctx: &SheetContext) -> std::result::Result<Vec<u8>, XlsxError> {
    let certificate = &ctx.grids.certificate;
    let title = ctx.library.referentiel(certificate).map_or(certificate.as_str(), |r| r.title.as_str());
    let observed = grid_items(ctx.library, ctx.policy, certificate, &ctx.grids.observation);
    let preuves = grid_items(ctx.library, ctx.policy, certificate, &ctx.grids.preuves);
    let f = Formats::new();
    let mut workbook = Workbook::new();
    let date = dossier.latest_date();
    let created =
        ExcelDateTime::parse_from_str(&date.to_string()).or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1))?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(fill(&ctx.texts.identite.titre, &[("certificat", title)]))
            .set_creation_datetime(&created),
    );
    identity(workbook.add_worksheet(), dossier, ctx, title, &f)?;
    observation(workbook.add_worksheet(), dossier, ctx, &observed, &f)?;
    preuves_sheet(workbook.add_worksheet(), dossier, ctx, preuves.len(), observed.len(), &f)?;
    items_sheet(workbook.add_worksheet(), ctx, title, &observed, &preuves, &f)?;
    workbook.save_to_buffer()
}

/// Portrait or landscape A4, one page wide, protected.
fn page(ws: &mut Worksheet, landscape: bool) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.protect();
}

/// A validation with its help title and message (from the texts).
fn help(dv: DataValidation, title: &str, message: &str) -> std::result::Result<DataValidation, XlsxError> {
    dv.set_input_title(title)?.set_input_message(message)?.set_error_title(title)?.set_error_message(message)
}

fn identity(
    ws: &mut Worksheet,
    dossier: &Dossier,
    ctx: &SheetContext,
    title: &str,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    let t = &ctx.texts.identite;
    ws.set_name(&ctx.texts.feuilles.identite)?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 70)?;
    ws.write_string_with_format(l::ID_TITLE, 0, fill(&t.titre, &[("certificat", title)]), &f.title)?;
    let body = dossier.evaluating_body.as_ref().map_or(String::new(), |b| b.name.clone());
    for (row, label, value) in [
        (l::ID_DOSSIER, &t.dossier, dossier_id(dossier)),
        (l::ID_CANDIDATE, &t.candidat, dossier.candidate_name()),
        (l::ID_NUMBER, &t.numero, dossier.candidate.id.clone()),
        (l::ID_CERTIFICATE, &t.certificat, dossier.certificate.clone()),
        (l::ID_BODY, &t.organisme, body),
    ] {
        ws.write_string_with_format(row, 0, label, &f.label)?;
        ws.write_string_with_format(row, l::ID_VALUE_COL, value, &f.locked)?;
    }
    let from = ctx.justification_from().to_string();
    for (i, line) in t.consignes.iter().enumerate() {
        let row = l::ID_INSTRUCTIONS + i as u32;
        ws.merge_range(row, 0, row, 1, &fill(line, &[("niveau", &from)]), &f.note)?;
        ws.set_row_height(row, 30)?;
    }
    page(ws, false);
    ws.set_active(true);
    Ok(())
}

fn observation(
    ws: &mut Worksheet,
    dossier: &Dossier,
    ctx: &SheetContext,
    items: &[GridItem],
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    let t = &ctx.texts.observation;
    let a = &ctx.texts.aide;
    let contacts = ctx.contact_columns() as u16;
    let first = l::OBS_FIRST_CONTACT;
    let last = first + contacts - 1;
    let id = dossier_id(dossier);
    let name = dossier.candidate_name();
    ws.set_name(&ctx.texts.feuilles.observation)?;
    ws.set_column_width(l::OBS_ITEM_COL, 26)?;
    ws.set_column_width(l::OBS_LABEL_COL, 60)?;
    for c in first..=last {
        ws.set_column_width(c, 10)?;
    }
    let heading =
        fill(&t.titre, &[("titre", &ctx.grids.observation.title), ("candidat", &name), ("dossier", &id)]);
    ws.write_string_with_format(l::OBS_TITLE, 0, heading, &f.title)?;
    let policy = ctx.policy.for_certificate(&ctx.grids.certificate);
    let instruction = fill(
        &t.consigne,
        &[("min", &ctx.min_contacts().to_string()), ("max", &policy.observation.max_minutes.to_string())],
    );
    ws.merge_range(l::OBS_INSTRUCTION, 0, l::OBS_INSTRUCTION, last, &instruction, &f.note)?;
    ws.set_row_height(l::OBS_INSTRUCTION, 45)?;
    let v = l::OBS_VALUE_COL;
    ws.write_string_with_format(l::OBS_DATE, 0, &t.date, &f.label)?;
    ws.write_blank(l::OBS_DATE, v, &f.date)?;
    ws.write_string_with_format(l::OBS_START, 0, &t.debut, &f.label)?;
    ws.write_blank(l::OBS_START, v, &f.time)?;
    ws.write_string_with_format(l::OBS_END, 0, &t.fin, &f.label)?;
    ws.write_blank(l::OBS_END, v, &f.time)?;
    ws.write_string_with_format(l::OBS_BY, 0, &t.observateur, &f.label)?;
    let observer = dossier.evaluating_body.as_ref().and_then(|b| b.evaluator.clone()).unwrap_or_default();
    ws.write_string_with_format(l::OBS_BY, v, observer, &f.input)?;
    // Headings, then one column per contact: number, start, end, a level per item.
    ws.write_string_with_format(l::OBS_HEADINGS, l::OBS_ITEM_COL, &t.savoir, &f.heading)?;
    ws.write_string_with_format(l::OBS_HEADINGS, l::OBS_LABEL_COL, &t.libelle, &f.heading)?;
    for (row, label) in
        [(l::OBS_NUMBERS, &t.numero), (l::OBS_STARTS, &t.debut_contact), (l::OBS_ENDS, &t.fin_contact)]
    {
        ws.write_blank(row, l::OBS_ITEM_COL, &f.locked)?;
        ws.write_string_with_format(row, l::OBS_LABEL_COL, label, &f.label)?;
    }
    for (n, c) in (first..=last).enumerate() {
        let number = (n + 1).to_string();
        ws.write_string_with_format(l::OBS_HEADINGS, c, fill(&t.contact, &[("n", &number)]), &f.heading)?;
        ws.write_number_with_format(l::OBS_NUMBERS, c, (n + 1) as f64, &f.level)?;
        ws.write_blank(l::OBS_STARTS, c, &f.time)?;
        ws.write_blank(l::OBS_ENDS, c, &f.time)?;
    }
    for (i, item) in items.iter().enumerate() {
        let row = l::OBS_ITEMS + i as u32;
        ws.write_string_with_format(row, l::OBS_ITEM_COL, &item.item.id, &f.locked)?;
        ws.write_string_with_format(row, l::OBS_LABEL_COL, item.label, &f.locked)?;
        for c in first..=last {
            ws.write_blank(row, c, &f.level)?;
        }
    }
    let items_end = l::OBS_ITEMS + items.len() as u32;
    // The justifications table under the grid.
    let from = ctx.justification_from().to_string();
    let title_row = items_end + 1;
    ws.merge_range(title_row, 0, title_row, last, &fill(&t.justifications, &[("niveau", &from)]), &f.title)?;
    let head = items_end + 2;
    ws.write_string_with_format(head, l::JUST_CONTACT_COL, &t.justification_contact, &f.heading)?;
    ws.write_string_with_format(head, l::JUST_ITEM_COL, &t.justification_savoir, &f.heading)?;
    ws.merge_range(head, l::JUST_TEXT_COL, head, last, &t.justification_texte, &f.heading)?;
    let just_first = items_end + l::OBS_JUSTIFICATIONS_AFTER;
    let just_last = just_first + t.lignes_justification - 1;
    for row in just_first..=just_last {
        ws.write_blank(row, l::JUST_CONTACT_COL, &f.level)?;
        ws.write_blank(row, l::JUST_ITEM_COL, &f.input)?;
        ws.merge_range(row, l::JUST_TEXT_COL, row, last, "", &f.input)?;
    }
    // Validations.
    let time = help(
        DataValidation::new().allow_time(DataValidationRule::Between(
            ExcelDateTime::from_hms(0, 0, 0)?,
            ExcelDateTime::from_hms(23, 59, 59)?,
        )),
        &a.heure_titre,
        &a.heure,
    )?;
    ws.add_data_validation(l::OBS_START, v, l::OBS_END, v, &time)?;
    ws.add_data_validation(l::OBS_STARTS, first, l::OBS_ENDS, last, &time)?;
    let date = help(
        DataValidation::new().allow_date(DataValidationRule::Between(
            ExcelDateTime::from_ymd(2000, 1, 1)?,
            ExcelDateTime::from_ymd(2099, 12, 31)?,
        )),
        &a.date_titre,
        &a.date,
    )?;
    ws.add_data_validation(l::OBS_DATE, v, l::OBS_DATE, v, &date)?;
    let number = help(
        DataValidation::new().allow_whole_number(DataValidationRule::Between(1, 999)),
        &a.contact_titre,
        &a.contact,
    )?;
    ws.add_data_validation(l::OBS_NUMBERS, first, l::OBS_NUMBERS, last, &number)?;
    ws.add_data_validation(just_first, l::JUST_CONTACT_COL, just_last, l::JUST_CONTACT_COL, &number)?;
    if !items.is_empty() {
        let level = help(
            DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(0, i32::from(crate::scale::Level::MAX))),
            &a.niveau_titre,
            &a.niveau,
        )?;
        ws.add_data_validation(l::OBS_ITEMS, first, items_end - 1, last, &level)?;
        let list = item_list(&ctx.texts.feuilles.savoirs, 0, items.len());
        let item = help(DataValidation::new().allow_list_formula(list), &a.savoir_titre, &a.savoir)?;
        ws.add_data_validation(just_first, l::JUST_ITEM_COL, just_last, l::JUST_ITEM_COL, &item)?;
    }
    ws.set_freeze_panes(l::OBS_ITEMS, first)?;
    ws.set_repeat_rows(l::OBS_HEADINGS, l::OBS_ENDS)?;
    page(ws, true);
    Ok(())
}

/// The range of the items sheet listing `count` items from position `offset`, for a list.
fn item_list(sheet: &str, offset: usize, count: usize) -> Formula {
    let top = l::ITEMS_FIRST as usize + offset + 1;
    let bottom = top + count.max(1) - 1;
    Formula::new(format!("='{}'!$A${top}:$A${bottom}", sheet.replace('\'', "''")))
}

fn preuves_sheet(
    ws: &mut Worksheet,
    dossier: &Dossier,
    ctx: &SheetContext,
    item_count: usize,
    offset: usize,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    let t = &ctx.texts.preuves;
    let a = &ctx.texts.aide;
    ws.set_name(&ctx.texts.feuilles.preuves)?;
    let headings = [
        (&t.piece, 14.0),
        (&t.titre_piece, 36.0),
        (&t.nature, 14.0),
        (&t.referent, 22.0),
        (&t.fonction, 18.0),
        (&t.savoir, 26.0),
        (&t.niveau, 8.0),
        (&t.justification, 50.0),
    ];
    let last = headings.len() as u16 - 1;
    let heading = fill(
        &t.titre,
        &[
            ("titre", &ctx.grids.preuves.title),
            ("candidat", &dossier.candidate_name()),
            ("dossier", &dossier_id(dossier)),
        ],
    );
    ws.write_string_with_format(l::PRE_TITLE, 0, heading, &f.title)?;
    ws.merge_range(l::PRE_INSTRUCTION, 0, l::PRE_INSTRUCTION, last, &t.consigne, &f.note)?;
    ws.set_row_height(l::PRE_INSTRUCTION, 45)?;
    for (c, (text, width)) in headings.iter().enumerate() {
        let c = c as u16;
        ws.set_column_width(c, *width)?;
        ws.write_string_with_format(l::PRE_HEADINGS, c, *text, &f.heading)?;
    }
    let first = l::PRE_FIRST;
    let end = first + t.lignes - 1;
    for row in first..=end {
        for c in 0..=last {
            let format = if c == 6 { &f.level } else { &f.input };
            ws.write_blank(row, c, format)?;
        }
    }
    let kinds: Vec<&str> = PreuveKind::ALL.iter().map(|k| k.as_str()).collect();
    let kind = help(DataValidation::new().allow_list_strings(&kinds)?, &a.nature_titre, &a.nature)?;
    ws.add_data_validation(first, 2, end, 2, &kind)?;
    let level = help(
        DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(0, i32::from(crate::scale::Level::MAX))),
        &a.niveau_titre,
        &a.niveau,
    )?;
    ws.add_data_validation(first, 6, end, 6, &level)?;
    if item_count > 0 {
        let list = item_list(&ctx.texts.feuilles.savoirs, offset, item_count);
        let item = help(DataValidation::new().allow_list_formula(list), &a.savoir_titre, &a.savoir)?;
        ws.add_data_validation(first, 5, end, 5, &item)?;
    }
    ws.set_freeze_panes(first, 1)?;
    ws.set_repeat_rows(l::PRE_HEADINGS, l::PRE_HEADINGS)?;
    page(ws, true);
    Ok(())
}

fn items_sheet(
    ws: &mut Worksheet,
    ctx: &SheetContext,
    title: &str,
    observed: &[GridItem],
    preuves: &[GridItem],
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    let t = &ctx.texts.savoirs;
    ws.set_name(&ctx.texts.feuilles.savoirs)?;
    ws.write_string_with_format(l::ITEMS_TITLE, 0, fill(&t.titre, &[("certificat", title)]), &f.title)?;
    for (c, (text, width)) in
        [(&t.savoir, 30.0), (&t.libelle, 70.0), (&t.nature, 20.0), (&t.categorie, 22.0), (&t.grille, 22.0)]
            .iter()
            .enumerate()
    {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(l::ITEMS_HEADINGS, c as u16, *text, &f.heading)?;
    }
    let rows = observed.iter().map(|i| (i, &t.observation)).chain(preuves.iter().map(|i| (i, &t.preuves)));
    for (n, (item, grid)) in rows.enumerate() {
        let row = l::ITEMS_FIRST + n as u32;
        ws.write_string_with_format(row, 0, &item.item.id, &f.locked)?;
        ws.write_string_with_format(row, 1, item.label, &f.locked)?;
        ws.write_string_with_format(row, 2, ctx.labels.kind(item.item.kind), &f.locked)?;
        ws.write_string_with_format(row, 3, ctx.labels.category(item.item.category), &f.locked)?;
        ws.write_string_with_format(row, 4, grid.as_str(), &f.locked)?;
    }
    ws.set_freeze_panes(l::ITEMS_FIRST, 1)?;
    ws.set_repeat_rows(l::ITEMS_HEADINGS, l::ITEMS_HEADINGS)?;
    page(ws, true);
    Ok(())
}
