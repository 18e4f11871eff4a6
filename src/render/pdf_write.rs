//! A small PDF file writer (ISO 32000-1, 7.3 and 7.5): objects written in order straight into
//! one buffer, their offsets kept for the cross-reference table. It writes what the documents
//! need and nothing else: numbers, names, strings, arrays, dictionaries and streams, the
//! objects of [`lopdf`] included (the fonts printpdf prepares are written with it, once per
//! process).

use lopdf::{Object, StringFormat};

/// The file's first bytes: the version, then a comment of bytes above 127 that tells a
/// transfer program the file is binary (7.5.2).
pub const HEADER: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";

/// A PDF file being written: its bytes and the offset of each object (object `n` at index
/// `n - 1`).
pub struct Writer {
    /// The bytes written so far (since the last [`Writer::drain_to`]).
    pub buf: Vec<u8>,
    offsets: Vec<usize>,
    /// The bytes drained before `buf`.
    base: usize,
}

impl Writer {
    /// A file that starts with [`HEADER`], then `prefix`: objects `1..=offsets.len()` already
    /// written, `offsets` counted from the end of the header.
    pub fn new(prefix: &[u8], offsets: &[usize], capacity: usize) -> Writer {
        let mut buf = Vec::with_capacity(capacity.max(HEADER.len() + prefix.len()));
        buf.extend_from_slice(HEADER);
        buf.extend_from_slice(prefix);
        Writer { buf, offsets: offsets.iter().map(|o| o + HEADER.len()).collect(), base: 0 }
    }

    /// A writer of loose objects (no header), for bytes to be placed after [`HEADER`] later.
    pub fn objects_only() -> Writer {
        Writer { buf: Vec::new(), offsets: Vec::new(), base: 0 }
    }

    /// The offsets of the objects written, from the start of `buf`.
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    /// The number the next object gets.
    pub fn next_id(&self) -> u32 {
        self.offsets.len() as u32 + 1
    }

    /// Writes the bytes so far to `out` and empties the buffer (offsets go on counting from
    /// the start of the file): a long file written as it is made.
    pub fn drain_to(&mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(&self.buf)?;
        self.base += self.buf.len();
        self.buf.clear();
        Ok(())
    }

    /// Starts object `id`, which must be the next one.
    pub fn begin(&mut self, id: u32) {
        debug_assert_eq!(id, self.next_id(), "objects are written in order");
        self.offsets.push(self.base + self.buf.len());
        integer(&mut self.buf, i64::from(id));
        self.buf.extend_from_slice(b" 0 obj\n");
    }

    /// Ends the object begun last.
    pub fn end(&mut self) {
        self.buf.extend_from_slice(b"\nendobj\n");
    }

    /// Writes object `id` as `object`.
    pub fn object(&mut self, id: u32, object: &Object) {
        self.begin(id);
        write_object(&mut self.buf, object);
        self.end();
    }

    /// Writes object `id` as a stream of `data`: `entries` are the dictionary's other
    /// entries, already written (`/Filter /FlateDecode` for a deflated `data`).
    pub fn stream(&mut self, id: u32, entries: &[u8], data: &[u8]) {
        self.begin(id);
        self.buf.extend_from_slice(b"<</Length ");
        integer(&mut self.buf, data.len() as i64);
        self.buf.extend_from_slice(entries);
        self.buf.extend_from_slice(b">>\nstream\n");
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\nendstream");
        self.end();
    }

