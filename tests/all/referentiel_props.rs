//! Arbitrary and mutated input never makes the loader panic.

use cqpt::referentiel::load;
use cqpt::source::{DataSource, SourceFile};
use proptest::prelude::*;

fn shipped() -> Vec<SourceFile> {
    DataSource::Embedded.referentiel_files().unwrap()
}

/// Loads the shipped files with `file` replaced by `text`; only a panic fails.
fn load_with(index: usize, text: String) {
    let mut files = shipped();
    let i = index % files.len();
    files[i].text = text;
    let _ = load(&files);
}

/// Fragments that matter to YAML and to our format.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(":".to_string()),
        Just("- ".to_string()),
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("[".to_string()),
        Just("{".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("!!binary ".to_string()),
        Just("<<: ".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("#".to_string()),
        Just("---\n".to_string()),
        Just("~".to_string()),
        Just("7".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999999999".to_string()),
        Just("id: x\n".to_string()),
        Just("level: 6\n".to_string()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(index in 0usize..6, text in "\\PC{0,400}") {
        load_with(index, text);
    }

    #[test]
    fn mutated_shipped_files_never_panic(
        index in 0usize..6,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, fragment()), 1..6),
    ) {
        let files = shipped();
        let mut text = files[index % files.len()].text.clone();
        crate::common::mutate(&mut text, edits);
        load_with(index, text);
    }

    #[test]
    fn lines_shuffled_never_panic(index in 0usize..6, seed in any::<u64>()) {
        let files = shipped();
        let mut lines: Vec<&str> = files[index % files.len()].text.lines().collect();
        let n = lines.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            lines.swap(i, (s >> 33) as usize % (i + 1));
        }
        load_with(index, lines.join("\n"));
    }
}

#[test]
fn deep_nesting_and_alias_bombs_are_refused_without_panic() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    load_with(0, deep);
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
        bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let mut files = shipped();
    files[0].text = bomb;
    let err = load(&files).unwrap_err();
    assert!(err.has_errors());
}
