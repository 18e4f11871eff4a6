//! Pagination: measured pieces (a line, a table row, a heading, a signature block…) placed on
//! pages where a person expects the breaks. A piece marked `keep_next` goes on the same page
//! as the next one (a heading with what follows, the first and last two lines of a paragraph,
//! a quiz question with its answers, a signature block with the lines before it); a chain
//! that does not fit what is left of a page starts the next page, and one that does not fit a
//! whole page is broken where it must. A piece that opens a page after a break is preceded by
//! its prefix (a table's header rows and current group heading). A table row taller than a
//! page continues on the next one, line by line: no text is ever drawn below the bottom.

use super::font::Style;
use super::layout::{Item, Page};

/// The grey level of a greyed cell (`{grey}` in the markup): light, the cell's text gone.
pub const GREY_FILL: f32 = 0.85;

/// A table row, drawn when placed, so that one taller than a page can be cut between lines.
#[derive(Debug, Clone)]
pub struct RowSpec {
    /// Left edge, mm.
    pub x: f32,
    /// The lines of each cell.
    pub cells: Vec<Vec<String>>,
    /// The width of each cell, mm.
    pub widths: Vec<f32>,
    /// Regular or bold.
    pub style: Style,
    /// Background grey level, if shaded.
    pub fill: Option<f32>,
    /// Bit `k` set: cell `k` is greyed ([`GREY_FILL`]), whatever `fill` says.
    pub greyed: u64,
    /// Smallest height, mm (room to write by hand).
    pub min_height: f32,
    /// Font size of the cells, points.
    pub size: f32,
    /// Line height, mm.
    pub line_height: f32,
    /// Padding inside a cell, mm.
    pub pad: f32,
}

impl RowSpec {
    /// Its height, mm.
    pub fn height(&self) -> f32 {
        let n = self.cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (n as f32 * self.line_height + 2.0 * self.pad).max(self.min_height)
    }

    /// The items of the row with its top at `y`.
    pub fn items(&self, y: f32) -> Vec<Item> {
        let h = self.height();
        let mut items = Vec::with_capacity(self.cells.len() * 2);
        let mut x = self.x;
        for (k, (cell, w)) in self.cells.iter().zip(&self.widths).enumerate() {
            let fill = if k < 64 && self.greyed & (1 << k) != 0 { Some(GREY_FILL) } else { self.fill };
            items.push(Item::Rect { x, y, w: *w, h, fill, stroke: Some(0.4) });
            for (k, line) in cell.iter().enumerate().filter(|(_, l)| !l.is_empty()) {
                items.push(Item::Text {
                    x: x + self.pad,
                    y: y + self.pad + self.size * super::flow::PT + k as f32 * self.line_height,
                    size: self.size,
                    style: self.style,
                    gray: 0.0,
                    text: line.clone(),
                });
            }
            x += w;
        }
        items
    }

    /// Cuts the row so that its first part is at most `room` mm high; `None` when not even one
    /// line fits.
    fn split(&self, room: f32) -> Option<(RowSpec, RowSpec)> {
        let lines = ((room - 2.0 * self.pad) / self.line_height).floor();
        if lines < 1.0 {
            return None;
        }
        let lines = lines as usize;
        let mut first = self.clone();
        let mut rest = self.clone();
        first.min_height = 0.0;
        for (f, r) in first.cells.iter_mut().zip(rest.cells.iter_mut()) {
            *r = f.split_off(lines.min(f.len()));
        }
        rest.min_height = (self.min_height - first.height()).max(0.0);
        Some((first, rest))
    }
}

/// The running header and footer of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Running {
    /// Header, if any.
    pub header: Option<String>,
    /// Footer, if any.
    pub footer: Option<String>,
}

/// What a piece holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// Items placed relative to the piece's top (y = 0).
    Items(Vec<Item>),
    /// A table row.
    Row(RowSpec),
    /// The running header and footer from the page this piece falls on.
    Running(Running),
    /// A forced page break.
    Break,
}

/// A measured piece of a document.
#[derive(Debug, Clone)]
pub struct Piece {
    /// Space before it, mm; none at the top of a page.
    pub gap: f32,
    /// Height, mm.
    pub height: f32,
    /// What it draws.
    pub content: Content,
    /// Goes on the same page as the next piece.
    pub keep_next: bool,
    /// Drawn first when this piece opens a page: index in the prefixes.
    pub prefix: Option<usize>,
}

