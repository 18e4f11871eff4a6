//! Documents: a template (handlebars, `templates/`) is filled with a view of the data, its
//! text read as [`markup`], laid out on A4 pages by [`flow`] into a backend-neutral
//! [`layout::Document`], and printed by the [`pdf`](mod@pdf) backend.

pub mod flow;
pub mod font;
pub mod font_subset;
pub mod french;
pub mod layout;
pub mod markup;
pub mod paginate;
pub mod pdf;
pub mod pdf_fonts;
pub mod pdf_meta;
pub mod pdf_write;
pub mod qr;
pub mod template;
pub mod template_limits;
pub mod unprintable;

use crate::date::Date;
use crate::error::{Error, Result};
use serde::Serialize;
pub use template::Templates;

/// Fills template `name` with `data` and lays it out; `created` dates the document. Text the
/// font cannot print is an [`Error::Unprintable`] naming the fields of `data` that hold it.
pub fn document<T: Serialize>(
    templates: &Templates,
    name: &str,
    data: &T,
    created: Date,
) -> Result<layout::Document> {
    let text = templates.render(name, data)?;
    let chars = font::missing_chars(&text);
    if !chars.is_empty() {
        // Rare: only then is the view walked, to name the fields that hold the characters.
        return Err(Error::Unprintable {
            template: format!("templates/{name}.hbs"),
            fields: unprintable::find(data),
            chars,
        });
    }
    let markup = markup::parse(&text).map_err(|e| templates.markup_error(name, &text, &e))?;
    Ok(flow::layout(&markup, created))
}

/// Fills template `name` with `data` and prints it as PDF bytes.
pub fn pdf<T: Serialize>(templates: &Templates, name: &str, data: &T, created: Date) -> Result<Vec<u8>> {
    Ok(pdf::to_pdf(&document(templates, name, data, created)?))
}
