//! Every kind of PDF, read back with a PDF reader: expected content (accents included),
//! reproducible bytes, qpdf's check, metadata, fonts, template errors.

use crate::builder::context;
use crate::common::{cqpt, root, run_cmd};
use cqpt::documents::{self, Context, GridKind, ReportKind};
use cqpt::dossier::load_dossier;
use cqpt::phases::evaluate;
use cqpt::render::Templates;
use cqpt::source::{DataSource, SourceFile};
use std::path::Path;

/// The text of a PDF, as a reader extracts it.
pub fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("extractable text")
}

/// The text of each page of a PDF, as a reader extracts it.
pub fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(bytes).expect("a readable PDF");
    doc.get_pages().keys().map(|n| doc.extract_text(&[*n]).expect("extractable text")).collect()
}

fn info(bytes: &[u8], key: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .and_then(|r| doc.get_dictionary(r))
        .unwrap();
    match info.get(key).unwrap() {
        lopdf::Object::String(s, _) => {
            if s.starts_with(&[0xfe, 0xff]) {
                let units: Vec<u16> = s[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                String::from_utf16_lossy(&units)
            } else {
                String::from_utf8_lossy(s).into_owned()
            }
        }
        other => format!("{other:?}"),
    }
}

fn report(example: &str, kind: ReportKind) -> Vec<u8> {
    let (library, policy) = context();
    let templates = Templates::load(&DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let file = SourceFile::read(&root().join("examples/dossiers").join(example)).unwrap();
    let dossier = load_dossier(&file, library).unwrap();
    let evaluation = evaluate(&dossier, library, policy, dossier.latest_date());
    documents::report_pdf(&ctx, kind, &dossier, &evaluation).unwrap()
}

fn contains_all(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "missing {n:?} in:\n{text}");
    }
}

#[test]
fn synthesis_report_has_what_the_commission_reads() {
    let bytes = report("03-distance-evaluation-complementaire.yaml", ReportKind::Synthese);
    let text = pdf_text(&bytes);
    contains_all(
        &text,
        &[
            "Synthèse de l'évaluation",
            "Sébastien Morel",
            "CQPT «\u{a0}Conseiller clientèle à distance\u{a0}»",
            "Cap Compétences Télécom",
            "Résultats par activité",
            "Fidéliser le client",
            "à compléter",
            "Proposition\u{a0}: évaluation complémentaire",
            "Savoirs à évaluer de nouveau",
            "La mercatique",
            "AUVICOM — 300,00\u{a0}€",
            "Représentant(e) des salariés — 1",
            "Représentant(e) des employeurs — 2",
            "page 1 / 2",
        ],
    );
    assert_eq!(info(&bytes, b"Author"), "Cap Compétences Télécom");
    assert!(info(&bytes, b"Title").starts_with("Synthèse d'évaluation — Sébastien Morel"));
    assert!(info(&bytes, b"CreationDate").starts_with("D:20260226"), "{}", info(&bytes, b"CreationDate"));
}

#[test]
fn synthesis_report_shows_overrides_with_their_reasons() {
    let text = pdf_text(&report("18-distance-override-item.yaml", ReportKind::Synthese));
    contains_all(
        &text,
        &["Modifications apportées par l'évaluateur", "Proposition\u{a0}: attribution", "ramené à 3"],
    );
    let (library, _) = context();
    let file = SourceFile::read(&root().join("examples/dossiers/18-distance-override-item.yaml")).unwrap();
    let dossier = load_dossier(&file, library).unwrap();
    let reason = &dossier.overrides[0].reason;
    let first_words: String = reason.split(' ').take(3).collect::<Vec<_>>().join(" ");
    assert!(text.contains(&first_words), "reason {reason:?} not in the report");
}

#[test]
fn a_blocked_dossier_gets_a_report_that_says_why() {
    let text = pdf_text(&report("14-evaluator-trained-candidate.yaml", ReportKind::Synthese));
    contains_all(&text, &["Pas de synthèse", "bloquant", "annexe 2 §III, remarque"]);
}

