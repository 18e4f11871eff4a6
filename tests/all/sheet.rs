//! The evaluator's grids as a spreadsheet (issue 16, point 2): the blank workbook of a dossier,
//! filled programmatically in the same cells and read back; the CSV layouts; every refusal at
//! its boundary with the cell named; all refusals of a file at once; nothing half-imported.

use crate::common::{cqpt, root, run_cmd, transcript_in};
use calamine::{Data, Reader, Xlsx};
use cqpt::date::{Date, TimeOfDay};
use cqpt::dossier::{Dossier, PreuveKind};
use cqpt::exchange::sheet::layout as l;
use cqpt::exchange::sheet::{
    GridImport, Refused, SheetContext, blank_workbook, import_csv, import_workbook, items::grid_items,
};
use cqpt::policy::Policy;
use cqpt::referentiel::Library;
use cqpt::source::{DataSource, SourceFile};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io::Cursor;

const DOSSIER: &str = "examples/dossiers/01-distance-attribution.yaml";
const BY: &str = "Sophie Bernard";

fn on() -> Date {
    "2026-10-06".parse().unwrap()
}

fn data() -> (Library, Policy) {
    cqpt::context::load_context(&DataSource::Embedded).unwrap()
}

fn dossier(library: &Library) -> Dossier {
    let file = SourceFile::read(&root().join(DOSSIER)).unwrap();
    cqpt::dossier::load_dossier(&file, library).unwrap()
}

