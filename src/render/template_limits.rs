//! What a template may do, checked before handlebars reads it: its size, the nesting of its
//! blocks, and its partials (never recursive, never named at run time). Handlebars itself
//! recurses without limit: a recursive partial or thousands of nested blocks would overflow
//! the stack and abort the process.

use crate::error::Error;
use crate::limits::{Budget, TEMPLATE};
use std::collections::{BTreeMap, BTreeSet};

/// The partials a template (or an inline partial it defines) includes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Partials {
    /// `(includer, included, line)`: the includer is the template's name or an inline
    /// partial's.
    pub edges: Vec<(String, String, usize)>,
}

/// One `{{…}}` tag: its text without braces and `~`, and its 1-based line.
struct Tag<'a> {
    body: &'a str,
    line: usize,
}

/// The tags of a template, comments left out.
fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut line = 1;
    while let Some(start) = rest.find("{{") {
        line += rest[..start].matches('\n').count();
        let after = &rest[start + 2..];
        let comment_end = if after.starts_with("!--") {
            after.find("--}}").map(|e| e + 4)
        } else if after.starts_with('!') {
            after.find("}}").map(|e| e + 2)
        } else {
            None
        };
        let (body, consumed) = match comment_end {
            Some(end) => ("", end),
            None => match after.find("}}") {
                Some(end) => (&after[..end], end + 2),
                None => break,
            },
        };
        let body = body.trim_start_matches('{').trim_end_matches('}');
        let body = body.trim_matches('~').trim();
        if !body.is_empty() {
            out.push(Tag { body, line });
        }
        line += after[..consumed].matches('\n').count();
        rest = &after[consumed..];
    }
    out
}

/// The name a partial tag includes: `> name`, `> "name"`; `None` for a name computed at run
/// time (`> (lookup …)`).
fn partial_name(rest: &str) -> Option<&str> {
    let name = rest.split_whitespace().next()?;
    (!name.starts_with('(')).then(|| name.trim_matches(['"', '\'']))
}

/// Checks one template against its budget ([`TEMPLATE`]): size, nesting of blocks, partials
/// named in the text; returns the partials it includes.
pub fn check(file: &str, name: &str, text: &str) -> Result<Partials, Error> {
    check_with(file, name, text, &TEMPLATE)
}

/// [`check`] with a given budget.
pub fn check_with(file: &str, name: &str, text: &str, budget: &Budget) -> Result<Partials, Error> {
    let fail =
        |line: Option<usize>, message: String| Error::Template { template: file.to_string(), line, message };
    if text.len() > budget.bytes {
        return Err(fail(
            None,
            format!("the template is too large ({} bytes, at most {} accepted)", text.len(), budget.bytes),
        ));
    }
    let mut partials = Partials::default();
    // The open blocks, each with the owner of the partials included inside it.
    let mut open: Vec<String> = Vec::new();
    for tag in tags(text) {
        let owner = open.last().cloned().unwrap_or_else(|| name.to_string());
        let (opens, rest) = match tag.body.as_bytes()[0] {
            b'#' => (true, tag.body[1..].trim_start()),
            b'^' if tag.body.len() > 1 => (true, tag.body[1..].trim_start()),
            b'/' => {
                open.pop();
                continue;
            }
            _ => (false, tag.body),
        };
        if let Some(included) = rest.strip_prefix('>') {
            match partial_name(included) {
                Some(p) if p.starts_with('@') => {}
                Some(p) => partials.edges.push((owner.clone(), p.to_string(), tag.line)),
                None => {
                    return Err(fail(
                        Some(tag.line),
                        "a partial's name must be written in the template (a computed name could recurse)"
                            .into(),
                    ));
                }
            }
        }
        if opens {
            if open.len() >= budget.depth {
                return Err(fail(
                    Some(tag.line),
                    format!("blocks may nest at most {} levels deep", budget.depth),
                ));
            }
            let inner = match rest.strip_prefix("*inline") {
                Some(n) => partial_name(n).map_or(owner, str::to_string),
                None => owner,
            };
            open.push(inner);
        }
    }
    Ok(partials)
}

