//! The blank grids an evaluator fills by hand, read back from the PDF: who, what and when at the
//! top, signature boxes at the end, the cells of modalities that do not assess an item marked.

use crate::builder::context;
use crate::documents::pdf_text;
use cqpt::documents::{self, Context, GridKind};
use cqpt::render::Templates;
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
fn the_global_grid_marks_the_modalities_that_do_not_assess_an_item() {
    let text = blank("distance", GridKind::Globale);
    assert!(text.contains("×\u{a0}: modalité qui n'évalue pas"), "{text}");
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
    assert_eq!(text.matches('×').count(), expected + 1, "one mark per left-out cell, and the legend's");
}