/// What a test writes into a cell.
#[derive(Clone)]
enum V {
    S(&'static str),
    N(f64),
    T(u16, u8),
    D(u16, u8, u8),
}

/// A cell to write: sheet, 0-based row and column, value.
type Edit = (&'static str, u32, u16, V);

/// The blank workbook copied cell by cell (as calamine reads it) into a new workbook written
/// by `rust_xlsxwriter` with the same sheet names, then `edits` written into their cells: what
/// an evaluator's spreadsheet saves.
fn filled(blank: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut source: Xlsx<_> = Xlsx::new(Cursor::new(blank)).unwrap();
    let mut out = Workbook::new();
    let time = Format::new().set_num_format("hh:mm");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for name in source.sheet_names() {
        let range = source.worksheet_range(&name).unwrap();
        let (top, left) = range.start().unwrap_or((0, 0));
        let ws = out.add_worksheet();
        ws.set_name(&name).unwrap();
        for (r, c, v) in range.used_cells() {
            let (r, c) = (top + r as u32, (left as usize + c) as u16);
            match v {
                Data::String(s) => ws.write_string(r, c, s).map(|_| ()).unwrap(),
                Data::Float(n) => ws.write_number(r, c, *n).map(|_| ()).unwrap(),
                Data::Int(n) => ws.write_number(r, c, *n as f64).map(|_| ()).unwrap(),
                _ => {}
            }
        }
        for (sheet, r, c, v) in edits.iter().filter(|e| e.0 == name) {
            let _ = sheet;
            match v {
                V::S(s) => ws.write_string(*r, *c, *s).map(|_| ()).unwrap(),
                V::N(n) => ws.write_number(*r, *c, *n).map(|_| ()).unwrap(),
                V::T(h, m) => ws
                    .write_datetime_with_format(*r, *c, ExcelDateTime::from_hms(*h, *m, 0).unwrap(), &time)
                    .map(|_| ())
                    .unwrap(),
                V::D(y, mo, d) => ws
                    .write_datetime_with_format(*r, *c, ExcelDateTime::from_ymd(*y, *mo, *d).unwrap(), &date)
                    .map(|_| ())
                    .unwrap(),
            }
        }
    }
    out.save_to_buffer().unwrap()
}

/// The ids of the observation and preuves grids of the dossier's certificate, in order.
fn grid_ids(ctx: &SheetContext) -> (Vec<String>, Vec<String>) {
    let ids = |g| {
        grid_items(ctx.library, ctx.policy, &ctx.grids.certificate, g)
            .iter()
            .map(|i| i.item.id.clone())
            .collect::<Vec<_>>()
    };
    (ids(&ctx.grids.observation), ids(&ctx.grids.preuves))
}

const OBS: &str = "Observation";
const PRE: &str = "Preuves";
/// 0-based columns of the first two contacts.
const C1: u16 = l::OBS_FIRST_CONTACT;
const C2: u16 = l::OBS_FIRST_CONTACT + 1;

/// A row of the item `i` of the observation grid.
fn item_row(i: usize) -> u32 {
    l::OBS_ITEMS + i as u32
}

/// The first row of the justifications table, for `n` items.
fn just_row(n: usize) -> u32 {
    l::OBS_ITEMS + n as u32 + l::OBS_JUSTIFICATIONS_AFTER
}

/// A complete filling: an observation of two contacts and a dossier de preuves of two pieces.
fn good_edits(obs: &[String], pre: &[String]) -> Vec<Edit> {
    let leak = |s: &String| -> &'static str { Box::leak(s.clone().into_boxed_str()) };
    let j = just_row(obs.len());
    vec![
        (OBS, l::OBS_DATE, l::OBS_VALUE_COL, V::D(2026, 10, 5)),
        (OBS, l::OBS_START, l::OBS_VALUE_COL, V::T(9, 0)),
        (OBS, l::OBS_END, l::OBS_VALUE_COL, V::S("10:30")),
        (OBS, l::OBS_BY, l::OBS_VALUE_COL, V::S("Éva Luatrice")),
        (OBS, l::OBS_STARTS, C1, V::T(9, 0)),
        (OBS, l::OBS_ENDS, C1, V::T(9, 10)),
        (OBS, item_row(0), C1, V::N(3.0)),
        (OBS, item_row(1), C1, V::N(4.0)),
        (OBS, l::OBS_STARTS, C2, V::S("09:15")),
        (OBS, l::OBS_ENDS, C2, V::T(9, 25)),
        (OBS, item_row(0), C2, V::S("5")),
        (OBS, item_row(2), C2, V::N(2.0)),
        (OBS, j, l::JUST_CONTACT_COL, V::N(1.0)),
        (OBS, j, l::JUST_ITEM_COL, V::S(leak(&obs[1]))),
        (OBS, j, l::JUST_TEXT_COL, V::S("Reformule et conclut sans aide.")),
        (OBS, j + 1, l::JUST_CONTACT_COL, V::N(2.0)),
        (OBS, j + 1, l::JUST_ITEM_COL, V::S(leak(&obs[0]))),
        (OBS, j + 1, l::JUST_TEXT_COL, V::S("Appel difficile mené seul.")),
        (PRE, l::PRE_FIRST, 0, V::S("P1")),
        (PRE, l::PRE_FIRST, 1, V::S("Attestation de l'employeur")),
        (PRE, l::PRE_FIRST, 2, V::S("document")),
        (PRE, l::PRE_FIRST, 5, V::S(leak(&pre[0]))),
        (PRE, l::PRE_FIRST, 6, V::N(3.0)),
        (PRE, l::PRE_FIRST + 1, 5, V::S(leak(&pre[1]))),
        (PRE, l::PRE_FIRST + 1, 6, V::N(4.0)),
        (PRE, l::PRE_FIRST + 1, 7, V::S("Procédure écrite et appliquée.")),
        (PRE, l::PRE_FIRST + 2, 0, V::S("P2")),
        (PRE, l::PRE_FIRST + 2, 1, V::S("Témoignage du manager")),
        (PRE, l::PRE_FIRST + 2, 2, V::S("temoignage")),
        (PRE, l::PRE_FIRST + 2, 3, V::S("M. Dupont")),
        (PRE, l::PRE_FIRST + 2, 4, V::S("Manager")),
        (PRE, l::PRE_FIRST + 2, 5, V::S(leak(&pre[0]))),
        (PRE, l::PRE_FIRST + 2, 6, V::N(2.0)),
    ]
}

/// `good` with the cells of `changes` replaced (same sheet, row and column) or added.
fn with(good: &[Edit], changes: &[Edit]) -> Vec<Edit> {
    let mut edits: Vec<Edit> = good
        .iter()
        .filter(|e| !changes.iter().any(|c| c.0 == e.0 && c.1 == e.1 && c.2 == e.2))
        .cloned()
        .collect();
    edits.extend(changes.iter().cloned());
    edits
}

/// Imports a workbook filled with `edits`.
fn import(edits: &[Edit]) -> Result<GridImport, Refused> {
    let (library, policy) = data();
    let d = dossier(&library);
    let ctx = SheetContext::load(&DataSource::Embedded, &library, &policy, &d.certificate).unwrap();
    let blank = blank_workbook(&d, &ctx).unwrap();
    import_workbook(&filled(&blank, edits), &d, &ctx, BY, on())
}

/// The good filling, and the grids' ids.
fn good() -> (Vec<Edit>, Vec<String>, Vec<String>) {
    let (library, policy) = data();
    let ctx = SheetContext::load(&DataSource::Embedded, &library, &policy, "distance").unwrap();
    let (obs, pre) = grid_ids(&ctx);
    assert!(obs.len() >= 3 && pre.len() >= 2, "the grids of distance list items");
    (good_edits(&obs, &pre), obs, pre)
}

/// The places (`Sheet!A1`) of the refused cells.
fn places(r: &Refused) -> Vec<String> {
    r.0.iter()
        .map(|e| if e.row == 0 { e.sheet.clone() } else { format!("{}!{}{}", e.sheet, e.column, e.row) })
        .collect()
}

fn t(s: &str) -> TimeOfDay {
    s.parse().unwrap()
}

#[test]
fn the_blank_workbook_has_the_grids_in_their_order_and_names_its_dossier() {
    let (library, policy) = data();
    let d = dossier(&library);
    let ctx = SheetContext::load(&DataSource::Embedded, &library, &policy, &d.certificate).unwrap();
    let blank = blank_workbook(&d, &ctx).unwrap();
    assert_eq!(blank, blank_workbook(&d, &ctx).unwrap(), "the same dossier gives the same bytes");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(blank.as_slice())).unwrap();
    assert_eq!(wb.sheet_names(), ["Dossier", "Observation", "Preuves", "Savoirs"]);
    let id = wb.worksheet_range("Dossier").unwrap();
    let cell = |r: &calamine::Range<Data>, row: u32, col: u16| {
        r.get_value((row, u32::from(col))).map(ToString::to_string).unwrap_or_default()
    };
    assert_eq!(cell(&id, l::ID_DOSSIER, l::ID_VALUE_COL), "01-distance-attribution");
    assert_eq!(cell(&id, l::ID_CERTIFICATE, l::ID_VALUE_COL), "distance");
    assert_eq!(cell(&id, l::ID_CANDIDATE, l::ID_VALUE_COL), "Léa Fontaine");
    let obs = wb.worksheet_range("Observation").unwrap();
    let (ids, _) = grid_ids(&ctx);
    for (i, item) in ids.iter().enumerate() {
        assert_eq!(&cell(&obs, item_row(i), l::OBS_ITEM_COL), item, "row {i} of the observation grid");
    }
    // One column per contact: the grid's 10, at least the policy's minimum.
    assert_eq!(ctx.contact_columns(), 10.max(ctx.min_contacts()));
    let last = l::OBS_FIRST_CONTACT + ctx.contact_columns() as u16 - 1;
    assert_eq!(cell(&obs, l::OBS_HEADINGS, last), format!("Contact {}", ctx.contact_columns()));
    assert_eq!(cell(&obs, l::OBS_HEADINGS, last + 1), "");
    // The wording comes from referentiels/tableur.toml.
    assert_eq!(cell(&obs, l::OBS_HEADINGS, l::OBS_ITEM_COL), ctx.texts.observation.savoir);
    // Validation, protection and frozen panes are in the sheet's XML.
    let mut zip = zip::ZipArchive::new(Cursor::new(blank.as_slice())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet2.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("<sheetProtection"), "the observation sheet is protected");
    assert!(xml.contains("type=\"whole\"") && xml.contains("<formula2>5</formula2>"), "levels 0–5");
    assert!(xml.contains("type=\"time\""), "time cells are validated");
    assert!(xml.contains("state=\"frozen\""), "panes are frozen");
}

#[test]
fn a_filled_workbook_comes_back_as_the_model() {
    let (edits, obs, pre) = good();
    let import = import(&edits).unwrap_or_else(|r| panic!("{r}"));
    let o = import.observation.as_ref().expect("the observation is read");
    assert_eq!(o.date, "2026-10-05".parse().unwrap());
    assert_eq!((o.start, o.end), (t("09:00"), t("10:30")));
    assert_eq!(o.by, "Éva Luatrice");
    assert_eq!(o.contacts.len(), 2);
    let c1 = &o.contacts[0];
    assert_eq!((c1.number, c1.start, c1.end), (1, Some(t("09:00")), Some(t("09:10"))));
    let levels = |c: &cqpt::dossier::Contact| {
        c.assessments
            .iter()
            .map(|a| (a.item.clone(), a.level.value(), a.justification.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        levels(c1),
        [(obs[0].clone(), 3, None), (obs[1].clone(), 4, Some("Reformule et conclut sans aide.".into()))]
    );
    let c2 = &o.contacts[1];
    assert_eq!((c2.number, c2.start, c2.end), (2, Some(t("09:15")), Some(t("09:25"))));
    assert_eq!(
        levels(c2),
        [(obs[0].clone(), 5, Some("Appel difficile mené seul.".into())), (obs[2].clone(), 2, None)]
    );
    assert!(o.contacts.iter().flat_map(|c| &c.assessments).all(|a| a.by == BY && a.on == on()));
    let p = import.preuves.as_ref().expect("the preuves are read");
    assert_eq!(p.len(), 2);
    assert_eq!(
        (p[0].id.as_str(), p[0].title.as_str(), p[0].kind),
        ("P1", "Attestation de l'employeur", PreuveKind::Document)
    );
    assert_eq!(p[0].referee, None);
    assert_eq!(p[0].assessments.len(), 2);
    assert_eq!((p[0].assessments[1].item.as_str(), p[0].assessments[1].level.value()), (pre[1].as_str(), 4));
    assert_eq!(p[1].kind, PreuveKind::Temoignage);
    let referee = p[1].referee.as_ref().unwrap();
    assert_eq!((referee.name.as_str(), referee.role.as_deref()), ("M. Dupont", Some("Manager")));
    assert_eq!(import.level_count(), 7);
}

#[test]
fn a_blank_workbook_imports_nothing() {
    let import = import(&[]).unwrap();
    assert_eq!(import, GridImport::default());
}

/// The one refused cell of a filling.
fn refused_at(changes: &[Edit]) -> Refused {
    let (edits, ..) = good();
    match import(&with(&edits, changes)) {
        Ok(_) => panic!("imported"),
        Err(r) => r,
    }
}

#[test]
fn a_level_past_the_scale_is_refused_at_its_cell() {
    let r = refused_at(&[(OBS, item_row(0), C1, V::N(6.0))]);
    assert_eq!(places(&r), ["Observation!C13"]);
    assert_eq!(r.0[0].field, "niveau");
    assert_eq!(r.0[0].found, "6");
    let r = refused_at(&[(PRE, l::PRE_FIRST, 6, V::N(-1.0))]);
    assert_eq!(places(&r), ["Preuves!G5"]);
}

#[test]
fn a_justification_is_required_from_the_policys_level() {
    let (library, policy) = data();
    let from = policy.for_certificate("distance").levels.justification_from;
    assert_eq!(from, 4);
    let _ = library;
    // Level 3 without justification passes (the good filling has it); level 4 does not.
    let r = refused_at(&[(OBS, item_row(0), C1, V::N(f64::from(from)))]);
    assert_eq!(places(&r), ["Observation!C13"]);
    assert_eq!(r.0[0].field, "justification");
    let r = refused_at(&[(PRE, l::PRE_FIRST, 6, V::N(f64::from(from)))]);
    assert_eq!(places(&r), ["Preuves!H5"]);
}

#[test]
fn an_unknown_item_or_one_of_another_grid_is_refused() {
    let (_, obs, _) = good();
    let r = refused_at(&[(PRE, l::PRE_FIRST, 5, V::S("c-inconnu"))]);
    assert_eq!(places(&r), ["Preuves!F5"]);
    assert!(r.0[0].message.contains("no item has the id `c-inconnu`"), "{}", r.0[0]);
    let other: &'static str = Box::leak(obs[0].clone().into_boxed_str());
    let r = refused_at(&[(PRE, l::PRE_FIRST, 5, V::S(other))]);
    assert_eq!(places(&r), ["Preuves!F5"]);
    assert!(r.0[0].message.contains("is not in the"), "{}", r.0[0]);
}

#[test]
fn a_contact_ending_before_it_starts_is_refused_and_the_same_minute_passes() {
    let r = refused_at(&[(OBS, l::OBS_ENDS, C1, V::T(8, 59))]);
    assert_eq!(places(&r), ["Observation!C12"]);
    assert_eq!(r.0[0].field, "fin");
    let (edits, ..) = good();
    assert!(import(&with(&edits, &[(OBS, l::OBS_ENDS, C1, V::T(9, 0))])).is_ok());
    let r = refused_at(&[(OBS, l::OBS_END, l::OBS_VALUE_COL, V::S("08:59"))]);
    assert_eq!(places(&r), ["Observation!B6"]);
    let r = refused_at(&[(OBS, l::OBS_STARTS, C1, V::S("9h75"))]);
    assert_eq!(places(&r), ["Observation!C11"]);
}

#[test]
fn a_contact_numbered_twice_is_refused() {
    let r = refused_at(&[(OBS, l::OBS_NUMBERS, C2, V::N(1.0))]);
    // The second contact's number, and the justification that now names no level of contact 2.
    assert_eq!(places(&r)[0], "Observation!D10");
    assert!(r.0[0].message.contains("numbered twice"), "{}", r.0[0]);
}

#[test]
fn another_dossiers_workbook_is_refused_without_reading_its_grids() {
    let r = refused_at(&[
        ("Dossier", l::ID_DOSSIER, l::ID_VALUE_COL, V::S("02-point-de-distribution-attribution")),
        (OBS, item_row(0), C1, V::N(9.0)),
    ]);
    assert_eq!(places(&r), ["Dossier!B3"], "the grids of another dossier are not read");
    assert!(r.0[0].message.contains("another dossier"), "{}", r.0[0]);
}

#[test]
fn files_that_are_not_workbooks_or_too_large_are_refused_before_parsing() {
    let (library, policy) = data();
    let d = dossier(&library);
    let ctx = SheetContext::load(&DataSource::Embedded, &library, &policy, &d.certificate).unwrap();
    let r = import_workbook(b"%PDF-1.7\n", &d, &ctx, BY, on()).unwrap_err();
    assert!(r.0[0].message.contains("not an .xlsx workbook"), "{}", r);
    assert_eq!(r.0[0].found, "a PDF file");
    let r = import_workbook(b"PK\x03\x04 not really a zip", &d, &ctx, BY, on()).unwrap_err();
    assert!(r.0[0].message.contains("not a valid archive"), "{}", r);
    let big = vec![0u8; l::MAX_XLSX_BYTES + 1];
    let r = import_workbook(&big, &d, &ctx, BY, on()).unwrap_err();
    assert!(r.0[0].message.contains("too large"), "{}", r);
    assert!(
        import_workbook(&vec![0u8; l::MAX_XLSX_BYTES], &d, &ctx, BY, on()).unwrap_err().0[0]
            .message
            .contains("not an .xlsx")
    );
    let big = vec![b'a'; l::MAX_CSV_BYTES + 1];
    let r = import_csv("grille.csv", &big, &d, &ctx, BY, on()).unwrap_err();
    assert!(r.0[0].message.contains("too large"), "{}", r);
}

#[test]
fn a_value_far_away_never_makes_a_huge_grid() {
    // A cell at row 1,000,000, column 16,000: a naive reader would allocate 16 billion cells.
    let r = refused_at(&[(OBS, 999_999, 16_000, V::N(1.0))]);
    assert_eq!(places(&r), ["Observation!WQK1000000"]);
    assert!(r.0[0].message.contains("a value outside the grid"), "{r}");
}

#[test]
fn every_refused_cell_is_reported_at_once_in_sheet_row_column_order() {
    let (_, obs, _) = good();
    let j = just_row(obs.len());
    let r = refused_at(&[
        (PRE, l::PRE_FIRST, 5, V::S("c-inconnu")),
        (OBS, item_row(1), C2, V::S("quatre")),
        (OBS, item_row(0), C1, V::N(6.0)),
        (OBS, l::OBS_ENDS, C2, V::T(9, 14)),
        (OBS, l::OBS_NUMBERS, C2, V::N(1.0)),
        (PRE, l::PRE_FIRST + 2, 3, V::S("")),
        (OBS, j + 2, l::JUST_TEXT_COL, V::S("Sans contact ni savoir")),
    ]);
    assert!(r.0.len() >= 6, "{r}");
    insta::assert_snapshot!("sheet_errors", r.to_string());
}

#[test]
fn the_observation_and_the_preuves_come_back_from_csv() {
    let (library, policy) = data();
    let d = dossier(&library);
    let ctx = SheetContext::load(&DataSource::Embedded, &library, &policy, &d.certificate).unwrap();
    let (obs, pre) = grid_ids(&ctx);
    let csv = format!(
        "\u{feff}contact;debut;fin;item;niveau;justification\n\
         1;09:00;09:10;{o0};3;\n\
         1;;;{o1};4;Reformule et conclut sans aide.\n\
         \n\
         2;09:15;09:25;{o0};5;\"Appel difficile; mené seul.\"\n",
        o0 = obs[0],
        o1 = obs[1]
    );
    let import =
        import_csv("observation.csv", csv.as_bytes(), &d, &ctx, BY, on()).unwrap_or_else(|r| panic!("{r}"));
    let o = import.observation.unwrap();
    assert_eq!((o.date, o.start, o.end, o.by.as_str()), (on(), t("09:00"), t("09:25"), BY));
    assert_eq!(o.contacts.iter().map(|c| c.number).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(o.contacts[0].assessments.len(), 2);
    assert_eq!(o.contacts[1].assessments[0].justification.as_deref(), Some("Appel difficile; mené seul."));
    assert!(import.preuves.is_none());
    let csv = format!(
        "piece,titre,nature,referent,fonction,item,niveau,justification\r\n\
         P1,Attestation,document,,,{p0},3,\r\n\
         ,,,,,{p1},4,Procédure appliquée\r\n\
         P2,Témoignage,témoignage,M. Dupont,Manager,{p0},2,\r\n",
        p0 = pre[0],
        p1 = pre[1]
    );
    let import =
        import_csv("preuves.csv", csv.as_bytes(), &d, &ctx, BY, on()).unwrap_or_else(|r| panic!("{r}"));
    let p = import.preuves.unwrap();
    assert_eq!(
        p.iter().map(|p| (p.id.as_str(), p.assessments.len())).collect::<Vec<_>>(),
        [("P1", 2), ("P2", 1)]
    );
    assert_eq!(p[1].kind, PreuveKind::Temoignage);
}

#[test]
fn csv_refusals_name_their_cells() {
    let (library, policy) = data();
    let d = dossier(&library);
    let ctx = SheetContext::load(&DataSource::Embedded, &library, &policy, &d.certificate).unwrap();
    let (obs, _) = grid_ids(&ctx);
    let csv = format!(
        "contact;debut;fin;item;niveau;justification\n\
         1;09:00;08:50;{o0};6;\n\
         1;09:05;;c-inconnu;4;\n",
        o0 = obs[0]
    );
    let r = import_csv("observation.csv", csv.as_bytes(), &d, &ctx, BY, on()).unwrap_err();
    assert_eq!(
        places(&r),
        [
            "observation.csv!C2",
            "observation.csv!E2",
            "observation.csv!B3",
            "observation.csv!D3",
            "observation.csv!F3"
        ],
        "{r}"
    );
    let r = import_csv("x.csv", b"a;b;c\n1;2;3\n", &d, &ctx, BY, on()).unwrap_err();
    assert!(r.0[0].message.contains("header row"), "{r}");
    let r = import_csv("x.csv", b"contact;debut\n\xff\n", &d, &ctx, BY, on()).unwrap_err();
    assert!(r.0[0].message.contains("not UTF-8"), "{r}");
}

#[test]
fn the_cli_writes_the_blank_workbook_and_checks_a_filled_one() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("grille.xlsx");
    let r = run_cmd(cqpt().args(["grille", "tableur", DOSSIER, "--out"]).arg(&blank).current_dir(root()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(&blank).unwrap();
    let (edits, obs, _) = good();
    let good_file = dir.path().join("rempli.xlsx");
    std::fs::write(&good_file, filled(&bytes, &edits)).unwrap();
    let r = run_cmd(cqpt().args(["grille", "verifier", DOSSIER]).arg(&good_file).current_dir(root()));
    insta::assert_snapshot!("sheet_cli_ok", transcript_in(&r, dir.path()));
    let bad = with(&edits, &[(OBS, item_row(0), C1, V::N(6.0)), (OBS, l::OBS_ENDS, C2, V::T(9, 0))]);
    let bad_file = dir.path().join("errone.xlsx");
    std::fs::write(&bad_file, filled(&bytes, &bad)).unwrap();
    let r = run_cmd(cqpt().args(["grille", "verifier", DOSSIER]).arg(&bad_file).current_dir(root()));
    assert_eq!(r.code, 3);
    insta::assert_snapshot!("sheet_cli_refused", transcript_in(&r, dir.path()));
    let csv = dir.path().join("obs.csv");
    std::fs::write(
        &csv,
        format!("contact;debut;fin;item;niveau;justification\n1;09:00;09:10;{};2;\n", obs[0]),
    )
    .unwrap();
    let r = run_cmd(
        cqpt()
            .args(["grille", "verifier", DOSSIER])
            .arg(&csv)
            .args(["--date", "2026-10-06"])
            .current_dir(root()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 contact(s) (1), 1 niveau(x)"), "{}", r.stdout);
}

/// The workbook with the cached value of the cell `cell` of the observation sheet turned into a
/// spreadsheet error (`#DIV/0!`), as a formula dividing by zero leaves it.
fn with_error_value(bytes: &[u8], cell: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut text = Vec::new();
        part.read_to_end(&mut text).unwrap();
        if name == "xl/worksheets/sheet2.xml" {
            let xml = String::from_utf8(text).unwrap();
            let start = xml.find(&format!("<c r=\"{cell}\"")).expect("the cell is written");
            let end = start + xml[start..].find("</c>").unwrap() + "</c>".len();
            text = format!(
                "{}<c r=\"{cell}\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>{}",
                &xml[..start],
                &xml[end..]
            )
            .into_bytes();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_formula_error_is_refused_at_its_cell_and_never_evaluated() {
    let (library, policy) = data();
    let d = dossier(&library);
    let ctx = SheetContext::load(&DataSource::Embedded, &library, &policy, &d.certificate).unwrap();
    let (edits, ..) = good();
    let bytes = filled(&blank_workbook(&d, &ctx).unwrap(), &edits);
    let r = import_workbook(&with_error_value(&bytes, "C13"), &d, &ctx, BY, on()).unwrap_err();
    assert_eq!(places(&r), ["Observation!C13"]);
    assert_eq!(r.0[0].found, "#DIV/0!");
    assert!(r.0[0].message.contains("error value"), "{r}");
}

#[test]
fn a_workbook_whose_parts_inflate_past_the_budget_is_refused_before_reading() {
    use std::io::{Read, Write};
    let (library, policy) = data();
    let d = dossier(&library);
    let ctx = SheetContext::load(&DataSource::Embedded, &library, &policy, &d.certificate).unwrap();
    let bytes = blank_workbook(&d, &ctx).unwrap();
    // The blank workbook with one more part: zeros that deflate to a few kilobytes.
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut data = Vec::new();
        part.read_to_end(&mut data).unwrap();
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.start_file("xl/media/zeros.bin", options).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..=(l::MAX_XLSX_UNCOMPRESSED / (1024 * 1024)) {
        out.write_all(&zeros).unwrap();
    }
    let bomb = out.finish().unwrap().into_inner();
    assert!(bomb.len() < l::MAX_XLSX_BYTES, "the file itself is small: {} bytes", bomb.len());
    let r = import_workbook(&bomb, &d, &ctx, BY, on()).unwrap_err();
    assert!(r.0[0].message.contains("too large once uncompressed"), "{r}");
}
