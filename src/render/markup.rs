//! The markup that templates write and the layout reads: one block per line or group of lines.
//!
//! ```text
//! !page landscape            page settings: !page portrait|landscape, !title, !author,
//! !title Synthèse …          !subject, !header (running header), !footer (running footer)
//! # Title                    ## heading, ### sub-heading
//! A paragraph, on one or several lines, ended by a blank line.
//! **A bold paragraph**       > a small note        - a bullet
//! -[A] an answer              an item marked by its label (A) instead of a bullet
//! !footer …  (after a block)  the running footer from this page on (empty: none)
//! !table 40,20,40            a table: column widths (relative), rowheight=<mm> optional; then rows:
//! |= Header | cells |        header rows (repeated on each page)
//! |+ A group row             one cell across all columns, shaded
//! | a | b | c |              a row
//! | a | {grey} | c |         a cell written `{grey}` alone is greyed, empty (not assessed)
//! !bars max=5 required=3     a bar chart; then `label | value | text` rows until a blank line
//! !signatures                signature blocks; then one label per line until a blank line
//! !box 30 Title              an empty box 30 mm high, titled, to write in
//! !space 5                   5 mm of space            !pagebreak
//! !keep … !endkeep            blocks kept on one page (a quiz question and its answers)
//! ```

/// A table cell holding only this is filled with light grey and prints no text.
pub const GREY_CELL: &str = "{grey}";

/// A line of a table that stands for rows given later, a batch at a time (a long table
/// streamed: see [`Table::streamed`] and [`streamed_rows`]). Templates never write it: it
/// replaces a template's rows loop when the document is streamed.
pub const STREAMED_ROWS: &str = "\u{1}rows\u{1}";

/// Page settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    /// Landscape A4.
    pub landscape: bool,
    /// Document title (metadata and first heading if none).
    pub title: Option<String>,
    /// Author (metadata).
    pub author: Option<String>,
    /// Subject (metadata).
    pub subject: Option<String>,
    /// Running header.
    pub header: Option<String>,
    /// Running footer (left of the page number).
    pub footer: Option<String>,
}

/// A row of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// Cells.
    Cells(Vec<String>),
    /// One shaded cell across the table.
    Group(String),
}

/// A table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Relative column widths.
    pub widths: Vec<f32>,
    /// Header rows, repeated on each page.
    pub header: Vec<Vec<String>>,
    /// Body rows.
    pub rows: Vec<Row>,
    /// Smallest height of a body row, mm (room to write by hand).
    pub min_row: f32,
    /// Where the streamed rows go ([`STREAMED_ROWS`]), before `rows[k]`: none for a table
    /// whose rows are all here.
    pub streamed: Option<usize>,
}

/// A bar of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Its label.
    pub label: String,
    /// Its value (none: not evaluated).
    pub value: Option<f32>,
    /// Text after the bar.
    pub text: String,
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Document title.
    Title(String),
    /// Heading.
    Heading(String),
    /// Sub-heading.
    Subheading(String),
    /// Paragraph.
    Paragraph {
        /// Its text.
        text: String,
        /// Bold.
        bold: bool,
        /// Small.
        small: bool,
    },
    /// Bullet.
    Bullet(String),
    /// An item marked by a label (a quiz answer's letter) instead of a bullet.
    Labelled {
        /// The label, in bold where the bullet would be.
        label: String,
        /// Its text.
        text: String,
    },
    /// The running header from the page this block is on (none: no header).
    Header(Option<String>),
    /// The running footer from the page this block is on (none: no footer).
    Footer(Option<String>),
    /// Table.
    Table(Table),
    /// Bar chart against a required level.
    Bars {
        /// Scale maximum.
        max: f32,
        /// Required level (a mark on every bar), if any.
        required: Option<f32>,
        /// Bars.
        bars: Vec<Bar>,
    },
    /// Signature blocks.
    Signatures(Vec<String>),
    /// An empty box to write in.
    WriteBox {
        /// Height, mm.
        height: f32,
        /// Title.
        title: String,
    },
    /// Vertical space, mm.
    Space(f32),
    /// The blocks up to the matching [`Block::KeepEnd`] go on one page when they fit one.
    KeepStart,
    /// Ends a [`Block::KeepStart`].
    KeepEnd,
    /// New page.
    PageBreak,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Markup {
    /// Settings.
    pub settings: Settings,
    /// Blocks.
    pub blocks: Vec<Block>,
}

