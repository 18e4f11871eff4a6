//! YAML input read in two stages: first a tree of [`Node`]s that remembers where each value
//! is, then a [`Decoder`] that turns it into typed values while it collects every problem
//! (wrong type, missing key, unknown key, invalid value) instead of stopping at the first.
//!
//! The parser is serde-saphyr's (granit-parser), read event by event: every value keeps its
//! position, and the work any input can cause is bounded.

use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle};

mod fast;

/// A YAML value with its 1-based line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short name of the type, for "expected …, found …".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// How the value is shown in a diagnostic.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "nothing".to_string(),
            Value::Bool(b) => format!("`{b}`"),
            Value::Int(i) => format!("`{i}`"),
            Value::Float(x) => format!("`{x}`"),
            Value::Str(s) => crate::limits::quote(s),
            Value::Seq(items) => format!("a list of {} element(s)", items.len()),
            Value::Map(entries) => format!("a mapping of {} key(s)", entries.len()),
        }
    }
}

/// A collection being built.
enum Frame {
    Seq { items: Vec<Node>, line: u32, column: u32, anchor: usize, size: Size },
    Map { entries: Vec<(Node, Node)>, key: Option<Node>, line: u32, column: u32, anchor: usize, size: Size },
}

/// Resolves a plain scalar by the YAML 1.2 core schema: null, booleans (`true`/`false` only —
/// `on`, `yes`, `no` stay text), integers, floats; text otherwise (returned empty: the caller
/// keeps the scalar's own string).
#[inline]
fn resolve_plain(text: &str) -> Value {
    // Most scalars are words or small numbers: settled without the general tests below.
    match text.as_bytes() {
        [first, ..] if first.is_ascii_alphabetic() && !b"nNtTfF".contains(first) => {
            return Value::Str(String::new());
        }
        digits @ [_, ..] if digits.len() <= 18 && digits.iter().all(u8::is_ascii_digit) => {
            return Value::Int(digits.iter().fold(0, |n, d| n * 10 + i128::from(d - b'0')));
        }
        _ => {}
    }
    resolve_general(text)
}

/// [`resolve_plain`] without its shortcuts.
fn resolve_general(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let bytes = text.as_bytes();
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let integer = if digits(unsigned, 10) {
        text.parse::<i128>().ok()
    } else if let Some(hex) = text.strip_prefix("0x").filter(|h| digits(h, 16)) {
        i128::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = text.strip_prefix("0o").filter(|o| digits(o, 8)) {
        i128::from_str_radix(oct, 8).ok()
    } else {
        None
    };
    if let Some(i) = integer {
        return Value::Int(i);
    }
    let looks_float = bytes.iter().any(u8::is_ascii_digit)
        && bytes.iter().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && (text.contains('.') || text.contains(['e', 'E']));
    if looks_float && let Ok(x) = text.parse::<f64>() {
        return Value::Float(x);
    }
    Value::Str(String::new())
}

/// The first text key that a mapping repeats: the key, the line of its first occurrence, and
/// the place of the repetition. Sorting keeps this O(n log n) for long mappings.
fn duplicate_key(entries: &[(Node, Node)]) -> Option<(String, u32, (u32, u32))> {
    if entries.len() < 2 {
        return None;
    }
    let text = |i: usize| match &entries[i].0.value {
        Value::Str(s) => Some(s.as_str()),
        _ => None,
    };
    let found = |first: usize, again: usize| {
        let k = &entries[again].0;
        (crate::limits::shorten(&w_key(k)), entries[first].0.line, (k.line, k.column))
    };
    if entries.len() <= SHORT_MAPPING {
        // A short mapping (most of them): each key against those before it, nothing allocated.
        // The first key met again is the one the sorted search below finds too.
        return (1..entries.len()).find_map(|again| {
            let key = text(again)?;
            (0..again).find(|&first| text(first) == Some(key)).map(|first| found(first, again))
        });
    }
    let mut keys: Vec<(&str, usize)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, (k, _))| match &k.value {
            Value::Str(s) => Some((s.as_str(), i)),
            _ => None,
        })
        .collect();
    keys.sort_unstable();
    keys.windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| (w[0].1, w[1].1))
        .min_by_key(|(_, again)| *again)
        .map(|(first, again)| found(first.min(again), first.max(again)))
}

/// Mappings up to this many keys are searched for a repeated key pair by pair.
const SHORT_MAPPING: usize = 16;

