//! A fast reader for the plain YAML most of cqpt's inputs are written in: block mappings and
//! sequences, one-line flow collections, plain and one-line quoted scalars, comments.
//!
//! It reads the text once, straight into the [`Node`] tree, without the event queue of the full
//! parser. It gives up — returns `None` — at the first thing outside that subset or anything
//! doubtful (anchors, tags, block scalars, multi-line scalars, tabs, several documents, a key
//! twice, a budget exceeded, any syntax error): the full parser then reads the file and gives
//! its tree or its diagnostic. So whenever it answers, the answer is the full parser's tree,
//! positions included; the differential tests check this on every file cqpt ships, on
//! generated dossiers and on random edits of them.

use super::{Node, Size, Value, duplicate_key, resolve_plain};
use crate::limits::Budget;

/// The tree of `text`, or `None` when the full parser must read it.
pub(super) fn parse(text: &str, budget: &Budget) -> Option<Node> {
    if !plain_characters(text.as_bytes()) {
        return None;
    }
    let mut reader = Reader {
        s: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
        line_start: 0,
        counted: (0, 0),
        depth: 0,
        total: Size::default(),
        entries: Vec::with_capacity(64),
        items: Vec::with_capacity(64),
        budget,
    };
    let indent = reader.next_content_line()?;
    if reader.rest().starts_with(b"---") || reader.rest().starts_with(b"...") || reader.peek() == Some(b'%') {
        return None;
    }
    let root = reader.block_node(indent)?;
    if reader.next_content_line().is_some() {
        return None;
    }
    Some(root)
}

