//! Where each thing sits in the workbook (0-based rows and columns): one place for the writer
//! and the reader. The wording is in `referentiels/tableur.toml`; only positions are here.

/// Identity sheet: the row of the title.
pub const ID_TITLE: u32 = 0;
/// Identity sheet: the column of the values (labels in column A).
pub const ID_VALUE_COL: u16 = 1;
/// Identity sheet: the row of the dossier id.
pub const ID_DOSSIER: u32 = 2;
/// Identity sheet: the row of the candidate's name.
pub const ID_CANDIDATE: u32 = 3;
/// Identity sheet: the row of the candidate's file number.
pub const ID_NUMBER: u32 = 4;
/// Identity sheet: the row of the certificate id.
pub const ID_CERTIFICATE: u32 = 5;
/// Identity sheet: the row of the evaluating body.
pub const ID_BODY: u32 = 6;
/// Identity sheet: the first row of the instructions.
pub const ID_INSTRUCTIONS: u32 = 8;

/// Observation sheet: the title and the instruction rows.
pub const OBS_TITLE: u32 = 0;
/// Observation sheet: the instruction row.
pub const OBS_INSTRUCTION: u32 = 1;
/// Observation sheet: the observation's date (value in column B).
pub const OBS_DATE: u32 = 3;
/// Observation sheet: its start time.
pub const OBS_START: u32 = 4;
/// Observation sheet: its end time.
pub const OBS_END: u32 = 5;
/// Observation sheet: the observer.
pub const OBS_BY: u32 = 6;
/// Observation sheet: the column of the header values.
pub const OBS_VALUE_COL: u16 = 1;
/// Observation sheet: the headings row (item, label, contact n).
pub const OBS_HEADINGS: u32 = 8;
/// Observation sheet: the contacts' numbers.
pub const OBS_NUMBERS: u32 = 9;
/// Observation sheet: the contacts' start times.
pub const OBS_STARTS: u32 = 10;
/// Observation sheet: the contacts' end times.
pub const OBS_ENDS: u32 = 11;
/// Observation sheet: the first item row.
pub const OBS_ITEMS: u32 = 12;
/// Observation sheet: the column of the item ids.
pub const OBS_ITEM_COL: u16 = 0;
/// Observation sheet: the column of the item labels.
pub const OBS_LABEL_COL: u16 = 1;
/// Observation sheet: the first contact's column.
pub const OBS_FIRST_CONTACT: u16 = 2;
/// Observation sheet: after the last item row, rows before the first justification row (a
/// blank row, the table's title, its headings).
pub const OBS_JUSTIFICATIONS_AFTER: u32 = 3;
/// Justifications table: the contact number's column.
pub const JUST_CONTACT_COL: u16 = 0;
/// Justifications table: the item's column.
pub const JUST_ITEM_COL: u16 = 1;
/// Justifications table: the text's column (merged to the last contact's).
pub const JUST_TEXT_COL: u16 = 2;

/// Preuves sheet: the title row.
pub const PRE_TITLE: u32 = 0;
/// Preuves sheet: the instruction row.
pub const PRE_INSTRUCTION: u32 = 1;
/// Preuves sheet: the headings row.
pub const PRE_HEADINGS: u32 = 3;
/// Preuves sheet: the first entry row.
pub const PRE_FIRST: u32 = 4;
/// Preuves sheet and CSV: the columns, in order.
pub const PRE_COLUMNS: [&str; 8] =
    ["piece", "titre", "nature", "referent", "fonction", "item", "niveau", "justification"];

/// Items sheet: the title row.
pub const ITEMS_TITLE: u32 = 0;
/// Items sheet: the headings row.
pub const ITEMS_HEADINGS: u32 = 2;
/// Items sheet: the first item row.
pub const ITEMS_FIRST: u32 = 3;

/// The observation's CSV columns, in order (long form: one row per level).
pub const OBS_CSV_COLUMNS: [&str; 6] = ["contact", "debut", "fin", "item", "niveau", "justification"];

/// Most rows read from a sheet or a CSV file.
pub const MAX_ROWS: u32 = 5_000;
/// Most columns read from a sheet.
pub const MAX_COLS: u32 = 64;
/// Most cells holding something, in all sheets read.
pub const MAX_CELLS: usize = 60_000;
/// Largest workbook file, checked before it is opened.
pub const MAX_XLSX_BYTES: usize = 4 * 1024 * 1024;
/// Largest total of the workbook's parts once uncompressed (as the archive declares them; the
/// reader never inflates a part past its declared size).
pub const MAX_XLSX_UNCOMPRESSED: u64 = 32 * 1024 * 1024;
/// Most parts in the workbook archive.
pub const MAX_XLSX_PARTS: usize = 500;
/// Largest CSV file, checked before it is parsed.
pub const MAX_CSV_BYTES: usize = 1024 * 1024;