fn w_key(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => s.clone(),
        other => other.describe(),
    }
}

/// What a tree costs once its aliases are expanded: its values and its bytes of text (each
/// value counts at least [`MIN_VALUE_BYTES`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Size {
    nodes: usize,
    bytes: usize,
}

/// The least a value counts in the byte budget (its place in memory, beyond its text).
const MIN_VALUE_BYTES: usize = 8;

impl Size {
    fn of_scalar(text_len: usize) -> Size {
        Size { nodes: 1, bytes: text_len.max(MIN_VALUE_BYTES) }
    }

    fn add(&mut self, other: Size) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// Parses one YAML document into a [`Node`] tree under the default budget
/// ([`crate::limits::DATA`]); see [`parse_with`].
pub fn parse(file: &str, text: &str) -> Result<Node, Box<Diagnostic>> {
    parse_with(file, text, &crate::limits::DATA)
}

/// Parses one YAML document into a [`Node`] tree; a syntax error becomes a diagnostic that
/// names the file, line and column. The events come from serde-saphyr's own parser
/// (granit-parser); positions are kept for every node, and the work is bounded by `budget`:
/// the size of the file, its depth, and the values and bytes its aliases expand to.
///
/// Text in the plain subset most inputs use is read by a faster reader of this module
/// (`yaml/fast.rs`) that gives the same tree, or defers to the full parser.
pub fn parse_with(file: &str, text: &str, budget: &crate::limits::Budget) -> Result<Node, Box<Diagnostic>> {
    crate::limits::check_size(file, text, budget)?;
    if holds_no_document(text) {
        return Err(Box::new(Diagnostic::error(
            Code::EmptyFile,
            Location { file: file.to_string(), line: 1, column: 1 },
            "",
            "the file holds no YAML document",
        )));
    }
    if let Some(node) = fast::parse(text, budget) {
        return Ok(node);
    }
    parse_events(file, text, budget)
}

/// The tree of any YAML text, from the full parser's events (see [`parse_with`]).
fn parse_events(file: &str, text: &str, budget: &crate::limits::Budget) -> Result<Node, Box<Diagnostic>> {
    let mut parser = Parser::new_from_str(text);
    let mut tree = TreeBuilder::new(file, budget);
    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let (line, column) = position(e.marker());
                let info = e.info();
                return Err(tree.syntax(line, column, format!("invalid YAML: {}", first_line(&info))));
            }
        };
        let (line, column) = position(&span.start);
        if let Some(completed) = tree.event(event, line, column)? {
            tree.attach(completed, line, column)?;
        }
    }
    Ok(tree.root.unwrap_or(Node { value: Value::Null, line: 1, column: 1 }))
}

/// Whether a text is blank or holds only comments.
fn holds_no_document(text: &str) -> bool {
    text.trim().is_empty() || text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// The 1-based line and column of a parser position.
fn position(marker: &Marker) -> (u32, u32) {
    (u32::try_from(marker.line()).unwrap_or(u32::MAX), u32::try_from(marker.col() + 1).unwrap_or(u32::MAX))
}

/// A node completed by an event, with what the budget needs to know of it.
struct Completed {
    /// The node.
    node: Node,
    /// Its anchor id (0 when it has none).
    anchor: usize,
    /// Its expanded size, which an alias to it will cost.
    size: Size,
    /// What it adds to the total: a collection's elements were counted as they came, so only
    /// its own cost is left.
    added: Size,
}

/// The tree being built from the parser's events, checked against a budget as it grows.
struct TreeBuilder<'a> {
    /// The file, as diagnostics name it.
    file: &'a str,
    /// The limits on depth, values and bytes.
    budget: &'a crate::limits::Budget,
    /// The collections open around the current event.
    stack: Vec<Frame>,
    /// The anchored nodes by anchor id, with their expanded sizes.
    anchors: Vec<Option<(Node, Size)>>,
    /// The document's node, once complete.
    root: Option<Node>,
    /// What the tree costs so far, aliases expanded.
    total: Size,
    /// The documents met so far.
    documents: usize,
}

impl<'a> TreeBuilder<'a> {
    /// An empty tree for `file` under `budget`.
    fn new(file: &'a str, budget: &'a crate::limits::Budget) -> Self {
        TreeBuilder {
            file,
            budget,
            stack: Vec::new(),
            anchors: Vec::new(),
            root: None,
            total: Size::default(),
            documents: 0,
        }
    }

