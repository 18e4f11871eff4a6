//! A QR code stamped on the first page of a finished PDF (the parchemin's link to its
//! credential): the modules are drawn as filled squares in a content stream added to the page,
//! so the layout engine needs no image support.

use crate::error::{Error, Result};
use qrcode::{Color, EcLevel, QrCode};
use std::fmt::Write;

/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The dark modules of the QR code of `text` (error correction M), as (column, row), and the
/// code's width in modules.
pub fn modules(text: &str) -> Result<(Vec<(usize, usize)>, usize)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| Error::Data(format!("the QR code cannot hold `{text}` ({e})")))?;
    let width = code.width();
    let dark = code
        .to_colors()
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == Color::Dark)
        .map(|(i, _)| (i % width, i / width))
        .collect();
    Ok((dark, width))
}

/// The PDF bytes with the QR code of `text` drawn on page 1, its lower-left corner `x_mm`,
/// `y_mm` from the lower-left corner of the page, `size_mm` wide (quiet zone included).
pub fn stamp(pdf: &[u8], text: &str, x_mm: f32, y_mm: f32, size_mm: f32) -> Result<Vec<u8>> {
    let (dark, width) = modules(text)?;
    // Four modules of quiet zone on each side.
    let module = size_mm * PT_PER_MM / (width + 8) as f32;
    let (x0, y0) = (x_mm * PT_PER_MM + 4.0 * module, y_mm * PT_PER_MM + 4.0 * module);
    let mut ops = String::from("q\n0 0 0 rg\n");
    for (col, row) in dark {
        let x = x0 + col as f32 * module;
        // Rows go down from the top of the code.
        let y = y0 + (width - 1 - row) as f32 * module;
        let _ = writeln!(ops, "{x:.3} {y:.3} {module:.3} {module:.3} re");
    }
    ops.push_str("f\nQ\n");
    let bad = |e: lopdf::Error| Error::Data(format!("the PDF cannot take the QR code ({e})"));
    let mut doc = lopdf::Document::load_mem(pdf).map_err(bad)?;
    let page = *doc.get_pages().get(&1).ok_or_else(|| Error::Data("the PDF has no page".into()))?;
    doc.add_page_contents(page, ops.into_bytes()).map_err(bad)?;
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| Error::Data(format!("the PDF cannot be written ({e})")))?;
    Ok(out)
}
