//! The two embedded faces as the PDF backend needs them. printpdf is given each face without
//! its font program (its metrics and character map only), so that the copies it makes on every
//! save stay small; the program, deflated once per process, is then attached to the font
//! descriptor printpdf writes. A PDF carries about 110 KB of fonts instead of 190 KB, and no
//! document pays for the compression.

use super::font::{self, Style};
use lopdf::{Dictionary, Object, Stream};
use printpdf::{FontId, ParsedFont};
use std::sync::OnceLock;

/// Both faces, in the order they are registered.
pub const STYLES: [Style; 2] = [Style::Regular, Style::Bold];

/// The face as printpdf reads it (without its program bytes), parsed once per process.
pub fn parsed(style: Style) -> &'static ParsedFont {
    static REGULAR: OnceLock<ParsedFont> = OnceLock::new();
    static BOLD: OnceLock<ParsedFont> = OnceLock::new();
    let cell = match style {
        Style::Regular => &REGULAR,
        Style::Bold => &BOLD,
    };
    cell.get_or_init(|| {
        let mut face =
            ParsedFont::from_bytes(bytes(style), 0, &mut Vec::new()).expect("the shipped font parses");
        face.font_name = Some(base_font(style).to_string());
        face.original_bytes = Vec::new();
        face
    })
}

fn bytes(style: Style) -> &'static [u8] {
    match style {
        Style::Regular => font::REGULAR,
        Style::Bold => font::BOLD,
    }
}

/// The font's name in the PDF (`/BaseFont`, `/FontName`): its PostScript name behind the tag
/// that marks an embedded subset (ISO 32000-1, 9.6.4), as `pdffonts` and readers show it.
pub fn base_font(style: Style) -> &'static str {
    match style {
        Style::Regular => "CQPTFR+DejaVuSans",
        Style::Bold => "CQPTFR+DejaVuSans-Bold",
    }
}

/// The face's resource name in the content streams.
pub fn font_id(style: Style) -> FontId {
    FontId(match style {
        Style::Regular => "F1".to_string(),
        Style::Bold => "F2".to_string(),
    })
}

/// The face's program as a `/FontFile2` stream, deflated once per process.
fn program(style: Style) -> &'static Stream {
    static REGULAR: OnceLock<Stream> = OnceLock::new();
    static BOLD: OnceLock<Stream> = OnceLock::new();
    let cell = match style {
        Style::Regular => &REGULAR,
        Style::Bold => &BOLD,
    };
    cell.get_or_init(|| {
        let plain = bytes(style);
        let dict = Dictionary::from_iter(vec![("Length1", Object::Integer(plain.len() as i64))]);
        let mut stream = Stream::new(dict, plain.to_vec());
        // Deflating into memory cannot fail; were it to, the program would stay plain.
        let _ = stream.compress();
        stream
    })
}

/// Attaches each face's program to the font descriptor printpdf wrote for it.
pub fn embed(pdf: &mut lopdf::Document) {
    let descriptors: Vec<(lopdf::ObjectId, Style)> = pdf
        .objects
        .iter()
        .filter_map(|(id, object)| {
            let dict = object.as_dict().ok()?;
            let is_descriptor =
                dict.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"FontDescriptor");
            let name = dict.get(b"FontName").and_then(Object::as_name).ok()?;
            let style = STYLES.into_iter().find(|s| base_font(*s).as_bytes() == name)?;
            is_descriptor.then_some((*id, style))
        })
        .collect();
    for (id, style) in descriptors {
        let program = pdf.add_object(program(style).clone());
        if let Ok(dict) = pdf.get_dictionary_mut(id) {
            dict.set("FontFile2", Object::Reference(program));
        }
    }
}