    /// A syntax error at a place.
    fn syntax(&self, line: u32, column: u32, message: String) -> Box<Diagnostic> {
        Box::new(Diagnostic::error(
            Code::Syntax,
            Location { file: self.file.to_string(), line, column },
            "",
            message,
        ))
    }

    /// A budget exceeded at a place, with a help line naming where the limits are set.
    fn over(&self, line: u32, column: u32, message: String) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                Code::TooLarge,
                Location { file: self.file.to_string(), line, column },
                "",
                message,
            )
            .help(Some(format!("the limits of {} are set in cqpt (src/limits.rs)", self.budget.what))),
        )
    }

    /// Takes one event: opens a collection, or returns the node it completes.
    fn event(
        &mut self,
        event: Event<'_>,
        line: u32,
        column: u32,
    ) -> Result<Option<Completed>, Box<Diagnostic>> {
        let max_depth = self.budget.depth;
        let completed = match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self.syntax(
                        line,
                        column,
                        "invalid YAML: the file holds more than one document".into(),
                    ));
                }
                None
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= max_depth => {
                return Err(self.over(
                    line,
                    column,
                    format!("{} may nest at most {max_depth} levels deep", self.budget.what),
                ));
            }
            Event::SequenceStart(_, anchor, _) => {
                let size = Size::of_scalar(0);
                self.stack.push(Frame::Seq { items: Vec::new(), line, column, anchor, size });
                None
            }
            Event::MappingStart(_, anchor, _) => {
                let size = Size::of_scalar(0);
                self.stack.push(Frame::Map { entries: Vec::new(), key: None, line, column, anchor, size });
                None
            }
            Event::SequenceEnd => Some(self.close_sequence(line, column)?),
            Event::MappingEnd => Some(self.close_mapping(line, column)?),
            Event::Scalar(text, style, anchor, tag) => {
                let forced_str = tag.as_ref().is_some_and(|t| t.core_suffix() == Some("str"));
                let size = Size::of_scalar(text.len());
                let value = match resolve_plain(&text) {
                    Value::Str(_) => Value::Str(text.into_owned()),
                    _ if style != ScalarStyle::Plain || forced_str => Value::Str(text.into_owned()),
                    resolved => resolved,
                };
                Some(Completed { node: Node { value, line, column }, anchor, size, added: size })
            }
            Event::Alias(id) => Some(self.alias(id, line, column)?),
            _ => None,
        };
        Ok(completed)
    }

    /// Closes the innermost collection, which must be a sequence.
    fn close_sequence(&mut self, line: u32, column: u32) -> Result<Completed, Box<Diagnostic>> {
        match self.stack.pop() {
            Some(Frame::Seq { items, line, column, anchor, size }) => Ok(Completed {
                node: Node { value: Value::Seq(items), line, column },
                anchor,
                size,
                added: Size::of_scalar(0),
            }),
            _ => Err(self.syntax(line, column, "invalid YAML: unbalanced sequence".into())),
        }
    }

    /// Closes the innermost collection, which must be a mapping without a key twice.
    fn close_mapping(&mut self, line: u32, column: u32) -> Result<Completed, Box<Diagnostic>> {
        match self.stack.pop() {
            Some(Frame::Map { entries, line, column, anchor, size, .. }) => {
                if let Some((key, first, again)) = duplicate_key(&entries) {
                    return Err(self.syntax(
                        again.0,
                        again.1,
                        format!("invalid YAML: the key `{key}` appears twice in this mapping (first at line {first})"),
                    ));
                }
                Ok(Completed {
                    node: Node { value: Value::Map(entries), line, column },
                    anchor,
                    size,
                    added: Size::of_scalar(0),
                })
            }
            _ => Err(self.syntax(line, column, "invalid YAML: unbalanced mapping".into())),
        }
    }

    /// A copy of an anchored node, placed where the alias stands, unless expanding it would go
    /// beyond the budget.
    fn alias(&self, id: usize, line: u32, column: u32) -> Result<Completed, Box<Diagnostic>> {
        let Some(Some((node, size))) = self.anchors.get(id) else {
            return Err(self.syntax(line, column, "invalid YAML: alias to an unknown anchor".into()));
        };
        let (max_nodes, max_bytes) = (self.budget.nodes, self.budget.expanded_bytes);
        let mut after = self.total;
        after.add(*size);
        if after.nodes > max_nodes || after.bytes > max_bytes {
            return Err(self.over(
                line,
                column,
                format!(
                    "aliases expand {} beyond its budget ({max_nodes} values, {max_bytes} bytes of text)",
                    self.budget.what
                ),
            ));
        }
        Ok(Completed { node: Node { line, column, ..node.clone() }, anchor: 0, size: *size, added: *size })
    }

    /// Counts a completed node against the budget, remembers it under its anchor, and puts it
    /// in its collection (or makes it the root).
    fn attach(&mut self, completed: Completed, line: u32, column: u32) -> Result<(), Box<Diagnostic>> {
        let Completed { node, anchor, size, added } = completed;
        let (max_nodes, max_bytes) = (self.budget.nodes, self.budget.expanded_bytes);
        self.total.add(added);
        if self.total.nodes > max_nodes || self.total.bytes > max_bytes {
            return Err(self.over(
                line,
                column,
                format!(
                    "{} may hold at most {max_nodes} values and {max_bytes} bytes of text",
                    self.budget.what
                ),
            ));
        }
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some((node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, size: parent, .. }) => {
                parent.add(size);
                items.push(node);
            }
            Some(Frame::Map { entries, key, size: parent, .. }) => {
                parent.add(size);
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push((k, node)),
                }
            }
        }
        Ok(())
    }
}

