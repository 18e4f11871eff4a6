//! The handlebars templates of `templates/`, editable without recompiling: strict mode (a
//! misspelt field is an error, not a blank), no HTML escaping (PDF text), and an escape that
//! protects the markup (a `|` in a value cannot break a table). Errors name the template file
//! and line.

use crate::error::{Error, Result};
use crate::source::DataSource;
use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde::Serialize;

/// The loaded templates.
pub struct Templates {
    registry: Handlebars<'static>,
}

/// What `{{value}}` does to a value: a `|` would end a table cell and a line break a row.
fn markup_escape(text: &str) -> String {
    text.replace('|', "/").replace(['\n', '\r'], " ")
}

/// `{{date d}}`: 2026-10-20 → 20 octobre 2026.
fn date_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let value = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("date", 0))?;
    out.write(&french_date(value))?;
    Ok(())
}

/// `{{euros x}}`: 300 → 300,00 €.
fn euros_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let value = h
        .param(0)
        .and_then(|p| p.value().as_f64())
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("euros", 0))?;
    out.write(&format!("{}\u{a0}€", format!("{value:.2}").replace('.', ",")))?;
    Ok(())
}

/// A date in French words; the text unchanged if it is not a date.
pub fn french_date(value: &str) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    match value.parse::<crate::date::Date>() {
        Ok(_) => {
            let parts: Vec<&str> = value.split('-').collect();
            let month = parts[1].parse::<usize>().unwrap_or(1);
            let day = parts[2].trim_start_matches('0');
            let day = if day == "1" { "1er" } else { day };
            format!("{day} {} {}", MONTHS[month - 1], parts[0])
        }
        Err(_) => value.to_string(),
    }
}

impl Templates {
    /// Loads every `templates/*.hbs` of `source`; a syntax error names the file and line.
    pub fn load(source: &DataSource) -> Result<Templates> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(markup_escape);
        registry.register_helper("date", Box::new(date_helper));
        registry.register_helper("euros", Box::new(euros_helper));
        for file in source.files("templates", "hbs")? {
            let name = file.file_name().trim_end_matches(".hbs").to_string();
            registry.register_template_string(&name, &file.text).map_err(|e| Error::Template {
                template: file.name.clone(),
                line: e.pos().map(|(line, _)| line),
                message: e.reason().to_string(),
            })?;
        }
        Ok(Templates { registry })
    }

    /// Whether a template of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.registry.has_template(name)
    }

    /// Renders template `name` with `data`; an error names the template and line.
    pub fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String> {
        self.registry.render(name, data).map_err(|e| Error::Template {
            template: format!(
                "templates/{}.hbs",
                e.template_name.clone().unwrap_or_else(|| name.to_string())
            ),
            line: e.line_no,
            message: e.reason().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_french() {
        assert_eq!(french_date("2026-10-20"), "20 octobre 2026");
        assert_eq!(french_date("2026-03-01"), "1er mars 2026");
        assert_eq!(french_date("demain"), "demain");
    }

    #[test]
    fn values_cannot_break_the_markup() {
        assert_eq!(markup_escape("a | b\nc"), "a / b c");
    }
}
