//! Where pages break, read from the PDF's text page by page: documents long enough to break,
//! and no heading, question, signature block or table row cut where a person would not cut
//! it; text that needs several pages gets them.

use crate::builder::context;
use crate::common::root;
use crate::documents::pdf_pages;
use cqpt::documents::{self, Context, GridKind, ReportKind};
use cqpt::dossier::load_dossier;
use cqpt::phases::evaluate;
use cqpt::render::Templates;
use cqpt::render::french::french_spacing;
use cqpt::render::markup::{self, Block, Row};
use cqpt::source::{DataSource, SourceFile};

fn templates() -> Templates {
    Templates::load(&DataSource::Embedded).unwrap()
}

/// The synthesis report of `yaml` (a dossier's text) as PDF bytes.
fn synthese(yaml: &str) -> Vec<u8> {
    let (library, policy) = context();
    let templates = templates();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dossier.yaml");
    std::fs::write(&path, yaml).unwrap();
    let dossier = load_dossier(&SourceFile::read(&path).unwrap(), library).unwrap();
    let evaluation = evaluate(&dossier, library, policy, dossier.latest_date());
    documents::report_pdf(&ctx, ReportKind::Synthese, &dossier, &evaluation).unwrap()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(root().join("examples/dossiers").join(name)).unwrap()
}

/// Example 18 with its override's reason replaced by `reason`.
fn with_reason(reason: &str) -> String {
    let text = example("18-distance-override-item.yaml");
    let start = text.find("    reason: \"").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    format!("{}    reason: \"{reason}\"{}", &text[..start], &text[end..])
}

/// `n` distinct words.
fn words(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("motif{i:04}")).collect()
}

#[test]
fn a_reason_of_2500_words_is_printed_in_full_over_as_many_pages_as_it_needs() {
    let words = words(2500);
    let pages = pdf_pages(&synthese(&with_reason(&words.join(" "))));
    assert!(pages.len() >= 5, "{} pages", pages.len());
    let text = pages.join("\n");
    let missing: Vec<&String> = words.iter().filter(|w| !text.contains(w.as_str())).collect();
    assert!(missing.is_empty(), "{} of 2500 words missing, first {:?}", missing.len(), missing.first());
    // In order, each once.
    let mut at = 0;
    for w in &words {
        let found = text[at..].find(w.as_str()).unwrap_or_else(|| panic!("{w} out of order"));
        at += found + w.len();
    }
    // The table's header row opens every page the reason continues on.
    for page in pages.iter().filter(|p| p.contains("motif")).skip(1) {
        let first_body = page.lines().next().unwrap_or_default();
        assert_eq!(first_body, "Objet", "header row repeated:\n{page}");
    }
}

#[test]
fn the_signature_block_is_never_split_nor_alone() {
    let mut reports = Vec::new();
    for entry in std::fs::read_dir(root().join("examples/dossiers")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            reports.push((name.clone(), pdf_pages(&synthese(&example(&name)))));
        }
    }
    // Reasons of every length, so that the block falls at every height of a page.
    for n in (20..400).step_by(23) {
        reports.push((format!("{n} words"), pdf_pages(&synthese(&with_reason(&words(n).join(" "))))));
    }
    let mut seen = 0;
    for (name, pages) in &reports {
        let with_signatures: Vec<&String> =
            pages.iter().filter(|p| p.contains("Date et signature")).collect();
        if with_signatures.is_empty() {
            continue; // a blocked dossier: no decision to sign
        }
        seen += 1;
        assert_eq!(with_signatures.len(), 1, "{name}: the signature block is split");
        let page = with_signatures[0];
        assert_eq!(page.matches("Date et signature").count(), 4, "{name}:\n{page}");
        assert!(page.contains("Commission d'attribution"), "{name}: its heading on the same page:\n{page}");
        assert!(page.contains("Décision de la commission"), "{name}: not alone:\n{page}");
    }
    assert!(seen > 20, "{seen} reports with signatures");
}

/// The headings of the synthesis report of `yaml`, as the template writes them.
fn synthese_headings(yaml: &str) -> Vec<String> {
    let (library, policy) = context();
    let templates = templates();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dossier.yaml");
    std::fs::write(&path, yaml).unwrap();
    let dossier = load_dossier(&SourceFile::read(&path).unwrap(), library).unwrap();
    let evaluation = evaluate(&dossier, library, policy, dossier.latest_date());
    let text = templates
        .render("synthese", &documents::views::synthese(&ctx, &dossier, &evaluation).unwrap())
        .unwrap();
    markup::parse(&text)
        .unwrap()
        .blocks
        .into_iter()
        .filter_map(|b| match b {
            Block::Title(t) | Block::Heading(t) | Block::Subheading(t) => Some(french_spacing(&t)),
            _ => None,
        })
        .collect()
}

#[test]
fn no_page_ends_with_a_heading() {
    let mut checked = 0;
    for n in (20..400).step_by(29) {
        let yaml = with_reason(&words(n).join(" "));
        let headings = synthese_headings(&yaml);
        assert!(headings.len() > 3, "{headings:?}");
        let pages = pdf_pages(&synthese(&yaml));
        for (k, page) in pages.iter().enumerate().take(pages.len() - 1) {
            // The body's last line comes before the running header, footer and page number.
            let lines: Vec<&str> = page.lines().collect();
            let body_end = lines.len().saturating_sub(3);
            let last = lines[..body_end].last().copied().unwrap_or_default();
            assert!(
                !headings.iter().any(|h| h == last),
                "{n} words: page {} ends with heading {last:?}",
                k + 1
            );
            checked += 1;
        }
    }
    assert!(checked > 10);
}