/// The first meaningful line of a parser message (its rendered snippet is left out: the
/// diagnostic carries the place itself).
fn first_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("syntax error")
        .trim_start_matches("error: ")
        .to_string()
}

/// The field path a reader names in its diagnostics: a text, or a closure that writes it only
/// when there is a diagnostic (a value read well costs no path).
pub trait FieldPath {
    /// The path, written.
    fn path(self) -> String;
}

impl FieldPath for &str {
    fn path(self) -> String {
        self.to_string()
    }
}

impl FieldPath for &String {
    fn path(self) -> String {
        self.clone()
    }
}

impl<F: FnOnce() -> String> FieldPath for F {
    fn path(self) -> String {
        self()
    }
}

/// Turns [`Node`]s into typed values for one file, collecting every problem.
pub struct Decoder<'a> {
    file: &'a str,
    diagnostics: &'a mut Diagnostics,
}

impl<'a> Decoder<'a> {
    /// A decoder for `file` that adds its problems to `diagnostics`.
    pub fn new(file: &'a str, diagnostics: &'a mut Diagnostics) -> Self {
        Decoder { file, diagnostics }
    }

    /// The file being decoded.
    pub fn file(&self) -> &str {
        self.file
    }

    /// The location of a node in this file.
    pub fn location(&self, node: &Node) -> Location {
        Location { file: self.file.to_string(), line: node.line, column: node.column }
    }

    /// Reports a problem.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports a wrong type at `node`. At the top of a file the value is not quoted: a file
    /// that is not of this format at all (a system file behind a link, …) is never echoed.
    pub fn wrong_type(&mut self, node: &Node, field: &str, expected: &str) {
        let found = if field.is_empty() { node.value.type_name().to_string() } else { node.value.describe() };
        let d = Diagnostic::error(
            Code::WrongType,
            self.location(node),
            field,
            format!("expected {expected}, found {}", node.value.type_name()),
        )
        .expected(expected)
        .found(found);
        self.report(d);
    }

