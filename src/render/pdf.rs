//! The PDF backend: a [`Document`] of placed text, lines and boxes, written as PDF bytes.
//!
//! The fonts are printpdf's objects, prepared and serialised once per process
//! ([`pdf_fonts`]); each document adds its pages, their content streams (deflated at a fast
//! level), its metadata ([`pdf_meta`](super::pdf_meta)) and the cross-reference table, written
//! straight into one buffer by [`pdf_write`](super::pdf_write). Object numbers are fixed and
//! the file identifier is a fast hash (XXH3, 128 bits) of the metadata and the content
//! streams, so the same document always gives the same bytes.

use super::font::{self, Style};
use super::layout::{Document, Item, Page};
use super::pdf_fonts::{self, RESOURCES};
use super::pdf_write::{Writer, hex, integer, name, number, reference};
use std::io::Write as _;

/// Points per millimetre (1 in = 72 pt = 25.4 mm), as printpdf converts them.
const PT_PER_MM: f32 = 2.834_646;

/// Millimetres to points.
fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

/// Prints `doc` as PDF bytes.
pub fn to_pdf(doc: &Document) -> Vec<u8> {
    let mut tier = pdf_fonts::Tier::Common;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for field in [&doc.title, &doc.author, &doc.subject] {
        hasher.update(field.as_bytes());
        hasher.update(&[0]);
    }
    hasher.update(&doc.created.days_since_epoch().to_le_bytes());
    let mut plain = Vec::new();
    let streams: Vec<Vec<u8>> = doc
        .pages
        .iter()
        .map(|page| {
            plain.clear();
            if !content(page, &mut plain) {
                tier = pdf_fonts::Tier::Whole;
            }
            hasher.update(&plain);
            hasher.update(&[0]);
            deflate(&plain)
        })
        .collect();
    let id = hasher.digest128().to_be_bytes();
    let fonts = pdf_fonts::prepared(tier);

    let pages = RESOURCES + 1;
    let catalog = pages + 1;
    let metadata = catalog + 1;
    let info = metadata + 1;
    let first_page = info + 1;
    let capacity =
        fonts.bytes.len() + streams.iter().map(|s| s.len() + 400).sum::<usize>() + 4096 + 2 * doc.title.len();
    let mut w = Writer::new(&fonts.bytes, &fonts.offsets, capacity);

    w.begin(pages);
    w.buf.extend_from_slice(b"<</Type/Pages/Count ");
    integer(&mut w.buf, doc.pages.len() as i64);
    w.buf.extend_from_slice(b"/Kids[");
    for i in 0..doc.pages.len() {
        if i > 0 {
            w.buf.push(b' ');
        }
        reference(&mut w.buf, first_page + 2 * i as u32);
    }
    w.buf.extend_from_slice(b"]>>");
    w.end();

    w.begin(catalog);
    w.buf.extend_from_slice(b"<</Type/Catalog/PageLayout/OneColumn/PageMode/UseNone/Pages ");
    reference(&mut w.buf, pages);
    w.buf.extend_from_slice(b"/Lang ");
    super::pdf_write::literal(&mut w.buf, super::pdf_meta::LANGUAGE.as_bytes());
    w.buf.extend_from_slice(b"/Metadata ");
    reference(&mut w.buf, metadata);
    w.buf.extend_from_slice(b"/ViewerPreferences<</DisplayDocTitle true>>>>");
    w.end();

    w.stream(metadata, b"/Type/Metadata/Subtype/XML", super::pdf_meta::xmp(doc, &id).as_bytes());

    w.begin(info);
    super::pdf_meta::info(&mut w.buf, doc);
    w.end();

    for (i, (page, stream)) in doc.pages.iter().zip(&streams).enumerate() {
        let id = first_page + 2 * i as u32;
        w.begin(id);
        w.buf.extend_from_slice(b"<</Type/Page/Parent ");
        reference(&mut w.buf, pages);
        for key in [&b"/MediaBox[0 0 "[..], b"/TrimBox[0 0 ", b"/CropBox[0 0 "] {
            w.buf.extend_from_slice(key);
            number(&mut w.buf, pt(page.width));
            w.buf.push(b' ');
            number(&mut w.buf, pt(page.height));
            w.buf.push(b']');
        }
        w.buf.extend_from_slice(b"/Resources ");
        reference(&mut w.buf, RESOURCES);
        w.buf.extend_from_slice(b"/Contents ");
        reference(&mut w.buf, id + 1);
        w.buf.extend_from_slice(b">>");
        w.end();
        w.stream(id + 1, b"/Filter/FlateDecode", stream);
    }
    w.finish(catalog, info, &id)
}

