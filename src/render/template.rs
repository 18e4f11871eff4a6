//! The handlebars templates of `templates/`, editable without recompiling: strict mode (a
//! misspelt field is an error, not a blank), no HTML escaping (PDF text), and an escape that
//! protects the markup (a `|` in a value cannot break a table). Errors name the template file
//! and line.

use crate::error::{Error, Result};
use crate::source::DataSource;
use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde::Serialize;
use std::collections::BTreeMap;

/// The loaded templates.
pub struct Templates {
    registry: Handlebars<'static>,
    /// Each template's file and text, to find the line behind a markup error.
    sources: BTreeMap<String, (String, String)>,
    /// The templates whose rows can be streamed ([`split_rows`]): their document and rows
    /// templates, registered under these names.
    streamed: BTreeMap<String, (String, String)>,
}

/// A template that prints `{{#each rows}} … {{/each}}` (each tag alone on its line, once)
/// as two: the document, with the loop replaced by the line [`STREAMED_ROWS`], and the loop
/// alone, to be filled with the rows a batch at a time. Only when the result cannot differ:
/// nothing else names `rows`, and the loop's body uses no `@index`/`@first`/`@last`, no
/// `../`, no partial, no `else`, no nested loop and no whitespace control.
///
/// [`STREAMED_ROWS`]: super::markup::STREAMED_ROWS
fn split_rows(text: &str) -> Option<(String, String)> {
    const OPEN: &str = "{{#each rows}}";
    const CLOSE: &str = "{{/each}}";
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let open = lines.iter().position(|l| l.trim() == OPEN)?;
    let close = open + lines[open..].iter().position(|l| l.trim() == CLOSE)?;
    let body = lines[open + 1..close].concat();
    let before = lines[..open].concat();
    let after = lines[close + 1..].concat();
    let refused = ["{{#", "{{^", "@", "../", "{{>", "else", "~"];
    if refused.iter().any(|r| body.contains(r))
        || [&before, &after].iter().any(|t| t.contains("rows") || t.contains('~'))
        || !lines[close].ends_with('\n')
    {
        return None;
    }
    let document = format!("{before}{}\n{after}", super::markup::STREAMED_ROWS);
    Some((document, lines[open..=close].concat()))
}

/// What `{{value}}` does to a value: a `|` would end a table cell and a line break a row.
fn markup_escape(text: &str) -> String {
    if !text.bytes().any(|b| matches!(b, b'|' | b'\n' | b'\r' | b'{')) {
        return text.to_owned();
    }
    // A value never makes markup: no cell separator, no line break, and no `{grey}` cell
    // marker (written with a space inside, it prints as typed and fills nothing).
    text.replace('|', "/").replace(['\n', '\r'], " ").replace("{grey}", "{grey }")
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

/// `{{euros x}}`: 1400 → 1 400,00 € ([`super::french::euros`]).
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
    out.write(&super::french::euros(value))?;
    Ok(())
}

/// A date in French words, never split across lines ([`super::french::date`]); the text
/// unchanged if it is not a date.
pub fn french_date(value: &str) -> String {
    value.parse::<crate::date::Date>().map_or_else(|_| value.to_string(), super::french::date)
}

impl Templates {
    /// No template at all: for work that writes no document (a session without PDFs), which
    /// then need not compile them.
    pub fn none() -> Templates {
        Templates { registry: Handlebars::new(), sources: BTreeMap::new(), streamed: BTreeMap::new() }
    }

    /// Loads every `templates/*.hbs` of `source`; a syntax error names the file and line. Each
    /// template is checked first against its budget ([`crate::limits::TEMPLATE`]: size,
    /// nesting) and its partials may not recurse.
    pub fn load(source: &DataSource) -> Result<Templates> {
        let files = source.files("templates", "hbs")?;
        let mut partials = super::template_limits::Partials::default();
        let mut names = BTreeMap::new();
        for file in &files {
            let name = file.file_name().trim_end_matches(".hbs").to_string();
            let found = super::template_limits::check(&file.name, &name, &file.text)?;
            for (from, _, _) in &found.edges {
                names.entry(from.clone()).or_insert_with(|| file.name.clone());
            }
            partials.edges.extend(found.edges);
        }
        super::template_limits::check_recursion(&partials, &names)?;
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(markup_escape);
        registry.register_helper("date", Box::new(date_helper));
        registry.register_helper("euros", Box::new(euros_helper));
        let mut sources = BTreeMap::new();
        let mut streamed = BTreeMap::new();
        for file in files {
            let name = file.file_name().trim_end_matches(".hbs").to_string();
            if let Some((document, rows)) = split_rows(&file.text) {
                let names = (format!("{name}\u{0}document"), format!("{name}\u{0}rows"));
                // A split that does not compile leaves the template whole.
                if registry.register_template_string(&names.0, document).is_ok()
                    && registry.register_template_string(&names.1, rows).is_ok()
                {
                    streamed.insert(name.clone(), names);
                }
            }
            registry.register_template_string(&name, &file.text).map_err(|e| Error::Template {
                template: file.name.clone(),
                line: e.pos().map(|(line, _)| line),
                message: e.reason().to_string(),
            })?;
            sources.insert(name, (file.name, file.text));
        }
        Ok(Templates { registry, sources, streamed })
    }