impl Piece {
    /// A piece of items of height `height`.
    pub fn items(gap: f32, height: f32, items: Vec<Item>) -> Piece {
        Piece { gap, height, content: Content::Items(items), keep_next: false, prefix: None }
    }

    /// A table row.
    pub fn row(gap: f32, row: RowSpec, prefix: Option<usize>) -> Piece {
        Piece { gap, height: row.height(), content: Content::Row(row), keep_next: false, prefix }
    }

    /// A change of the running header and footer, or a page break.
    pub fn control(content: Content) -> Piece {
        Piece { gap: 0.0, height: 0.0, content, keep_next: false, prefix: None }
    }

    fn is_control(&self) -> bool {
        matches!(self.content, Content::Running(_) | Content::Break)
    }
}

/// What a piece that opens a page repeats first (table header rows and group heading).
#[derive(Debug, Clone, Default)]
pub struct Prefix {
    /// The rows, top to bottom.
    pub rows: Vec<RowSpec>,
}

impl Prefix {
    fn height(&self) -> f32 {
        self.rows.iter().map(RowSpec::height).sum()
    }
}

/// The page's geometry: size, and the top and bottom of the body, mm.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Page width.
    pub width: f32,
    /// Page height.
    pub height: f32,
    /// Top of the body.
    pub top: f32,
    /// Bottom of the body.
    pub bottom: f32,
}

/// The pages being filled.
struct Pager {
    frame: Frame,
    prefixes: Vec<Prefix>,
    pages: Vec<Page>,
    running: Vec<Running>,
    current: Running,
    items: Vec<Item>,
    y: f32,
    /// Nothing placed on this page yet.
    empty: bool,
}

impl Pager {
    fn new_page(&mut self) {
        self.running.push(self.current.clone());
        let items = std::mem::take(&mut self.items);
        self.pages.push(Page { width: self.frame.width, height: self.frame.height, items });
        self.y = self.frame.top;
        self.empty = true;
    }

    fn room(&self) -> f32 {
        self.frame.bottom - self.y
    }

    fn prefix_height(&self, piece: &Piece) -> f32 {
        piece.prefix.and_then(|p| self.prefixes.get(p)).map_or(0.0, Prefix::height)
    }

    /// The height `pieces` take from the current position (gaps included, the first one
    /// dropped on an empty page, with the first piece's prefix on an empty page).
    fn height_of(&self, pieces: &[Piece], on_empty: bool) -> f32 {
        let mut h = 0.0;
        for (k, p) in pieces.iter().enumerate() {
            if k == 0 && on_empty {
                h += self.prefix_height(p);
            } else {
                h += p.gap;
            }
            h += p.height;
        }
        h
    }

    /// Places `piece` at the current position (the caller has checked the room).
    fn place(&mut self, piece: &mut Piece) {
        if self.empty {
            if let Some(prefix) = piece.prefix.and_then(|p| self.prefixes.get(p)) {
                for row in &prefix.rows {
                    self.items.extend(row.items(self.y));
                    self.y += row.height();
                }
            }
        } else {
            self.y += piece.gap;
        }
        match &mut piece.content {
            Content::Items(items) => {
                let y = self.y;
                self.items.extend(std::mem::take(items).into_iter().map(|i| shifted(i, y)));
            }
            Content::Row(row) => self.items.extend(row.items(self.y)),
            Content::Running(r) => {
                self.current = r.clone();
                return;
            }
            Content::Break => return,
        }
        self.y += piece.height;
        self.empty = false;
    }

