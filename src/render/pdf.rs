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
use super::paginate::Running;
use super::pdf_fonts::{self, RESOURCES};
use super::pdf_write::{Writer, integer, name, number, reference};
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
    let mut hasher = identifier(doc);
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
    let sizes: Vec<(f32, f32)> = doc.pages.iter().map(|p| (p.width, p.height)).collect();
    let total = streams.iter().map(Vec::len).sum();
    assemble(doc, &sizes, total, streams.into_iter().map(Ok), &id, tier, None)
        .expect("streams in memory cannot fail")
}

/// The hash of the file identifier, fed with the metadata; the plain content streams follow.
fn identifier(doc: &Document) -> xxhash_rust::xxh3::Xxh3 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for field in [&doc.title, &doc.author, &doc.subject] {
        hasher.update(field.as_bytes());
        hasher.update(&[0]);
    }
    hasher.update(&doc.created.days_since_epoch().to_le_bytes());
    hasher
}

/// The PDF file of `doc`'s metadata and pages of `sizes` (width, height in mm) whose deflated
/// content `streams` (`total` bytes in all) come in order: returned, or written to `out` as it
/// is made (and nothing returned).
fn assemble(
    doc: &Document,
    sizes: &[(f32, f32)],
    total: usize,
    streams: impl Iterator<Item = std::io::Result<Vec<u8>>>,
    id: &[u8; 16],
    tier: pdf_fonts::Tier,
    mut out: Option<&mut dyn std::io::Write>,
) -> std::io::Result<Vec<u8>> {
    let fonts = pdf_fonts::prepared(tier);
    let pages = RESOURCES + 1;
    let catalog = pages + 1;
    let metadata = catalog + 1;
    let info = metadata + 1;
    let first_page = info + 1;
    let capacity = if out.is_some() {
        fonts.bytes.len() + (1 << 16)
    } else {
        fonts.bytes.len() + total + sizes.len() * 400 + 4096 + 2 * doc.title.len()
    };
    let mut w = Writer::new(&fonts.bytes, &fonts.offsets, capacity);

    w.begin(pages);
    w.buf.extend_from_slice(b"<</Type/Pages/Count ");
    integer(&mut w.buf, sizes.len() as i64);
    w.buf.extend_from_slice(b"/Kids[");
    for i in 0..sizes.len() {
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

    w.stream(metadata, b"/Type/Metadata/Subtype/XML", super::pdf_meta::xmp(doc, id).as_bytes());

    w.begin(info);
    super::pdf_meta::info(&mut w.buf, doc);
    w.end();

    for (i, (&(width, height), stream)) in sizes.iter().zip(streams).enumerate() {
        let stream = stream?;
        let id = first_page + 2 * i as u32;
        w.begin(id);
        w.buf.extend_from_slice(b"<</Type/Page/Parent ");
        reference(&mut w.buf, pages);
        for key in [&b"/MediaBox[0 0 "[..], b"/TrimBox[0 0 ", b"/CropBox[0 0 "] {
            w.buf.extend_from_slice(key);
            number(&mut w.buf, pt(width));
            w.buf.push(b' ');
            number(&mut w.buf, pt(height));
            w.buf.push(b']');
        }
        w.buf.extend_from_slice(b"/Resources ");
        reference(&mut w.buf, RESOURCES);
        w.buf.extend_from_slice(b"/Contents ");
        reference(&mut w.buf, id + 1);
        w.buf.extend_from_slice(b">>");
        w.end();
        w.stream(id + 1, b"/Filter/FlateDecode", &stream);
        if let Some(out) = out.as_mut().filter(|_| w.buf.len() >= 1 << 16) {
            w.drain_to(&mut **out)?;
        }
    }
    let rest = w.finish(catalog, info, id);
    match out {
        Some(out) => out.write_all(&rest).map(|()| Vec::new()),
        None => Ok(rest),
    }
}

/// `data` deflated (zlib) at the fastest level: content streams compress well even so.
///
/// Each thread keeps one encoder and resets it between streams: a new one would allocate and
/// clear its window and hash tables (some 300 KB) for every page. A reset encoder writes the
/// same bytes as a new one.
fn deflate(data: &[u8]) -> Vec<u8> {
    type Encoder = flate2::write::ZlibEncoder<Vec<u8>>;
    thread_local! {
        static ENCODER: std::cell::RefCell<Option<Encoder>> = const { std::cell::RefCell::new(None) };
    }
    let out = Vec::with_capacity(data.len() / 3 + 64);
    ENCODER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let encoder = slot.get_or_insert_with(|| Encoder::new(Vec::new(), flate2::Compression::fast()));
        *encoder.get_mut() = out;
        // Writing to memory cannot fail; `reset` finishes the stream and hands its bytes back.
        let _ = encoder.write_all(data);
        encoder.reset(Vec::new()).unwrap_or_default()
    })
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
    let mut c = Content::default();
    c.items(page.height, &page.items, out);
    c.common
}

/// A content stream being written: the graphics state set so far, so that a page's items can
/// be written in several goes (its body, then its header and footer) with the same bytes as
/// in one.
#[derive(Debug, Clone, Copy)]
struct Content {
    font: Option<(Style, f32)>,
    fill: Option<f32>,
    /// Every character so far is in the common repertoire.
    common: bool,
}

impl Default for Content {
    fn default() -> Content {
        Content { font: None, fill: None, common: true }
    }
}

