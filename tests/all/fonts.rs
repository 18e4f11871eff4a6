//! Names and free text in every script the font covers print in the PDF; a character it lacks
//! is an error of the dossier, naming its file, line, column and field.

use crate::common::{cqpt, root, run_cmd};
use crate::documents::pdf_text;

/// Example 03 with `from` replaced by `to`, written in a scratch folder.
fn dossier_with(dir: &std::path::Path, from: &str, to: &str) -> std::path::PathBuf {
    let text =
        std::fs::read_to_string(root().join("examples/dossiers/03-distance-evaluation-complementaire.yaml"))
            .unwrap();
    assert!(text.contains(from), "{from:?}");
    let path = dir.join("dossier.yaml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn names_in_vietnamese_romanian_greek_and_cyrillic_print() {
    let dir = tempfile::tempdir().unwrap();
    let names = "Nguyễn Thị Ánh-Șerban Țurcan Παπαδόπουλος Пётр Ёлкин Ɓaaba Łukasiewicz Øvergård";
    let path = dossier_with(dir.path(), "family_name: \"Morel\"", &format!("family_name: \"{names}\""));
    let out = dir.path().join("synthese.pdf");
    let r = run_cmd(cqpt().args(["report", "--kind", "synthese"]).arg(&path).arg("-o").arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdf_text(&std::fs::read(&out).unwrap());
    assert!(text.contains(&format!("Sébastien {names}")), "{text}");
}

#[test]
fn a_name_the_font_lacks_is_an_error_of_the_dossier_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dossier_with(dir.path(), "given_name: \"Sébastien\"", "given_name: \"明\"");
    let r = run_cmd(cqpt().args(["report", "--kind", "synthese", "--text"]).arg(&path));
    assert_eq!(r.code, 3, "an error of the input: {}", r.stderr);
    assert!(r.stderr.contains("'明' (U+660E)"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{}:9:16", path.display())), "{}", r.stderr);
    assert!(r.stderr.contains("field: candidate.given_name"), "{}", r.stderr);
    assert!(!r.stderr.contains("template"), "the template is not to blame: {}", r.stderr);
}

#[test]
fn free_text_the_font_lacks_is_an_error_of_its_field_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("examples/dossiers/18-distance-override-item.yaml")).unwrap();
    let line = text.lines().position(|l| l.trim_start().starts_with("reason:")).unwrap() + 1;
    let path = dir.path().join("dossier.yaml");
    std::fs::write(&path, text.replacen("    reason: \"", "    reason: \"voir ☎ ", 1)).unwrap();
    let r = run_cmd(cqpt().args(["report", "--kind", "synthese", "--text"]).arg(&path));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{}:{line}:", path.display())), "{}", r.stderr);
    assert!(r.stderr.contains("field: overrides[0].reason"), "{}", r.stderr);
    assert!(r.stderr.contains("U+260E"), "{}", r.stderr);
}
