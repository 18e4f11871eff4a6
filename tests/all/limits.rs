//! Bad input never harms (issue 10, point 4): every number of the policy is checked at the
//! edges of its range; every loader refuses a file over its size budget, naming the file and
//! the limit; a file that is not UTF-8 is reported at its first bad byte.

use crate::builder::context;
use crate::common::{root, run};
use cqpt::source::SourceFile;

fn shipped_policy() -> String {
    std::fs::read_to_string(root().join("referentiels/politique.toml")).unwrap()
}

/// The policy with `key = value` in place of the first line that sets `key`, and that line.
fn with(key: &str, value: i64) -> (SourceFile, u32) {
    let text = shipped_policy();
    let mut line = 0;
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if line == 0 && l.trim_start().starts_with(&format!("{key} =")) {
                line = u32::try_from(i + 1).unwrap();
                format!("{key} = {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(line > 0, "no line sets {key}");
    (SourceFile { name: "politique.toml".into(), text: lines.join("\n") }, line)
}

/// The errors of the policy with `key = value`, as (line, field).
fn errors(key: &str, value: i64) -> (Vec<(u32, String)>, u32) {
    let (library, _) = context();
    let (file, line) = with(key, value);
    let found = match cqpt::policy::load_policy(&file, library) {
        Ok(_) => vec![],
        Err(d) => d.iter().filter(|d| d.is_error()).map(|d| (d.location.line, d.field.clone())).collect(),
    };
    (found, line)
}

/// Each number of the policy: its key, its field, and the range it is allowed.
const RANGES: &[(&str, &str, i64, i64)] = &[
    ("required", "levels.required", 0, 5),
    ("quiz_max", "levels.quiz_max", 0, 5),
    ("justification_from", "levels.justification_from", 0, 5),
    ("complement_max_gap", "activities.complement_max_gap", 0, 5),
    ("min_experience_years", "recevabilite.min_experience_years", 0, 10),
    ("end_of_contract_window_years", "recevabilite.end_of_contract_window_years", 0, 10),
    ("window_years", "recevabilite.window_years", 1, 50),
    ("min_hours", "recevabilite.min_hours", 0, 100_000),
    ("max_minutes", "observation.max_minutes", 1, 1_440),
    ("distance", "observation.min_contacts.distance", 1, 1_000),
    ("point-de-distribution", "observation.min_contacts.point-de-distribution", 1, 1_000),
    ("years_not_practising", "carry_over.years_not_practising", 0, 50),
    ("years_practising", "carry_over.years_practising", 0, 50),
    ("years", "accreditation.years", 1, 50),
    ("euros_per_hour", "funding.euros_per_hour", 0, 100_000),
    ("max_hours", "funding.max_hours", 0, 1_000),
    ("max_modulation_percent", "funding.max_modulation_percent", 0, 20),
    ("modulation_percent", "funding.modulation_percent", -20, 20),
    ("salaries", "commission.salaries", 1, 100),
    ("employeurs", "commission.employeurs", 1, 100),
    ("minutes", "quiz.minutes", 1, 1_440),
    ("max_questions", "quiz.max_questions", 1, 1_000),
    ("min_answers", "quiz.min_answers", 1, 100),
    ("pass_percent", "quiz.pass_percent", 1, 100),
    ("exposure_percent", "quiz.exposure_percent", 1, 100),
    ("min_questions_per_item", "quiz.min_questions_per_item", 0, 1_000),
];

#[test]
fn every_policy_number_is_checked_at_both_ends_of_its_range() {
    for &(key, field, min, max) in RANGES {
        for inside in [min, max] {
            let (found, _) = errors(key, inside);
            assert!(found.is_empty(), "{field} = {inside} refused: {found:?}");
        }
        for outside in [min - 1, max + 1] {
            let (found, line) = errors(key, outside);
            // Below zero an unsigned field is refused by the TOML reader itself, at its line.
            assert!(
                found.iter().any(|(l, f)| *l == line && (f == field || f.is_empty())),
                "{field} = {outside} not refused at line {line}: {found:?}"
            );
        }
    }
}

/// `modulation_percent = -2147483648` passed the ±20 % check through `i32::abs` overflow and
/// made the funding negative.
#[test]
fn the_smallest_modulation_is_refused_not_overflowed() {
    let (found, line) = errors("modulation_percent", i64::from(i32::MIN));
    assert_eq!(found, vec![(line, "funding.modulation_percent".to_string())]);
    let (found, line) = errors("max_modulation_percent", i64::from(i32::MIN));
    assert!(found.contains(&(line, "funding.max_modulation_percent".to_string())), "{found:?}");
}

#[test]
fn the_policy_has_a_size_and_depth_budget() {
    let (library, _) = context();
    let budget = cqpt::limits::POLICY;
    let mut text = shipped_policy();
    text.push_str(&"#".repeat(budget.bytes - text.len()));
    let at_limit = SourceFile { name: "politique.toml".into(), text: text.clone() };
    assert!(cqpt::policy::load_policy(&at_limit, library).is_ok());
    text.push('#');
    let over = SourceFile { name: "politique.toml".into(), text };
    let d = cqpt::policy::load_policy(&over, library).unwrap_err();
    assert_eq!((d.0[0].code, d.0[0].location.file.as_str()), (cqpt::diag::Code::TooLarge, "politique.toml"));
    let deep = |n: usize| SourceFile {
        name: "politique.toml".into(),
        text: format!("{}\nx = {}1{}\n", shipped_policy(), "[".repeat(n), "]".repeat(n)),
    };
    // At the limit the reader sees the nesting (and refuses the unknown key); over it, the
    // nesting is refused before the TOML reader recurses into it.
    let at = cqpt::policy::load_policy(&deep(budget.depth), library).unwrap_err();
    assert_ne!(at.0[0].code, cqpt::diag::Code::TooLarge, "{at}");
    let over = cqpt::policy::load_policy(&deep(budget.depth + 1), library).unwrap_err();
    assert_eq!(over.0[0].code, cqpt::diag::Code::TooLarge, "{over}");
    let bomb = cqpt::policy::load_policy(&deep(100_000), library).unwrap_err();
    assert_eq!(bomb.0[0].code, cqpt::diag::Code::TooLarge);
}

#[test]
fn a_dossier_not_in_utf8_is_reported_at_its_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, b"candidate:\n  name: Ren\xe9\n").unwrap();
    let r = run(&["dossier", "check", path.to_str().unwrap()]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("latin1.yaml:2:12"), "{}", r.stderr);
    assert!(r.stderr.contains("0xE9"), "{}", r.stderr);
}

