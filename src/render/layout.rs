//! The document model the layout produces and a backend prints: pages of placed text, lines
//! and boxes, in millimetres from the top-left corner. Nothing here knows about PDF.

use super::font::Style;
use crate::date::Date;

/// A4 width, in millimetres.
pub const A4_SHORT: f32 = 210.0;
/// A4 height, in millimetres.
pub const A4_LONG: f32 = 297.0;

/// One piece of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Text on one line; `y` is its baseline.
    Text {
        /// Left, mm.
        x: f32,
        /// Baseline, mm from the top.
        y: f32,
        /// Size, points.
        size: f32,
        /// Face.
        style: Style,
        /// Grey level 0 (black) to 1 (white).
        gray: f32,
        /// The text.
        text: String,
    },
    /// A straight line.
    Line {
        /// Start, mm.
        x1: f32,
        /// Start, mm from the top.
        y1: f32,
        /// End, mm.
        x2: f32,
        /// End, mm from the top.
        y2: f32,
        /// Width, points.
        width: f32,
        /// Grey level.
        gray: f32,
    },
    /// A rectangle, filled and/or stroked.
    Rect {
        /// Left, mm.
        x: f32,
        /// Top, mm.
        y: f32,
        /// Width, mm.
        w: f32,
        /// Height, mm.
        h: f32,
        /// Fill grey level, if filled.
        fill: Option<f32>,
        /// Stroke width in points, if stroked.
        stroke: Option<f32>,
    },
}

/// A page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Width, mm.
    pub width: f32,
    /// Height, mm.
    pub height: f32,
    /// What is on it.
    pub items: Vec<Item>,
}

/// A document ready for a backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Title (metadata).
    pub title: String,
    /// Author (metadata).
    pub author: String,
    /// Subject (metadata).
    pub subject: String,
    /// Creation date (metadata): from the dossier or `SOURCE_DATE_EPOCH`, never the clock.
    pub created: Date,
    /// Pages.
    pub pages: Vec<Page>,
}

impl Document {
    /// Every text of the document, page by page, for tests and checks.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for page in &self.pages {
            for item in &page.items {
                if let Item::Text { text, .. } = item {
                    out.push_str(text);
                    out.push('\n');
                }
            }
        }
        out
    }
}