    /// Reports a value of the right type that is not allowed: the message, what was expected,
    /// and the value found. Returns `None`, for the reader to return.
    fn invalid<T>(
        &mut self,
        node: &Node,
        field: &str,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> Option<T> {
        let d = Diagnostic::error(Code::InvalidValue, self.location(node), field, message)
            .expected(expected)
            .found(node.value.describe());
        self.report(d);
        None
    }

    /// Opens a mapping; reports a wrong type and returns `None` otherwise.
    pub fn map<'n>(&mut self, node: &'n Node, field: &'n str) -> Option<MapReader<'n>> {
        if let Value::Map(entries) = &node.value {
            Some(MapReader { node, entries, used: Used::new(entries.len()), field })
        } else {
            self.wrong_type(node, field, "a mapping of keys and values");
            None
        }
    }

    /// Reads text.
    pub fn string(&mut self, node: &Node, field: impl FieldPath) -> Option<String> {
        match &node.value {
            Value::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Str(_) => {
                let field = field.path();
                let d =
                    Diagnostic::error(Code::InvalidValue, self.location(node), field, "the text is empty")
                        .expected("non-empty text")
                        .found("\"\"");
                self.report(d);
                None
            }
            _ => {
                self.wrong_type(node, &field.path(), "text");
                None
            }
        }
    }

    /// Reads a boolean.
    pub fn bool(&mut self, node: &Node, field: &str) -> Option<bool> {
        if let Value::Bool(b) = node.value {
            Some(b)
        } else {
            self.wrong_type(node, field, "`true` or `false`");
            None
        }
    }

    /// Reads an integer in `min..=max`.
    pub fn int(&mut self, node: &Node, field: &str, min: i128, max: i128) -> Option<i128> {
        match node.value {
            Value::Int(i) if (min..=max).contains(&i) => Some(i),
            Value::Int(i) => self.invalid(
                node,
                field,
                format!("{i} is out of range"),
                format!("an integer from {min} to {max}"),
            ),
            _ => {
                self.wrong_type(node, field, &format!("an integer from {min} to {max}"));
                None
            }
        }
    }

    /// Reads a list, calling `each` on every element with its field path.
    pub fn seq<'n>(&mut self, node: &'n Node, field: &str) -> Option<Vec<(String, &'n Node)>> {
        if let Value::Seq(items) = &node.value {
            Some(items.iter().enumerate().map(|(i, n)| (element_path(field, i), n)).collect())
        } else {
            self.wrong_type(node, field, "a list");
            None
        }
    }

    /// Reads one of `choices` (text). What was expected is written out only for a diagnostic.
    pub fn choice<T: Copy>(&mut self, node: &Node, field: &str, choices: &[(&str, T)]) -> Option<T> {
        let names = || choices.iter().map(|(n, _)| *n);
        let expected = || format!("one of {}", names().collect::<Vec<_>>().join(", "));
        if let Value::Str(s) = &node.value {
            if let Some((_, v)) = choices.iter().find(|(n, _)| *n == s.trim()) {
                Some(*v)
            } else {
                let d = Diagnostic::error(
                    Code::InvalidValue,
                    self.location(node),
                    field,
                    format!("unknown value {}", crate::limits::quote(s)),
                )
                .expected(expected())
                .found(node.value.describe())
                .help(crate::suggest::did_you_mean(s, names()));
                self.report(d);
                None
            }
        } else {
            self.wrong_type(node, field, &expected());
            None
        }
    }

    /// Reads a date `YYYY-MM-DD`.
    pub fn date(&mut self, node: &Node, field: impl FieldPath) -> Option<crate::date::Date> {
        self.parsed(node, field, "a date YYYY-MM-DD")
    }

    /// Reads a time of day `HH:MM`.
    pub fn time(&mut self, node: &Node, field: impl FieldPath) -> Option<crate::date::TimeOfDay> {
        self.parsed(node, field, "a time HH:MM (in quotes)")
    }

    /// Reads text and parses it with `FromStr`.
    fn parsed<T: std::str::FromStr<Err = String>>(
        &mut self,
        node: &Node,
        field: impl FieldPath,
        expected: &str,
    ) -> Option<T> {
        if let Value::Str(s) = &node.value {
            match s.parse::<T>() {
                Ok(v) => Some(v),
                Err(message) => self.invalid(node, &field.path(), message, expected),
            }
        } else {
            self.wrong_type(node, &field.path(), expected);
            None
        }
    }

    /// Reads a number (integer or decimal) in `min..=max`.
    pub fn number(&mut self, node: &Node, field: &str, min: f64, max: f64) -> Option<f64> {
        let value = match node.value {
            Value::Int(i) => i as f64,
            Value::Float(x) => x,
            _ => {
                self.wrong_type(node, field, &format!("a number from {min} to {max}"));
                return None;
            }
        };
        if value.is_finite() && (min..=max).contains(&value) {
            Some(value)
        } else {
            self.invalid(
                node,
                field,
                format!("{value} is out of range"),
                format!("a number from {min} to {max}"),
            )
        }
    }

