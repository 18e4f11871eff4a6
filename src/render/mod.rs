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

/// The rows of a streamed template, as its rows template sees them.
#[derive(Serialize)]
struct RowsView<'r, R> {
    rows: &'r [R],
}

/// Fills template `name` with `head` and the rows `rows` gives a batch at a time (`None` at
/// the end), and writes it as PDF to `out` without ever holding the whole document: the rows'
/// text, markup, layout and pages are made and written batch by batch (see
/// [`Templates::streamed`], [`flow::layout_streamed`], [`pdf::Streamed`]). `head` is the view
/// without its rows. The bytes are those of [`pdf`] with the whole view.
///
/// `Ok(false)`, nothing written, when the document cannot be streamed: the template's rows
/// loop cannot be split, or something in it would be an error (a character the font lacks, a
/// row the markup refuses). The caller then renders the whole view, which names the error as
/// usual. An error writing to `out` is an [`Error::Write`] naming `path`.
pub fn pdf_streamed<T: Serialize, R: Serialize>(
    templates: &Templates,
    name: &str,
    head: &T,
    rows: &mut dyn FnMut() -> Option<Vec<R>>,
    created: Date,
    out: &mut dyn std::io::Write,
    path: &std::path::Path,
) -> Result<bool> {
    let Some((document, rows_template)) = templates.streamed(name) else { return Ok(false) };
    let Ok(text) = templates.render(document, head) else { return Ok(false) };
    if text.matches(markup::STREAMED_ROWS).count() != 1
        || !font::missing_chars(&text.replace(markup::STREAMED_ROWS, "")).is_empty()
    {
        return Ok(false);
    }
    let Ok(markup) = markup::parse(&text) else { return Ok(false) };
    let streamed: Vec<usize> = markup
        .blocks
        .iter()
        .filter_map(|b| match b {
            markup::Block::Table(t) if t.streamed.is_some() => Some(t.widths.len()),
            _ => None,
        })
        .collect();
    let [columns] = streamed[..] else { return Ok(false) };
    let mut refused = false;
    let mut source = || {
        if refused {
            return None;
        }
        let batch = rows()?;
        let parsed = templates
            .render(rows_template, &RowsView { rows: &batch })
            .ok()
            .filter(|t| font::missing_chars(t).is_empty())
            .and_then(|t| markup::streamed_rows(&t, columns));
        refused = parsed.is_none();
        parsed
    };
    let temporary = |source| Error::Write { path: std::env::temp_dir(), source };
    let mut pdf = pdf::Streamed::new().map_err(temporary)?;
    let mut failed = None;
    let doc = flow::layout_streamed(&markup, created, &mut source, &mut |pages| {
        for (page, running) in pages {
            if failed.is_none()
                && let Err(e) = pdf.page(&page, running)
            {
                failed = Some(e);
            }
        }
    });
    if refused {
        return Ok(false);
    }
    if let Some(e) = failed {
        return Err(temporary(e));
    }
    pdf.finish(&doc, out).map(|()| true).map_err(|source| Error::Write { path: path.to_path_buf(), source })
}