    /// Ends the file: the cross-reference table and the trailer (`/Root`, `/Info`, the file
    /// identifier `id` twice).
    /// After [`Writer::drain_to`], the bytes returned are those not yet drained.
    pub fn finish(mut self, root: u32, info: u32, id: &[u8; 16]) -> Vec<u8> {
        let start = self.base + self.buf.len();
        let count = self.offsets.len() + 1;
        self.buf.extend_from_slice(b"xref\n0 ");
        integer(&mut self.buf, count as i64);
        self.buf.extend_from_slice(b"\n0000000000 65535 f \n");
        for offset in &self.offsets {
            // Each entry is exactly 20 bytes: a 10-digit offset, generation 0, in use.
            let mut digits = [b'0'; 10];
            let mut rest = *offset;
            for d in digits.iter_mut().rev() {
                *d = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            self.buf.extend_from_slice(&digits);
            self.buf.extend_from_slice(b" 00000 n \n");
        }
        self.buf.extend_from_slice(b"trailer\n<</Size ");
        integer(&mut self.buf, count as i64);
        self.buf.extend_from_slice(b"/Root ");
        reference(&mut self.buf, root);
        self.buf.extend_from_slice(b"/Info ");
        reference(&mut self.buf, info);
        self.buf.extend_from_slice(b"/ID[");
        for _ in 0..2 {
            self.buf.push(b'<');
            hex(&mut self.buf, id);
            self.buf.push(b'>');
        }
        self.buf.extend_from_slice(b"]>>\nstartxref\n");
        integer(&mut self.buf, start as i64);
        self.buf.extend_from_slice(b"\n%%EOF\n");
        self.buf
    }
}

/// Writes `n 0 R`.
pub fn reference(buf: &mut Vec<u8>, id: u32) {
    integer(buf, i64::from(id));
    buf.extend_from_slice(b" 0 R");
}

/// Writes an integer.
pub fn integer(buf: &mut Vec<u8>, value: i64) {
    if value < 0 {
        buf.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut rest = value.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Writes a real number to the thousandth (a thousandth of a point is 0.35 µm), without
/// trailing zeros: `12.5`, `0.283`, `-3`.
pub fn number(buf: &mut Vec<u8>, value: f32) {
    let thousandths = round(f64::from(value) * 1000.0);
    if thousandths < 0 {
        buf.push(b'-');
    }
    let abs = thousandths.unsigned_abs();
    integer(buf, (abs / 1000) as i64);
    let mut fraction = abs % 1000;
    if fraction != 0 {
        buf.push(b'.');
        let mut places = 3;
        while fraction.is_multiple_of(10) {
            fraction /= 10;
            places -= 1;
        }
        let digits = [(fraction / 100 % 10) as u8, (fraction / 10 % 10) as u8, (fraction % 10) as u8];
        buf.extend(digits[3 - places..].iter().map(|d| b'0' + d));
    }
}

/// `x` rounded to the nearest integer, halves away from zero, as `f64::round` (which is a
/// library call on the baseline x86-64 target) for |x| < 2^53; saturated beyond, as `as`.
fn round(x: f64) -> i64 {
    if x.is_nan() || x.abs() >= 9_007_199_254_740_992.0 {
        return x.round() as i64;
    }
    let whole = x as i64; // towards zero
    // Exact: `whole` and `x` are within 1 of each other and below 2^53.
    let fraction = x - whole as f64;
    if fraction >= 0.5 {
        whole + 1
    } else if fraction <= -0.5 {
        whole - 1
    } else {
        whole
    }
}

/// Writes `bytes` in hexadecimal (upper case).
pub fn hex(buf: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for b in bytes {
        buf.push(DIGITS[usize::from(b >> 4)]);
        buf.push(DIGITS[usize::from(b & 15)]);
    }
}

/// Writes a name (7.3.5): `/` then its bytes, those outside `!`–`~` and the delimiters as `#xx`.
pub fn name(buf: &mut Vec<u8>, name: &[u8]) {
    buf.push(b'/');
    for b in name {
        if (b'!'..=b'~').contains(b) && !b"#()<>[]{}/%".contains(b) {
            buf.push(*b);
        } else {
            buf.push(b'#');
            hex(buf, &[*b]);
        }
    }
}

/// Writes a literal string (7.3.4.2), its delimiters and backslashes escaped.
pub fn literal(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.push(b'(');
    for b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                buf.push(b'\\');
                buf.push(*b);
            }
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            _ => buf.push(*b),
        }
    }
    buf.push(b')');
}