    /// Reads an id: lowercase ASCII letters, digits and hyphens.
    pub fn id(&mut self, node: &Node, field: &str) -> Option<String> {
        let s = self.string(node, field)?;
        if is_id(&s) {
            Some(s)
        } else {
            self.invalid(
                node,
                field,
                format!("{} is not a valid id", crate::limits::quote(&s)),
                "lowercase ASCII letters, digits and hyphens (e.g. `c-droit-contrats`)",
            )
        }
    }
}

/// `field[i]`, written without the formatting machinery (once per element of every list read).
fn element_path(field: &str, i: usize) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut n = i;
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut path = String::with_capacity(field.len() + 2 + digits.len() - start);
    path.push_str(field);
    path.push('[');
    path.extend(digits[start..].iter().map(|&d| char::from(d)));
    path.push(']');
    path
}

/// Whether `s` is a well-formed id: lowercase ASCII letters, digits and inner hyphens.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The keys of one mapping, taken one by one; [`MapReader::finish`] reports those left over.
pub struct MapReader<'n> {
    node: &'n Node,
    entries: &'n [(Node, Node)],
    used: Used,
    field: &'n str,
}

/// Which keys of a mapping were taken: bits for a mapping of up to 64 keys (most), nothing
/// allocated.
enum Used {
    Few(u64),
    Many(Vec<bool>),
}

impl Used {
    fn new(keys: usize) -> Used {
        if keys <= 64 { Used::Few(0) } else { Used::Many(vec![false; keys]) }
    }

    fn set(&mut self, i: usize) {
        match self {
            Used::Few(bits) => *bits |= 1 << i,
            Used::Many(flags) => flags[i] = true,
        }
    }

    fn get(&self, i: usize) -> bool {
        match self {
            Used::Few(bits) => bits & (1 << i) != 0,
            Used::Many(flags) => flags[i],
        }
    }
}