/// Whether the text holds no character this reader leaves to the full parser: tabs, carriage
/// returns, other control characters, C1 controls, a byte-order mark, Unicode line separators.
fn plain_characters(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Eight bytes at a time: a word of printable ASCII is passed over at once (a byte below
    // 0x20, 0x7f or a byte of a longer character sends the word to the byte-by-byte look).
    let mut i = 0;
    while i < s.len() {
        let end = (i + 8).min(s.len());
        if let Ok(word) = <[u8; 8]>::try_from(&s[i..end]) {
            let w = u64::from_le_bytes(word);
            let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
            let del = w ^ (ONES * 0x7f);
            let has_del = del.wrapping_sub(ONES) & !del & HIGH;
            if below_space | has_del | (w & HIGH) == 0 {
                i = end;
                continue;
            }
        }
        for j in i..end {
            if !plain_character_at(s, j) {
                return false;
            }
        }
        i = end;
    }
    true
}

/// Whether the byte at `i` is one [`plain_characters`] accepts (looking ahead within a
/// character of several bytes).
fn plain_character_at(s: &[u8], i: usize) -> bool {
    !match s[i] {
        b'\n' | 0x20..=0x7e => false,
        0x00..=0x1f | 0x7f => true,
        // U+0080–U+009F (C1 controls, NEL).
        0xc2 => matches!(s.get(i + 1), Some(0x80..=0x9f)),
        // U+2028, U+2029.
        0xe2 => s.get(i + 1) == Some(&0x80) && matches!(s.get(i + 2), Some(0xa8 | 0xa9)),
        // U+FEFF, U+FFFE, U+FFFF.
        0xef => {
            (s.get(i + 1) == Some(&0xbb) && s.get(i + 2) == Some(&0xbf))
                || (s.get(i + 1) == Some(&0xbf) && matches!(s.get(i + 2), Some(0xbe | 0xbf)))
        }
        _ => false,
    }
}

/// The characters that may not begin a plain scalar (YAML's indicators), except `-`, `?` and
/// `:` followed by a character that is not blank.
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// The flow indicators, which end a plain scalar inside a flow collection.
fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// The bytes a plain scalar outside flow collections must look at: where it may end.
const BLOCK_STOPS: [bool; 256] = stops(b"\n:#");
/// The same inside a flow collection.
const FLOW_STOPS: [bool; 256] = stops(b"\n:#,[]{}");

/// A table of the bytes in `bytes`.
const fn stops(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// The reader's place in the text and what the tree costs so far.
struct Reader<'t> {
    s: &'t [u8],
    text: &'t str,
    /// Byte offset of the next character.
    pos: usize,
    /// 1-based line of `pos`.
    line: u32,
    /// Byte offset of the start of that line.
    line_start: usize,
    /// A place on that line already counted: its byte offset and 0-based column.
    counted: (usize, usize),
    /// Collections open around `pos`.
    depth: usize,
    /// Values and bytes of text so far.
    total: Size,
    /// The entries of the mappings being read, innermost last (each mapping's own are moved
    /// out into a vector of their exact size when it ends).
    entries: Vec<(Node, Node)>,
    /// The same for the items of sequences.
    items: Vec<Node>,
    budget: &'t Budget,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.s[self.pos..]
    }

    /// Whether the byte at `i` is a space, a line break or the end of the text.
    fn blank_at(&self, i: usize) -> bool {
        matches!(self.s.get(i), None | Some(b' ' | b'\n'))
    }

    /// The 1-based line and column of `pos` (columns count characters).
    fn here(&mut self) -> (u32, u32) {
        self.place(self.pos)
    }

    fn place(&mut self, pos: usize) -> (u32, u32) {
        // Places are asked for from left to right: count on from the last one.
        let (from, before) = if self.counted.0 <= pos { self.counted } else { (self.line_start, 0) };
        let bytes = &self.s[from..pos];
        let chars = before
            + if bytes.is_ascii() {
                bytes.len()
            } else {
                bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
            };
        self.counted = (pos, chars);
        (self.line, u32::try_from(chars + 1).unwrap_or(u32::MAX))
    }

    /// Goes to the first character of the next line holding something other than spaces and a
    /// comment, and returns its indentation; `None` at the end of the text. Called again at
    /// that place, it stays there.
    fn next_content_line(&mut self) -> Option<usize> {
        loop {
            let mut i = self.pos;
            while self.s.get(i) == Some(&b' ') {
                i += 1;
            }
            match self.s.get(i) {
                None => {
                    self.pos = i;
                    return None;
                }
                Some(b'\n') => self.new_line(i + 1),
                Some(b'#') if i == self.line_start || self.s[i - 1] == b' ' => {
                    let end = self.s[i..].iter().position(|&b| b == b'\n').map_or(self.s.len(), |n| i + n);
                    if end == self.s.len() {
                        self.pos = end;
                        return None;
                    }
                    self.new_line(end + 1);
                }
                Some(_) => {
                    self.pos = i;
                    return Some(i - self.line_start);
                }
            }
        }
    }

    fn new_line(&mut self, start: usize) {
        self.pos = start;
        self.line_start = start;
        self.counted = (start, 0);
        self.line += 1;
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// Whether nothing but a comment is left on the line.
    fn at_line_end(&self) -> bool {
        match self.peek() {
            None | Some(b'\n') => true,
            Some(b'#') => self.s[self.pos - 1] == b' ',
            _ => false,
        }
    }

    /// After a value: only spaces and a comment may follow on its line.
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_spaces();
        if !self.at_line_end() {
            return None;
        }
        match self.s[self.pos..].iter().position(|&b| b == b'\n') {
            Some(n) => self.new_line(self.pos + n + 1),
            None => self.pos = self.s.len(),
        }
        Some(())
    }

    /// Opens a collection, within the budget's depth.
    fn enter(&mut self) -> Option<()> {
        if self.depth >= self.budget.depth {
            return None;
        }
        self.depth += 1;
        self.count(0)
    }

    /// Counts a value of `len` bytes of text against the budget.
    fn count(&mut self, len: usize) -> Option<()> {
        self.total.add(Size::of_scalar(len));
        (self.total.nodes <= self.budget.nodes && self.total.bytes <= self.budget.expanded_bytes)
            .then_some(())
    }

    fn scalar(&mut self, value: Value, len: usize, (line, column): (u32, u32)) -> Option<Node> {
        self.count(len)?;
        Some(Node { value, line, column })
    }

    /// The mapping of the entries read since `mark`, unless a key is there twice.
    fn mapping(&mut self, mark: usize, line: u32, column: u32) -> Option<Node> {
        if duplicate_key(&self.entries[mark..]).is_some() {
            return None;
        }
        Some(Node { value: Value::Map(self.entries.drain(mark..).collect()), line, column })
    }

    /// A plain scalar's node: resolved by the core schema, text otherwise.
    fn plain(&mut self, start: usize, end: usize) -> Option<Node> {
        let text = &self.text[start..end];
        let value = match resolve_plain(text) {
            Value::Str(_) => Value::Str(text.to_string()),
            resolved => resolved,
        };
        let place = self.place(start);
        self.scalar(value, text.len(), place)
    }

    /// The node of a block collection or flow collection starting at `pos`, the first
    /// character of a line (or of a sequence entry) at indentation `indent`.
    fn block_node(&mut self, indent: usize) -> Option<Node> {
        match self.peek()? {
            b'-' if self.blank_at(self.pos + 1) => self.block_sequence(indent, false),
            b'{' | b'[' => {
                let node = self.flow_node()?;
                self.end_of_line()?;
                Some(node)
            }
            _ => self.block_mapping(indent),
        }
    }

    /// A block mapping whose keys stand at indentation `indent`.
    fn block_mapping(&mut self, indent: usize) -> Option<Node> {
        self.enter()?;
        let (line, column) = self.here();
        let mark = self.entries.len();
        loop {
            let colon = self.pos + self.block_key_length()?;
            let key = self.plain(self.pos, colon)?;
            self.pos = colon + 1;
            self.skip_spaces();
            let value = if self.at_line_end() {
                // An empty value stands where its `:` is.
                let colon = self.place(colon);
                self.end_of_line()?;
                match self.next_content_line() {
                    Some(j) if j > indent => self.block_node(j)?,
                    Some(j) if j == indent && self.peek() == Some(b'-') && self.blank_at(self.pos + 1) => {
                        self.block_sequence(j, true)?
                    }
                    _ => self.scalar(Value::Null, 0, colon)?,
                }
            } else {
                self.inline_value()?
            };
            self.entries.push((key, value));
            match self.next_content_line() {
                Some(j) if j == indent => {
                    if self.peek() == Some(b'-') && self.blank_at(self.pos + 1) {
                        return None;
                    }
                }
                Some(j) if j > indent => return None,
                _ => break,
            }
        }
        self.depth -= 1;
        self.mapping(mark, line, column)
    }

    /// The length of the plain key of a block mapping at `pos`, up to its `:` (which a blank
    /// follows); `None` when the line does not start with such a key.
    fn block_key_length(&self) -> Option<usize> {
        if is_indicator(self.peek()?) {
            return None;
        }
        let mut i = self.pos;
        loop {
            match self.s.get(i) {
                Some(b':') if self.blank_at(i + 1) => return Some(i - self.pos),
                None | Some(b'\n' | b' ' | b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'"' | b'\'') => {
                    return None;
                }
                Some(_) => i += 1,
            }
        }
    }

    /// A block sequence whose `-` stand at indentation `indent`.
    /// An indentless sequence (at its key's indentation) stands where its first entry
    /// starts, any other at its first `-`.
    fn block_sequence(&mut self, indent: usize, indentless: bool) -> Option<Node> {
        self.enter()?;
        let mut place = (!indentless).then(|| self.here());
        let mark = self.items.len();
        loop {
            self.pos += 1;
            self.skip_spaces();
            if self.at_line_end() {
                return None;
            }
            if place.is_none() {
                place = Some(self.here());
            }
            let item = match self.peek()? {
                b'-' if self.blank_at(self.pos + 1) => return None,
                b'{' | b'[' | b'"' | b'\'' => self.inline_value()?,
                _ if self.block_key_length().is_some() => {
                    let at = self.pos - self.line_start;
                    self.block_mapping(at)?
                }
                _ => self.inline_value()?,
            };
            self.items.push(item);
            match self.next_content_line() {
                Some(j) if j == indent && self.peek() == Some(b'-') && self.blank_at(self.pos + 1) => {}
                Some(j) if j > indent => return None,
                _ => break,
            }
        }
        self.depth -= 1;
        let (line, column) = place?;
        Some(Node { value: Value::Seq(self.items.drain(mark..).collect()), line, column })
    }

    /// A value written after `key: ` or `- `, ending its line.
    fn inline_value(&mut self) -> Option<Node> {
        let node = match self.peek()? {
            b'{' | b'[' => self.flow_node()?,
            b'"' => self.double_quoted()?,
            b'\'' => self.single_quoted()?,
            _ => self.block_plain()?,
        };
        self.end_of_line()?;
        Some(node)
    }

    /// Whether a plain scalar may begin at `pos`.
    fn plain_may_start(&self) -> bool {
        match self.peek() {
            Some(b'-' | b'?' | b':') => {
                !self.blank_at(self.pos + 1) && !is_flow_indicator(self.s[self.pos + 1])
            }
            Some(b) => !is_indicator(b) && b != b' ' && b != b'\n',
            None => false,
        }
    }

    /// A plain scalar on one line, outside flow collections.
    fn block_plain(&mut self) -> Option<Node> {
        self.plain_scalar(false)
    }

    /// A plain scalar on one line. Outside flow collections it ends at the end of its line or
    /// at a comment, and `: ` inside it is a mapping (left to the full parser). Inside one
    /// (`flow`) it ends at a flow indicator or at `:` before a blank or one, and must not
    /// reach the end of its line or a comment.
    fn plain_scalar(&mut self, flow: bool) -> Option<Node> {
        if !self.plain_may_start() {
            return None;
        }
        let start = self.pos;
        let stops = if flow { &FLOW_STOPS } else { &BLOCK_STOPS };
        let mut i = start;
        loop {
            i = self.skip_until(i, stops);
            let colon_ends = self.blank_at(i + 1) || (flow && is_flow_indicator(self.s[i + 1]));
            match self.s.get(i) {
                // The end of the line, or a flow indicator (which only the flow table stops at).
                None | Some(b'\n' | b',' | b'[' | b']' | b'{' | b'}') => break,
                Some(b'#') if self.s[i - 1] == b' ' => break,
                Some(b':') if colon_ends => {
                    if flow {
                        break;
                    }
                    return None;
                }
                Some(_) => i += 1,
            }
        }
        if flow && matches!(self.s.get(i), None | Some(b'\n' | b'#')) {
            return None;
        }
        let end = self.trim_spaces_back(start, i);
        self.pos = end;
        self.plain(start, end)
    }

    /// The first place from `i` whose byte is in `stops` (or the end of the text).
    fn skip_until(&self, mut i: usize, stops: &[bool; 256]) -> usize {
        while let Some(&b) = self.s.get(i) {
            if stops[usize::from(b)] {
                break;
            }
            i += 1;
        }
        i
    }

    /// `end` moved back over the spaces before it, not before `start`.
    fn trim_spaces_back(&self, start: usize, mut end: usize) -> usize {
        while end > start && self.s[end - 1] == b' ' {
            end -= 1;
        }
        end
    }

    /// A value inside a flow collection (or the collection itself).
    fn flow_node(&mut self) -> Option<Node> {
        match self.peek()? {
            b'{' => self.flow_mapping(),
            b'[' => self.flow_sequence(),
            b'"' => self.double_quoted(),
            b'\'' => self.single_quoted(),
            _ => self.flow_plain(),
        }
    }

    /// Spaces inside a flow collection, which must end on its line.
    fn flow_spaces(&mut self) -> Option<u8> {
        self.skip_spaces();
        self.peek().filter(|&b| b != b'\n' && b != b'#')
    }

    /// `{key: value, …}` on one line.
    fn flow_mapping(&mut self) -> Option<Node> {
        self.enter()?;
        let (line, column) = self.here();
        self.pos += 1;
        let mark = self.entries.len();
        if self.flow_spaces()? == b'}' {
            self.pos += 1;
        } else {
            loop {
                let key = match self.peek()? {
                    b'"' => self.double_quoted()?,
                    b'\'' => self.single_quoted()?,
                    b'{' | b'[' => return None,
                    _ => self.flow_plain()?,
                };
                if self.flow_spaces()? != b':' || self.s.get(self.pos + 1) != Some(&b' ') {
                    return None;
                }
                self.pos += 1;
                if matches!(self.flow_spaces()?, b',' | b'}') {
                    return None;
                }
                let value = self.flow_node()?;
                self.entries.push((key, value));
                if !self.flow_next(b'}')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        self.mapping(mark, line, column)
    }

    /// After an entry of a flow collection closed by `close`: `Some(true)` after a `,` that
    /// another entry follows, `Some(false)` once `close` is passed, `None` otherwise (a
    /// trailing or doubled comma is left to the full parser).
    fn flow_next(&mut self, close: u8) -> Option<bool> {
        match self.flow_spaces()? {
            b',' => {
                self.pos += 1;
                let next = self.flow_spaces()?;
                (next != b',' && next != close).then_some(true)
            }
            b if b == close => {
                self.pos += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// `[value, …]` on one line.
    fn flow_sequence(&mut self) -> Option<Node> {
        self.enter()?;
        let (line, column) = self.here();
        self.pos += 1;
        let mark = self.items.len();
        if self.flow_spaces()? == b']' {
            self.pos += 1;
        } else {
            loop {
                let item = self.flow_node()?;
                self.items.push(item);
                if !self.flow_next(b']')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Some(Node { value: Value::Seq(self.items.drain(mark..).collect()), line, column })
    }

    /// A plain scalar inside a flow collection: it ends at a flow indicator or at `: `.
    fn flow_plain(&mut self) -> Option<Node> {
        self.plain_scalar(true)
    }

    /// `'…'` on one line (`''` is a quote).
    fn single_quoted(&mut self) -> Option<Node> {
        let at = self.here();
        let start = self.pos + 1;
        let mut i = start;
        let mut text = String::new();
        let mut from = start;
        loop {
            match self.s.get(i)? {
                b'\n' => return None,
                b'\'' if self.s.get(i + 1) == Some(&b'\'') => {
                    text.push_str(&self.text[from..=i]);
                    i += 2;
                    from = i;
                }
                b'\'' => break,
                _ => i += 1,
            }
        }
        text.push_str(&self.text[from..i]);
        self.pos = i + 1;
        let len = text.len();
        self.scalar(Value::Str(text), len, at)
    }

    /// `"…"` on one line, with the common escapes (any other is left to the full parser).
    fn double_quoted(&mut self) -> Option<Node> {
        let at = self.here();
        let start = self.pos + 1;
        let mut i = start;
        let mut text = String::new();
        let mut from = start;
        loop {
            match self.s.get(i)? {
                b'\n' => return None,
                b'"' => break,
                b'\\' => {
                    text.push_str(&self.text[from..i]);
                    let (c, width) = match self.s.get(i + 1)? {
                        b'\\' => ('\\', 2),
                        b'"' => ('"', 2),
                        b'/' => ('/', 2),
                        b'n' => ('\n', 2),
                        b't' => ('\t', 2),
                        b'u' => (self.hex_char(i + 2, 4)?, 6),
                        _ => return None,
                    };
                    text.push(c);
                    i += width;
                    from = i;
                }
                _ => i += 1,
            }
        }
        text.push_str(&self.text[from..i]);
        self.pos = i + 1;
        let len = text.len();
        self.scalar(Value::Str(text), len, at)
    }

    /// The character of `digits` hexadecimal digits at `at`.
    fn hex_char(&self, at: usize, digits: usize) -> Option<char> {
        let hex = self.text.get(at..at + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(hex, 16).ok()?).filter(|c| !c.is_control())
    }
}

#[cfg(test)]
mod tests {
    //! Differential tests: whenever the fast reader answers, its tree is the full parser's,
    //! positions included; it answers for every dossier the generator writes.

    use super::super::{Node, parse_events};
    use crate::limits::{Budget, DATA, DOSSIER};
    use crate::rng::Rng;

    /// What the full parser gives, as text (`NaN` compares equal to itself there).
    fn full(text: &str, budget: &Budget) -> Result<String, String> {
        parse_events("f.yaml", text, budget).map(|n| format!("{n:?}")).map_err(|d| d.message.clone())
    }

    /// Checks one text; returns whether the fast reader answered.
    fn agrees(text: &str, budget: &Budget) -> bool {
        let Some(fast) = super::parse(text, budget) else { return false };
        match full(text, budget) {
            Ok(tree) if format!("{fast:?}") == tree => {}
            Ok(_) => {
                let slow = parse_events("f.yaml", text, budget).unwrap();
                panic!("the fast reader differs at {}:\n{text}", first_difference(&fast, &slow, "root"));
            }
            Err(e) => panic!("the fast reader answered where the full parser refuses ({e}):\n{text}"),
        }
        true
    }

    /// Where two trees first differ, and how (shallow).
    fn first_difference(a: &Node, b: &Node, path: &str) -> String {
        use crate::yaml::Value::{Map, Seq};
        let shallow = |n: &Node| match &n.value {
            Seq(items) => format!("list of {} at {}:{}", items.len(), n.line, n.column),
            Map(entries) => format!("mapping of {} at {}:{}", entries.len(), n.line, n.column),
            other => format!("{other:?} at {}:{}", n.line, n.column),
        };
        let children = match (&a.value, &b.value) {
            (Seq(x), Seq(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .map(|(i, (p, q))| (format!("{path}[{i}]"), p, q))
                .collect::<Vec<_>>(),
            (Map(x), Map(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .flat_map(|((k1, v1), (k2, v2))| {
                    [(format!("{path}.key"), k1, k2), (format!("{path}.{:?}", k1.value), v1, v2)]
                })
                .collect(),
            _ => Vec::new(),
        };
        for (p, x, y) in children {
            if format!("{x:?}") != format!("{y:?}") {
                return first_difference(x, y, &p);
            }
        }
        format!("{path}: fast {} / full {}", shallow(a), shallow(b))
    }

    fn shipped_files() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["api", "examples/broken", "examples/dossiers", "grids", "quiz", "referentiels"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    files.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }

    fn generated(count: usize, seed: u64) -> Vec<String> {
        let (library, policy) = crate::context::load_context(&crate::source::DataSource::Embedded).unwrap();
        crate::synthetic::generate(&library, &policy, count, seed, &[2025, 2026])
            .into_iter()
            .map(|g| g.yaml)
            .collect()
    }

    #[test]
    fn every_shipped_file_reads_alike_and_the_dossiers_fast() {
        let mut answered = Vec::new();
        for (name, text) in shipped_files() {
            if agrees(&text, &DATA) {
                answered.push(name);
            }
        }
        let dossiers = answered.iter().filter(|n| n.contains("examples/dossiers/")).count();
        assert_eq!(dossiers, 29, "fast on the example dossiers: {answered:?}");
    }

    #[test]
    fn every_generated_dossier_reads_alike_and_fast() {
        for text in generated(300, 7) {
            assert!(agrees(&text, &DOSSIER), "the fast reader deferred on a generated dossier:\n{text}");
        }
    }

    #[test]
    fn small_texts_read_alike() {
        let cases = [
            "a: 1\nb:\nc: x\n",
            "a:\n- 1\n- 2\nb: 3\n",
            "a:\n  - 1\n  - {x: y}\n",
            "- a: 1\n  b: [1, 2, \"x\"]\n- c: 'it''s'\n",
            "a: {b: {c: [d, e]}, f: ''}\n",
            "a: \"\\u00e9t\\u00e9 \\\"x\\\" \\\\ \\/\"\n",
            "a: 09:00 # comment\n# comment\nb: -1.5e3\nc: .inf\nd: null\ne: ~\nf: True\ng: 0x1F\nh: 0o17\n",
            "a: x:y\nb: http://e.fr/p#q\nc: C#\n",
            "  a: 1\n  b: 2\n",
            "a: 1\nb:   \n\n\nc: 2",
            "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
            "é: ü\nkey: Opéra Télécom, 3 rue\n",
            "[1, 2]\n",
            "{a: 1}\n",
            "a: [ ]\nb: { }\n",
            "a: -x\nb: ?y\nc: :z\n",
            "- 1\n- - 2\n",
            "a: 1\na: 2\n",
            "a: b: c\n",
            "a: |\n  x\n",
            "a: &x 1\nb: *x\n",
            "a: 'x\n  y'\n",
            "a: x\n  y\n",
            "a:\tb\n",
            "--- \na: 1\n",
            "a: [1, 2,]\n",
            "a: {b: 1, b: 2}\n",
            "a: 1 #c\nb: 2#c\n",
            "-\n  a: 1\n",
            "a: \"x\" y\n",
        ];
        let answered = cases.iter().filter(|c| agrees(c, &DATA)).count();
        assert!(answered >= 15, "the fast reader answered {answered} of {} cases", cases.len());
    }

    #[test]
    fn characters_the_full_parser_judges_are_left_to_it_wherever_they_stand() {
        for bad in [
            "\t", "\r", "\u{7f}", "\u{1}", "\u{85}", "\u{9f}", "\u{2028}", "\u{2029}", "\u{feff}", "\u{fffe}",
        ] {
            for at in 0..20 {
                let text = format!("{}{bad}{}: b\n", "a".repeat(at), "c".repeat(20 - at));
                assert!(!super::plain_characters(text.as_bytes()), "{bad:?} at {at}");
            }
        }
        assert!(super::plain_characters("a: é, ü, €, \u{a0}, \u{2027}, 😀\nb: c\n".as_bytes()));
    }

    #[test]
    fn budgets_are_left_to_the_full_parser_at_their_limit() {
        let deep = Budget { depth: 2, ..DATA };
        assert!(super::parse("a:\n  b: 1\n", &deep).is_some());
        assert!(super::parse("a:\n  b: {c: 1}\n", &deep).is_none());
        // Five values: the mapping, two keys, two scalars.
        let values = Budget { nodes: 5, ..DATA };
        assert!(super::parse("a: 1\nb: 2\n", &values).is_some());
        assert!(super::parse("a: 1\nb: 2\nc: 3\n", &values).is_none());
    }

    /// Random edits of real texts, with the characters YAML's syntax turns on: wherever the
    /// fast reader still answers, the full parser gives the same tree.
    #[test]
    fn random_edits_never_give_another_tree() {
        const CHARS: &[&str] = &[
            " ", "  ", ":", ": ", "-", "- ", "#", " #", "'", "\"", "{", "}", "[", "]", ",", "\n", "\n  ",
            "&a ", "*a", "!", "|", ">", "?", "x", "1", "é", "\\", "\t", "~",
        ];
        let mut texts: Vec<String> = generated(6, 11);
        texts.extend(
            shipped_files()
                .into_iter()
                .filter(|(n, _)| n.contains("examples/dossiers/"))
                .take(6)
                .map(|(_, t)| t),
        );
        texts.extend([
            "a: 1\nb: [x, 'y', \"z\"]\nc:\n- {d: 2}\n- e: 3\n  f: g\n".to_string(),
            "k:\n  - a: 1\n    b: 2\n  - c\n".to_string(),
        ]);
        let mut rng = Rng::new(5);
        let (mut tried, mut answered) = (0, 0);
        for text in &texts {
            for _ in 0..400 {
                let mut t = text.clone();
                for _ in 0..=rng.below(3) {
                    let mut at = rng.below(t.len() + 1);
                    while !t.is_char_boundary(at) {
                        at -= 1;
                    }
                    let piece = *rng.pick(CHARS);
                    match rng.below(3) {
                        0 => t.insert_str(at, piece),
                        1 => {
                            let end = t[at..].char_indices().nth(1).map_or(t.len(), |(i, _)| at + i);
                            t.replace_range(at..end, "");
                        }
                        _ => {
                            let end = t[at..].char_indices().nth(1).map_or(t.len(), |(i, _)| at + i);
                            t.replace_range(at..end, piece);
                        }
                    }
                }
                tried += 1;
                if agrees(&t, &DOSSIER) {
                    answered += 1;
                }
            }
        }
        assert!(answered * 4 > tried, "the fast reader answered only {answered} of {tried} edited texts");
    }

    #[test]
    fn a_node_is_where_the_full_parser_puts_it() {
        let text = "a:\n- 1\nb: {c: 'd'}\n";
        let node = super::parse(text, &DATA).unwrap();
        let crate::yaml::Value::Map(entries) = &node.value else { panic!("{node:?}") };
        let place = |n: &Node| (n.line, n.column);
        assert_eq!(place(&entries[1].1), (3, 4));
    }
}