/// A markup line that cannot be read: its 1-based line in the rendered text, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError {
    /// Line of the rendered text.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

fn args(rest: &str) -> impl Iterator<Item = (&str, &str)> {
    rest.split_whitespace().filter_map(|a| a.split_once('='))
}

/// Parses rendered template text.
pub fn parse(text: &str) -> Result<Markup, MarkupError> {
    let mut p = Parser {
        lines: text.lines().collect(),
        next: 0,
        markup: Markup::default(),
        paragraph: Vec::new(),
        keep: None,
    };
    while let Some((i, line)) = p.take_line() {
        if line.is_empty() {
            p.flush();
        } else if let Some(rest) = line.strip_prefix('!') {
            p.flush();
            p.directive(i, rest)?;
        } else {
            p.text_line(i, line)?;
        }
    }
    p.flush();
    if let Some(open) = p.keep {
        return Err(err(open, "this !keep has no !endkeep".to_string()));
    }
    Ok(p.markup)
}

/// The state of [`parse`]: the lines, the next one to read, what is built so far.
struct Parser<'t> {
    lines: Vec<&'t str>,
    next: usize,
    markup: Markup,
    /// Lines of the paragraph being read.
    paragraph: Vec<&'t str>,
    /// The 0-based line of the `!keep` not yet closed, if any.
    keep: Option<usize>,
}

/// An error at the 0-based line `i`.
fn err(i: usize, message: String) -> MarkupError {
    MarkupError { line: i + 1, message }
}

impl<'t> Parser<'t> {
    /// The next line, trimmed, with its 0-based index.
    fn take_line(&mut self) -> Option<(usize, &'t str)> {
        let line = self.lines.get(self.next)?.trim();
        self.next += 1;
        Some((self.next - 1, line))
    }

    /// The lines up to the next blank one (which is left to read), with their indexes.
    fn take_block(&mut self) -> Vec<(usize, &'t str)> {
        let mut block = Vec::new();
        while let Some(line) = self.lines.get(self.next).map(|l| l.trim()).filter(|l| !l.is_empty()) {
            block.push((self.next, line));
            self.next += 1;
        }
        block
    }

    /// Ends the paragraph being read, if any.
    fn flush(&mut self) {
        if !self.paragraph.is_empty() {
            let text = self.paragraph.join(" ");
            self.markup.blocks.push(Block::Paragraph { text, bold: false, small: false });
            self.paragraph.clear();
        }
    }