    /// Places a piece that may not fit: a page break before it when it does not fit what is
    /// left, a row cut between lines when it does not fit a whole page.
    fn place_breaking(&mut self, piece: Piece) {
        let mut piece = piece;
        loop {
            let on_empty = self.empty;
            if self.height_of(std::slice::from_ref(&piece), on_empty) <= self.room() + 0.01 {
                self.place(&mut piece);
                return;
            }
            let Content::Row(row) = &piece.content else {
                if !self.empty {
                    self.new_page();
                    continue;
                }
                self.place(&mut piece); // taller than a page and not cuttable: drawn as is
                return;
            };
            let body = self.frame.bottom - self.frame.top;
            if !on_empty && self.height_of(std::slice::from_ref(&piece), true) <= body + 0.01 {
                self.new_page(); // a row that fits a page is never cut
                continue;
            }
            let room = self.room() - if on_empty { self.prefix_height(&piece) } else { piece.gap };
            match row.split(room) {
                Some((first, rest)) if rest.cells.iter().any(|c| !c.is_empty()) => {
                    self.place(&mut Piece::row(piece.gap, first, piece.prefix));
                    self.new_page();
                    piece = Piece::row(0.0, rest, piece.prefix);
                }
                _ if !self.empty => self.new_page(),
                _ => {
                    self.place(&mut piece);
                    return;
                }
            }
        }
    }
}

/// `item` moved down by `dy` mm.
fn shifted(mut item: Item, dy: f32) -> Item {
    match &mut item {
        Item::Text { y, .. } | Item::Rect { y, .. } => *y += dy,
        Item::Line { y1, y2, .. } => {
            *y1 += dy;
            *y2 += dy;
        }
    }
    item
}

/// Places pieces on pages as they come: a piece is placed once the chain of pieces kept
/// together with it is complete, and finished pages can be taken away at any time, so that a
/// long document (a tableau of 50,000 rows) never needs all its pieces or pages at once. The
/// pages are those [`paginate`] gives for the same pieces.
pub struct Paginator {
    pager: Pager,
    /// Pieces not placed yet: the start of a chain whose end has not come.
    pending: std::collections::VecDeque<Piece>,
}

impl Paginator {
    /// Pages of `frame`, with `first` as the running header and footer of the first page.
    pub fn new(frame: Frame, first: Running) -> Paginator {
        Paginator {
            pager: Pager {
                frame,
                prefixes: Vec::new(),
                pages: Vec::new(),
                running: Vec::new(),
                current: first,
                items: Vec::new(),
                y: frame.top,
                empty: true,
            },
            pending: std::collections::VecDeque::new(),
        }
    }

    /// Adds a prefix; returns its index, for [`Piece::prefix`].
    pub fn add_prefix(&mut self, prefix: Prefix) -> usize {
        self.pager.prefixes.push(prefix);
        self.pager.prefixes.len() - 1
    }

    /// The prefixes added so far.
    pub fn prefixes(&self) -> &[Prefix] {
        &self.pager.prefixes
    }

    /// Adds the next piece; places what can be placed.
    pub fn push(&mut self, piece: Piece) {
        self.pending.push_back(piece);
        self.place(false);
    }

    /// Adds pieces without placing any yet (the next [`Paginator::push`] or
    /// [`Paginator::finish`] places them): the same pages, without looking for the end of a
    /// chain after each piece.
    pub fn extend(&mut self, pieces: impl IntoIterator<Item = Piece>) {
        self.pending.extend(pieces);
    }

    /// The pages finished so far, with their running header and footer, taken away.
    pub fn take_pages(&mut self) -> Vec<(Page, Running)> {
        let pages = std::mem::take(&mut self.pager.pages);
        let running = std::mem::take(&mut self.pager.running);
        pages.into_iter().zip(running).collect()
    }

    /// Places every piece left and ends the last page.
    pub fn finish(&mut self) {
        self.place(true);
        self.pager.new_page();
    }

    /// Places the pending pieces whose chain is complete (all of them when `last`).
    fn place(&mut self, last: bool) {
        let p = &mut self.pager;
        let body = p.frame.bottom - p.frame.top;
        let pieces = &mut self.pending;
        while let Some(first) = pieces.front() {
            match first.content {
                Content::Break => {
                    if !p.empty {
                        p.new_page();
                    }
                    pieces.pop_front();
                    continue;
                }
                Content::Running(_) => {
                    let mut piece = pieces.pop_front().expect("a first piece");
                    p.place(&mut piece);
                    continue;
                }
                _ => {}
            }
            // The chain of pieces kept together from this one.
            let mut end = 0;
            while end + 1 < pieces.len() && pieces[end].keep_next && !pieces[end + 1].is_control() {
                end += 1;
            }
            if !last && end + 1 == pieces.len() && pieces[end].keep_next {
                return; // the chain may go on with the next piece
            }
            pieces.make_contiguous();
            let chain = &pieces.as_slices().0[..=end];
            if p.height_of(chain, p.empty) <= p.room() + 0.01 {
                for mut piece in pieces.drain(..=end) {
                    p.place(&mut piece);
                }
            } else if !p.empty && p.height_of(chain, true) <= body + 0.01 {
                p.new_page();
            } else {
                // Longer than a page: broken where it must, from here.
                let piece = pieces.pop_front().expect("a first piece");
                p.place_breaking(piece);
            }
        }
    }
}