/// `data` deflated (zlib) at the fastest level: content streams compress well even so.
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 3 + 64), flate2::Compression::fast());
    // Writing to memory cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// Writes `x y` (points), then `op`.
fn point_op(buf: &mut Vec<u8>, x: f32, y: f32, op: &[u8]) {
    number(buf, x);
    buf.push(b' ');
    number(buf, y);
    buf.extend_from_slice(op);
}

/// The content stream of a page (ISO 32000-1, 8 and 9). Each line of text is a text object
/// of its own, so that a reader extracting the text gets one line per line; the font and
/// the fill colour (graphics state, which outlives a text object) are set only when they
/// change, which keeps the streams small. Text is written as glyph ids (`Identity-H`).
/// Returns whether every character is in the common repertoire ([`pdf_fonts::common`]).
fn content(page: &Page, out: &mut Vec<u8>) -> bool {
    let mut common = true;
    let h = page.height;
    let mut font: Option<(Style, f32)> = None;
    let mut fill: Option<f32> = None;
    for item in &page.items {
        match item {
            Item::Rect { x, y, w, h: rh, fill: fill_level, stroke } => {
                let rect = |out: &mut Vec<u8>, paint: &[u8]| {
                    point_op(out, pt(*x), pt(h - y - rh), b" ");
                    point_op(out, pt(*w), pt(*rh), b" re ");
                    out.extend_from_slice(paint);
                };
                if let Some(level) = fill_level {
                    if fill != Some(*level) {
                        number(out, *level);
                        out.extend_from_slice(b" g\n");
                        fill = Some(*level);
                    }
                    rect(out, b"f\n");
                }
                if let Some(width) = stroke {
                    out.extend_from_slice(b"0 G\n");
                    number(out, *width);
                    out.extend_from_slice(b" w\n");
                    rect(out, b"S\n");
                }
            }
            Item::Line { x1, y1, x2, y2, width, gray } => {
                number(out, *gray);
                out.extend_from_slice(b" G\n");
                number(out, *width);
                out.extend_from_slice(b" w\n");
                point_op(out, pt(*x1), pt(h - y1), b" m ");
                point_op(out, pt(*x2), pt(h - y2), b" l S\n");
            }
            Item::Text { x, y, size, style, gray, text } => {
                out.extend_from_slice(b"BT\n");
                if fill != Some(*gray) {
                    number(out, *gray);
                    out.extend_from_slice(b" g\n");
                    fill = Some(*gray);
                }
                if font != Some((*style, *size)) {
                    name(out, pdf_fonts::resource_name(*style).as_bytes());
                    out.push(b' ');
                    number(out, *size);
                    out.extend_from_slice(b" Tf\n");
                    font = Some((*style, *size));
                }
                // Absolute position: set the text matrix, so runs never drift.
                out.extend_from_slice(b"1 0 0 1 ");
                point_op(out, pt(*x), pt(h - y), b" Tm\n<");
                let metrics = font::metrics(*style);
                for c in text.chars() {
                    common &= pdf_fonts::common(c);
                    hex(out, &metrics.glyph(c).to_be_bytes());
                }
                out.extend_from_slice(b"> Tj\nET\n");
            }
        }
    }
    common
}