#[test]
fn a_quiz_question_and_its_answers_share_a_page() {
    let (library, policy) = context();
    let bank = cqpt::quiz::load(&DataSource::Embedded, library).unwrap();
    for seed in [1, 42] {
        let id = cqpt::quiz::SittingId {
            certificate: "distance".into(),
            purpose: cqpt::quiz::Purpose::Evaluation,
            seed,
        };
        let sitting = cqpt::quiz::draw(&bank, library, policy, &id.spec(), seed).unwrap();
        let view = cqpt::quiz::paper::view(&sitting, library, false);
        let bytes =
            cqpt::render::pdf(&templates(), "quiz-papier", &view, "2026-10-05".parse().unwrap()).unwrap();
        let pages: Vec<String> = pdf_pages(&bytes).iter().map(|p| p.replace('\n', " ")).collect();
        assert!(pages.len() > 3);
        for q in &sitting.questions {
            let start = format!("{}. ", q.number);
            let last = &q.choices.last().unwrap().text;
            let opening = french_spacing(&format!("{start}{}", first_words(&q.text)));
            let page = pages.iter().position(|p| p.contains(&opening));
            let page = page.unwrap_or_else(|| panic!("question {} not found", q.number));
            assert!(
                pages[page].contains(&french_spacing(last)),
                "seed {seed}: question {} split from {last:?}",
                q.number
            );
        }
    }
}

fn first_words(text: &str) -> String {
    text.split(' ').take(3).collect::<Vec<_>>().join(" ")
}

#[test]
fn grid_rows_are_never_split_and_activity_headings_repeat() {
    let (library, policy) = context();
    let templates = templates();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let date = "2026-09-21".parse().unwrap();
    for certificate in ["distance", "point-de-distribution"] {
        for kind in [GridKind::Globale, GridKind::Preuves, GridKind::Observation] {
            let grids = ctx.grids(certificate).unwrap();
            let view = documents::views::grid(&ctx, &grids, kind, None).unwrap();
            let name = match kind {
                GridKind::Observation => "grille-observation",
                GridKind::Preuves => "grille-preuves",
                GridKind::Globale => "grille-globale",
            };
            let text = templates.render(name, &view).unwrap();
            let markup = markup::parse(&text).unwrap();
            let pages: Vec<String> = pdf_pages(&documents::grid_pdf(&ctx, certificate, kind, date).unwrap())
                .iter()
                .map(|p| p.replace('\n', " "))
                .collect();
            let mut groups = Vec::new();
            let mut header = String::new();
            for block in &markup.blocks {
                let Block::Table(table) = block else { continue };
                if let Some(first) = table.header.first() {
                    header = french_spacing(&first[0]);
                }
                for row in &table.rows {
                    match row {
                        Row::Group(g) => groups.push(g.clone()),
                        Row::Cells(cells) => {
                            let label = french_spacing(&cells[0]);
                            assert!(
                                pages.iter().any(|p| p.contains(&label)),
                                "{certificate} {name}: row {label:?} split across pages"
                            );
                        }
                    }
                }
            }
            if groups.is_empty() || pages.len() < 2 {
                continue;
            }
            // Every page that holds rows of the grid names the activity they belong to.
            for (k, page) in pages.iter().enumerate() {
                if page.contains(&header) {
                    assert!(
                        groups.iter().any(|g| page.contains(&french_spacing(g))),
                        "{certificate} {name}: page {} has no activity heading:\n{page}",
                        k + 1
                    );
                }
            }
        }
    }
}

#[test]
fn no_orphan_or_widow_line_wherever_a_paragraph_falls() {
    let paragraph = words(300).join(" ");
    for space in 0..40 {
        let text = format!("# Titre\n!space {}\n{paragraph}\n\nFin.\n", space * 4);
        let doc = cqpt::render::flow::layout(&markup::parse(&text).unwrap(), "2026-01-01".parse().unwrap());
        let bytes = cqpt::render::pdf::to_pdf(&doc);
        let pages = pdf_pages(&bytes);
        for (k, page) in pages.iter().enumerate() {
            let lines = page.lines().filter(|l| l.starts_with("motif")).count();
            assert!(
                lines == 0 || lines >= 2,
                "!space {}: page {} holds {lines} line of the paragraph",
                space * 4,
                k + 1
            );
        }
    }
}

#[test]
fn no_text_of_any_report_or_grid_falls_outside_its_page() {
    let (library, policy) = context();
    let templates = templates();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(root().join("examples/dossiers")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let dossier = load_dossier(&SourceFile::read(&path).unwrap(), library).unwrap();
        let evaluation = evaluate(&dossier, library, policy, dossier.latest_date());
        for kind in
            [ReportKind::Recevabilite, ReportKind::Prediagnostic, ReportKind::Synthese, ReportKind::Grille]
        {
            if let Ok(doc) = documents::report_document(&ctx, kind, &dossier, &evaluation) {
                docs.push((format!("{} {kind:?}", path.display()), doc));
            }
        }
    }
    for certificate in ["distance", "point-de-distribution"] {
        for kind in [GridKind::Globale, GridKind::Preuves, GridKind::Observation] {
            let doc =
                documents::grid_document(&ctx, certificate, kind, "2026-09-21".parse().unwrap()).unwrap();
            docs.push((format!("{certificate} {kind:?}"), doc));
        }
    }
    assert!(docs.len() > 50, "{} documents", docs.len());
    for (name, doc) in &docs {
        for (k, page) in doc.pages.iter().enumerate() {
            for item in &page.items {
                if let cqpt::render::layout::Item::Text { x, y, text, .. } = item {
                    let inside = *x >= 0.0 && *x < page.width && *y > 0.0 && *y <= page.height - 10.0;
                    assert!(inside, "{name}, page {}: {text:?} at ({x}, {y})", k + 1);
                }
            }
        }
    }
}
