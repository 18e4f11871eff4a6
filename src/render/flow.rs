//! The layout: markup blocks measured into pieces — text wrapped to its column with the font's
//! own metrics, table rows, a bar chart, signature blocks — with what must stay together marked,
//! then placed on A4 pages by [`paginate`](super::paginate) and given a running header, footer
//! and "page x / y".

use super::font::{Style, metrics};
use super::french::french_spacing_cow as french_spacing;
use super::layout::{A4_LONG, A4_SHORT, Document, Item, Page};
use super::markup::{Bar, Block, GREY_CELL, Markup, Row, Table};
use super::paginate::{Content, Frame, Paginator, Piece, Prefix, RowSpec, Running};
use crate::date::Date;

const MARGIN: f32 = 15.0;
const HEADER: f32 = 10.0;
const FOOTER: f32 = 10.0;
/// Millimetres per point.
pub const PT: f32 = 0.352_778;
const BODY: f32 = 9.5;
const SMALL: f32 = 7.5;
const CELL: f32 = 8.0;
const PAD: f32 = 1.2;

/// Line height in mm for a font size in points.
fn line_height(size: f32) -> f32 {
    size * 1.25 * PT
}

/// Splits `text` into lines no wider than `width` mm. Breaks at plain spaces only, so no-break
/// spaces hold; a word wider than the column is cut.
pub fn wrap(text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
    let m = metrics(style);
    let max = width / PT;
    // Widths are sums of whole font units, kept as the line grows: the same sums, so the same
    // breaks, as measuring each candidate line from its start.
    let fits = |units: u32| m.points(units, size) <= max;
    let space = m.advance(' ');
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_units = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let word_units = m.units(word);
            let candidate = if line.is_empty() { word_units } else { line_units + space + word_units };
            if fits(candidate) {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_units = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if fits(word_units) {
                line.push_str(word);
                line_units = word_units;
            } else {
                line_units = 0;
                for c in word.chars() {
                    let advance = m.advance(c);
                    if !fits(line_units + advance) && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_units = 0;
                    }
                    line.push(c);
                    line_units += advance;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Blocks turned into measured pieces for [`paginate`].
struct Builder<'s> {
    pieces: Vec<Piece>,
    /// Where the pieces go once nothing can change them any more.
    pager: Paginator,
    /// The rows of a streamed table ([`Table::streamed`]), a batch at a time; `None` at the end.
    rows: &'s mut dyn FnMut() -> Option<Vec<Row>>,
    /// Where finished pages go (not yet decorated).
    sink: &'s mut dyn FnMut(Vec<(Page, Running)>),
    /// Space owed before the next piece.
    gap: f32,
    /// Left edge and width of the body, mm.
    left: f32,
    width: f32,
    /// The running header and footer in force.
    running: Running,
    /// Where the open `!keep` began.
    keep: Option<usize>,
}

impl Builder<'_> {
    /// Hands the pieces to the paginator, but the last one (a later block may still mark it
    /// `keep_next`), and the finished pages to the sink; only outside a `!keep`.
    fn flush(&mut self) {
        if self.keep.is_some() || self.pieces.len() < 2 {
            return;
        }
        let last = self.pieces.len() - 1;
        for piece in self.pieces.drain(..last) {
            self.pager.push(piece);
        }
        let pages = self.pager.take_pages();
        if !pages.is_empty() {
            (self.sink)(pages);
        }
    }

    fn push(&mut self, mut piece: Piece) {
        piece.gap += std::mem::take(&mut self.gap);
        self.pieces.push(piece);
    }

    /// The last piece placed on a page (not a control) goes with the next one.
    fn keep_last(&mut self) {
        let last = self.pieces.iter_mut().rev().find(|p| !matches!(p.content, Content::Running(_)));
        if let Some(last) = last.filter(|p| !matches!(p.content, Content::Break)) {
            last.keep_next = true;
        }
    }

    /// Wrapped lines, one piece each: the first two and the last two of a paragraph keep
    /// together (no orphan, no widow); `marker` goes left of the first line.
    fn lines(
        &mut self,
        x: f32,
        width: f32,
        size: f32,
        style: Style,
        text: &str,
        marker: Option<(&str, Style)>,
    ) {
        let lh = line_height(size);
        let lines = wrap(text, style, size, width);
        let n = lines.len();
        for (k, line) in lines.into_iter().enumerate() {
            let mut items = Vec::with_capacity(2);
            if let (0, Some((m, mstyle))) = (k, marker) {
                items.push(text_item(self.left + 1.5, size * PT, size, mstyle, m));
            }
            if !line.is_empty() {
                items.push(text_item(x, size * PT, size, style, line));
            }
            let mut piece = Piece::items(0.0, lh, items);
            piece.keep_next = n >= 2 && (k == 0 || k + 2 == n);
            self.push(piece);
        }
    }

    /// A heading's lines, kept together and with what follows.
    fn heading(&mut self, gap_before: f32, size: f32, text: &str, gap_after: f32) {
        self.gap += gap_before;
        let from = self.pieces.len();
        self.lines(self.left, self.width, size, Style::Bold, &french_spacing(text), None);
        for p in &mut self.pieces[from..] {
            p.keep_next = true;
        }
        self.gap += gap_after;
    }
}

fn text_item(x: f32, y: f32, size: f32, style: Style, text: impl Into<String>) -> Item {
    Item::Text { x, y, size, style, gray: 0.0, text: text.into() }
}

/// Lays `markup` out as a document; `created` is its date.
pub fn layout(markup: &Markup, created: Date) -> Document {
    let mut pages = Vec::new();
    let mut doc = layout_streamed(markup, created, &mut || None, &mut |p| pages.extend(p));
    let count = pages.len();
    doc.pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, (mut page, r))| {
            decorate(&mut page, &r, i + 1, count);
            page
        })
        .collect();
    doc
}