impl Content {
    /// Writes `items` of a page `h` mm high.
    fn items(&mut self, h: f32, items: &[Item], out: &mut Vec<u8>) {
        for item in items {
            match item {
                Item::Rect { x, y, w, h: rh, fill: fill_level, stroke } => {
                    let rect = |out: &mut Vec<u8>, paint: &[u8]| {
                        point_op(out, pt(*x), pt(h - y - rh), b" ");
                        point_op(out, pt(*w), pt(*rh), b" re ");
                        out.extend_from_slice(paint);
                    };
                    if let Some(level) = fill_level {
                        if self.fill != Some(*level) {
                            number(out, *level);
                            out.extend_from_slice(b" g\n");
                            self.fill = Some(*level);
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
                    if self.fill != Some(*gray) {
                        number(out, *gray);
                        out.extend_from_slice(b" g\n");
                        self.fill = Some(*gray);
                    }
                    if self.font != Some((*style, *size)) {
                        name(out, pdf_fonts::resource_name(*style).as_bytes());
                        out.push(b' ');
                        number(out, *size);
                        out.extend_from_slice(b" Tf\n");
                        self.font = Some((*style, *size));
                    }
                    // Absolute position: set the text matrix, so runs never drift.
                    out.extend_from_slice(b"1 0 0 1 ");
                    point_op(out, pt(*x), pt(h - y), b" Tm\n<");
                    let metrics = font::metrics(*style);
                    out.reserve(4 * text.len() + 10);
                    for c in text.chars() {
                        self.common &= pdf_fonts::common(c);
                        out.extend_from_slice(&hex4(metrics.glyph(c)));
                    }
                    out.extend_from_slice(b"> Tj\nET\n");
                }
            }
        }
    }
}

/// A glyph id in four upper-case hexadecimal digits, as [`hex`] writes its two bytes.
fn hex4(glyph: u16) -> [u8; 4] {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let digit = |shift: u16| DIGITS[usize::from((glyph >> shift) & 15)];
    [digit(12), digit(8), digit(4), digit(0)]
}

/// A page written ahead: where its body's content is in the spill file, the state after it,
/// its size and running header and footer.
struct Spilled {
    len: usize,
    state: Content,
    width: f32,
    height: f32,
    running: Running,
}

/// A PDF written page by page, for a document too long to hold (a tableau of 50,000 rows):
/// the content of each page's body is written to a temporary file as the page is finished,
/// and the file is assembled at the end, when the page count the footers print is known.
/// Gives the same bytes as [`to_pdf`] of the whole document.
pub struct Streamed {
    spill: std::io::BufWriter<std::fs::File>,
    pages: Vec<Spilled>,
    buf: Vec<u8>,
}

impl Streamed {
    /// A document to be written page by page; its spill file is an anonymous temporary.
    pub fn new() -> std::io::Result<Streamed> {
        Ok(Streamed {
            spill: std::io::BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            pages: Vec::new(),
            buf: Vec::new(),
        })
    }

    /// Adds the next page, not yet decorated ([`flow::decorate`](super::flow::decorate)).
    pub fn page(&mut self, page: &Page, running: Running) -> std::io::Result<()> {
        self.buf.clear();
        let mut state = Content::default();
        state.items(page.height, &page.items, &mut self.buf);
        self.spill.write_all(&self.buf)?;
        self.pages.push(Spilled {
            len: self.buf.len(),
            state,
            width: page.width,
            height: page.height,
            running,
        });
        Ok(())
    }

    /// Writes to `out` the PDF of the document `doc` (its metadata; its pages are those
    /// given): each page's body read back, decorated, hashed and deflated into a second
    /// temporary file, then the file assembled from it as it is written.
    pub fn finish(self, doc: &Document, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        use std::io::{Read as _, Seek as _};
        let Streamed { spill, pages, mut buf, .. } = self;
        let mut spill = spill.into_inner().map_err(std::io::IntoInnerError::into_error)?;
        spill.rewind()?;
        let mut spill = std::io::BufReader::with_capacity(1 << 16, spill);
        let mut deflated = std::io::BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
        let count = pages.len();
        let mut lengths = Vec::with_capacity(count);
        let mut tier = pdf_fonts::Tier::Common;
        let mut hasher = identifier(doc);
        for (i, p) in pages.iter().enumerate() {
            buf.resize(p.len, 0);
            spill.read_exact(&mut buf)?;
            let mut decorations = Page { width: p.width, height: p.height, items: Vec::new() };
            super::flow::decorate(&mut decorations, &p.running, i + 1, count);
            let mut state = p.state;
            state.items(p.height, &decorations.items, &mut buf);
            if !state.common {
                tier = pdf_fonts::Tier::Whole;
            }
            hasher.update(&buf);
            hasher.update(&[0]);
            let stream = deflate(&buf);
            deflated.write_all(&stream)?;
            lengths.push(stream.len());
        }
        drop(spill);
        let id = hasher.digest128().to_be_bytes();
        let mut deflated = deflated.into_inner().map_err(std::io::IntoInnerError::into_error)?;
        deflated.rewind()?;
        let mut deflated = std::io::BufReader::with_capacity(1 << 16, deflated);
        let sizes: Vec<(f32, f32)> = pages.iter().map(|p| (p.width, p.height)).collect();
        let total = lengths.iter().sum();
        let streams = lengths.into_iter().map(|len| {
            let mut stream = vec![0; len];
            deflated.read_exact(&mut stream).map(|()| stream)
        });
        assemble(doc, &sizes, total, streams, &id, tier, Some(out)).map(drop)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn glyph_ids_are_written_as_hex_writes_them() {
        for glyph in [0, 1, 0x00AB, 0x0F00, 0xBEEF, u16::MAX] {
            let mut expected = Vec::new();
            crate::render::pdf_write::hex(&mut expected, &glyph.to_be_bytes());
            assert_eq!(super::hex4(glyph).to_vec(), expected);
        }
    }
}