#[test]
fn a_dossier_over_its_budget_is_refused_naming_the_file_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let limit = cqpt::limits::DOSSIER.bytes;
    let path = dir.path().join("big.yaml");
    let head = "candidate: {name: x}\nnotes: \"";
    let fits = format!("{head}{}\"\n", "x".repeat(limit - head.len() - 2));
    assert_eq!(fits.len(), limit);
    std::fs::write(&path, &fits).unwrap();
    let r = run(&["dossier", "check", path.to_str().unwrap()]);
    assert!(!r.stderr.contains("too-large"), "{}", r.stderr);
    let over = format!("{head}{}\"\n", "x".repeat(limit - head.len() - 1));
    std::fs::write(&path, &over).unwrap();
    let r = run(&["dossier", "check", path.to_str().unwrap()]);
    assert!(r.stderr.contains("too-large"), "{}", r.stderr);
    assert!(r.stderr.contains("big.yaml"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("at most {limit}")), "{}", r.stderr);
    assert!(r.stderr.len() < 2_000, "the value is echoed: {} bytes", r.stderr.len());
}

/// Loads a templates folder holding `files`.
fn load_templates(files: &[(&str, String)]) -> Result<cqpt::render::Templates, cqpt::Error> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join("templates").join(name), text).unwrap();
    }
    cqpt::render::Templates::load(&cqpt::source::DataSource::Folder(dir.path().to_path_buf()))
}

/// A recursive partial and 5,000 nested blocks aborted the process (stack overflow).
#[test]
fn templates_cannot_recurse_or_nest_without_bound() {
    let recursive = load_templates(&[("a.hbs", "x\n{{> b}}\n".into()), ("b.hbs", "{{> a}}".into())]);
    let Err(cqpt::Error::Template { template, line, message }) = recursive else {
        panic!("recursion accepted")
    };
    assert!(template.ends_with("a.hbs") && line == Some(2), "{template}:{line:?}");
    assert!(message.contains("recursion"), "{message}");
    let depth = cqpt::limits::TEMPLATE.depth;
    let nested = |n: usize| format!("{}x{}", "{{#if a}}\n".repeat(n), "{{/if}}".repeat(n));
    assert!(load_templates(&[("n.hbs", nested(depth))]).is_ok());
    let Err(cqpt::Error::Template { line, .. }) = load_templates(&[("n.hbs", nested(depth + 1))]) else {
        panic!("too deep accepted")
    };
    assert_eq!(line, Some(depth + 1));
    assert!(load_templates(&[("n.hbs", nested(5_000))]).is_err());
}

/// A loader under test: its diagnostics for one file.
type Loader<'a> = Box<dyn Fn(SourceFile) -> Vec<cqpt::diag::Diagnostic> + 'a>;

/// A comment of exactly `bytes` bytes (a YAML file that holds nothing but fits or not).
fn comment(bytes: usize) -> String {
    format!("#{}", "x".repeat(bytes - 1))
}