    /// A `!directive` line (`rest` follows the `!`).
    fn directive(&mut self, i: usize, rest: &str) -> Result<(), MarkupError> {
        let (directive, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        let rest = rest.trim();
        let value = || (!rest.is_empty()).then(|| rest.to_string());
        let settings = &mut self.markup.settings;
        match directive {
            "page" => match rest {
                "landscape" => settings.landscape = true,
                "portrait" => settings.landscape = false,
                other => return Err(err(i, format!("!page takes portrait or landscape, not \"{other}\""))),
            },
            "title" => settings.title = value(),
            "author" => settings.author = value(),
            "subject" => settings.subject = value(),
            "header" if self.markup.blocks.is_empty() => settings.header = value(),
            "footer" if self.markup.blocks.is_empty() => settings.footer = value(),
            "header" => self.markup.blocks.push(Block::Header(value())),
            "footer" => self.markup.blocks.push(Block::Footer(value())),
            "pagebreak" => self.markup.blocks.push(Block::PageBreak),
            "keep" => {
                if let Some(open) = self.keep.replace(i) {
                    return Err(err(
                        i,
                        format!("!keep inside the !keep of line {}: close it first", open + 1),
                    ));
                }
                self.markup.blocks.push(Block::KeepStart);
            }
            "endkeep" => {
                if self.keep.take().is_none() {
                    return Err(err(i, "!endkeep without a !keep before it".to_string()));
                }
                self.markup.blocks.push(Block::KeepEnd);
            }
            "space" => {
                let mm = rest
                    .parse::<f32>()
                    .map_err(|_| err(i, format!("!space takes millimetres, not \"{rest}\"")))?;
                self.markup.blocks.push(Block::Space(mm));
            }
            "box" => {
                let (h, title) = rest.split_once(' ').unwrap_or((rest, ""));
                let height = h
                    .parse::<f32>()
                    .map_err(|_| err(i, format!("!box takes a height in mm, not \"{h}\"")))?;
                self.markup.blocks.push(Block::WriteBox { height, title: title.trim().to_string() });
            }
            "table" => self.table(i, rest)?,
            "bars" => self.bars(i, rest)?,
            "signatures" => {
                let labels = self.take_block().into_iter().map(|(_, l)| l.to_string()).collect();
                self.markup.blocks.push(Block::Signatures(labels));
            }
            other => return Err(err(i, format!("unknown directive !{other}"))),
        }
        Ok(())
    }

    /// `!table widths [rowheight=mm]` and its rows up to a blank line.
    fn table(&mut self, i: usize, rest: &str) -> Result<(), MarkupError> {
        let (spec, options) = rest.split_once(' ').unwrap_or((rest, ""));
        let widths: Result<Vec<f32>, _> = spec.split(',').map(|w| w.trim().parse::<f32>()).collect();
        let widths = widths
            .map_err(|_| err(i, format!("!table takes relative widths like 40,20,40, not \"{spec}\"")))?;
        let mut min_row = 0.0;
        for (k, v) in args(options) {
            match (k, v.parse::<f32>()) {
                ("rowheight", Ok(mm)) => min_row = mm,
                _ => return Err(err(i, format!("!table knows rowheight=<mm>, not {k}={v}"))),
            }
        }
        let mut table = Table { widths, header: Vec::new(), rows: Vec::new(), min_row, streamed: None };
        for (j, row) in self.take_block() {
            if row == STREAMED_ROWS && table.streamed.is_none() {
                table.streamed = Some(table.rows.len());
            } else if let Some(h) = row.strip_prefix("|=") {
                table.header.push(checked_cells(j, h, table.widths.len())?);
            } else if let Some(g) = row.strip_prefix("|+") {
                table.rows.push(Row::Group(g.trim().trim_end_matches('|').trim().to_string()));
            } else if row.starts_with('|') {
                table.rows.push(Row::Cells(checked_cells(j, row, table.widths.len())?));
            } else {
                return Err(err(j, format!("a table row starts with |, |= or |+, not \"{row}\"")));
            }
        }
        self.markup.blocks.push(Block::Table(table));
        Ok(())
    }

    /// `!bars [max=] [required=]` and its `label | value | text` rows up to a blank line.
    fn bars(&mut self, i: usize, rest: &str) -> Result<(), MarkupError> {
        let mut max = 5.0;
        let mut required = None;
        for (k, v) in args(rest) {
            let v = v.parse::<f32>().map_err(|_| err(i, format!("!bars {k}= takes a number")))?;
            match k {
                "max" => max = v,
                "required" => required = Some(v),
                _ => return Err(err(i, format!("!bars knows max= and required=, not {k}="))),
            }
        }
        let bars = self
            .take_block()
            .into_iter()
            .map(|(_, line)| {
                let c = cells(line);
                let value = c.get(1).and_then(|v| v.replace(',', ".").parse::<f32>().ok());
                Bar { label: c[0].clone(), value, text: c.get(2).cloned().unwrap_or_default() }
            })
            .collect();
        self.markup.blocks.push(Block::Bars { max, required, bars });
        Ok(())
    }

    /// A line of text: a heading, a bullet, a note, a bold line, or part of a paragraph.
    fn text_line(&mut self, i: usize, line: &'t str) -> Result<(), MarkupError> {
        let block = if let Some(t) = line.strip_prefix("### ") {
            Block::Subheading(t.trim().to_string())
        } else if let Some(t) = line.strip_prefix("## ") {
            Block::Heading(t.trim().to_string())
        } else if let Some(t) = line.strip_prefix("# ") {
            Block::Title(t.trim().to_string())
        } else if let Some(t) = line.strip_prefix("- ") {
            Block::Bullet(t.trim().to_string())
        } else if let Some((label, t)) = line.strip_prefix("-[").and_then(|l| l.split_once(']')) {
            Block::Labelled { label: label.trim().to_string(), text: t.trim().to_string() }
        } else if let Some(t) = line.strip_prefix("> ") {
            Block::Paragraph { text: t.trim().to_string(), bold: false, small: true }
        } else if line.starts_with("**") && line.ends_with("**") && line.len() > 4 {
            Block::Paragraph { text: line[2..line.len() - 2].trim().to_string(), bold: true, small: false }
        } else if line.contains("**") {
            return Err(err(
                i,
                "** makes a whole line bold: put the bold text on a line of its own".to_string(),
            ));
        } else {
            self.paragraph.push(line);
            return Ok(());
        };
        self.flush();
        self.markup.blocks.push(block);
        Ok(())
    }
}

/// The rows of a table written in `text`, as [`parse`] reads them inside a table of
/// `columns` columns: `None` when a line is anything else than a row or a group heading (a
/// blank line, a header row, a row of the wrong length), which only the whole text can place.
pub fn streamed_rows(text: &str, columns: usize) -> Option<Vec<Row>> {
    let mut rows = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("|=") || line == STREAMED_ROWS {
            return None;
        } else if let Some(g) = line.strip_prefix("|+") {
            rows.push(Row::Group(g.trim().trim_end_matches('|').trim().to_string()));
        } else if line.starts_with('|') {
            rows.push(Row::Cells(checked_cells(0, line, columns).ok()?));
        } else {
            return None;
        }
    }
    Some(rows)
}

