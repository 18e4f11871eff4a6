//! The embedded fonts (`DejaVu` Sans, subset by `scripts/make-fonts.sh` to the letters of the
//! names of people living in France: Latin with its extensions and Vietnamese, Greek, Cyrillic)
//! and their metrics: printpdf cannot measure text, so widths are the
//! sums of the glyph advances read with ttf-parser.

use std::sync::OnceLock;

/// `DejaVu` Sans, regular.
pub const REGULAR: &[u8] = include_bytes!("../../fonts/DejaVuSans-fr.ttf");
/// `DejaVu` Sans, bold.
pub const BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold-fr.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// Regular.
    Regular,
    /// Bold.
    Bold,
}

/// Advance widths of one face, by character, in font units.
pub struct Metrics {
    units_per_em: f32,
    /// Advances of the characters U+0000–U+FFFF that the face has, 0 for the others.
    advances: Vec<u16>,
    present: Vec<bool>,
    /// Glyph ids of the characters U+0000–U+FFFF, 0 (`.notdef`) for those the face lacks.
    glyphs: Vec<u16>,
}

impl Metrics {
    fn new(bytes: &[u8]) -> Metrics {
        let face = ttf_parser::Face::parse(bytes, 0).expect("the shipped font parses");
        let mut advances = vec![0u16; 0x1_0000];
        let mut present = vec![false; 0x1_0000];
        let mut glyphs = vec![0u16; 0x1_0000];
        if let Some(table) = face.tables().cmap {
            for subtable in table.subtables.into_iter().filter(ttf_parser::cmap::Subtable::is_unicode) {
                subtable.codepoints(|cp| {
                    if let (Some(gid), Ok(i)) = (subtable.glyph_index(cp), usize::try_from(cp))
                        && i < advances.len()
                    {
                        advances[i] = face.glyph_hor_advance(gid).unwrap_or(0);
                        present[i] = true;
                        glyphs[i] = gid.0;
                    }
                });
            }
        }
        Metrics { units_per_em: f32::from(face.units_per_em()), advances, present, glyphs }
    }

    /// The glyph id of `c` in the face, 0 (`.notdef`) when it has none.
    pub fn glyph(&self, c: char) -> u16 {
        self.glyphs.get(c as usize).copied().unwrap_or(0)
    }

    /// Every character the face has a glyph for (controls left out), in ascending order.
    pub fn chars(&self) -> impl DoubleEndedIterator<Item = char> + '_ {
        self.present
            .iter()
            .enumerate()
            .filter(|(_, p)| **p)
            .filter_map(|(i, _)| char::from_u32(i as u32))
            .filter(|c| !c.is_control())
    }

    /// Whether the face has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        self.present.get(c as usize).copied().unwrap_or(false)
    }

    /// The width of `text` at `size` points, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.points(self.units(text), size)
    }

    /// The advance of `text` in font units (the sum of its characters').
    pub fn units(&self, text: &str) -> u32 {
        text.chars().map(|c| self.advance(c)).sum()
    }

    /// The advance of `c` in font units, 0 when the face lacks it.
    pub fn advance(&self, c: char) -> u32 {
        u32::from(self.advances.get(c as usize).copied().unwrap_or(0))
    }

    /// `units` font units at `size` points, in points.
    pub fn points(&self, units: u32, size: f32) -> f32 {
        units as f32 * size / self.units_per_em
    }
}

/// Both faces' metrics, read once per process.
pub fn metrics(style: Style) -> &'static Metrics {
    static REGULAR_METRICS: OnceLock<Metrics> = OnceLock::new();
    static BOLD_METRICS: OnceLock<Metrics> = OnceLock::new();
    match style {
        Style::Regular => REGULAR_METRICS.get_or_init(|| Metrics::new(REGULAR)),
        Style::Bold => BOLD_METRICS.get_or_init(|| Metrics::new(BOLD)),
    }
}

/// The characters of `text` that a face cannot print (they would come out as blank boxes).
pub fn missing_chars(text: &str) -> Vec<char> {
    let printable = printable();
    let mut missing: Vec<char> = text
        .chars()
        .filter(|&c| !c.is_control() && !printable.get(c as usize).copied().unwrap_or(false))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

/// Whether both faces have a glyph for each character U+0000–U+FFFF, made once per process.
fn printable() -> &'static [bool] {
    static PRINTABLE: OnceLock<Vec<bool>> = OnceLock::new();
    PRINTABLE.get_or_init(|| {
        let (regular, bold) = (metrics(Style::Regular), metrics(Style::Bold));
        regular.present.iter().zip(&bold.present).map(|(r, b)| *r && *b).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_characters_are_in_both_faces() {
        assert!(missing_chars("é è à ç œ Œ « » € ’ – — … ° \u{a0}\u{202f} ✓ □").is_empty());
        assert_eq!(missing_chars("漢"), vec!['漢']);
    }

    #[test]
    fn names_in_latin_vietnamese_greek_and_cyrillic_print_in_both_faces() {
        let ranges = [
            ('\u{0100}', '\u{024F}'), // Latin Extended A and B
            ('\u{1EA0}', '\u{1EF9}'), // Vietnamese
            ('\u{0391}', '\u{03A9}'), // Greek capitals
            ('\u{03B1}', '\u{03C9}'), // Greek small letters
            ('\u{0400}', '\u{045F}'), // Cyrillic
        ];
        let text: String = ranges.iter().flat_map(|(a, b)| *a..=*b).filter(|c| *c != '\u{03A2}').collect();
        assert_eq!(missing_chars(&text), Vec::<char>::new());
        assert!(
            missing_chars(
                "Nguyễn Thị Ánh · Șerban Țurcan · Παπαδόπουλος · Пётр Ёлкин · Ɓaaba Ɗiallo · ʻOkalani"
            )
            .is_empty()
        );
    }

    #[test]
    fn the_fonts_stay_small() {
        for (face, bytes) in [("regular", REGULAR), ("bold", BOLD)] {
            assert!(bytes.len() < 110_000, "{face}: {} bytes (scripts/make-fonts.sh)", bytes.len());
        }
    }

    #[test]
    fn bold_is_wider_and_widths_scale_with_size() {
        let r = metrics(Style::Regular).width("Conseiller clientèle", 10.0);
        let b = metrics(Style::Bold).width("Conseiller clientèle", 10.0);
        assert!(b > r && r > 50.0 && r < 150.0, "{r} {b}");
        assert!((metrics(Style::Regular).width("Conseiller clientèle", 20.0) - 2.0 * r).abs() < 0.01);
    }
}
