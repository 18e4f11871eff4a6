//! The quiz: the shipped bank's coverage and validity, reproducible draws, scoring of crafted
//! answer sets, the paper sitting, and the result a dossier takes in.

use crate::builder::{Spec, context};
use crate::common::{cqpt, root, run, run_cmd};
use cqpt::quiz::{self, Answer, Answers, Purpose, Sitting, SittingSpec};
use cqpt::source::DataSource;

fn bank() -> quiz::Bank {
    quiz::load(&DataSource::Embedded, &context().0).expect("the shipped bank is valid")
}

pub fn spec(certificate: &str, purpose: Purpose) -> SittingSpec {
    SittingSpec {
        certificate: certificate.into(),
        purpose,
        reference: format!("{certificate}-{}", purpose.code()),
        ..SittingSpec::default()
    }
}

fn sitting(certificate: &str, seed: u64, purpose: Purpose) -> Sitting {
    let (library, policy) = context();
    quiz::draw(&bank(), library, policy, &spec(certificate, purpose), seed).unwrap()
}

fn answers(s: &Sitting, pick: impl Fn(&quiz::sitting::SittingQuestion) -> Option<String>) -> Answers {
    Answers {
        date: "2026-10-05".parse().unwrap(),
        started: Some("09:00".parse().unwrap()),
        ended: Some("09:30".parse().unwrap()),
        extra_minutes: 0,
        answers: s
            .questions
            .iter()
            .filter_map(|q| {
                pick(q).map(|given| Answer { number: q.number, given, at: Some("09:10".parse().unwrap()) })
            })
            .collect(),
    }
}

fn right(q: &quiz::sitting::SittingQuestion) -> String {
    q.key.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join(";")
}

/// A wrong answer: a letter off the key, or only the first key when every choice is a key.
fn wrong(q: &quiz::sitting::SittingQuestion) -> String {
    q.choices
        .iter()
        .find(|c| !q.key.contains(&c.letter))
        .map_or_else(|| q.key[0].to_string(), |c| c.letter.to_string())
}