#[test]
fn recevabilite_letters_state_every_reason_with_its_article() {
    let text = pdf_text(&report("10-non-recevable-hours-under-minimum.yaml", ReportKind::Recevabilite));
    contains_all(&text, &["pas recevable", "1607 heures", "art. 3", "Pour AUVICOM"]);
    let text = pdf_text(&report("01-distance-attribution.yaml", ReportKind::Recevabilite));
    contains_all(&text, &["déclarée recevable", "organisme évaluateur habilité"]);
}

#[test]
fn prediagnostic_gives_levels_and_training_needs() {
    let text = pdf_text(&report("01-distance-attribution.yaml", ReportKind::Prediagnostic));
    contains_all(
        &text,
        &[
            "Votre prédiagnostic",
            "Vos besoins de formation",
            "Vos niveaux, activité par activité",
            "bonne connaissance",
        ],
    );
}

#[test]
fn filled_global_grid_has_every_item_with_its_levels() {
    let text = pdf_text(&report("02-point-de-distribution-attribution.yaml", ReportKind::Grille));
    contains_all(
        &text,
        &[
            "Grille globale d'évaluation",
            "Encaisser une marchandise",
            "sans objet",
            "acquis",
            "Participer à la vie de la boutique",
        ],
    );
}

#[test]
fn the_same_input_gives_byte_identical_pdfs() {
    let a = report("03-distance-evaluation-complementaire.yaml", ReportKind::Synthese);
    let b = report("03-distance-evaluation-complementaire.yaml", ReportKind::Synthese);
    assert!(a == b, "two renderings in one process differ");
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/dossiers/03-distance-evaluation-complementaire.yaml");
    let mut outputs = Vec::new();
    for name in ["a.pdf", "b.pdf"] {
        let out = dir.path().join(name);
        let r = run_cmd(cqpt().args(["report", "--kind", "synthese"]).arg(&example).arg("-o").arg(&out));
        assert_eq!(r.code, 0, "{}", r.stderr);
        outputs.push(std::fs::read(&out).unwrap());
    }
    assert!(outputs[0] == outputs[1], "two CLI runs differ");
    assert!(outputs[0] == a, "the CLI and the library differ");
}

