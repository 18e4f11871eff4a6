//! A TrueType font cut down to a repertoire without renumbering its glyphs: the outlines of
//! the glyphs outside it are emptied (`glyf` and `loca` rewritten, every other table kept), so
//! glyph ids, widths and the character map stay those of the whole face and a content stream
//! written for the whole face prints the same with the cut one. Done once per process for the
//! repertoire of most documents (French text): their PDFs embed about a third of the outlines.
//! The tables a PDF reader does not use (names, layout and math tables: ISO 32000-1, 9.9) are
//! left out.

use std::collections::BTreeSet;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

/// The tables of a font: tag, offset, length, in directory order.
fn tables(font: &[u8]) -> Option<Vec<([u8; 4], usize, usize)>> {
    let count = usize::from(u16_at(font, 4)?);
    (0..count)
        .map(|i| {
            let at = 12 + 16 * i;
            let tag: [u8; 4] = font.get(at..at + 4)?.try_into().ok()?;
            Some((tag, u32_at(font, at + 8)? as usize, u32_at(font, at + 12)? as usize))
        })
        .collect()
}

/// The glyphs a composite glyph is made of (ISO/IEC 14496-22, 5.3.3.2).
fn components(glyph: &[u8]) -> Vec<u16> {
    let mut out = Vec::new();
    if glyph.len() < 10 || i16::from_be_bytes([glyph[0], glyph[1]]) >= 0 {
        return out;
    }
    let mut at = 10;
    while let (Some(flags), Some(id)) = (u16_at(glyph, at), u16_at(glyph, at + 2)) {
        out.push(id);
        at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
        at += if flags & 0x0008 != 0 {
            2
        } else if flags & 0x0040 != 0 {
            4
        } else if flags & 0x0080 != 0 {
            8
        } else {
            0
        };
        if flags & 0x0020 == 0 {
            break;
        }
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// Tables a PDF reader does not use in an embedded TrueType font.
const UNUSED: [&[u8; 4]; 5] = [b"name", b"GDEF", b"GSUB", b"GPOS", b"MATH"];

/// `font` with only the outlines of `glyphs` (and of the glyphs they are made of, and of
/// `.notdef`; all of them when `glyphs` is `None`), without the tables a PDF reader does not
/// use; `None` when the font is not a TrueType font this can read.
pub fn keep_glyphs(font: &[u8], glyphs: Option<&BTreeSet<u16>>) -> Option<Vec<u8>> {
    let mut tables = tables(font)?;
    let find = |tag: &[u8; 4]| tables.iter().find(|t| &t.0 == tag).map(|t| (t.1, t.2));
    let (head, _) = find(b"head")?;
    let long = u16_at(font, head + 50)? == 1;
    let (loca_at, loca_len) = find(b"loca")?;
    let (glyf_at, _) = find(b"glyf")?;
    let count = if long { loca_len / 4 } else { loca_len / 2 } - 1;
    let offset = |i: usize| -> Option<usize> {
        if long {
            u32_at(font, loca_at + 4 * i).map(|o| o as usize)
        } else {
            u16_at(font, loca_at + 2 * i).map(|o| 2 * usize::from(o))
        }
    };
    let glyph = |i: usize| -> Option<&[u8]> { font.get(glyf_at + offset(i)?..glyf_at + offset(i + 1)?) };
    // The glyphs kept, with the components of the composite ones.
    let mut keep: BTreeSet<u16> = match glyphs {
        Some(glyphs) => glyphs.iter().copied().filter(|g| usize::from(*g) < count).collect(),
        None => (0..count as u16).collect(),
    };
    keep.insert(0);
    let mut todo: Vec<u16> = keep.iter().copied().collect();
    while let Some(g) = todo.pop() {
        for c in components(glyph(usize::from(g))?) {
            if usize::from(c) < count && keep.insert(c) {
                todo.push(c);
            }
        }
    }
    let mut glyf = Vec::new();
    let mut loca = Vec::with_capacity(loca_len);
    for i in 0..=count {
        let at = glyf.len();
        if long {
            loca.extend_from_slice(&(at as u32).to_be_bytes());
        } else {
            loca.extend_from_slice(&((at / 2) as u16).to_be_bytes());
        }
        if i < count && keep.contains(&(i as u16)) {
            glyf.extend_from_slice(glyph(i)?);
            glyf.resize(glyf.len().next_multiple_of(4), 0);
        }
    }
    // The same directory less the unused tables, `glyf` and `loca` replaced, every table on a
    // 4-byte boundary.
    tables.retain(|t| !UNUSED.contains(&&t.0));
    let header_len = 12 + 16 * tables.len();
    let mut out = font.get(..12)?.to_vec();
    let n = tables.len() as u16;
    let power = 1u16 << n.ilog2();
    out[4..6].copy_from_slice(&n.to_be_bytes());
    out[6..8].copy_from_slice(&(power * 16).to_be_bytes());
    out[8..10].copy_from_slice(&(power.trailing_zeros() as u16).to_be_bytes());
    out[10..12].copy_from_slice(&(n * 16 - power * 16).to_be_bytes());
    for (tag, _, _) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&[0; 12]);
    }
    debug_assert_eq!(out.len(), header_len);
    let mut head_at = 0;
    for (k, (tag, at, len)) in tables.iter().enumerate() {
        let data: &[u8] = match tag {
            b"glyf" => &glyf,
            b"loca" => &loca,
            _ => font.get(*at..*at + *len)?,
        };
        let start = out.len();
        if tag == b"head" {
            head_at = start;
        }
        out.extend_from_slice(data);
        let mut table_sum = checksum(data);
        if tag == b"head" {
            // The adjustment is left out of the head table's own checksum.
            table_sum = table_sum.wrapping_sub(u32_at(data, 8)?);
        }
        out.resize(out.len().next_multiple_of(4), 0);
        let entry = 12 + 16 * k;
        out[entry + 4..entry + 8].copy_from_slice(&table_sum.to_be_bytes());
        out[entry + 8..entry + 12].copy_from_slice(&(start as u32).to_be_bytes());
        out[entry + 12..entry + 16].copy_from_slice(&(data.len() as u32).to_be_bytes());
    }
    out[head_at + 8..head_at + 12].copy_from_slice(&[0; 4]);
    let adjustment = 0xB1B0_AFBA_u32.wrapping_sub(checksum(&out));
    out[head_at + 8..head_at + 12].copy_from_slice(&adjustment.to_be_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::font::{self, Style};

    #[test]
    fn a_cut_font_keeps_the_glyphs_asked_for_with_their_components_and_the_same_ids() {
        let m = font::metrics(Style::Regular);
        let wanted: BTreeSet<u16> = "Aé".chars().map(|c| m.glyph(c)).collect();
        let cut = keep_glyphs(font::REGULAR, Some(&wanted)).unwrap();
        assert!(cut.len() < font::REGULAR.len() / 2, "{} bytes", cut.len());
        let whole = ttf_parser::Face::parse(font::REGULAR, 0).unwrap();
        let face = ttf_parser::Face::parse(&cut, 0).unwrap();
        assert_eq!(face.number_of_glyphs(), whole.number_of_glyphs());
        for c in ['A', 'é'] {
            let id = face.glyph_index(c).unwrap();
            assert_eq!(Some(id), whole.glyph_index(c));
            assert_eq!(face.glyph_bounding_box(id), whole.glyph_bounding_box(id), "{c}");
        }
        // `Z` was not asked for: no outline.
        assert!(face.glyph_bounding_box(face.glyph_index('Z').unwrap()).is_none());
        assert_eq!(checksum(&cut), 0xB1B0_AFBA, "the whole-font checksum");
        assert!(face.tables().name.is_none() && face.tables().gsub.is_none());
    }

    #[test]
    fn a_whole_font_keeps_every_outline() {
        let cut = keep_glyphs(font::BOLD, None).unwrap();
        let whole = ttf_parser::Face::parse(font::BOLD, 0).unwrap();
        let face = ttf_parser::Face::parse(&cut, 0).unwrap();
        for id in 0..whole.number_of_glyphs() {
            let id = ttf_parser::GlyphId(id);
            assert_eq!(face.glyph_bounding_box(id), whole.glyph_bounding_box(id));
            assert_eq!(face.glyph_hor_advance(id), whole.glyph_hor_advance(id));
        }
    }
}