#[test]
fn every_transversal_and_partly_specific_item_has_three_questions_spanning_levels_1_to_3() {
    let (library, policy) = context();
    let rows = quiz::coverage(&bank(), library, policy);
    assert!(rows.len() >= 50, "{} items", rows.len());
    let short: Vec<&str> = rows.iter().filter(|r| r.short).map(|r| r.item.as_str()).collect();
    assert!(short.is_empty(), "items below the minimum: {short:?}");
    assert!(rows.iter().all(|r| r.per_level.iter().all(|n| *n >= 1)));
    let r = run(&["quiz", "validate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(run(&["quiz", "coverage"]).code, 0);
}

#[test]
fn a_sitting_represents_every_assessed_item_and_is_reproducible() {
    let (library, policy) = context();
    let a = sitting("distance", 42, Purpose::Evaluation);
    assert_eq!(a, sitting("distance", 42, Purpose::Evaluation), "same seed, same sitting");
    assert_ne!(
        a.questions,
        sitting("distance", 43, Purpose::Evaluation).questions,
        "another seed, another sitting"
    );
    assert_ne!(
        a.questions,
        sitting("distance", 42, Purpose::Prediagnostic).questions,
        "phase 0 draws differently"
    );
    let items = quiz::quiz_items(library, policy, Some("distance"));
    for item in &items {
        assert!(a.questions.iter().any(|q| q.items.contains(&(*item).to_string())), "{item} not assessed");
    }
    assert!(a.questions.len() <= policy.quiz.max_questions, "{} questions", a.questions.len());
    assert_eq!(a.minutes, 30);
    // Answers are shuffled: the right answer is not always in the same place.
    let firsts = a.questions.iter().filter(|q| q.key == vec!['A']).count();
    assert!(firsts < a.questions.len() / 2, "{firsts} of {}", a.questions.len());
}

#[test]
fn scoring_all_right_all_wrong_level_one_only_missing_and_late() {
    let (_, policy) = context();
    let s = sitting("point-de-distribution", 7, Purpose::Evaluation);
    let all_right = quiz::score(&s, &answers(&s, |q| Some(right(q))), policy);
    assert!(all_right.levels.values().all(|l| *l == 3), "{:?}", all_right.levels);
    let all_wrong = quiz::score(&s, &answers(&s, |q| Some(wrong(q))), policy);
    assert!(all_wrong.levels.values().all(|l| *l == 0));
    let level_one =
        quiz::score(&s, &answers(&s, |q| Some(if q.level == 1 { right(q) } else { wrong(q) })), policy);
    assert!(level_one.levels.values().all(|l| *l <= 1), "{:?}", level_one.levels);
    assert!(level_one.levels.values().any(|l| *l == 1), "{:?}", level_one.levels);
    let missing = quiz::score(&s, &answers(&s, |q| (q.number % 2 == 0).then(|| right(q))), policy);
    for a in missing.answers.iter().filter(|a| a.number % 2 == 1) {
        assert!(!a.correct && a.given.is_empty());
    }
    assert!(missing.levels.values().any(|l| *l < 3));
    let mut late = answers(&s, |q| Some(right(q)));
    for a in late.answers.iter_mut().filter(|a| a.number <= 20) {
        a.at = Some("09:31".parse().unwrap());
    }
    let scored = quiz::score(&s, &late, policy);
    assert!(scored.answers.iter().filter(|a| a.number <= 20).all(|a| a.late && !a.correct));
    assert!(scored.levels.values().any(|l| *l < 3));
    late.extra_minutes = 5;
    assert!(quiz::score(&s, &late, policy).levels.values().all(|l| *l == 3), "extra time granted");
}

#[test]
fn a_paper_sitting_has_its_questions_and_an_answer_sheet_and_the_key_only_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let paper = dir.path().join("quiz.pdf");
    let r = run_cmd(
        cqpt()
            .args([
                "quiz",
                "paper",
                "--certificate",
                "distance",
                "--seed",
                "42",
                "--date",
                "2026-10-05",
                "-o",
            ])
            .arg(&paper),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = crate::documents::pdf_text(&std::fs::read(&paper).unwrap());
    let s = sitting("distance", 42, Purpose::Evaluation);
    let first_words: String = s.questions[0]
        .text
        .split(' ')
        .take_while(|w| w.chars().all(|c| c.is_alphanumeric() || c == '\''))
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains(&first_words), "{first_words:?} not in the paper");
    assert!(text.contains("Feuille de réponses") && text.contains("distance-2b"));
    assert!(!text.contains("distance-2b-42"), "the paper shows no seed");
    assert!(!text.contains("Corrigé"), "no key by default");
    let keyed = dir.path().join("quiz-key.pdf");
    let r = run_cmd(
        cqpt()
            .args([
                "quiz",
                "paper",
                "--certificate",
                "distance",
                "--seed",
                "42",
                "--date",
                "2026-10-05",
                "--with-key",
                "-o",
            ])
            .arg(&keyed),
    );
    assert_eq!(r.code, 0);
    assert!(crate::documents::pdf_text(&std::fs::read(&keyed).unwrap()).contains("Corrigé"));
    let q = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&paper)
        .output()
        .expect("qpdf (installed by .ci/run)");
    assert!(q.status.success());
}