fn qpdf_check(path: &Path) {
    let out = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf is needed for this test: apt-get install qpdf (.ci/run installs it)");
    assert!(
        out.status.success(),
        "qpdf --check {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn every_pdf_the_cli_writes_passes_qpdf_check() {
    let dir = tempfile::tempdir().unwrap();
    let env_date = "1790000000"; // SOURCE_DATE_EPOCH: 2026-09-21
    for certificate in ["distance", "point-de-distribution"] {
        for kind in ["observation", "preuves", "globale"] {
            let out = dir.path().join(format!("{certificate}-{kind}.pdf"));
            let r = run_cmd(
                cqpt().env("SOURCE_DATE_EPOCH", env_date).args(["grid", certificate, kind, "-o"]).arg(&out),
            );
            assert_eq!(r.code, 0, "{}", r.stderr);
            qpdf_check(&out);
            let bytes = std::fs::read(&out).unwrap();
            assert!(info(&bytes, b"CreationDate").starts_with("D:20260921"));
        }
    }
    for (example, kind) in [
        ("01-distance-attribution.yaml", "recevabilite"),
        ("01-distance-attribution.yaml", "prediagnostic"),
        ("04-point-de-distribution-non-attribution.yaml", "synthese"),
        ("13-point-de-distribution-carry-over.yaml", "grille"),
        ("05-non-recevable-route-not-admitted.yaml", "recevabilite"),
    ] {
        let out = dir.path().join(format!("{example}-{kind}.pdf"));
        let r = run_cmd(
            cqpt()
                .args(["report", "--kind", kind])
                .arg(root().join("examples/dossiers").join(example))
                .arg("-o")
                .arg(&out),
        );
        assert_eq!(r.code, 0, "{example} {kind}: {}", r.stderr);
        qpdf_check(&out);
    }
}

#[test]
fn blank_grids_have_a_column_per_contact_the_legend_and_page_numbers() {
    let (library, policy) = context();
    let templates = Templates::load(&DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let date = "2026-09-21".parse().unwrap();
    let doc = documents::grid_document(&ctx, "distance", GridKind::Observation, date).unwrap();
    let text = doc.text();
    contains_all(
        &text,
        &[
            "Grille d'observation en situation de travail réelle",
            "C10",
            "fait entièrement en autonomie",
            "Remarques du référent interne",
            "Entretien avec le candidat",
        ],
    );
    assert!(doc.pages.iter().all(|p| p.width > p.height), "landscape");
    assert!(text.contains(&format!("page {} / {}", doc.pages.len(), doc.pages.len())));
    let pdd =
        documents::grid_document(&ctx, "point-de-distribution", GridKind::Observation, date).unwrap().text();
    assert!(pdd.contains("C5") && !pdd.contains("C6"), "five contacts at most for point de distribution");
    // The observation grid lists the items the policy assigns to the observation, and only them.
    assert!(text.contains("Se servir de l'outil de gestion des appels"));
    assert!(!text.contains("Notions de droit relatif aux bases de données clients (CNIL)"));
    let preuves = documents::grid_document(&ctx, "distance", GridKind::Preuves, date).unwrap().text();
    assert!(preuves.contains("Notions de droit relatif aux bases de données clients (CNIL)"));
    // Header rows repeat on every page of a long table.
    let globale = documents::grid_document(&ctx, "point-de-distribution", GridKind::Globale, date).unwrap();
    assert!(globale.pages.len() > 1);
    for page in &globale.pages {
        let t: String = page
            .items
            .iter()
            .filter_map(|i| match i {
                cqpt::render::layout::Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(t.contains("Niveau final"), "header row on every page");
    }
}

#[test]
fn every_character_of_the_data_and_templates_exists_in_the_font() {
    let mut text = String::new();
    for folder in ["referentiels", "templates", "grids", "examples/dossiers", "quiz"] {
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "hbs" || e == "toml") {
                text.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let missing = cqpt::render::font::missing_chars(&text);
    assert!(missing.is_empty(), "characters the embedded font lacks: {missing:?}");
}

#[test]
fn a_misspelt_field_in_a_template_is_an_error_naming_the_file_and_line() {
    let data = tempfile::tempdir().unwrap();
    for folder in ["referentiels", "templates", "grids"] {
        let target = data.path().join(folder);
        std::fs::create_dir_all(&target).unwrap();
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            // The files of the folder (templates/pages/ is the workspace's, not needed here).
            if path.is_file() {
                std::fs::copy(&path, target.join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let template = data.path().join("templates/synthese.hbs");
    let text = std::fs::read_to_string(&template).unwrap();
    let line = text.lines().position(|l| l.contains("{{candidate.id}}")).unwrap() + 1;
    std::fs::write(&template, text.replacen("{{candidate.id}}", "{{candidat.id}}", 1)).unwrap();
    let example = root().join("examples/dossiers/01-distance-attribution.yaml");
    let r = run_cmd(
        cqpt().arg("--data").arg(data.path()).args(["report", "--kind", "synthese", "--text"]).arg(&example),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("templates/synthese.hbs:{line}")), "{}", r.stderr);
    assert!(r.stderr.contains("candidat"), "{}", r.stderr);
    // A syntax error in a template names its file and line too.
    std::fs::write(&template, "!title x\n\n{{#if candidate}}\nnever closed\n").unwrap();
    let r = run_cmd(
        cqpt().arg("--data").arg(data.path()).args(["report", "--kind", "synthese", "--text"]).arg(&example),
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("synthese.hbs:"), "{}", r.stderr);
}

#[test]
fn a_report_without_its_data_says_what_is_missing() {
    let r = run_cmd(
        cqpt()
            .args(["report", "--kind", "prediagnostic", "--text"])
            .arg(root().join("examples/dossiers/03-distance-evaluation-complementaire.yaml")),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no prédiagnostic is recorded"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn report_offers_no_json_it_cannot_write() {
    let example = root().join("examples/dossiers/01-distance-attribution.yaml");
    let r =
        run_cmd(cqpt().args(["report", "--kind", "synthese", "--format", "json", "--text"]).arg(&example));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--format"), "{}", r.stderr);
    let help = run_cmd(cqpt().args(["report", "--help"]));
    assert!(!help.stdout.contains("--format"), "{}", help.stdout);
    assert!(help.stdout.contains("--date"), "{}", help.stdout);
}

#[test]
fn pdfs_declare_french_carry_xmp_metadata_claim_no_pdf_x_and_name_their_fonts() {
    let bytes = report("03-distance-evaluation-complementaire.yaml", ReportKind::Synthese);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(doc.version, "1.7");
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"fr-FR");
    let xmp = catalog.get(b"Metadata").and_then(lopdf::Object::as_reference).unwrap();
    let xmp = doc.get_object(xmp).and_then(|o| o.as_stream()).unwrap();
    assert_eq!(xmp.dict.get(b"Subtype").unwrap().as_name().unwrap(), b"XML");
    let xmp = String::from_utf8(xmp.content.clone()).unwrap();
    for needle in [
        "<rdf:li>fr-FR</rdf:li>",
        "Synthèse d'évaluation — Sébastien Morel",
        "<rdf:li>Cap Compétences Télécom</rdf:li>",
        "<xmp:CreateDate>2026-02-26T00:00:00Z</xmp:CreateDate>",
    ] {
        assert!(xmp.contains(needle), "{needle:?} not in the XMP:\n{xmp}");
    }
    let info = doc.trailer.get(b"Info").and_then(lopdf::Object::as_reference).unwrap();
    let info = doc.get_dictionary(info).unwrap();
    assert!(info.get(b"GTS_PDFXVersion").is_err(), "no PDF/X claim");
    assert!(!String::from_utf8_lossy(&bytes).contains("GTS_PDFX"), "no PDF/X output intent either");
    assert!(info.get(b"Subject").is_ok() && info.get(b"Title").is_ok());
    let mut fonts: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").and_then(|s| s.as_name()).is_ok_and(|n| n == b"Type0"))
        .map(|d| String::from_utf8_lossy(d.get(b"BaseFont").unwrap().as_name().unwrap()).into_owned())
        .collect();
    fonts.sort();
    assert_eq!(fonts, ["CQPTFR+DejaVuSans", "CQPTFR+DejaVuSans-Bold"]);
    // Each descriptor carries its font program, deflated: the shipped face with its glyph ids
    // and widths, the outlines of the common repertoire (a French document's) kept.
    let mut programs = 0;
    for dict in doc.objects.values().filter_map(|o| o.as_dict().ok()) {
        if !dict.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|n| n == b"FontDescriptor") {
            continue;
        }
        let name = dict.get(b"FontName").unwrap().as_name().unwrap();
        let shipped =
            if name.ends_with(b"-Bold") { cqpt::render::font::BOLD } else { cqpt::render::font::REGULAR };
        let program = dict.get(b"FontFile2").and_then(lopdf::Object::as_reference).unwrap();
        let program = doc.get_object(program).and_then(|o| o.as_stream()).unwrap();
        assert_eq!(program.dict.get(b"Filter").unwrap().as_name().unwrap(), b"FlateDecode");
        assert!(program.content.len() < shipped.len() / 2, "{} bytes", program.content.len());
        let embedded = program.decompressed_content().unwrap();
        let (embedded, shipped) =
            (ttf_parser::Face::parse(&embedded, 0).unwrap(), ttf_parser::Face::parse(shipped, 0).unwrap());
        assert_eq!(embedded.number_of_glyphs(), shipped.number_of_glyphs());
        for c in "Synthèse d'évaluation — Sébastien Morel « » € ✓ □ œ Ł".chars() {
            let id = shipped.glyph_index(c).unwrap();
            assert_eq!(embedded.glyph_index(c), Some(id), "{c}");
            assert_eq!(embedded.glyph_hor_advance(id), shipped.glyph_hor_advance(id), "{c}");
            assert_eq!(embedded.glyph_bounding_box(id), shipped.glyph_bounding_box(id), "{c}");
        }
        programs += 1;
    }
    assert_eq!(programs, 2);
}

#[test]
fn reports_are_small_compressed_and_share_their_font_objects() {
    let a = report("03-distance-evaluation-complementaire.yaml", ReportKind::Synthese);
    let b = report("01-distance-attribution.yaml", ReportKind::Recevabilite);
    // 59 KB, of which 46 KB are the two font programs (the common repertoire's outlines,
    // deflated): 135 KB before the content streams were deflated and the fonts cut.
    assert!(a.len() < 64_000, "a synthesis report of {} bytes", a.len());
    // The fonts are prepared once per process: every PDF starts with the same objects.
    let fonts = |bytes: &[u8]| {
        let end = bytes.windows(9).position(|w| w == b"\n10 0 obj").expect("object 10");
        bytes[..end].to_vec()
    };
    assert!(fonts(&a) == fonts(&b), "the font objects differ between two documents");
    let doc = lopdf::Document::load_mem(&a).unwrap();
    for (id, object) in &doc.objects {
        let Ok(stream) = object.as_stream() else { continue };
        let xmp = stream.dict.get(b"Subtype").and_then(|s| s.as_name()).is_ok_and(|n| n == b"XML");
        let filter = stream.dict.get(b"Filter").and_then(|f| f.as_name()).ok();
        assert!(xmp || filter == Some(&b"FlateDecode"[..]), "stream {id:?} is not deflated");
    }
}

#[test]
fn file_identifiers_follow_the_content() {
    let id = |bytes: &[u8]| {
        let doc = lopdf::Document::load_mem(bytes).unwrap();
        let ids = doc.trailer.get(b"ID").and_then(lopdf::Object::as_array).unwrap().clone();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], ids[1]);
        ids[0].as_str().unwrap().to_vec()
    };
    let a = id(&report("03-distance-evaluation-complementaire.yaml", ReportKind::Synthese));
    assert_eq!(a.len(), 16);
    assert_eq!(a, id(&report("03-distance-evaluation-complementaire.yaml", ReportKind::Synthese)));
    assert_ne!(a, id(&report("03-distance-evaluation-complementaire.yaml", ReportKind::Grille)));
    assert_ne!(a, id(&report("01-distance-attribution.yaml", ReportKind::Synthese)));
}

#[test]
fn a_name_outside_the_common_repertoire_gets_the_whole_faces() {
    use cqpt::render::font::Style;
    use cqpt::render::layout::{Document, Item, Page};
    let doc = |text: &str| Document {
        title: "Essai".into(),
        author: "cqpt".into(),
        subject: "Essai".into(),
        created: "2026-02-26".parse().unwrap(),
        pages: vec![Page {
            width: 210.0,
            height: 297.0,
            items: vec![Item::Text {
                x: 20.0,
                y: 30.0,
                size: 11.0,
                style: Style::Regular,
                gray: 0.0,
                text: text.into(),
            }],
        }],
    };
    let french = cqpt::render::pdf::to_pdf(&doc("Hélène Lefèvre"));
    let greek = cqpt::render::pdf::to_pdf(&doc("Νίκος Παπαδόπουλος — Пётр Ёлкин — Nguyễn"));
    assert!(pdf_text(&greek).contains("Νίκος Παπαδόπουλος — Пётр Ёлкин — Nguyễn"), "{}", pdf_text(&greek));
    assert!(pdf_text(&french).contains("Hélène Lefèvre"));
    let outline = |bytes: &[u8], c: char| {
        let doc = lopdf::Document::load_mem(bytes).unwrap();
        let program = doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .find(|s| s.dict.get(b"Length1").is_ok())
            .unwrap()
            .decompressed_content()
            .unwrap();
        let face = ttf_parser::Face::parse(&program, 0).unwrap();
        face.glyph_bounding_box(face.glyph_index(c).unwrap()).is_some()
    };
    assert!(outline(&greek, 'Π') && outline(&greek, 'П') && outline(&greek, 'ễ'));
    assert!(outline(&french, 'è') && !outline(&french, 'Π'), "the common faces leave Greek out");
    assert!(french.len() + 40_000 < greek.len(), "{} and {} bytes", french.len(), greek.len());
}
