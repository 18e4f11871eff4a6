//! The two embedded faces, prepared and serialised once per process and copied as bytes into
//! every PDF. printpdf builds their dictionaries (type 0 font, CID font with its widths, font
//! descriptor, `ToUnicode` map) from a page that uses every character of a repertoire, so the
//! same objects serve any document written in it; the font programs and maps are deflated
//! once. Every PDF then starts with the same objects 1 to [`RESOURCES`]: no document pays for
//! its fonts but the copy of their bytes.
//!
//! Two repertoires ([`Tier`]): the [`common`] one (Latin, the punctuation and the symbols of
//! the documents: nearly every French document), whose programs keep only its outlines
//! ([`font_subset`](super::font_subset), glyph ids unchanged), and the whole faces, for a
//! document that prints any other character (a Greek, Cyrillic or Vietnamese name).

use super::font::{self, Style};
use super::pdf_write::{Writer, reference};
use lopdf::{Dictionary, Object, Stream};
use printpdf::{FontId, ParsedFont};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Both faces, in the order they are registered.
pub const STYLES: [Style; 2] = [Style::Regular, Style::Bold];

/// The object of the resource dictionary every page shares (its fonts).
pub const RESOURCES: u32 = 9;

/// Which repertoire the embedded fonts cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// The [`common`] characters.
    Common,
    /// Every character of the faces.
    Whole,
}

/// Whether `c` is in the common repertoire: Latin (Basic, Latin-1, Extended-A), spaces and
/// punctuation, currency signs, and the symbols the documents use (№ ™ arrows − ≤ ≥, the
/// geometric shapes and dingbats: □ ■ ● ✓ ✗).
pub fn common(c: char) -> bool {
    matches!(
        c,
        '\u{20}'..='\u{7E}'
            | '\u{A0}'..='\u{17F}'
            | '\u{2000}'..='\u{206F}'
            | '\u{20A0}'..='\u{20CF}'
            | '\u{2116}'
            | '\u{2122}'
            | '\u{2190}'..='\u{2193}'
            | '\u{2212}'
            | '\u{2264}'..='\u{2265}'
            | '\u{25A0}'..='\u{25FF}'
            | '\u{2700}'..='\u{27BF}'
    )
}

/// The characters of `tier` that the face of `style` has.
fn repertoire(style: Style, tier: Tier) -> impl DoubleEndedIterator<Item = char> {
    font::metrics(style).chars().filter(move |c| tier == Tier::Whole || common(*c))
}

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
    FontId(resource_name(style).to_string())
}

/// The face's resource name, as written in a content stream.
pub fn resource_name(style: Style) -> &'static str {
    match style {
        Style::Regular => "F1",
        Style::Bold => "F2",
    }
}

/// The font objects as bytes, written once per process.
pub struct Prepared {
    /// Objects 1 to [`RESOURCES`], as they follow the file's header.
    pub bytes: Vec<u8>,
    /// Their offsets in `bytes`.
    pub offsets: Vec<usize>,
}

/// The font objects of `tier`, prepared on first use.
pub fn prepared(tier: Tier) -> &'static Prepared {
    static COMMON: OnceLock<Prepared> = OnceLock::new();
    static WHOLE: OnceLock<Prepared> = OnceLock::new();
    match tier {
        Tier::Common => COMMON.get_or_init(|| prepare(Tier::Common)),
        Tier::Whole => WHOLE.get_or_init(|| prepare(Tier::Whole)),
    }
}

/// The face's program as a `/FontFile2` stream, deflated: the whole face, or the outlines
/// of the common repertoire only, without the tables a reader does not use.
fn program(style: Style, tier: Tier) -> Stream {
    let whole = bytes(style);
    let metrics = font::metrics(style);
    let glyphs: Option<BTreeSet<u16>> = match tier {
        Tier::Whole => None,
        Tier::Common => Some(repertoire(style, tier).map(|c| metrics.glyph(c)).collect()),
    };
    let plain = super::font_subset::keep_glyphs(whole, glyphs.as_ref()).unwrap_or_else(|| whole.to_vec());
    let dict = Dictionary::from_iter(vec![("Length1", Object::Integer(plain.len() as i64))]);
    let mut stream = Stream::new(dict, plain);
    // Deflating into memory cannot fail; were it to, the program would stay plain.
    let _ = stream.compress();
    stream
}