    /// A markup error in the output of template `name`, placed at the template's line that
    /// wrote the faulty output line: the line whose text before its first `{{` starts that
    /// output line (the longest such text). The output's line is given too.
    pub fn markup_error(&self, name: &str, output: &str, error: &super::markup::MarkupError) -> Error {
        let fallback = (format!("templates/{name}.hbs"), String::new());
        let (file, text) = self.sources.get(name).unwrap_or(&fallback);
        let written = output.lines().nth(error.line.saturating_sub(1)).unwrap_or("").trim();
        let line = text
            .lines()
            .enumerate()
            .filter_map(|(i, l)| {
                let literal = l.split("{{").next().unwrap_or("").trim();
                (!literal.is_empty() && written.starts_with(literal)).then_some((literal.len(), i + 1))
            })
            .min_by_key(|(len, i)| (std::cmp::Reverse(*len), *i))
            .map(|(_, i)| i);
        Error::Template {
            template: file.clone(),
            line,
            message: format!("{} (line {} of its output)", error.message, error.line),
        }
    }

    /// The names of the document and rows templates of `name`, when its rows can be streamed.
    pub fn streamed(&self, name: &str) -> Option<&(String, String)> {
        self.streamed.get(name)
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
        assert_eq!(french_date("2026-10-20"), "20\u{a0}octobre\u{a0}2026");
        assert_eq!(french_date("2026-03-01"), "1er\u{a0}mars\u{a0}2026");
        assert_eq!(french_date("demain"), "demain");
    }

    #[test]
    fn markup_errors_name_the_template_line() {
        let dir = tempfile_dir();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        let text = "{{#each rows}}\n# {{this}}\n{{/each}}\n\n!tabel {{width}}\n";
        std::fs::write(dir.join("templates/t.hbs"), text).unwrap();
        let templates = Templates::load(&DataSource::Folder(dir.clone())).unwrap();
        let data = serde_json::json!({"rows": ["a", "b", "c"], "width": "1,2"});
        let output = templates.render("t", &data).unwrap();
        let error = super::super::markup::parse(&output).unwrap_err();
        assert_eq!(error.line, 5);
        let Error::Template { template, line, message } = templates.markup_error("t", &output, &error) else {
            panic!()
        };
        assert!(template.ends_with("templates/t.hbs"), "{template}");
        assert_eq!(line, Some(5));
        assert!(message.contains("line 5 of its output"), "{message}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cqpt-template-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn values_cannot_break_the_markup() {
        assert_eq!(markup_escape("a | b\nc"), "a / b c");
        // A name typed `{grey}` in a dossier prints, it does not grey a grid cell.
        assert_eq!(markup_escape("{grey}"), "{grey }");
    }
}

#[cfg(test)]
mod split_tests {
    use super::split_rows;

    #[test]
    fn a_rows_loop_alone_on_its_lines_is_split() {
        let (document, rows) =
            split_rows("# T\n!table 1,1\n{{#each rows}}\n| {{a}} | {{b}} |\n{{/each}}\n\nfin\n").unwrap();
        assert_eq!(document, format!("# T\n!table 1,1\n{}\n\nfin\n", super::super::markup::STREAMED_ROWS));
        assert_eq!(rows, "{{#each rows}}\n| {{a}} | {{b}} |\n{{/each}}\n");
    }

    #[test]
    fn a_loop_whose_text_could_differ_is_left_whole() {
        for text in [
            "{{#each rows}}\n| {{@index}} |\n{{/each}}\n",
            "{{#each rows}}\n| {{../a}} |\n{{/each}}\n",
            "{{#each rows}}\n| {{#if a}}x{{/if}} |\n{{/each}}\n",
            "{{#each rows}}\n| {{a}} |\n{{else}}\nnone\n{{/each}}\n",
            "{{#each rows}}\n| {{a}} |\n{{/each}}\n{{#if rows}}x{{/if}}\n",
            "{{#each rows}}\n| {{~a}} |\n{{/each}}\n",
            "{{#each rows}}| {{a}} |{{/each}}\n",
            "{{#each rows}}\n| {{a}} |\n{{/each}}",
        ] {
            assert!(split_rows(text).is_none(), "{text}");
        }
    }
}