/// Refuses partials that include themselves, directly or through others (handlebars would
/// recurse until the stack overflows). `files` maps each includer to its template file.
pub fn check_recursion(partials: &Partials, files: &BTreeMap<String, String>) -> Result<(), Error> {
    let mut includes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to, _) in &partials.edges {
        includes.entry(from.as_str()).or_default().insert(to.as_str());
    }
    // Remove, again and again, what includes nothing left: what stays is in a cycle.
    loop {
        let leaves: Vec<&str> = includes
            .iter()
            .filter(|(_, to)| to.iter().all(|t| !includes.contains_key(t)))
            .map(|(from, _)| *from)
            .collect();
        if leaves.is_empty() {
            break;
        }
        for leaf in leaves {
            includes.remove(leaf);
        }
    }
    let Some(&first) = includes.keys().next() else { return Ok(()) };
    let (_, _, line) = partials
        .edges
        .iter()
        .find(|(from, to, _)| from == first && includes.contains_key(to.as_str()))
        .cloned()
        .unwrap_or_default();
    let cycle: Vec<&str> = includes.keys().copied().collect();
    Err(Error::Template {
        template: files.get(first).cloned().unwrap_or_else(|| first.to_string()),
        line: (line > 0).then_some(line),
        message: format!("partials include themselves ({}): recursion is not allowed", cycle.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Budget = Budget { what: "a template", bytes: 200, depth: 2, nodes: 0, expanded_bytes: 0 };

    #[test]
    fn nesting_is_bounded_at_its_limit() {
        let two = "{{#if a}}\n{{#each b}}x{{/each}}{{/if}}";
        assert!(check_with("t.hbs", "t", two, &SMALL).is_ok());
        let three = "{{#if a}}\n{{#each b}}\n{{^c}}x{{/c}}{{/each}}{{/if}}";
        let Err(Error::Template { line, message, .. }) = check_with("t.hbs", "t", three, &SMALL) else {
            panic!("3 levels accepted")
        };
        assert_eq!(line, Some(3));
        assert!(message.contains("at most 2 levels"), "{message}");
        // `{{^}}` is an `else`, and comments hold no tags.
        assert!(check_with("t.hbs", "t", "{{#if a}}{{^}}{{!-- {{#if}} --}}{{/if}}", &SMALL).is_ok());
    }

    #[test]
    fn size_is_bounded_at_its_limit() {
        assert!(check_with("t.hbs", "t", &"x".repeat(200), &SMALL).is_ok());
        assert!(check_with("t.hbs", "t", &"x".repeat(201), &SMALL).is_err());
    }

    #[test]
    fn recursive_partials_are_refused() {
        let files = BTreeMap::from([("a".to_string(), "a.hbs".to_string())]);
        let mut p = check("a.hbs", "a", "x\n{{> b}}").unwrap();
        p.edges.extend(check("b.hbs", "b", "{{> c}}").unwrap().edges);
        assert!(check_recursion(&p, &files).is_ok());
        p.edges.extend(check("c.hbs", "c", "{{#if x}}{{> a}}{{/if}}").unwrap().edges);
        let Err(Error::Template { template, line, message }) = check_recursion(&p, &files) else {
            panic!("cycle accepted")
        };
        assert_eq!((template.as_str(), line), ("a.hbs", Some(2)));
        assert!(message.contains("a, b, c"), "{message}");
        let inline = check("d.hbs", "d", "{{#*inline \"n\"}}{{> n}}{{/inline}}{{> n}}").unwrap();
        assert!(check_recursion(&inline, &files).is_err());
        assert!(check("e.hbs", "e", "{{> (lookup . \"x\")}}").is_err());
    }
}