/// Whether the loader refused `text` as too large.
fn too_large(load: &dyn Fn(SourceFile) -> Vec<cqpt::diag::Diagnostic>, text: String) -> bool {
    let found = load(SourceFile { name: "f.yaml".into(), text });
    let mine: Vec<_> = found.iter().filter(|d| d.location.file == "f.yaml").collect();
    assert!(!mine.is_empty(), "{found:?}");
    mine.iter().any(|d| d.code == cqpt::diag::Code::TooLarge)
}

/// Each YAML loader refuses a file one byte over its budget, and only then.
#[test]
fn every_yaml_loader_has_its_size_budget() {
    use cqpt::limits::{DATA, DOSSIER, QUIZ_BANK};
    let (library, _) = context();
    let errors = |r: Result<(), cqpt::diag::Diagnostics>| r.err().map(|d| d.0).unwrap_or_default();
    let loaders: Vec<(&str, usize, Loader)> = vec![
        ("dossier", DOSSIER.bytes, Box::new(|f| errors(cqpt::dossier::load_dossier(&f, library).map(drop)))),
        ("bank", QUIZ_BANK.bytes, Box::new(|f| errors(cqpt::quiz::load_bank(&[f], library).map(drop)))),
        ("référentiel", DATA.bytes, Box::new(|f| errors(cqpt::referentiel::load(&[f]).map(drop)))),
    ];
    for (what, limit, load) in &loaders {
        assert!(!too_large(load, comment(*limit)), "{what}: {limit} bytes refused");
        assert!(too_large(load, comment(limit + 1)), "{what}: {} bytes accepted", limit + 1);
    }
}

fn answer_sheet(text: &str) -> Vec<cqpt::diag::Diagnostic> {
    let (library, policy) = context();
    let bank = cqpt::quiz::load(&cqpt::source::DataSource::Embedded, library).unwrap();
    let sitting = cqpt::quiz::draw(
        &bank,
        library,
        policy,
        &"distance-2b-1".parse::<cqpt::quiz::SittingId>().unwrap().spec(),
        1,
    )
    .unwrap();
    cqpt::quiz::answer_sheet::read_answers("r.csv", text, &sitting).err().map(|d| d.0).unwrap_or_default()
}

#[test]
fn an_answer_sheet_has_a_size_and_row_budget() {
    let budget = cqpt::limits::ANSWERS;
    let too_large = |d: &[cqpt::diag::Diagnostic]| d.iter().any(|d| d.code == cqpt::diag::Code::TooLarge);
    let head = "numero,reponse\n1,";
    let fits = format!("{head}{}", "A".repeat(budget.bytes - head.len()));
    assert!(!too_large(&answer_sheet(&fits)));
    assert!(too_large(&answer_sheet(&format!("{fits}A"))));
    let rows = |n: usize| format!("numero,reponse\n{}", "1,A\n".repeat(n));
    assert!(!too_large(&answer_sheet(&rows(budget.nodes))), "duplicates, but within the budget");
    let over = answer_sheet(&rows(budget.nodes + 1));
    assert!(too_large(&over));
    assert_eq!(over.last().unwrap().location.line, u32::try_from(budget.nodes + 2).unwrap());
}

/// Issue 13, point 3: a number a certificate overrides in `[certificats.<id>.<section>]` is
/// checked at both ends of the same range, at its own line (not at the default's).
#[test]
fn every_policy_number_overridden_by_a_certificate_is_checked_at_its_line() {
    let (library, _) = context();
    let check = |section: &str, key: &str, value: i64| {
        let text = format!("{}\n[certificats.accueil.{section}]\n{key} = {value}\n", shipped_policy());
        let line = u32::try_from(text.lines().count()).unwrap();
        let file = SourceFile { name: "politique.toml".into(), text };
        let found: Vec<(u32, String)> = match cqpt::policy::load_policy(&file, library) {
            Ok(_) => vec![],
            Err(d) => d.iter().filter(|d| d.is_error()).map(|d| (d.location.line, d.field.clone())).collect(),
        };
        (found, line)
    };
    for &(key, field, min, max) in
        RANGES.iter().filter(|r| !r.1.contains("min_contacts") && r.0 != "modulation_percent")
    {
        let (section, _) = field.split_once('.').unwrap();
        let own = format!("certificats.accueil.{field}");
        for inside in [min, max] {
            let (found, _) = check(section, key, inside);
            assert!(found.is_empty(), "{own} = {inside} refused: {found:?}");
        }
        for outside in [min - 1, max + 1] {
            let (found, line) = check(section, key, outside);
            assert!(
                found.iter().any(|(l, f)| *l == line && (*f == own || f == "certificats.accueil")),
                "{own} = {outside} not refused at line {line}: {found:?}"
            );
        }
    }
    let (found, line) = check("observation", "min_contacts", 0);
    assert_eq!(found, vec![(line, "certificats.accueil.observation.min_contacts.accueil".to_string())]);
}
