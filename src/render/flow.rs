//! The layout: markup blocks flowed onto A4 pages — text wrapped to its column with the font's
//! own metrics, tables that cross pages with their header rows repeated, a bar chart, signature
//! blocks, a running header and "page x / y".

use super::font::{Style, metrics};
use super::french::french_spacing;
use super::layout::{A4_LONG, A4_SHORT, Document, Item, Page};
use super::markup::{Bar, Block, Markup, Row, Table};
use crate::date::Date;

const MARGIN: f32 = 15.0;
const HEADER: f32 = 10.0;
const FOOTER: f32 = 10.0;
const PT: f32 = 0.352_778;
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
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if m.width(&candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if m.width(word, size) <= max {
                line = word.to_string();
            } else {
                for c in word.chars() {
                    if m.width(&format!("{line}{c}"), size) > max && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    lines
}

struct Flow {
    pages: Vec<Page>,
    /// The running header and footer of each finished page.
    running: Vec<Running>,
    /// The running header and footer in force.
    current: Running,
    items: Vec<Item>,
    width: f32,
    height: f32,
    y: f32,
}

impl Flow {
    fn left(&self) -> f32 {
        MARGIN
    }
    fn content_width(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }
    fn top(&self) -> f32 {
        MARGIN + HEADER
    }
    fn bottom(&self) -> f32 {
        self.height - MARGIN - FOOTER
    }
    fn new_page(&mut self) {
        self.running.push(self.current.clone());
        let items = std::mem::take(&mut self.items);
        self.pages.push(Page { width: self.width, height: self.height, items });
        self.y = self.top();
    }
    /// Starts a new page unless `h` mm still fit.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > self.bottom() && self.y > self.top() + 0.1 {
            self.new_page();
            true
        } else {
            false
        }
    }
    fn text(&mut self, x: f32, baseline: f32, size: f32, style: Style, text: &str) {
        if !text.is_empty() {
            self.items.push(Item::Text { x, y: baseline, size, style, gray: 0.0, text: text.to_string() });
        }
    }
    /// Wrapped lines at the current position; returns nothing, advances y.
    fn lines(&mut self, x: f32, width: f32, size: f32, style: Style, text: &str, gap_after: f32) {
        let lh = line_height(size);
        for line in wrap(text, style, size, width) {
            self.ensure(lh);
            self.text(x, self.y + size * PT, size, style, &line);
            self.y += lh;
        }
        self.y += gap_after;
    }
    fn finish(mut self) -> (Vec<Page>, Vec<Running>) {
        self.new_page();
        (self.pages, self.running)
    }
}

/// A page's running header and footer.
#[derive(Debug, Clone, Default)]
struct Running {
    header: Option<String>,
    footer: Option<String>,
}

