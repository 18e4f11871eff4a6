//! The pages, rendered on the server from the templates of `templates/pages/` (editable without
//! recompiling: `cqpt serve --data DIR`), and the small stylesheet and scripts served by the
//! binary itself (no CDN).
//!
//! Every page template is a Handlebars file named after the page; `layout.hbs` is the partial
//! that frames them (`{{#> layout}}…{{/layout}}`). Values are HTML-escaped by Handlebars.

use super::error::AppError;
use crate::source::DataSource;
use axum::response::Html;
use handlebars::Handlebars;
use serde::Serialize;
use std::collections::BTreeMap;

/// The folder of the page templates in a data folder.
pub const PAGES_FOLDER: &str = "templates/pages";

/// The page templates and the static files.
pub struct Pages {
    handlebars: Handlebars<'static>,
    /// `name.css` / `name.js` → (media type, text).
    assets: BTreeMap<String, (&'static str, String)>,
}

impl Pages {
    /// Reads every template and static file of `templates/pages/`; a template that does not
    /// parse is an error naming its file.
    pub fn load(data: &DataSource) -> crate::error::Result<Pages> {
        let mut handlebars = Handlebars::new();
        handlebars.set_strict_mode(false);
        // Rows are numbered from 1 for people (`{{plus1 @index}}`), as the errors number them.
        handlebars::handlebars_helper!(plus1: |n: u64| n + 1);
        handlebars.register_helper("plus1", Box::new(plus1));
        for file in data.files(PAGES_FOLDER, "hbs")? {
            let name = file.file_name().trim_end_matches(".hbs").to_string();
            // Every page is also a partial, so that a page can hold another (the evaluator's
            // synthesis panel is a page of its own, sent alone after each level saved).
            let registered = if name == "layout" {
                handlebars.register_partial(&name, file.text.clone())
            } else {
                handlebars
                    .register_template_string(&name, file.text.clone())
                    .and_then(|()| handlebars.register_partial(&name, file.text.clone()))
            };
            registered.map_err(|e| crate::error::Error::Data(format!("{}: {e}", file.name)))?;
        }
        let mut assets = BTreeMap::new();
        for (extension, media) in
            [("css", "text/css; charset=utf-8"), ("js", "text/javascript; charset=utf-8")]
        {
            for file in data.files(PAGES_FOLDER, extension)? {
                assets.insert(file.file_name().to_string(), (media, file.text));
            }
        }
        Ok(Pages { handlebars, assets })
    }

    /// The page `name` filled with `view`.
    pub fn render(&self, name: &str, view: &impl Serialize) -> Result<Html<String>, AppError> {
        self.handlebars
            .render(name, view)
            .map(Html)
            .map_err(|e| AppError::Internal(format!("page {name}: {e}")))
    }

    /// The page `name` filled with `view` as the answer to a form: 422 when the form was
    /// `refused` (it comes back with its errors), 200 otherwise.
    pub fn render_form(
        &self,
        name: &str,
        view: &impl Serialize,
        refused: bool,
    ) -> Result<axum::response::Response, AppError> {
        use axum::response::IntoResponse;
        let mut response = self.render(name, view)?.into_response();
        if refused {
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        }
        Ok(response)
    }

    /// A static file by name: its media type and text.
    pub fn asset(&self, name: &str) -> Option<&(&'static str, String)> {
        self.assets.get(name)
    }
}
