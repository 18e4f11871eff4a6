//! A session on a folder mixing the four certificates (issue 13, done when): each dossier's
//! documents name its own family, certifier and commission; each commission gets its own
//! tableau récapitulatif with its dossiers only.

use crate::common::{cqpt, root, run_cmd};
use crate::documents::pdf_text;

fn text(path: &std::path::Path) -> String {
    pdf_text(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .replace('\u{a0}', " ")
}

#[test]
fn a_session_of_four_certificates_writes_the_documents_of_each() {
    let out = tempfile::tempdir().unwrap();
    let r =
        run_cmd(cqpt().args(["session"]).arg(root().join("examples/dossiers")).arg("--out").arg(out.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dir = out.path();
    // Each certificate's decision letter names its own commission and family, no other's.
    let cases = [
        (
            "01-distance-attribution",
            "Commission d'attribution des CQPT",
            "CQPT « Conseiller clientèle à distance »",
        ),
        (
            "02-point-de-distribution-attribution",
            "Commission d'attribution des CQPT",
            "CQPT « Conseiller clientèle en point de distribution »",
        ),
        (
            "27-tp-validation-partielle",
            "Jury du titre professionnel",
            "titre professionnel « Conseiller service",
        ),
        ("29-accueil-attribution", "Jury du diplôme", "diplôme « Accueil des clients et des publics »"),
    ];
    for (dossier, commission, family) in cases {
        let letter = text(&dir.join(dossier).join("lettre-decision.pdf"));
        let flat = letter.replace('\n', " ");
        assert!(flat.contains(commission), "{dossier}: {commission}\n{letter}");
        assert!(flat.contains(family), "{dossier}: {family}\n{letter}");
        if !commission.contains("CQPT") {
            for foreign in ["CQPT", "AUVICOM", "CPNE"] {
                assert!(!letter.contains(foreign), "{dossier}: {foreign}\n{letter}");
            }
        }
        let synthese = text(&dir.join(dossier).join("synthese.pdf"));
        assert!(synthese.replace('\n', " ").contains(commission), "{dossier}\n{synthese}");
    }
    // The validation partielle's synthesis lists the units.
    let partial = text(&dir.join("27-tp-validation-partielle/synthese.pdf"));
    assert!(partial.contains("Unités (blocs de compétences)"), "{partial}");
    // One tableau per commission, each with its own dossiers.
    let cqpt = text(&dir.join("tableau-recapitulatif.pdf"));
    assert!(
        cqpt.contains("CQ-2025-0112") && !cqpt.contains("TP-2026-0031") && !cqpt.contains("AC-2026-0005")
    );
    let tp = text(&dir.join("tableau-recapitulatif-tp-service-client-distance.pdf"));
    assert!(
        tp.contains("TP-2026-0031") && tp.contains("TP-2027-0008") && !tp.contains("CQ-2025-0112"),
        "{tp}"
    );
    assert!(tp.contains("Jury du titre professionnel") && !tp.contains("AUVICOM"), "{tp}");
    let accueil = text(&dir.join("tableau-recapitulatif-accueil.pdf"));
    assert!(accueil.contains("AC-2026-0005") && accueil.contains("Jury du diplôme"), "{accueil}");
    // A dossier without decision gets no letter; a rejected application gets its recevabilité letter.
    assert!(!dir.join("03-distance-evaluation-complementaire/lettre-decision.pdf").exists());
    assert!(dir.join("05-non-recevable-route-not-admitted/lettre-recevabilite.pdf").exists());
}

#[test]
fn the_cpne_annual_review_leaves_out_the_certificates_of_other_certifiers() {
    let out = tempfile::tempdir().unwrap();
    let r = run_cmd(
        cqpt()
            .args(["bilan"])
            .arg(root().join("examples/dossiers"))
            .args(["--year", "2026", "--out"])
            .arg(out.path()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .unwrap();
    let review = text(&pdf).replace('\n', " ");
    // 27 (titre professionnel) and 29 (accueil) were filed in 2026; 28 in 2027.
    assert!(review.contains("2 dossier(s) de certificats délivrés par un autre certificateur"), "{review}");
    assert!(!review.contains("Conseiller service client"), "{review}");
}
