//! What a person reads is French: every PDF cqpt writes (decisions, syntheses, grids blank and
//! filled, prédiagnostics, the tableau récapitulatif, the bilan), read back from the PDF, shows
//! no internal code and no ISO date; the decision letters carry their legal mentions.

use crate::builder::context;
use crate::common::{cqpt, root, run_cmd};
use crate::documents::pdf_text;
use cqpt::documents::{self, Context, GridKind, LabelSet, ReportKind};
use cqpt::dossier::load_dossier;
use cqpt::phases::evaluate;
use cqpt::render::Templates;
use cqpt::source::{DataSource, SourceFile};
use std::path::Path;

/// Codes a reader must never see: every hyphenated code that is not itself French wording (a
/// label of some code), and the short codes of the routes and contracts.
fn internal_codes() -> Vec<&'static str> {
    let labels = cqpt::context::load_labels(&DataSource::Embedded).unwrap();
    let wording: Vec<String> = labels.all().map(|(_, _, l)| l.to_string()).collect();
    let mut codes: Vec<&'static str> = LabelSet::ALL
        .iter()
        .flat_map(|s| s.codes())
        .filter(|c| c.contains('-') && !wording.iter().any(|w| w.contains(c)))
        .collect();
    codes.extend(["cif", "dif", "vae", "cdi", "cdd", "bloque", "non-recevable"]);
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Whether `code` appears in `text` as a word of its own (not inside a longer word).
fn has_word(text: &str, code: &str) -> bool {
    let edge = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '-'));
    text.match_indices(code)
        .any(|(i, _)| edge(text[..i].chars().next_back()) && edge(text[i + code.len()..].chars().next()))
}

/// The first ISO date (`2026-09-10`) in `text`.
fn iso_date(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(10).find_map(|w| {
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(char::is_ascii_digit);
        (digits(0..4) && w[4] == '-' && digits(5..7) && w[7] == '-' && digits(8..10))
            .then(|| w.iter().collect())
    })
}

fn check_french(name: &str, text: &str, codes: &[&str]) {
    for code in codes {
        assert!(!has_word(text, code), "{name} shows the internal code `{code}`:\n{text}");
    }
    assert!(iso_date(text).is_none(), "{name} shows the ISO date {:?}:\n{text}", iso_date(text));
}

fn example_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("examples/dossiers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn no_report_of_any_example_shows_a_code_or_an_iso_date() {
    let codes = internal_codes();
    assert!(codes.contains(&"hours-under-minimum") && codes.contains(&"periode-de-professionnalisation"));
    let (library, policy) = context();
    let templates = Templates::load(&DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let mut checked = 0;
    for path in example_files() {
        let dossier = load_dossier(&SourceFile::read(&path).unwrap(), library).unwrap();
        let e = evaluate(&dossier, library, policy, dossier.latest_date());
        let mut kinds = vec![ReportKind::Recevabilite, ReportKind::Synthese, ReportKind::Grille];
        if dossier.prediagnostic.is_some() {
            kinds.push(ReportKind::Prediagnostic);
        }
        for kind in kinds {
            let text = pdf_text(&documents::report_pdf(&ctx, kind, &dossier, &e).unwrap());
            check_french(&format!("{} {}", path.display(), kind.template()), &text, &codes);
            checked += 1;
        }
    }
    for certificate in ["distance", "point-de-distribution"] {
        for kind in [GridKind::Observation, GridKind::Preuves, GridKind::Globale] {
            let created = "2026-09-10".parse().unwrap();
            let text = pdf_text(&documents::grid_pdf(&ctx, certificate, kind, created).unwrap());
            check_french(&format!("blank grid {certificate} {kind:?}"), &text, &codes);
        }
    }
    assert!(checked > 60, "{checked}");
}

fn walk_pdfs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk_pdfs(&path, out);
        } else if path.extension().is_some_and(|e| e == "pdf") {
            out.push(path);
        }
    }
}