/// The objects printpdf writes for both faces when a page uses every character of `tier`.
fn printpdf_fonts(tier: Tier) -> lopdf::Document {
    use printpdf::{Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, TextItem};
    let mut pdf = PdfDocument::new("fonts");
    let mut ops = vec![Op::StartTextSection];
    for style in STYLES {
        pdf.resources.fonts.map.insert(font_id(style), printpdf::PdfFont::new(parsed(style).clone()));
        // In descending order: where characters share a glyph, the map keeps the last one
        // shown, the lowest (a space rather than a no-break space).
        let text: String = repertoire(style, tier).rev().collect();
        ops.push(Op::SetFont { font: PdfFontHandle::External(font_id(style)), size: Pt(10.0) });
        ops.push(Op::ShowText { items: vec![TextItem::Text(text)] });
    }
    ops.push(Op::EndTextSection);
    pdf.with_pages(vec![PdfPage::new(Mm(210.0), Mm(297.0), ops)]);
    let options = PdfSaveOptions { optimize: false, subset_fonts: false, ..PdfSaveOptions::default() };
    printpdf::serialize::to_lopdf_doc(&pdf, &options, &mut Vec::new())
}

/// Objects 1 to 8 (per face: the type 0 font, its `ToUnicode` map, its descriptor, its
/// program) and [`RESOURCES`].
fn prepare(tier: Tier) -> Prepared {
    let doc = printpdf_fonts(tier);
    let mut w = Writer::objects_only();
    for (i, style) in STYLES.into_iter().enumerate() {
        let first = 1 + 4 * i as u32;
        let mut type0 = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .find(|d| {
                d.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Type0")
                    && d.get(b"BaseFont")
                        .and_then(Object::as_name)
                        .is_ok_and(|n| n == base_font(style).as_bytes())
            })
            .expect("printpdf writes each face")
            .clone();
        let to_unicode = type0.get(b"ToUnicode").and_then(Object::as_reference).expect("a ToUnicode map");
        let mut to_unicode =
            doc.get_object(to_unicode).and_then(Object::as_stream).expect("a stream").clone();
        // Deflating into memory cannot fail; were it to, the map would stay plain.
        let _ = to_unicode.compress();
        let mut cid_font = type0
            .get(b"DescendantFonts")
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|o| o.as_dict().ok())
            .expect("a descendant font")
            .clone();
        let descriptor =
            cid_font.get(b"FontDescriptor").and_then(Object::as_reference).expect("a descriptor");
        let mut descriptor = doc.get_dictionary(descriptor).expect("a descriptor").clone();
        descriptor.set("FontFile2", Object::Reference((first + 3, 0)));
        cid_font.set("FontDescriptor", Object::Reference((first + 2, 0)));
        type0.set("ToUnicode", Object::Reference((first + 1, 0)));
        type0.set("DescendantFonts", Object::Array(vec![Object::Dictionary(cid_font)]));
        w.object(first, &Object::Dictionary(type0));
        w.object(first + 1, &Object::Stream(to_unicode));
        w.object(first + 2, &Object::Dictionary(descriptor));
        w.object(first + 3, &Object::Stream(program(style, tier)));
    }
    w.begin(RESOURCES);
    w.buf.extend_from_slice(b"<</Font<<");
    for (i, style) in STYLES.into_iter().enumerate() {
        super::pdf_write::name(&mut w.buf, resource_name(style).as_bytes());
        w.buf.push(b' ');
        reference(&mut w.buf, 1 + 4 * i as u32);
    }
    w.buf.extend_from_slice(b">>>>");
    w.end();
    let offsets = w.offsets().to_vec();
    Prepared { bytes: w.buf, offsets }
}