/// Lays `markup` out as a document; `created` is its date.
pub fn layout(markup: &Markup, created: Date) -> Document {
    let s = &markup.settings;
    let (width, height) = if s.landscape { (A4_LONG, A4_SHORT) } else { (A4_SHORT, A4_LONG) };
    let current = Running { header: s.header.clone(), footer: s.footer.clone() };
    let mut f = Flow {
        pages: Vec::new(),
        running: Vec::new(),
        current,
        items: Vec::new(),
        width,
        height,
        y: MARGIN + HEADER,
    };
    for block in &markup.blocks {
        match block {
            Block::Title(t) => {
                let t = french_spacing(t);
                f.ensure(20.0);
                let w = f.content_width();
                f.lines(f.left(), w, 15.0, Style::Bold, &t, 1.0);
                let y = f.y;
                f.items.push(Item::Line {
                    x1: f.left(),
                    y1: y,
                    x2: f.left() + w,
                    y2: y,
                    width: 0.8,
                    gray: 0.0,
                });
                f.y += 3.0;
            }
            Block::Heading(t) => {
                f.ensure(16.0);
                f.y += 2.0;
                let w = f.content_width();
                f.lines(f.left(), w, 11.5, Style::Bold, &french_spacing(t), 1.5);
            }
            Block::Subheading(t) => {
                f.ensure(12.0);
                f.y += 1.0;
                let w = f.content_width();
                f.lines(f.left(), w, 10.0, Style::Bold, &french_spacing(t), 1.0);
            }
            Block::Paragraph { text, bold, small } => {
                let style = if *bold { Style::Bold } else { Style::Regular };
                let size = if *small { SMALL } else { BODY };
                let w = f.content_width();
                f.lines(f.left(), w, size, style, &french_spacing(text), 1.8);
            }
            Block::Bullet(t) => {
                let lh = line_height(BODY);
                f.ensure(lh);
                let y = f.y + BODY * PT;
                f.text(f.left() + 1.5, y, BODY, Style::Regular, "•");
                let w = f.content_width() - 6.0;
                f.lines(f.left() + 6.0, w, BODY, Style::Regular, &french_spacing(t), 0.8);
            }
            Block::Labelled { label, text } => {
                let lh = line_height(BODY);
                f.ensure(lh);
                let y = f.y + BODY * PT;
                f.text(f.left() + 1.5, y, BODY, Style::Bold, label);
                let w = f.content_width() - 6.0;
                f.lines(f.left() + 6.0, w, BODY, Style::Regular, &french_spacing(text), 0.8);
            }
            Block::Header(h) => f.current.header.clone_from(h),
            Block::Footer(t) => f.current.footer.clone_from(t),
            Block::Table(t) => table(&mut f, t),
            Block::Bars { max, required, bars: list } => bars(&mut f, *max, *required, list),
            Block::Signatures(labels) => signatures(&mut f, labels),
            Block::WriteBox { height: h, title } => {
                f.ensure(h + 2.0);
                let (x, y, w) = (f.left(), f.y, f.content_width());
                f.items.push(Item::Rect { x, y, w, h: *h, fill: None, stroke: Some(0.6) });
                f.text(x + 2.0, y + 2.0 + CELL * PT, CELL, Style::Bold, &french_spacing(title));
                f.y += h + 3.0;
            }
            Block::Space(mm) => f.y += mm,
            Block::PageBreak => f.new_page(),
        }
    }
    let (mut pages, running) = f.finish();
    let count = pages.len();
    for (i, (page, r)) in pages.iter_mut().zip(&running).enumerate() {
        decorate(page, r.header.as_deref(), r.footer.as_deref(), i + 1, count);
    }
    Document {
        title: s.title.clone().unwrap_or_default(),
        author: s.author.clone().unwrap_or_default(),
        subject: s.subject.clone().unwrap_or_default(),
        created,
        pages,
    }
}