/// Lays `markup` out page by page: the rows of its streamed table ([`Table::streamed`]) are
/// taken from `rows` a batch at a time, and the pages handed to `sink` as they are finished,
/// in order, with their running header and footer, not yet decorated (see [`decorate`]: the
/// page count is known only at the end). Returns the document's metadata, without pages.
pub fn layout_streamed(
    markup: &Markup,
    created: Date,
    rows: &mut dyn FnMut() -> Option<Vec<Row>>,
    sink: &mut dyn FnMut(Vec<(Page, Running)>),
) -> Document {
    let s = &markup.settings;
    let (width, height) = if s.landscape { (A4_LONG, A4_SHORT) } else { (A4_SHORT, A4_LONG) };
    let running = Running { header: s.header.clone(), footer: s.footer.clone() };
    let frame = Frame { width, height, top: MARGIN + HEADER, bottom: height - MARGIN - FOOTER };
    let mut b = Builder {
        pieces: Vec::with_capacity(markup.blocks.len() * 2),
        pager: Paginator::new(frame, running.clone()),
        rows,
        sink,
        gap: 0.0,
        left: MARGIN,
        width: width - 2.0 * MARGIN,
        running: running.clone(),
        keep: None,
    };
    for block in &markup.blocks {
        match block {
            Block::Title(t) => {
                let t = french_spacing(t);
                let size = 15.0;
                let lines = wrap(&t, Style::Bold, size, b.width);
                let lh = line_height(size);
                let mut items: Vec<Item> = lines
                    .iter()
                    .enumerate()
                    .map(|(k, l)| text_item(b.left, size * PT + k as f32 * lh, size, Style::Bold, l))
                    .collect();
                let h = lines.len() as f32 * lh + 1.0;
                items.push(Item::Line {
                    x1: b.left,
                    y1: h,
                    x2: b.left + b.width,
                    y2: h,
                    width: 0.8,
                    gray: 0.0,
                });
                b.push(Piece { keep_next: true, ..Piece::items(0.0, h, items) });
                b.gap += 3.0;
            }
            Block::Heading(t) => b.heading(2.0, 11.5, t, 1.5),
            Block::Subheading(t) => b.heading(1.0, 10.0, t, 1.0),
            Block::Paragraph { text, bold, small } => {
                let style = if *bold { Style::Bold } else { Style::Regular };
                let size = if *small { SMALL } else { BODY };
                b.lines(b.left, b.width, size, style, &french_spacing(text), None);
                b.gap += 1.8;
            }
            Block::Bullet(t) => {
                b.lines(
                    b.left + 6.0,
                    b.width - 6.0,
                    BODY,
                    Style::Regular,
                    &french_spacing(t),
                    Some(("•", Style::Regular)),
                );
                b.gap += 0.8;
            }
            Block::Labelled { label, text } => {
                b.lines(
                    b.left + 6.0,
                    b.width - 6.0,
                    BODY,
                    Style::Regular,
                    &french_spacing(text),
                    Some((label, Style::Bold)),
                );
                b.gap += 0.8;
            }
            Block::Header(h) => {
                b.running.header.clone_from(h);
                b.push(Piece::control(Content::Running(b.running.clone())));
            }
            Block::Footer(t) => {
                b.running.footer.clone_from(t);
                b.push(Piece::control(Content::Running(b.running.clone())));
            }
            Block::Table(t) => table(&mut b, t),
            Block::Bars { max, required, bars: list } => bars(&mut b, *max, *required, list),
            Block::Signatures(labels) => signatures(&mut b, labels),
            Block::WriteBox { height: h, title } => {
                let items = vec![
                    Item::Rect { x: b.left, y: 0.0, w: b.width, h: *h, fill: None, stroke: Some(0.6) },
                    text_item(b.left + 2.0, 2.0 + CELL * PT, CELL, Style::Bold, french_spacing(title)),
                ];
                b.push(Piece::items(0.0, *h, items));
                b.gap += 3.0;
            }
            Block::Space(mm) => b.gap += mm,
            Block::PageBreak => {
                b.gap = 0.0;
                b.push(Piece::control(Content::Break));
            }
            Block::KeepStart => b.keep = Some(b.pieces.len()),
            Block::KeepEnd => {
                if let Some(from) = b.keep.take() {
                    let end = b.pieces.len().saturating_sub(1);
                    for p in b.pieces.iter_mut().take(end).skip(from) {
                        p.keep_next = true;
                    }
                }
            }
        }
    }
    b.pager.extend(std::mem::take(&mut b.pieces));
    b.pager.finish();
    (b.sink)(b.pager.take_pages());
    Document {
        title: s.title.clone().unwrap_or_default(),
        author: s.author.clone().unwrap_or_default(),
        subject: s.subject.clone().unwrap_or_default(),
        created,
        pages: Vec::new(),
    }
}

