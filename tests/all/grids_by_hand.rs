//! The blank grids an evaluator fills by hand, read back from the PDF: who, what and when at the
//! top, signature boxes at the end, the cells of modalities that do not assess an item greyed.

use crate::builder::context;
use crate::documents::pdf_text;
use cqpt::documents::{self, Context, GridKind};
use cqpt::render::Templates;
use cqpt::render::layout::Item;
use cqpt::render::paginate::GREY_FILL;
use cqpt::source::DataSource;

fn blank(certificate: &str, kind: GridKind) -> String {
    let (library, policy) = context();
    let templates = Templates::load(&DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    pdf_text(&documents::grid_pdf(&ctx, certificate, kind, "2026-09-10".parse().unwrap()).unwrap())
}

#[test]
fn every_blank_grid_opens_with_an_identity_block_and_ends_with_signatures() {
    for certificate in ["distance", "point-de-distribution"] {
        for kind in [GridKind::Observation, GridKind::Preuves, GridKind::Globale] {
            let text = blank(certificate, kind);
            let identity = [
                "Candidat(e)",
                "Certificat",
                "Organisme évaluateur",
                "Évaluateur ou évaluatrice",
                "Date",
                "Heure de début et de fin",
            ];
            for needle in identity {
                assert!(text.contains(needle), "{certificate} {kind:?}: missing {needle:?}:\n{text}");
            }
            let first_table = text.find("Savoir").unwrap();
            assert!(text.find("Heure de début et de fin").unwrap() < first_table, "identity before the grid");
            for needle in
                ["L'évaluateur ou l'évaluatrice", "Le candidat ou la candidate", "Date et signature"]
            {
                assert!(text.contains(needle), "{certificate} {kind:?}: missing {needle:?}");
            }
            let referee = text.contains("La personne référente de l'entreprise");
            assert_eq!(
                referee,
                kind == GridKind::Observation,
                "{certificate} {kind:?}: a referee signs the observation only"
            );
        }
    }
}

#[test]
fn the_global_grid_greys_the_cells_of_the_modalities_that_do_not_assess_an_item() {
    let text = blank("distance", GridKind::Globale);
    assert!(text.contains("Case grisée\u{a0}: modalité qui n'évalue pas"), "{text}");
    assert!(!text.contains('×') && !text.contains("{grey}"), "no mark printed in a greyed cell:\n{text}");
    // Every item has three modality cells, at least one of which the policy leaves out.
    let (library, policy) = context();
    let r = library.referentiel("distance").unwrap();
    let mut items = std::collections::BTreeSet::new();
    for a in r.core_activities() {
        for (_, x) in a.knowledge.iter().flat_map(cqpt::referentiel::Knowledge::refs) {
            items.insert(x.id.clone());
        }
    }
    let expected: usize = items
        .iter()
        .filter_map(|id| library.item(id))
        .map(|i| 3 - policy.modalities.for_category(i.category).len())
        .sum();
    assert!(expected > 0);
    let templates = Templates::load(&DataSource::Embedded).unwrap();
    let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
    let created = "2026-09-10".parse().unwrap();
    let doc = documents::grid_document(&ctx, "distance", GridKind::Globale, created).unwrap();
    let greyed = doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter(|i| matches!(i, Item::Rect { fill: Some(f), .. } if (*f - GREY_FILL).abs() < 1e-6))
        .count();
    assert_eq!(greyed, expected, "one filled rectangle behind each left-out cell");
    // The PDF paints them: the content streams set that grey as fill colour.
    let pdf = lopdf::Document::load_mem(
        &documents::grid_pdf(&ctx, "distance", GridKind::Globale, created).unwrap(),
    )
    .unwrap();
    let fill = format!("{GREY_FILL} g");
    let painted = pdf.get_pages().values().any(|id| {
        let content = pdf.get_page_content(*id);
        String::from_utf8_lossy(&content).contains(&fill)
    });
    assert!(painted, "no {fill:?} in the PDF content");
}

/// The greyed cells follow the policy of the grid's certificate, not the default one: with the
/// quiz taken off the transversal items of `distance` only, its grid greys more cells and the
/// other certificate's grid stays as it was.
#[test]
fn the_greyed_cells_follow_the_certificate_s_own_policy() {
    let greyed = |policy: &cqpt::policy::Policy, library, certificate: &str| {
        let templates = Templates::load(&DataSource::Embedded).unwrap();
        let ctx = Context::new(library, policy, &templates, &DataSource::Embedded);
        let doc =
            documents::grid_document(&ctx, certificate, GridKind::Globale, "2026-09-10".parse().unwrap())
                .unwrap();
        doc.pages
            .iter()
            .flat_map(|p| &p.items)
            .filter(|i| matches!(i, Item::Rect { fill: Some(f), .. } if (*f - GREY_FILL).abs() < 1e-6))
            .count()
    };
    let (library, shipped) = context();
    let text = std::fs::read_to_string(crate::common::root().join("referentiels/politique.toml")).unwrap();
    let text = format!("{text}\n[certificats.distance.modalities]\ntransversal = [\"preuves\"]\n");
    let file = cqpt::source::SourceFile { name: "politique.toml".into(), text };
    let changed = cqpt::policy::load_policy(&file, library).expect("a valid override");
    assert!(greyed(&changed, library, "distance") > greyed(shipped, library, "distance"));
    assert_eq!(
        greyed(&changed, library, "point-de-distribution"),
        greyed(shipped, library, "point-de-distribution")
    );
}