/// Writes a text string (7.9.2.2): literal when printable ASCII, else UTF-16BE with its
/// byte-order mark, in hexadecimal.
pub fn text_string(buf: &mut Vec<u8>, text: &str) {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        literal(buf, text.as_bytes());
    } else {
        buf.extend_from_slice(b"<FEFF");
        for unit in text.encode_utf16() {
            hex(buf, &unit.to_be_bytes());
        }
        buf.push(b'>');
    }
}

/// Writes a [`lopdf`] object.
pub fn write_object(buf: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => buf.extend_from_slice(b"null"),
        Object::Boolean(b) => buf.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => integer(buf, *i),
        Object::Real(r) => number(buf, *r),
        Object::Name(n) => name(buf, n),
        Object::String(s, StringFormat::Literal) => literal(buf, s),
        Object::String(s, StringFormat::Hexadecimal) => {
            buf.push(b'<');
            hex(buf, s);
            buf.push(b'>');
        }
        Object::Array(items) => {
            buf.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b' ');
                }
                write_object(buf, item);
            }
            buf.push(b']');
        }
        Object::Dictionary(dict) => dictionary(buf, dict),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", Object::Integer(stream.content.len() as i64));
            dictionary(buf, &dict);
            buf.extend_from_slice(b"\nstream\n");
            buf.extend_from_slice(&stream.content);
            buf.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            integer(buf, i64::from(*id));
            buf.push(b' ');
            integer(buf, i64::from(*generation));
            buf.extend_from_slice(b" R");
        }
    }
}

fn dictionary(buf: &mut Vec<u8>, dict: &lopdf::Dictionary) {
    buf.extend_from_slice(b"<<");
    for (key, value) in dict {
        name(buf, key);
        buf.push(b' ');
        write_object(buf, value);
    }
    buf.extend_from_slice(b">>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut buf = Vec::new();
        f(&mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn numbers_are_short_and_exact_to_the_thousandth() {
        assert_eq!(text(|b| number(b, 12.5)), "12.5");
        assert_eq!(text(|b| number(b, 0.2834)), "0.283");
        assert_eq!(text(|b| number(b, -3.0)), "-3");
        assert_eq!(text(|b| number(b, 0.05)), "0.05");
        assert_eq!(text(|b| number(b, -0.0004)), "0");
        assert_eq!(text(|b| number(b, 841.889_8)), "841.89");
        assert_eq!(text(|b| integer(b, -1_234_567)), "-1234567");
        assert_eq!(text(|b| number(b, 0.0005)), "0.001");
        assert_eq!(text(|b| number(b, -0.0005)), "-0.001");
    }

    #[test]
    fn rounding_is_that_of_the_standard_library() {
        let cases = [
            0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.499_999_999_999_999_94,
            -0.499_999_999_999_999_94,
            1e15 + 0.5,
            4.5e15,
            9.1e15,
            -9.1e15,
            1e300,
            f64::NAN,
        ];
        for x in cases.into_iter().chain((-20_000..20_000).map(|i| f64::from(i) * 0.000_25 * 1000.0 / 7.0)) {
            assert_eq!(round(x), x.round() as i64, "{x}");
        }
        for i in -100_000..100_000 {
            let x = f64::from(i as f32 * 0.013_7_f32) * 1000.0;
            assert_eq!(round(x), x.round() as i64, "{x}");
        }
    }

    #[test]
    fn names_and_strings_are_escaped() {
        assert_eq!(text(|b| name(b, b"A B#")), "/A#20B#23");
        assert_eq!(text(|b| literal(b, b"a(b)\\c")), "(a\\(b\\)\\\\c)");
        assert_eq!(text(|b| text_string(b, "cqpt 0.1")), "(cqpt 0.1)");
        assert_eq!(text(|b| text_string(b, "é")), "<FEFF00E9>");
    }
}