/// Adds the running header and footer `r` and "page n / count" to a page.
pub fn decorate(page: &mut Page, r: &Running, n: usize, count: usize) {
    let (header, footer) = (r.header.as_deref(), r.footer.as_deref());
    let right = page.width - MARGIN;
    if let Some(h) = header {
        let h = french_spacing(h).into_owned();
        page.items.push(Item::Text {
            x: MARGIN,
            y: MARGIN + 4.0,
            size: SMALL,
            style: Style::Regular,
            gray: 0.35,
            text: h,
        });
        page.items.push(Item::Line {
            x1: MARGIN,
            y1: MARGIN + 6.0,
            x2: right,
            y2: MARGIN + 6.0,
            width: 0.4,
            gray: 0.5,
        });
    }
    let y = page.height - MARGIN;
    page.items.push(Item::Line { x1: MARGIN, y1: y - 4.5, x2: right, y2: y - 4.5, width: 0.4, gray: 0.5 });
    if let Some(text) = footer {
        let text = french_spacing(text).into_owned();
        page.items.push(Item::Text { x: MARGIN, y, size: SMALL, style: Style::Regular, gray: 0.35, text });
    }
    let number = format!("page {n} / {count}");
    let w = metrics(Style::Regular).width(&number, SMALL) * PT;
    page.items.push(Item::Text {
        x: right - w,
        y,
        size: SMALL,
        style: Style::Regular,
        gray: 0.35,
        text: number,
    });
}

/// A row of `cells` in columns of `widths`, from the body's left edge.
fn row_spec(
    left: f32,
    cells: &[String],
    widths: &[f32],
    style: Style,
    fill: Option<f32>,
    min_height: f32,
) -> RowSpec {
    let mut greyed = 0u64;
    RowSpec {
        x: left,
        cells: cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(k, (c, w))| {
                if c == GREY_CELL && k < 64 {
                    greyed |= 1 << k;
                    return Vec::new();
                }
                wrap(&french_spacing(c), style, CELL, w - 2.0 * PAD)
            })
            .collect(),
        widths: widths.to_vec(),
        style,
        fill,
        greyed,
        min_height,
        size: CELL,
        line_height: line_height(CELL),
        pad: PAD,
    }
}