impl<'n> MapReader<'n> {
    /// The mapping node itself.
    pub fn node(&self) -> &'n Node {
        self.node
    }

    /// The field path of a key of this mapping.
    pub fn path(&self, key: &str) -> String {
        if self.field.is_empty() { key.to_string() } else { format!("{}.{key}", self.field) }
    }

    /// Takes an optional key.
    pub fn optional(&mut self, key: &str) -> Option<&'n Node> {
        let index = self.entries.iter().position(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))?;
        self.used.set(index);
        let value = &self.entries[index].1;
        (value.value != Value::Null).then_some(value)
    }

    /// Takes a required key; reports it missing otherwise.
    pub fn required(&mut self, d: &mut Decoder, key: &str, expected: &str) -> Option<&'n Node> {
        let found = self.optional(key);
        if found.is_none() {
            let diag = Diagnostic::error(
                Code::MissingField,
                d.location(self.node),
                self.path(key),
                format!("missing key `{key}`"),
            )
            .expected(expected.to_string())
            .found("nothing");
            d.report(diag);
        }
        found
    }

    /// Reports every key not taken, naming those the format knows.
    pub fn finish(self, d: &mut Decoder, known: &[&str]) {
        for (i, (key, _)) in self.entries.iter().enumerate() {
            if self.used.get(i) {
                continue;
            }
            let name = match &key.value {
                Value::Str(s) => crate::limits::shorten(s),
                other => other.describe(),
            };
            let diag = Diagnostic::error(
                Code::UnknownKey,
                d.location(key),
                if self.field.is_empty() { name.clone() } else { format!("{}.{name}", self.field) },
                format!("unknown key `{name}`"),
            )
            .expected(format!("one of {}", known.join(", ")))
            .found(format!("`{name}`"))
            .help(crate::suggest::did_you_mean(&name, known.iter().copied()));
            d.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcuts_of_scalar_resolution_agree_with_the_schema() {
        let texts = [
            "3",
            "0123",
            "999999999999999999",
            "1234567890123456789",
            "abc",
            "null",
            "Null",
            "nothing",
            "true",
            "True",
            "tree",
            "false",
            "fa",
            "e5",
            "E5",
            "x1",
            "0x1F",
            "-5",
            "+5",
            ".5",
            "1e3",
            "inf",
            "Infinity",
            "nan",
            "NaN",
            ".nan",
            "~",
            "",
            "yes",
            "On",
            "09:00",
            "2026-01-02",
            "1_000",
            "١٢",
        ];
        for text in texts {
            assert_eq!(
                format!("{:?}", resolve_plain(text)),
                format!("{:?}", resolve_general(text)),
                "{text}"
            );
        }
    }

    #[test]
    fn element_paths_are_written_as_format_would() {
        for i in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            assert_eq!(element_path("contacts", i), format!("contacts[{i}]"));
        }
        assert_eq!(element_path("", 3), "[3]");
    }

    #[test]
    fn nodes_keep_lines_and_columns() {
        let node = parse("t.yaml", "a: 1\nb:\n  - x\n  - y: true\n").unwrap();
        let Value::Map(entries) = &node.value else { panic!("not a map") };
        assert_eq!(entries[0].1.line, 1);
        assert_eq!(entries[1].0.line, 2);
        let Value::Seq(items) = &entries[1].1.value else { panic!("not a seq") };
        assert_eq!((items[0].line, items[0].column), (3, 5));
        assert_eq!(items[1].line, 4);
    }

    #[test]
    fn syntax_error_has_a_place() {
        let e = parse("t.yaml", "a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(e.code, Code::Syntax);
        assert!(e.location.line >= 1, "{e}");
    }

    #[test]
    fn yaml_1_1_booleans_are_text() {
        let node = parse("t.yaml", "on: yes\nno: off\n").unwrap();
        let Value::Map(entries) = &node.value else { panic!("not a map") };
        assert_eq!(entries[0].0.value, Value::Str("on".into()));
        assert_eq!(entries[0].1.value, Value::Str("yes".into()));
        assert_eq!(entries[1].0.value, Value::Str("no".into()));
    }

    use crate::limits::Budget;

    const SMALL: Budget =
        Budget { what: "a test file", bytes: 1000, depth: 3, nodes: 10, expanded_bytes: 100 };

    fn refused(text: &str) -> Option<String> {
        parse_with("t.yaml", text, &SMALL).err().filter(|d| d.code == Code::TooLarge).map(|d| d.message)
    }

    #[test]
    fn depth_is_bounded_at_its_limit() {
        assert_eq!(refused("a: {b: {c: 1}}\n"), None);
        let message = refused("a: {b: {c: [1]}}\n").expect("4 levels refused");
        assert!(message.contains("at most 3 levels"), "{message}");
    }

    #[test]
    fn values_are_bounded_at_their_limit() {
        // A list and its 9 elements: 10 values.
        assert_eq!(refused("[1, 2, 3, 4, 5, 6, 7, 8, 9]\n"), None);
        assert!(refused("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n").is_some());
    }

    #[test]
    fn expanded_bytes_are_bounded_at_their_limit() {
        // The list counts 8 bytes, the anchored text 30, each alias 30 again: 8 + 3 × 30 = 98.
        let text = format!("[&a {0}, *a, *a]\n", "x".repeat(30));
        assert_eq!(refused(&text), None);
        let text = format!("[&a {0}, *a, *a]\n", "x".repeat(31));
        let message = refused(&text).expect("101 bytes refused");
        assert!(message.contains("100 bytes"), "{message}");
    }

    #[test]
    fn file_size_is_bounded_at_its_limit() {
        let fits = format!("a: {}\n", "x".repeat(1000 - 4));
        assert_eq!(fits.len(), 1000);
        assert!(parse_with("t.yaml", &fits, &Budget { expanded_bytes: 2000, ..SMALL }).is_ok());
        let over = format!("a: {}\n", "x".repeat(1000 - 3));
        let d = parse_with("t.yaml", &over, &SMALL).unwrap_err();
        assert_eq!(d.code, Code::TooLarge);
        assert_eq!(d.location.file, "t.yaml");
        assert!(d.message.contains("at most 1000"), "{}", d.message);
    }

    /// A one-megabyte dossier whose aliases would expand to gigabytes (it took 24 s and 5 GB
    /// before the byte budget) is refused at its first alias over the budget.
    #[test]
    fn alias_bomb_is_refused() {
        let mut text = format!("a: &a \"{}\"\nb: [", "x".repeat(512 * 1024));
        while text.len() < 1_000_000 {
            text.push_str("*a, ");
        }
        text.push_str("*a]\n");
        let d = parse_with("bomb.yaml", &text, &crate::limits::DOSSIER).unwrap_err();
        assert_eq!((d.code, d.location.file.as_str(), d.location.line), (Code::TooLarge, "bomb.yaml", 2));
        assert!(d.message.contains("aliases expand a dossier beyond its budget"), "{}", d.message);
    }

    #[test]
    fn huge_values_are_quoted_short() {
        let text = format!("a: {}\n", "y".repeat(10 * 1024 * 1024));
        let big = Budget { bytes: 11 << 20, expanded_bytes: 11 << 20, ..crate::limits::DATA };
        let node = parse_with("t.yaml", &text, &big).unwrap();
        let mut diags = Diagnostics::default();
        let mut d = Decoder::new("t.yaml", &mut diags);
        let mut m = d.map(&node, "").unwrap();
        let a = m.optional("a").unwrap();
        let _ = d.bool(a, "a");
        let _ = d.choice(a, "a", &[("yes", true)]);
        let text = diags.to_string();
        assert!(text.len() < 1000, "{} bytes of diagnostics", text.len());
        assert!(text.contains("(10485760 bytes)"), "{text}");
    }

    #[test]
    fn the_top_of_a_foreign_file_is_never_echoed() {
        let node = parse("passwd.yaml", "root:x:0:0:root:/root:/bin/bash\n").unwrap();
        let mut diags = Diagnostics::default();
        let mut d = Decoder::new("passwd.yaml", &mut diags);
        assert!(d.map(&node, "").is_none());
        assert!(!diags.to_string().contains("root:x"), "{diags}");
    }

    #[test]
    fn empty_file_is_reported() {
        assert_eq!(parse("t.yaml", "# only a comment\n").unwrap_err().code, Code::EmptyFile);
    }

    #[test]
    fn unknown_keys_are_all_reported_with_a_suggestion() {
        let node = parse("t.yaml", "title: x\ntitel: y\nzzz: 1\n").unwrap();
        let mut diags = Diagnostics::default();
        let mut d = Decoder::new("t.yaml", &mut diags);
        let mut m = d.map(&node, "").unwrap();
        let _ = m.optional("title");
        m.finish(&mut d, &["title"]);
        assert_eq!(diags.0.len(), 2);
        assert_eq!(diags.0[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(diags.0[1].help, None);
        assert_eq!(diags.0[1].location.line, 3);
    }

    /// The keys taken are remembered alike in a mapping of 64 keys and one of 65 (past the
    /// bits): every key but those taken is reported, the first and the last included.
    #[test]
    fn keys_left_over_are_reported_in_short_and_long_mappings() {
        for keys in [1, 63, 64, 65, 130] {
            let text = (0..keys).map(|i| format!("k{i}: {i}")).collect::<Vec<_>>().join("\n");
            let node = parse("t.yaml", &text).unwrap();
            let mut diags = Diagnostics::default();
            let mut d = Decoder::new("t.yaml", &mut diags);
            let mut m = d.map(&node, "").unwrap();
            let taken: Vec<String> = (0..keys).filter(|i| i % 2 == 1).map(|i| format!("k{i}")).collect();
            for key in &taken {
                assert!(m.optional(key).is_some());
            }
            m.finish(&mut d, &[]);
            let lines: Vec<u32> = diags.0.iter().map(|d| d.location.line).collect();
            let expected: Vec<u32> = (0..keys).filter(|i| i % 2 == 0).map(|i| i + 1).collect();
            assert_eq!(lines, expected, "{keys} keys");
        }
    }
}

#[cfg(test)]
mod duplicate_tests {
    use super::*;

    fn mapping(keys: &[&str]) -> Vec<(Node, Node)> {
        let node = |v: Value, line: u32| Node { value: v, line, column: 1 };
        keys.iter()
            .enumerate()
            .map(|(i, k)| (node(Value::Str((*k).to_string()), i as u32 + 1), node(Value::Null, i as u32 + 1)))
            .collect()
    }

    /// Short mappings are searched pair by pair, long ones sorted: both name the first key met
    /// again, the line of its first occurrence and the place of the repetition.
    #[test]
    fn a_repeated_key_is_found_alike_in_short_and_long_mappings() {
        let short = ["a", "b", "c", "b", "a"];
        let mut long: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        long[30] = "k7".into();
        long[35] = "k3".into();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        assert_eq!(duplicate_key(&mapping(&short)), Some(("b".into(), 2, (4, 1))));
        assert_eq!(duplicate_key(&mapping(&long)), Some(("k7".into(), 8, (31, 1))));
        assert_eq!(duplicate_key(&mapping(&["a", "b"])), None);
        assert!(short.len() <= SHORT_MAPPING && long.len() > SHORT_MAPPING);
    }
}