#[test]
fn typed_answers_are_scored_and_the_result_goes_into_a_dossier() {
    let dir = tempfile::tempdir().unwrap();
    let s = sitting("distance", 42, Purpose::Evaluation);
    let mut csv = String::from("numero,reponse,heure\n");
    for q in &s.questions {
        let given = if q.level <= 2 { right(q) } else { wrong(q) };
        csv.push_str(&format!("{},{},09:{:02}\n", q.number, given.to_lowercase(), 5 + q.number % 20));
    }
    std::fs::write(dir.path().join("answers.csv"), &csv).unwrap();
    let out = dir.path().join("result.yaml");
    let r = run_cmd(
        cqpt()
            .args([
                "quiz",
                "score",
                "--certificate",
                "distance",
                "--seed",
                "42",
                "--date",
                "2026-04-14",
                "--started",
                "09:00",
                "--by",
                "Eva Luatrice",
                "--answers",
            ])
            .arg(dir.path().join("answers.csv"))
            .arg("-o")
            .arg(&out),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let result = std::fs::read_to_string(&out).unwrap();
    let parsed = cqpt::yaml::parse("result.yaml", &result).unwrap();
    let cqpt::yaml::Value::Map(top) = &parsed.value else { panic!("{result}") };
    let key =
        |k: &str| &top.iter().find(|(key, _)| key.value == cqpt::yaml::Value::Str(k.into())).unwrap().1.value;
    assert_eq!(key("sitting"), &cqpt::yaml::Value::Str("distance-2b".into()));
    assert_eq!(key("seed"), &cqpt::yaml::Value::Int(42));
    assert_eq!(key("started"), &cqpt::yaml::Value::Str("09:00".into()), "a time stays text");
    // Every answer is kept as given (lower case here).
    let first = &s.questions[0];
    let given = if first.level <= 2 { right(first) } else { wrong(first) }.to_lowercase();
    let cqpt::yaml::Value::Seq(rows) = key("answers") else { panic!("{result}") };
    let cqpt::yaml::Value::Map(row) = &rows[0].value else { panic!("{result}") };
    assert!(
        row.iter().any(|(k, v)| k.value == cqpt::yaml::Value::Str("given".into())
            && v.value == cqpt::yaml::Value::Str(given.clone())),
        "{result}"
    );
    // The result is a dossier's quiz section.
    let spec = Spec::complete("distance");
    let yaml = spec.yaml();
    let start = yaml.find("quiz:\n").unwrap();
    let end = yaml[start..].find("observation:").unwrap() + start;
    let indented: String = result.lines().map(|l| format!("  {l}\n")).collect();
    let dossier = format!("{}quiz:\n{}{}", &yaml[..start], indented, &yaml[end..]);
    let (library, policy) = context();
    let d = cqpt::dossier::load_dossier(
        &cqpt::source::SourceFile { name: "d.yaml".into(), text: dossier },
        library,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let quiz = d.quiz.as_ref().unwrap();
    assert_eq!(quiz.answers.len(), s.questions.len());
    let e = cqpt::phases::evaluate(&d, library, policy, d.latest_date());
    let synthese = e.synthese.unwrap();
    let item = synthese.item(&s.questions.iter().find(|q| q.level == 3).unwrap().item).unwrap();
    assert!(item.sources.iter().any(|src| src.modality == cqpt::policy::Modality::Quiz && src.level < 3));
}

#[test]
fn a_broken_bank_is_reported_with_file_line_and_field() {
    let data = tempfile::tempdir().unwrap();
    for folder in ["referentiels", "quiz"] {
        std::fs::create_dir_all(data.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let p = entry.unwrap().path();
            std::fs::copy(&p, data.path().join(folder).join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        data.path().join("quiz/casse.yaml"),
        "questions:\n  - id: q-x-1\n    item: c-inexistant\n    level: 4\n    kind: single\n    question: Q ?\n    choices:\n      - {text: a, correct: true}\n      - {text: b, correct: true}\n      - {text: c}\n    explanation: e\n",
    )
    .unwrap();
    let r = run_cmd(cqpt().arg("--data").arg(data.path()).args(["quiz", "validate"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    for needle in [
        "casse.yaml:3:",
        "no item has the id `c-inexistant`",
        "casse.yaml:4:",
        "casse.yaml:8:",
        "exactly one right choice",
    ] {
        assert!(r.stderr.contains(needle), "{needle} in {}", r.stderr);
    }
}

fn score_sheet(sheet: &str, extra: &[&str]) -> crate::common::Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reponses.csv");
    std::fs::write(&path, sheet).unwrap();
    let mut cmd = cqpt();
    cmd.args([
        "quiz",
        "score",
        "--certificate",
        "distance",
        "--seed",
        "42",
        "--date",
        "2026-04-14",
        "--by",
        "E",
        "--answers",
    ])
    .arg(&path)
    .args(extra);
    run_cmd(&mut cmd)
}

/// Every bad row of a typed sheet is reported with its line, all at once, and the times
/// given on the command line are checked.
#[test]
fn a_bad_answer_sheet_is_reported_row_by_row() {
    let s = sitting("distance", 42, Purpose::Evaluation);
    let n = s.questions.len();
    let first = &s.questions[0];
    let offered: Vec<char> = first.choices.iter().map(|c| c.letter).collect();
    let missing = ('A'..='Z').find(|c| !offered.contains(c)).unwrap();
    let sheet = format!(
        "numero,reponse,heure\n1,{},09:01\n{},A\n0,A\n2,{missing}\n1,{}\nx,A\n",
        right(first),
        n + 1,
        right(first)
    );
    let r = score_sheet(&sheet, &["--started", "10:00", "--ended", "09:59", "--extra-minutes", "4294967295"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    for needle in [
        "reponses.csv:3:",
        &format!("a question number from 1 to {n}"),
        "reponses.csv:4:",
        "reponses.csv:5:",
        &format!("\"{missing}\""),
        "reponses.csv:6:",
        "question 1 is answered twice (first at line 2)",
        "reponses.csv:7:",
        "field: --ended",
        "field: --extra-minutes",
    ] {
        assert!(r.stderr.contains(needle), "{needle:?} in {}", r.stderr);
    }
}

/// French spreadsheets separate columns with `;` (and may write several letters with `,`).
#[test]
fn a_semicolon_separated_sheet_is_read() {
    let s = sitting("distance", 42, Purpose::Evaluation);
    let mut sheet = String::from("numero;reponse;heure\n");
    for q in &s.questions {
        sheet.push_str(&format!("{};{};09:10\n", q.number, right(q).replace(';', ",")));
    }
    let r = score_sheet(&sheet, &["--started", "09:00"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("correct: false"), "every answer right: {}", r.stdout);
    assert!(r.stdout.contains("correct: true"), "{}", r.stdout);
}

/// A paper sitting rendered by the library, page by page as a reader extracts it.
fn paper_pages(s: &Sitting, with_key: bool) -> Vec<String> {
    let (library, _) = context();
    let templates = cqpt::render::Templates::load(&DataSource::Embedded).unwrap();
    let view = quiz::paper::view(s, library, with_key);
    let bytes = cqpt::render::pdf(&templates, "quiz-papier", &view, "2026-10-05".parse().unwrap()).unwrap();
    crate::documents::pdf_pages(&bytes)
}

#[test]
fn each_paper_answer_has_one_marker_and_the_sheet_one_column_per_answer_offered() {
    let mut s = sitting("distance", 42, Purpose::Evaluation);
    s.questions.truncate(12);
    for q in &mut s.questions {
        q.choices.truncate(3);
    }
    let pages = paper_pages(&s, false);
    let sheet = pages.iter().position(|p| p.contains("Feuille de réponses")).expect("an answer sheet");
    for page in &pages[..sheet] {
        assert!(!page.contains('□') && !page.contains('•'), "one marker (the letter) per answer:\n{page}");
    }
    let first = &s.questions[0].choices[0];
    assert!(pages[0].contains(&format!("A\n{}", first.text)), "{}", pages[0]);
    let sheet_text = &pages[sheet];
    let header: Vec<&str> = sheet_text.lines().skip_while(|l| *l != "N°").take(5).collect();
    assert_eq!(header[..4], ["N°", "A", "B", "C"], "{sheet_text}");
    assert!(header[4].starts_with("Réservé"), "no D or E column: {sheet_text}");
    assert_eq!(sheet_text.matches('□').count(), 12 * 3, "a box per answer offered, none more");
    // With a fourth answer on one question only, the sheet has a D column, and a box in it once.
    s.questions[5].choices.push(cqpt::quiz::sitting::SittingChoice { letter: 'D', text: "Autre".into() });
    let pages = paper_pages(&s, false);
    let sheet_text = pages.iter().find(|p| p.contains("Feuille de réponses")).unwrap();
    let header: Vec<&str> = sheet_text.lines().skip_while(|l| *l != "N°").take(6).collect();
    assert_eq!(header[..5], ["N°", "A", "B", "C", "D"], "{sheet_text}");
    assert!(header[5].starts_with("Réservé"), "no E column: {sheet_text}");
    assert_eq!(sheet_text.matches('□').count(), 12 * 3 + 1);
}

#[test]
fn the_key_pages_carry_no_candidate_footer() {
    let mut s = sitting("distance", 42, Purpose::Evaluation);
    s.questions.truncate(60);
    let pages = paper_pages(&s, true);
    let key = pages.iter().position(|p| p.contains("Corrigé")).expect("the key");
    assert!(pages.len() > key + 1, "a key long enough to take two pages");
    for page in &pages[..key] {
        assert!(page.contains("Candidat"), "candidate footer on the questions and the sheet");
    }
    for page in &pages[key..] {
        assert!(!page.contains("Candidat\u{a0}:"), "no candidate footer on the key:\n{page}");
        assert!(page.contains("réservé à l'évaluateur"), "{page}");
    }
}

/// Every question answered right.
pub fn all_right(s: &Sitting) -> Answers {
    answers(s, |q| Some(right(q)))
}