/// A table: its header rows as one piece kept with the first row; each row a piece that opens
/// a page with the header rows and the current group heading repeated; a group heading kept
/// with its first row.
fn table(b: &mut Builder, t: &Table) {
    let total: f32 = t.widths.iter().sum::<f32>().max(0.001);
    let widths: Vec<f32> = t.widths.iter().map(|w| w / total * b.width).collect();
    let header: Vec<RowSpec> =
        t.header.iter().map(|r| row_spec(b.left, r, &widths, Style::Bold, Some(0.88), 0.0)).collect();
    let from = b.pieces.len();
    if !header.is_empty() {
        let mut items = Vec::new();
        let mut y = 0.0;
        for row in &header {
            items.extend(row.items(y));
            y += row.height();
        }
        b.push(Piece {
            keep_next: !t.rows.is_empty() || t.streamed.is_some(),
            ..Piece::items(0.0, y, items)
        });
    }
    let header_prefix = (!header.is_empty()).then(|| b.pager.add_prefix(Prefix { rows: header.clone() }));
    let mut at = TableAt { widths, header, header_prefix, prefix: header_prefix, min_row: t.min_row };
    let mut streamed = false;
    for (k, row) in t.rows.iter().enumerate() {
        if t.streamed == Some(k) {
            stream_rows(b, &mut at);
            streamed = true;
        }
        table_row(b, &mut at, row);
    }
    if t.streamed.is_some() && !streamed {
        stream_rows(b, &mut at);
    }
    if b.pieces.len() > from
        && let Some(last) = b.pieces.last_mut()
    {
        last.keep_next = false; // a group heading with no row after it
    }
    b.gap += 3.0;
}

/// A table being laid out: its columns, its header and the prefix in force.
struct TableAt {
    widths: Vec<f32>,
    header: Vec<RowSpec>,
    header_prefix: Option<usize>,
    /// The header and the current group heading.
    prefix: Option<usize>,
    min_row: f32,
}

/// The streamed rows of a table, a batch at a time, handed on as they are laid out.
fn stream_rows(b: &mut Builder, at: &mut TableAt) {
    while let Some(rows) = (b.rows)() {
        for row in &rows {
            table_row(b, at, row);
        }
        b.flush();
    }
}

/// One row of a table.
fn table_row(b: &mut Builder, at: &mut TableAt, row: &Row) {
    match row {
        Row::Cells(c) => {
            let spec = row_spec(b.left, c, &at.widths, Style::Regular, None, at.min_row);
            b.push(Piece::row(0.0, spec, at.prefix));
        }
        Row::Group(text) => {
            let full = [b.width];
            let spec = row_spec(b.left, std::slice::from_ref(text), &full, Style::Bold, Some(0.94), 0.0);
            let mut rows = at.header.clone();
            rows.push(spec.clone());
            at.prefix = Some(b.pager.add_prefix(Prefix { rows }));
            b.push(Piece { keep_next: true, ..Piece::row(0.0, spec, at.header_prefix) });
        }
    }
}

/// A bar chart: the scale, then a piece per bar (with its stretch of the grid lines), all
/// kept on one page when they fit one.
fn bars(b: &mut Builder, max: f32, required: Option<f32>, list: &[Bar]) {
    let width = b.width;
    let label_w = width * 0.42;
    let bar_x = b.left + label_w + 2.0;
    let bar_w = width * 0.40;
    let text_x = bar_x + bar_w + 3.0;
    let scale = |v: f32| bar_x + (v / max.max(0.001)).clamp(0.0, 1.0) * bar_w;
    // Ticks at whole levels for a 0–5 scale, at tenths of the maximum for counts.
    let step = if max <= 10.0 { 1.0 } else { (max / 10.0).ceil() };
    let steps = (max / step).floor().max(1.0) as u32;
    let grid = |items: &mut Vec<Item>, from: f32, to: f32| {
        for k in 0..=steps {
            let x = scale(k as f32 * step);
            items.push(Item::Line { x1: x, y1: from, x2: x, y2: to, width: 0.2, gray: 0.7 });
        }
    };
    let from = b.pieces.len();
    let mut items = Vec::new();
    for k in 0..=steps {
        let level = k as f32 * step;
        let x = scale(level);
        let label = format!("{level}");
        let w = metrics(Style::Regular).width(&label, SMALL) * PT;
        items.push(text_item(x - w / 2.0, SMALL * PT, SMALL, Style::Regular, &label));
    }
    grid(&mut items, 3.0, 4.0);
    b.push(Piece::items(0.0, 4.0, items));
    for bar in list {
        let label = wrap(&french_spacing(&bar.label), Style::Regular, CELL, label_w);
        let h = (label.len() as f32 * line_height(CELL)).max(5.0) + 1.5;
        let mut items = Vec::new();
        for (k, line) in label.iter().enumerate() {
            items.push(text_item(
                b.left,
                CELL * PT + k as f32 * line_height(CELL),
                CELL,
                Style::Regular,
                line,
            ));
        }
        items.push(Item::Rect { x: bar_x, y: 0.5, w: bar_w, h: 3.6, fill: Some(0.95), stroke: Some(0.3) });
        if let Some(v) = bar.value {
            let reached = required.is_none_or(|r| v + 1e-6 >= r);
            let fill = if reached { 0.45 } else { 0.75 };
            items.push(Item::Rect {
                x: bar_x,
                y: 0.5,
                w: scale(v) - bar_x,
                h: 3.6,
                fill: Some(fill),
                stroke: None,
            });
        }
        if let Some(required) = required {
            let rx = scale(required);
            items.push(Item::Line { x1: rx, y1: -0.3, x2: rx, y2: 4.9, width: 1.4, gray: 0.0 });
        }
        if !bar.text.is_empty() {
            items.push(text_item(text_x, CELL * PT, CELL, Style::Regular, french_spacing(&bar.text)));
        }
        grid(&mut items, 0.0, h);
        b.push(Piece::items(0.0, h, items));
    }
    let end = b.pieces.len() - 1;
    for p in &mut b.pieces[from..end] {
        p.keep_next = true;
    }
    b.gap += 3.0;
}

