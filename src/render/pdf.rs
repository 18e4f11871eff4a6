//! The PDF backend: a [`Document`] of placed text, lines and boxes, printed with printpdf.
//! The fonts are parsed once per process; ids are fixed and the file identifier is derived
//! from the content, so the same document always gives the same bytes.

use super::font::{self, Style};
use super::layout::{Document, Item};
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, WindingOrder,
};
use std::sync::OnceLock;

fn parsed(style: Style) -> &'static ParsedFont {
    static REGULAR: OnceLock<ParsedFont> = OnceLock::new();
    static BOLD: OnceLock<ParsedFont> = OnceLock::new();
    let (cell, bytes) = match style {
        Style::Regular => (&REGULAR, font::REGULAR),
        Style::Bold => (&BOLD, font::BOLD),
    };
    cell.get_or_init(|| {
        let mut font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the shipped font parses");
        font.font_name = Some(base_font(style).to_string());
        font
    })
}

/// The font's name in the PDF (`/BaseFont`): its PostScript name, behind the tag that marks an
/// embedded subset (ISO 32000-1, 9.6.4), as `pdffonts` and readers show it.
fn base_font(style: Style) -> &'static str {
    match style {
        Style::Regular => "CQPTFR+DejaVuSans",
        Style::Bold => "CQPTFR+DejaVuSans-Bold",
    }
}

fn font_id(style: Style) -> FontId {
    FontId(match style {
        Style::Regular => "F1".to_string(),
        Style::Bold => "F2".to_string(),
    })
}

fn gray(level: f32) -> Color {
    Color::Greyscale(Greyscale { percent: level, icc_profile: None })
}

fn point(x_mm: f32, y_from_top_mm: f32, page_height: f32) -> Point {
    Point::new(Mm(x_mm), Mm(page_height - y_from_top_mm))
}

/// Prints `doc` as PDF bytes.
pub fn to_pdf(doc: &Document) -> Vec<u8> {
    let mut pdf = PdfDocument::new(&doc.title);
    for style in [Style::Regular, Style::Bold] {
        pdf.resources.fonts.map.insert(font_id(style), printpdf::PdfFont::new(parsed(style).clone()));
    }
    let info = &mut pdf.metadata.info;
    info.author = doc.author.clone();
    info.subject = doc.subject.clone();
    info.creator = "cqpt".to_string();
    info.producer = format!("cqpt {}", env!("CARGO_PKG_VERSION"));
    let stamp = printpdf::OffsetDateTime::from_unix_timestamp(doc.created.days_since_epoch() * 86_400)
        .unwrap_or_else(|_| printpdf::OffsetDateTime::from_unix_timestamp(0).expect("epoch"));
    info.creation_date = stamp;
    info.modification_date = stamp;
    info.metadata_date = stamp;
    let pages =
        doc.pages.iter().map(|page| PdfPage::new(Mm(page.width), Mm(page.height), ops(page))).collect();
    pdf.with_pages(pages);
    let options = PdfSaveOptions { optimize: false, subset_fonts: false, ..PdfSaveOptions::default() };
    let mut objects = printpdf::serialize::to_lopdf_doc(&pdf, &options, &mut Vec::new());
    super::pdf_meta::finish(&mut objects, doc);
    deflate_fonts(&mut objects);
    let mut bytes = Vec::new();
    // Writing to memory cannot fail.
    let _ = objects.save_to(&mut bytes);
    stabilise_id(&mut bytes);
    bytes
}

