//! The PDF backend: a [`Document`] of placed text, lines and boxes, printed with printpdf and
//! finished with [`pdf_meta`](super::pdf_meta) and [`pdf_fonts`]. The fonts
//! are prepared once per process; ids are fixed and the file identifier is derived from the
//! content, so the same document always gives the same bytes.

use super::font::Style;
use super::layout::{Document, Item};
use super::pdf_fonts::{self, font_id};
use printpdf::{
    Color, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem, WindingOrder,
};

fn gray(level: f32) -> Color {
    Color::Greyscale(Greyscale { percent: level, icc_profile: None })
}

fn point(x_mm: f32, y_from_top_mm: f32, page_height: f32) -> Point {
    Point::new(Mm(x_mm), Mm(page_height - y_from_top_mm))
}

/// Prints `doc` as PDF bytes.
pub fn to_pdf(doc: &Document) -> Vec<u8> {
    let mut pdf = PdfDocument::new(&doc.title);
    for style in pdf_fonts::STYLES {
        pdf.resources
            .fonts
            .map
            .insert(font_id(style), printpdf::PdfFont::new(pdf_fonts::parsed(style).clone()));
    }
    let info = &mut pdf.metadata.info;
    info.author.clone_from(&doc.author);
    info.subject.clone_from(&doc.subject);
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
    pdf_fonts::embed(&mut objects);
    let mut bytes = Vec::new();
    // Writing to memory cannot fail.
    let _ = objects.save_to(&mut bytes);
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