#[test]
fn the_tableau_and_the_bilan_speak_french() {
    let codes = internal_codes();
    let out = tempfile::tempdir().unwrap();
    let examples = root().join("examples/dossiers");
    let r = run_cmd(
        cqpt()
            .args(["session", "--documents", "none", "--date", "2026-09-10"])
            .arg(&examples)
            .arg("--out")
            .arg(out.path()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_cmd(
        cqpt()
            .args(["session", "--documents", "standard", "--date", "2026-09-10"])
            .arg(&examples)
            .arg("--out")
            .arg(out.path()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for year in ["2025", "2026"] {
        let r = run_cmd(cqpt().args(["bilan", "--year", year, "--out"]).arg(out.path()).arg(&examples));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let mut pdfs = Vec::new();
    walk_pdfs(out.path(), &mut pdfs);
    assert!(pdfs.len() > 20, "{pdfs:?}");
    for pdf in &pdfs {
        check_french(&pdf.display().to_string(), &pdf_text(&std::fs::read(pdf).unwrap()), &codes);
    }
    let tableau = pdf_text(&std::fs::read(out.path().join("tableau-recapitulatif.pdf")).unwrap());
    for needle in [
        "séance du 10\u{a0}septembre\u{a0}2026",
        "Décision de",
        "Motifs de rejet",
        "Sous-totaux par certificat",
        "Sous-totaux par organisme évaluateur",
        "Conseiller clientèle à distance",
        "Représentant(e) des salariés — 2",
        "Représentant(e) des employeurs — 1",
    ] {
        assert!(tableau.contains(needle), "missing {needle:?} in:\n{tableau}");
    }
    let bilan = pdf_text(&std::fs::read(out.path().join("bilan-2025.pdf")).unwrap());
    for needle in [
        "Appréciation de la CPNE",
        "Savoirs le plus souvent sous le niveau requis",
        "contrat de professionnalisation",
    ] {
        assert!(bilan.contains(needle), "missing {needle:?} in:\n{bilan}");
    }
}

fn letter(example: &str) -> String {
    let (library, policy) = context();
    let templates = Templates::load(&DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let file = SourceFile::read(&root().join("examples/dossiers").join(example)).unwrap();
    let dossier = load_dossier(&file, library).unwrap();
    let e = evaluate(&dossier, library, policy, dossier.latest_date());
    pdf_text(&documents::report_pdf(&ctx, ReportKind::Recevabilite, &dossier, &e).unwrap())
}

#[test]
fn a_rejection_is_a_decision_with_its_reasons_appeal_and_signatory() {
    let text = letter("10-non-recevable-hours-under-minimum.yaml");
    for needle in [
        "AUVICOM",
        "Adresse à compléter",
        "Paris, le ",
        "Objet\u{a0}: décision de non-recevabilité",
        "décision suivante",
        "n'est pas recevable",
        "moins de 1\u{202f}607\u{a0}heures",
        "art. 3",
        "Voies et délais de recours",
        "deux mois",
        "Nom du signataire à compléter",
        "Responsable de l'instruction",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains("pièces qui manquent"), "nothing is missing here:\n{text}");
    let text = letter("12-non-recevable-no-sworn-statement.yaml");
    assert!(text.contains("pièces qui manquent\u{a0}: attestation sur l'honneur"), "{text}");
    let text = letter("01-distance-attribution.yaml");
    assert!(text.contains("décision de recevabilité") && text.contains("déclarée recevable"), "{text}");
    assert!(!text.contains("Voies et délais de recours"), "{text}");
}

/// The embedded data, exported into a folder to edit.
fn exported_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = run_cmd(cqpt().args(["data", "export"]).arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

/// `cqpt --data DATA report --kind KIND` on an example dossier: the run, and the text of the PDF
/// it wrote (empty when it wrote none).
fn report(data: &tempfile::TempDir, kind: &str, example: &str) -> (crate::common::Run, String) {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("report.pdf");
    let r = run_cmd(
        cqpt()
            .arg("--data")
            .arg(data.path())
            .args(["report", "--kind", kind])
            .arg(root().join(format!("examples/dossiers/{example}.yaml")))
            .arg("--output")
            .arg(&out),
    );
    let text = std::fs::read(&out).map(|bytes| pdf_text(&bytes)).unwrap_or_default();
    (r, text)
}

#[test]
fn the_letters_wording_comes_from_the_data_folder() {
    let data = exported_data();
    let file = data.path().join("referentiels/documents.toml");
    crate::common::edit(
        &file,
        "signataire = \"Nom du signataire à compléter\"",
        "signataire = \"Claire Dubois\"",
    );
    crate::common::edit(&file, "delai-recours = \"deux mois\"", "delai-recours = \"trente jours\"");
    let (r, text) = report(&data, "recevabilite", "10-non-recevable-hours-under-minimum");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(text.contains("Claire Dubois") && text.contains("trente jours"), "{text}");
}

#[test]
fn a_missing_label_is_reported_with_its_file_and_line() {
    let data = exported_data();
    let file = data.path().join("referentiels/libelles.toml");
    crate::common::edit(&file, "cif = ", "cfi = ");
    let (r, _) = report(&data, "recevabilite", "01-distance-attribution");
    assert_eq!(r.code, 3, "invalid data: {}", r.stderr);
    assert!(r.stderr.contains("libelles.toml:"), "{}", r.stderr);
    assert!(r.stderr.contains("code `cif` has no label"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `cif`?"), "{}", r.stderr);
}

#[test]
fn the_export_holds_the_labels_and_the_wording() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_cmd(cqpt().args(["data", "export"]).arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for file in ["referentiels/libelles.toml", "referentiels/documents.toml"] {
        let exported = std::fs::read(dir.path().join(file)).unwrap();
        assert_eq!(exported, std::fs::read(root().join(file)).unwrap(), "{file}");
    }
}

#[test]
fn the_bilan_prints_the_cpne_text_of_the_data_folder() {
    let data = exported_data();
    let file = data.path().join("referentiels/documents.toml");
    crate::common::edit(&file, "titre = \"Appréciation de la CPNE\"", "titre = \"Ce que la CPNE retient\"");
    let out = tempfile::tempdir().unwrap();
    let r = run_cmd(
        cqpt()
            .arg("--data")
            .arg(data.path())
            .args(["bilan", "--year", "2026", "--out"])
            .arg(out.path())
            .arg(root().join("examples/dossiers")),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdf_text(&std::fs::read(out.path().join("bilan-2026.pdf")).unwrap());
    assert!(text.contains("Ce que la CPNE retient") && !text.contains("Appréciation de la CPNE"), "{text}");
    let csv = std::fs::read(out.path().join("bilan-2026.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFindicateur;cle;libelle;nombre;valeur"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("financement;auvicom;financement AUVICOM (euros);"), "{csv}");
}

#[test]
fn json_gives_each_code_with_its_label() {
    let run = |args: &[&str], example: &str| {
        let r = run_cmd(
            cqpt().args(args).arg(root().join("examples/dossiers").join(example)).args(["--format", "json"]),
        );
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
    };
    let v = run(&["recevabilite"], "10-non-recevable-hours-under-minimum.yaml");
    assert_eq!(v["recevable_label"], "non recevable");
    assert_eq!(v["reasons"][0]["code"], "hours-under-minimum");
    assert_eq!(
        v["reasons"][0]["code_label"],
        "moins de 1\u{202f}607\u{a0}heures de travail effectif en trois ans"
    );
    let v = run(&["synthese"], "03-distance-evaluation-complementaire.yaml");
    assert_eq!(v["synthese"]["proposal"], "evaluation-complementaire");
    assert_eq!(v["synthese"]["proposal_label"], "évaluation complémentaire");
    assert_eq!(v["funding"]["payer_label"], "AUVICOM");
    let statuses = v["synthese"]["activities"].as_array().unwrap();
    assert!(statuses.iter().any(|a| a["status"] == "a-completer" && a["status_label"] == "à compléter"));
    let v = run(&["dossier", "check"], "14-evaluator-trained-candidate.yaml");
    let finding = &v["findings"][0];
    assert_eq!(finding["code"], "evaluator-trained-candidate");
    assert_eq!(finding["code_label"], "l'organisme évaluateur a formé le candidat");
    assert_eq!(finding["severity_label"], "bloquant");
}

#[test]
fn signature_blocks_follow_the_policys_commission() {
    let data = exported_data();
    let policy = data.path().join("referentiels/politique.toml");
    crate::common::edit(&policy, "salaries = 2", "salaries = 3");
    let (r, text) = report(&data, "synthese", "01-distance-attribution");
    assert_eq!(r.code, 0, "{}", r.stderr);
    for member in ["salariés — 1", "salariés — 2", "salariés — 3", "employeurs — 1", "employeurs — 2"]
    {
        assert!(text.contains(&format!("Représentant(e) des {member}")), "{member}:\n{text}");
    }
    assert!(!text.contains("employeurs — 3"), "{text}");
}

#[test]
fn the_prediagnostic_lists_each_item_once_in_agreed_french() {
    let (library, policy) = context();
    let templates = Templates::load(&DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let file = SourceFile::read(&root().join("examples/dossiers/01-distance-attribution.yaml")).unwrap();
    let dossier = load_dossier(&file, library).unwrap();
    let e = evaluate(&dossier, library, policy, dossier.latest_date());
    let text = pdf_text(&documents::report_pdf(&ctx, ReportKind::Prediagnostic, &dossier, &e).unwrap());
    assert!(text.contains("Sur 4 savoirs évalués, 1 atteint le niveau attendu."), "{text}");
    assert!(!text.contains("savoirs sur"), "{text}");
    let tables = &text
        [text.find("Vos niveaux, activité par activité").unwrap()..text.find("Échelle des niveaux").unwrap()];
    let item = "Notions de droit relatif aux bases de données clients (CNIL)";
    assert_eq!(tables.matches(item).count(), 1, "{tables}");
}

#[test]
fn the_tableau_is_dated_by_the_latest_decision_without_date() {
    let out = tempfile::tempdir().unwrap();
    let r =
        run_cmd(cqpt().args(["session"]).arg(root().join("examples/dossiers")).arg("--out").arg(out.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdf_text(&std::fs::read(out.path().join("tableau-recapitulatif.pdf")).unwrap());
    // The latest decision of the examples is 26-distance-complementary-round's (12 May 2026);
    // later dates of other kinds (an observation of 18 on the same day, contracts' ends) do
    // not count.
    assert!(text.contains("séance du 12\u{a0}mai\u{a0}2026"), "{text}");
}

fn synthese(example: &str) -> String {
    let (library, policy) = context();
    let templates = Templates::load(&DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let file = SourceFile::read(&root().join("examples/dossiers").join(example)).unwrap();
    let dossier = load_dossier(&file, library).unwrap();
    let e = evaluate(&dossier, library, policy, dossier.latest_date());
    pdf_text(&documents::report_pdf(&ctx, ReportKind::Synthese, &dossier, &e).unwrap())
}

#[test]
fn a_blocked_dossier_shows_no_decision_boxes_no_signatures_and_no_funding() {
    let decision = ["Décision de la commission", "□", "Représentant(e) des salariés", "Prise en charge"];
    let blocked = synthese("14-evaluator-trained-candidate.yaml");
    for needle in decision {
        assert!(!blocked.contains(needle), "a blocked dossier shows {needle:?}:\n{blocked}");
    }
    let said = "ne peut pas être présenté à la commission d'attribution tant que les constats bloquants";
    assert!(blocked.split_whitespace().collect::<Vec<_>>().join(" ").contains(said), "{blocked}");
    let open = synthese("01-distance-attribution.yaml");
    for needle in decision {
        assert!(open.contains(needle), "missing {needle:?} in:\n{open}");
    }
    assert!(!open.contains("constats bloquants"), "{open}");
    // Nor a rejected application, whose synthesis says why.
    let rejected = synthese("10-non-recevable-hours-under-minimum.yaml");
    for needle in decision {
        assert!(!rejected.contains(needle), "a rejected application shows {needle:?}:\n{rejected}");
    }
    let said = "La demande n'étant pas recevable, le dossier n'est pas présenté";
    assert!(rejected.split_whitespace().collect::<Vec<_>>().join(" ").contains(said), "{rejected}");
}