/// The operations of a page. Each line of text is a text object of its own, so that a reader
/// extracting the text gets one line per line; the font and colour (graphics state, which
/// outlives a text object) are set only when they change, which keeps the content streams small.
fn ops(page: &super::layout::Page) -> Vec<Op> {
    let h = page.height;
    let mut ops = Vec::with_capacity(page.items.len() * 4);
    let mut font: Option<(Style, f32)> = None;
    let mut fill: Option<f32> = None;
    for item in &page.items {
        match item {
            Item::Rect { x, y, w, h: rh, fill: fill_level, stroke } => {
                let rect = |mode| Rect {
                    x: Mm(*x).into(),
                    y: Mm(h - y - rh).into(),
                    width: Mm(*w).into(),
                    height: Mm(*rh).into(),
                    mode: Some(mode),
                    winding_order: Some(WindingOrder::NonZero),
                };
                if let Some(level) = fill_level {
                    if fill != Some(*level) {
                        ops.push(Op::SetFillColor { col: gray(*level) });
                        fill = Some(*level);
                    }
                    ops.push(Op::DrawRectangle { rectangle: rect(PaintMode::Fill) });
                }
                if let Some(width) = stroke {
                    ops.push(Op::SetOutlineColor { col: gray(0.0) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    ops.push(Op::DrawRectangle { rectangle: rect(PaintMode::Stroke) });
                }
            }
            Item::Line { x1, y1, x2, y2, width, gray: level } => {
                ops.push(Op::SetOutlineColor { col: gray(*level) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint { p: point(*x1, *y1, h), bezier: false },
                            LinePoint { p: point(*x2, *y2, h), bezier: false },
                        ],
                        is_closed: false,
                    },
                });
            }
            Item::Text { x, y, size, style, gray: level, text } => {
                ops.push(Op::StartTextSection);
                if fill != Some(*level) {
                    ops.push(Op::SetFillColor { col: gray(*level) });
                    fill = Some(*level);
                }
                if font != Some((*style, *size)) {
                    ops.push(Op::SetFont { font: PdfFontHandle::External(font_id(*style)), size: Pt(*size) });
                    font = Some((*style, *size));
                }
                // Absolute position: set the text matrix, so runs never drift.
                ops.push(Op::SetTextMatrix {
                    matrix: printpdf::TextMatrix::Translate(Mm(*x).into(), Mm(h - y).into()),
                });
                ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
                ops.push(Op::EndTextSection);
            }
        }
    }
    ops
}

/// The font programs, deflated once per process (about 5 ms each), put in place of the plain
/// copies printpdf writes: a PDF then carries about 110 KB of fonts instead of 190 KB, at no
/// cost per document.
fn deflate_fonts(pdf: &mut lopdf::Document) {
    fn deflated(style: Style) -> &'static lopdf::Stream {
        static REGULAR: OnceLock<lopdf::Stream> = OnceLock::new();
        static BOLD: OnceLock<lopdf::Stream> = OnceLock::new();
        let (cell, bytes) = match style {
            Style::Regular => (&REGULAR, font::REGULAR),
            Style::Bold => (&BOLD, font::BOLD),
        };
        cell.get_or_init(|| {
            let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), bytes.to_vec());
            // Compression into memory cannot fail; if it did, the stream would stay plain.
            let _ = stream.compress();
            stream
        })
    }
    for object in pdf.objects.values_mut() {
        let Ok(stream) = object.as_stream_mut() else { continue };
        if stream.dict.has(b"Filter") || !stream.dict.has(b"Length1") {
            continue;
        }
        for style in [Style::Regular, Style::Bold] {
            let plain = match style {
                Style::Regular => font::REGULAR,
                Style::Bold => font::BOLD,
            };
            if stream.content == plain {
                let packed = deflated(style);
                if let Ok(filter) = packed.dict.get(b"Filter") {
                    stream.dict.set("Filter", filter.clone());
                    stream.set_content(packed.content.clone());
                }
                break;
            }
        }
    }
}

/// Replaces the two file identifiers of the trailer (printpdf draws them from a counter) by a
/// digest of the content, keeping their length so that the cross-reference offsets hold.
fn stabilise_id(bytes: &mut [u8]) {
    let Some(at) = bytes.windows(4).rposition(|w| w == b"/ID[" || w == b"/ID ") else { return };
    let digest = fnv1a(&bytes[..at]);
    let mut i = at + 3;
    let mut n = 0u64;
    let mut inside = false;
    while i < bytes.len() && bytes[i] != b']' {
        match bytes[i] {
            b'(' => inside = true,
            b')' => inside = false,
            _ if inside => {
                let nibble =
                    ((digest.rotate_left((n % 64) as u32) ^ n.wrapping_mul(0x9e37_79b9)) & 0xf) as u8;
                bytes[i] = b"0123456789abcdef"[nibble as usize];
                n += 1;
            }
            _ => {}
        }
        i += 1;
    }
}

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