/// Signature blocks, two by two: never split, and on the same page as what precedes them.
fn signatures(b: &mut Builder, labels: &[String]) {
    if labels.is_empty() {
        return;
    }
    b.keep_last();
    let gap = 6.0;
    let w = (b.width - gap) / 2.0;
    let h = 32.0;
    let from = b.pieces.len();
    for pair in labels.chunks(2) {
        let mut items = Vec::new();
        for (k, label) in pair.iter().enumerate() {
            let x = b.left + k as f32 * (w + gap);
            items.push(Item::Rect { x, y: 0.0, w, h, fill: None, stroke: Some(0.5) });
            let lines = wrap(&french_spacing(label), Style::Bold, CELL, w - 4.0);
            for (i, line) in lines.iter().enumerate() {
                items.push(text_item(
                    x + 2.0,
                    2.0 + CELL * PT + i as f32 * line_height(CELL),
                    CELL,
                    Style::Bold,
                    line,
                ));
            }
            items.push(text_item(
                x + 2.0,
                h - 2.5,
                SMALL,
                Style::Regular,
                french_spacing("Date et signature :"),
            ));
        }
        b.push(Piece::items(0.0, h, items));
        b.gap += gap;
    }
    let end = b.pieces.len() - 1;
    for p in &mut b.pieces[from..end] {
        p.keep_next = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markup::parse;

    fn d() -> Date {
        "2026-01-01".parse().unwrap()
    }

    #[test]
    fn wrapping_respects_the_width_and_keeps_no_break_spaces() {
        let text = "Proposition\u{a0}: attribution du certificat de qualification professionnelle";
        let lines = wrap(text, Style::Regular, 10.0, 40.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(metrics(Style::Regular).width(l, 10.0) * PT <= 40.0 + 0.01, "{l}");
        }
        assert!(lines.iter().any(|l| l.contains("Proposition\u{a0}:")));
    }

    #[test]
    fn a_greyed_cell_is_filled_and_prints_no_text() {
        let doc = layout(&parse("!table 50,50\n| Savoir | {grey} |\n| Autre | 3 |\n").unwrap(), d());
        let items = &doc.pages[0].items;
        let grey: Vec<_> = items
            .iter()
            .filter(
                |i| matches!(i, Item::Rect { fill: Some(f), .. } if *f == super::super::paginate::GREY_FILL),
            )
            .collect();
        assert_eq!(grey.len(), 1, "{items:?}");
        assert!(!doc.text().contains("grey") && doc.text().contains('3'));
    }

    #[test]
    fn long_tables_cross_pages_with_their_header_repeated() {
        let rows: String =
            (0..120).map(|i| format!("| Savoir numéro {i} | 3 |\n")).collect::<Vec<_>>().concat();
        let text = format!("!table 70,30\n|= Savoir | Niveau |\n{rows}");
        let doc = layout(&parse(&text).unwrap(), d());
        assert!(doc.pages.len() >= 3, "{} pages", doc.pages.len());
        for page in &doc.pages {
            let texts: Vec<&str> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            assert!(texts.contains(&"Savoir"), "header repeated");
            assert!(texts.iter().any(|t| t.starts_with("page ")), "page x / y");
            for item in &page.items {
                if let Item::Text { y, .. } = item {
                    assert!(*y <= page.height - MARGIN + 0.01);
                }
            }
        }
        assert!(doc.text().contains(&format!("page 1 / {}", doc.pages.len())));
    }
}