fn decorate(page: &mut Page, header: Option<&str>, footer: Option<&str>, n: usize, count: usize) {
    let right = page.width - MARGIN;
    if let Some(h) = header {
        let h = french_spacing(h);
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
        let text = french_spacing(text);
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

/// Cell lines of a row, and its height.
fn row_lines(cells: &[String], widths: &[f32], style: Style) -> (Vec<Vec<String>>, f32) {
    let lines: Vec<Vec<String>> =
        cells.iter().zip(widths).map(|(c, w)| wrap(&french_spacing(c), style, CELL, w - 2.0 * PAD)).collect();
    let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    (lines, n as f32 * line_height(CELL) + 2.0 * PAD)
}

fn draw_row(f: &mut Flow, lines: &[Vec<String>], widths: &[f32], h: f32, style: Style, fill: Option<f32>) {
    let mut x = f.left();
    let y = f.y;
    for (cell, w) in lines.iter().zip(widths) {
        f.items.push(Item::Rect { x, y, w: *w, h, fill, stroke: Some(0.4) });
        for (k, line) in cell.iter().enumerate() {
            f.text(x + PAD, y + PAD + CELL * PT + k as f32 * line_height(CELL), CELL, style, line);
        }
        x += w;
    }
    f.y += h;
}

fn table(f: &mut Flow, t: &Table) {
    let total: f32 = t.widths.iter().sum::<f32>().max(0.001);
    let widths: Vec<f32> = t.widths.iter().map(|w| w / total * f.content_width()).collect();
    let header: Vec<(Vec<Vec<String>>, f32)> =
        t.header.iter().map(|r| row_lines(r, &widths, Style::Bold)).collect();
    let header_h: f32 = header.iter().map(|(_, h)| h).sum();
    let draw_header = |f: &mut Flow| {
        for (lines, h) in &header {
            draw_row(f, lines, &widths, *h, Style::Bold, Some(0.88));
        }
    };
    let first_row_h = t.rows.first().map_or(0.0, |r| match r {
        Row::Cells(c) => row_lines(c, &widths, Style::Regular).1,
        Row::Group(_) => line_height(CELL) + 2.0 * PAD,
    });
    f.ensure(header_h + first_row_h);
    draw_header(f);
    for row in &t.rows {
        let (lines, h, style, fill, w) = match row {
            Row::Cells(c) => {
                let (lines, h) = row_lines(c, &widths, Style::Regular);
                (lines, h.max(t.min_row), Style::Regular, None, widths.clone())
            }
            Row::Group(text) => {
                let full = vec![f.content_width()];
                let (lines, h) = row_lines(std::slice::from_ref(text), &full, Style::Bold);
                (lines, h, Style::Bold, Some(0.94), full)
            }
        };
        if f.ensure(h) {
            draw_header(f);
        }
        draw_row(f, &lines, &w, h, style, fill);
    }
    f.y += 3.0;
}

fn bars(f: &mut Flow, max: f32, required: Option<f32>, list: &[Bar]) {
    let width = f.content_width();
    let label_w = width * 0.42;
    let bar_x = f.left() + label_w + 2.0;
    let bar_w = width * 0.40;
    let text_x = bar_x + bar_w + 3.0;
    let scale = |v: f32| bar_x + (v / max.max(0.001)).clamp(0.0, 1.0) * bar_w;
    // The scale: a tick and its number for every level.
    f.ensure(8.0);
    let top = f.y;
    // Ticks at whole levels for a 0–5 scale, at tenths of the maximum for counts.
    let step = if max <= 10.0 { 1.0 } else { (max / 10.0).ceil() };
    let steps = (max / step).floor().max(1.0) as u32;
    for k in 0..=steps {
        let level = k as f32 * step;
        let x = scale(level);
        let label = format!("{level}");
        let w = metrics(Style::Regular).width(&label, SMALL) * PT;
        f.text(x - w / 2.0, top + SMALL * PT, SMALL, Style::Regular, &label);
    }
    f.y += 4.0;
    for bar in list {
        let label = wrap(&french_spacing(&bar.label), Style::Regular, CELL, label_w);
        let h = (label.len() as f32 * line_height(CELL)).max(5.0) + 1.5;
        f.ensure(h);
        let y = f.y;
        for (k, line) in label.iter().enumerate() {
            f.text(f.left(), y + CELL * PT + k as f32 * line_height(CELL), CELL, Style::Regular, line);
        }
        f.items.push(Item::Rect {
            x: bar_x,
            y: y + 0.5,
            w: bar_w,
            h: 3.6,
            fill: Some(0.95),
            stroke: Some(0.3),
        });
        if let Some(v) = bar.value {
            let reached = required.is_none_or(|r| v + 1e-6 >= r);
            let fill = if reached { 0.45 } else { 0.75 };
            f.items.push(Item::Rect {
                x: bar_x,
                y: y + 0.5,
                w: scale(v) - bar_x,
                h: 3.6,
                fill: Some(fill),
                stroke: None,
            });
        }
        if let Some(required) = required {
            let rx = scale(required);
            f.items.push(Item::Line { x1: rx, y1: y - 0.3, x2: rx, y2: y + 4.9, width: 1.4, gray: 0.0 });
        }
        f.text(text_x, y + CELL * PT, CELL, Style::Regular, &french_spacing(&bar.text));
        f.y += h;
    }
    for k in 0..=steps {
        let x = scale(k as f32 * step);
        f.items.push(Item::Line { x1: x, y1: top + 3.0, x2: x, y2: f.y, width: 0.2, gray: 0.7 });
    }
    f.y += 3.0;
}

fn signatures(f: &mut Flow, labels: &[String]) {
    let gap = 6.0;
    let w = (f.content_width() - gap) / 2.0;
    let h = 32.0;
    for pair in labels.chunks(2) {
        f.ensure(h + gap);
        let y = f.y;
        for (k, label) in pair.iter().enumerate() {
            let x = f.left() + k as f32 * (w + gap);
            f.items.push(Item::Rect { x, y, w, h, fill: None, stroke: Some(0.5) });
            let lines = wrap(&french_spacing(label), Style::Bold, CELL, w - 4.0);
            for (i, line) in lines.iter().enumerate() {
                f.text(x + 2.0, y + 2.0 + CELL * PT + i as f32 * line_height(CELL), CELL, Style::Bold, line);
            }
            f.text(x + 2.0, y + h - 2.5, SMALL, Style::Regular, &french_spacing("Date et signature :"));
        }
        f.y += h + gap;
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
    fn long_tables_cross_pages_with_their_header_repeated() {
        let mut text = String::from("!table 70,30\n|= Savoir | Niveau |\n");
        for i in 0..120 {
            text.push_str(&format!("| Savoir numéro {i} | 3 |\n"));
        }
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