/// The cells of a row at 0-based line `i`, which must number `columns`.
fn checked_cells(i: usize, row: &str, columns: usize) -> Result<Vec<String>, MarkupError> {
    let c = cells(row);
    if c.len() == columns {
        Ok(c)
    } else {
        Err(err(i, format!("this row of the table has {} cells, the table {columns} columns", c.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_read() {
        let m = parse("!page landscape\n!title T\n# Titre\nUn\ndeux\n\n- puce\n!table 1,2\n|= A | B |\n|+ Groupe\n| a | b |\n\n!bars max=5 required=3\nX | 2,5 | 2,5 / 5\n").unwrap();
        assert!(m.settings.landscape);
        assert_eq!(m.blocks[0], Block::Title("Titre".into()));
        assert_eq!(m.blocks[1], Block::Paragraph { text: "Un deux".into(), bold: false, small: false });
        let Block::Table(t) = &m.blocks[3] else { panic!() };
        assert_eq!((t.header.len(), t.rows.len()), (1, 2));
        let Block::Bars { bars, .. } = &m.blocks[4] else { panic!() };
        assert_eq!(bars[0].value, Some(2.5));
    }

    #[test]
    fn labelled_items_and_running_footers_after_the_first_block() {
        let m = parse("!footer Candidat\n# T\n-[B] Deuxième\n!footer\n!footer Corrigé\n").unwrap();
        assert_eq!(m.settings.footer.as_deref(), Some("Candidat"));
        assert_eq!(m.blocks[1], Block::Labelled { label: "B".into(), text: "Deuxième".into() });
        assert_eq!(m.blocks[2], Block::Footer(None));
        assert_eq!(m.blocks[3], Block::Footer(Some("Corrigé".into())));
    }

    #[test]
    fn keep_blocks_are_closed_once() {
        let m = parse("!keep\n**1. Question**\n-[A] Oui\n!endkeep\n").unwrap();
        assert_eq!(m.blocks.first(), Some(&Block::KeepStart));
        assert_eq!(m.blocks.last(), Some(&Block::KeepEnd));
        assert_eq!(parse("a\n!keep\nb\n").unwrap_err().line, 2);
        assert_eq!(parse("!keep\n!keep\n!endkeep\n").unwrap_err().line, 2);
        assert_eq!(parse("!endkeep\n").unwrap_err().line, 1);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("\n!tabel 1,2").unwrap_err().line, 2);
        let e = parse("!table 1,2\n|= A | B |\n| a |").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("1 cells"), "{}", e.message);
    }
}
