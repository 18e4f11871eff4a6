//! Documents: a template (handlebars, `templates/`) is filled with a view of the data, its
//! text read as [`markup`], laid out on A4 pages by [`flow`] into a backend-neutral
//! [`layout::Document`], and printed by the [`pdf`](mod@pdf) backend.

pub mod flow;
pub mod font;
pub mod french;
pub mod layout;
pub mod markup;
pub mod paginate;
pub mod pdf;
pub mod pdf_meta;
pub mod template;
pub mod template_limits;

use crate::date::Date;
use crate::error::{Error, Result};
use serde::Serialize;
pub use template::Templates;

/// Fills template `name` with `data` and lays it out; `created` dates the document.
pub fn document<T: Serialize>(
    templates: &Templates,
    name: &str,
    data: &T,
    created: Date,
) -> Result<layout::Document> {
    let text = templates.render(name, data)?;
    let missing = font::missing_chars(&text);
    if !missing.is_empty() {
        return Err(Error::Template {
            template: format!("templates/{name}.hbs"),
            line: None,
            message: format!(
                "characters the embedded font cannot print: {} (widen scripts/make-fonts.sh)",
                missing.iter().map(|c| format!("{c:?} U+{:04X}", *c as u32)).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let markup = markup::parse(&text).map_err(|e| templates.markup_error(name, &text, &e))?;
    Ok(flow::layout(&markup, created))
}

/// Fills template `name` with `data` and prints it as PDF bytes.
pub fn pdf<T: Serialize>(templates: &Templates, name: &str, data: &T, created: Date) -> Result<Vec<u8>> {
    Ok(pdf::to_pdf(&document(templates, name, data, created)?))
}
