//! The markup that templates write and the layout reads: one block per line or group of lines.
//!
//! ```text
//! !page landscape            page settings: !page portrait|landscape, !title, !author,
//! !title Synthèse …          !subject, !header (running header), !footer (running footer)
//! # Title                    ## heading, ### sub-heading
//! A paragraph, on one or several lines, ended by a blank line.
//! **A bold paragraph**       > a small note        - a bullet
//! !table 40,20,40            a table: column widths (relative), rowheight=<mm> optional; then rows:
//! |= Header | cells |        header rows (repeated on each page)
//! |+ A group row             one cell across all columns, shaded
//! | a | b | c |              a row
//! !bars max=5 required=3     a bar chart; then `label | value | text` rows until a blank line
//! !signatures                signature blocks; then one label per line until a blank line
//! !box 30 Title              an empty box 30 mm high, titled, to write in
//! !space 5                   5 mm of space            !pagebreak
//! ```

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
    let mut m = Markup::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            let text = paragraph.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
            blocks.push(Block::Paragraph { text, bold: false, small: false });
            paragraph.clear();
        }
    };
    let err = |line: usize, message: String| MarkupError { line: line + 1, message };
    while i < lines.len() {
        let raw = lines[i];
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut paragraph, &mut m.blocks);
            i += 1;
            continue;
        }
        if let Some(rest) = line.strip_prefix('!') {
            flush(&mut paragraph, &mut m.blocks);
            let (directive, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            let rest = rest.trim();
            let value = || (!rest.is_empty()).then(|| rest.to_string());
            match directive {
                "page" => match rest {
                    "landscape" => m.settings.landscape = true,
                    "portrait" => m.settings.landscape = false,
                    other => {
                        return Err(err(i, format!("!page takes portrait or landscape, not \"{other}\"")));
                    }
                },
                "title" => m.settings.title = value(),
                "author" => m.settings.author = value(),
                "subject" => m.settings.subject = value(),
                "header" => m.settings.header = value(),
                "footer" => m.settings.footer = value(),
                "pagebreak" => m.blocks.push(Block::PageBreak),
                "space" => {
                    let mm = rest
                        .parse::<f32>()
                        .map_err(|_| err(i, format!("!space takes millimetres, not \"{rest}\"")))?;
                    m.blocks.push(Block::Space(mm));
                }
                "box" => {
                    let (h, title) = rest.split_once(' ').unwrap_or((rest, ""));
                    let height = h
                        .parse::<f32>()
                        .map_err(|_| err(i, format!("!box takes a height in mm, not \"{h}\"")))?;
                    m.blocks.push(Block::WriteBox { height, title: title.trim().to_string() });
                }
                "table" => {
                    let (spec, options) = rest.split_once(' ').unwrap_or((rest, ""));
                    let widths: Result<Vec<f32>, _> =
                        spec.split(',').map(|w| w.trim().parse::<f32>()).collect();
                    let widths = widths.map_err(|_| {
                        err(i, format!("!table takes relative widths like 40,20,40, not \"{spec}\""))
                    })?;
                    let mut min_row = 0.0;
                    for (k, v) in args(options) {
                        match (k, v.parse::<f32>()) {
                            ("rowheight", Ok(mm)) => min_row = mm,
                            _ => return Err(err(i, format!("!table knows rowheight=<mm>, not {k}={v}"))),
                        }
                    }
                    let mut table = Table { widths, header: Vec::new(), rows: Vec::new(), min_row };
                    i += 1;
                    while i < lines.len() && !lines[i].trim().is_empty() {
                        let row = lines[i].trim();
                        if let Some(h) = row.strip_prefix("|=") {
                            table.header.push(cells(h));
                        } else if let Some(g) = row.strip_prefix("|+") {
                            table.rows.push(Row::Group(g.trim().trim_end_matches('|').trim().to_string()));
                        } else if row.starts_with('|') {
                            table.rows.push(Row::Cells(cells(row)));
                        } else {
                            return Err(err(
                                i,
                                format!("a table row starts with |, |= or |+, not \"{row}\""),
                            ));
                        }
                        i += 1;
                    }
                    let n = table.widths.len();
                    for (k, r) in table
                        .header
                        .iter()
                        .chain(table.rows.iter().filter_map(|r| match r {
                            Row::Cells(c) => Some(c),
                            Row::Group(_) => None,
                        }))
                        .enumerate()
                    {
                        if r.len() != n {
                            return Err(err(
                                i,
                                format!(
                                    "row {} of the table has {} cells, the table {n} columns",
                                    k + 1,
                                    r.len()
                                ),
                            ));
                        }
                    }
                    m.blocks.push(Block::Table(table));
                    continue;
                }
                "bars" => {
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
                    let mut bars = Vec::new();
                    i += 1;
                    while i < lines.len() && !lines[i].trim().is_empty() {
                        let c = cells(lines[i]);
                        let value = c.get(1).and_then(|v| v.replace(',', ".").parse::<f32>().ok());
                        bars.push(Bar {
                            label: c[0].clone(),
                            value,
                            text: c.get(2).cloned().unwrap_or_default(),
                        });
                        i += 1;
                    }
                    m.blocks.push(Block::Bars { max, required, bars });
                    continue;
                }
                "signatures" => {
                    let mut labels = Vec::new();
                    i += 1;
                    while i < lines.len() && !lines[i].trim().is_empty() {
                        labels.push(lines[i].trim().to_string());
                        i += 1;
                    }
                    m.blocks.push(Block::Signatures(labels));
                    continue;
                }
                other => return Err(err(i, format!("unknown directive !{other}"))),
            }
            i += 1;
            continue;
        }
        let block = if let Some(t) = line.strip_prefix("### ") {
            Some(Block::Subheading(t.trim().to_string()))
        } else if let Some(t) = line.strip_prefix("## ") {
            Some(Block::Heading(t.trim().to_string()))
        } else if let Some(t) = line.strip_prefix("# ") {
            Some(Block::Title(t.trim().to_string()))
        } else if let Some(t) = line.strip_prefix("- ") {
            Some(Block::Bullet(t.trim().to_string()))
        } else if let Some(t) = line.strip_prefix("> ") {
            Some(Block::Paragraph { text: t.trim().to_string(), bold: false, small: true })
        } else if line.starts_with("**") && line.ends_with("**") && line.len() > 4 {
            Some(Block::Paragraph {
                text: line[2..line.len() - 2].trim().to_string(),
                bold: true,
                small: false,
            })
        } else {
            None
        };
        match block {
            Some(b) => {
                flush(&mut paragraph, &mut m.blocks);
                m.blocks.push(b);
            }
            None if line.contains("**") => {
                return Err(err(
                    i,
                    "** makes a whole line bold: put the bold text on a line of its own".to_string(),
                ));
            }
            None => paragraph.push(line),
        }
        i += 1;
    }
    flush(&mut paragraph, &mut m.blocks);
    Ok(m)
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
    fn errors_name_the_line() {
        assert_eq!(parse("\n!tabel 1,2").unwrap_err().line, 2);
        assert!(parse("!table 1,2\n| a |").unwrap_err().message.contains("1 cells"));
    }
}