/// Places `pieces` on pages of `frame`; returns the pages and each page's running header and
/// footer (`first` on the first page, until a piece changes them).
pub fn paginate(
    pieces: Vec<Piece>,
    prefixes: &[Prefix],
    frame: Frame,
    first: Running,
) -> (Vec<Page>, Vec<Running>) {
    let mut p = Paginator::new(frame, first);
    p.pager.prefixes = prefixes.to_vec();
    p.extend(pieces);
    p.finish();
    (p.pager.pages, p.pager.running)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame = Frame { width: 210.0, height: 100.0, top: 10.0, bottom: 90.0 };

    fn block(h: f32, keep_next: bool) -> Piece {
        let text =
            Item::Text { x: 0.0, y: h, size: 9.0, style: Style::Regular, gray: 0.0, text: format!("{h}") };
        Piece { keep_next, ..Piece::items(2.0, h, vec![text]) }
    }

    #[test]
    fn a_chain_that_does_not_fit_moves_whole_and_gaps_vanish_at_the_top() {
        let pieces = vec![block(50.0, false), block(10.0, true), block(25.0, false)];
        let (pages, _) = paginate(pieces, &[], FRAME, Running::default());
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].items.len(), 1);
        let Item::Text { y, .. } = &pages[1].items[0] else { panic!() };
        assert!((y - 20.0).abs() < 0.01, "top of the body + its own height, no gap: {y}");
    }

    fn row(n: usize, tag: &str) -> RowSpec {
        RowSpec {
            x: 0.0,
            cells: vec![(0..n).map(|k| format!("{tag} {k}")).collect()],
            widths: vec![100.0],
            style: Style::Regular,
            fill: None,
            greyed: 0,
            min_height: 0.0,
            size: 8.0,
            line_height: 4.0,
            pad: 1.0,
        }
    }

    fn page_of(pages: &[Page], text: &str) -> Vec<usize> {
        let on = |p: &Page| p.items.iter().any(|i| matches!(i, Item::Text { text: t, .. } if t == text));
        pages.iter().enumerate().filter(|(_, p)| on(p)).map(|(k, _)| k).collect()
    }

    #[test]
    fn a_row_that_fits_a_page_is_never_cut_even_in_a_chain_longer_than_a_page() {
        let mut pieces = vec![block(60.0, false)];
        for tag in ["a", "b", "c"] {
            pieces.push(Piece { keep_next: true, ..Piece::row(0.0, row(7, tag), None) });
        }
        let (pages, _) = paginate(pieces, &[], FRAME, Running::default());
        for tag in ["a", "b", "c"] {
            assert_eq!(
                page_of(&pages, &format!("{tag} 0")),
                page_of(&pages, &format!("{tag} 6")),
                "row {tag} cut"
            );
        }
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next_with_its_prefix() {
        let row = |n: usize| row(n, "ligne");
        let header = RowSpec { cells: vec![vec!["Entête".to_string()]], ..row(0) };
        let prefixes = vec![Prefix { rows: vec![header] }];
        let pieces = vec![Piece::row(0.0, row(50), Some(0))];
        let (pages, _) = paginate(pieces, &prefixes, FRAME, Running::default());
        let texts: Vec<Vec<&str>> = pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Text { text, y, .. } => {
                            assert!(*y <= FRAME.bottom, "{text} drawn below the bottom");
                            Some(text.as_str())
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        assert!(pages.len() >= 3, "{texts:?}");
        let all: Vec<&str> = texts.iter().flatten().copied().filter(|t| *t != "Entête").collect();
        assert_eq!(
            all,
            (0..50).map(|k| format!("ligne {k}")).collect::<Vec<_>>(),
            "every line once, in order"
        );
        assert!(texts.iter().all(|t| t[0] == "Entête"), "the header opens every page: {texts:?}");
    }
}
