//! The candidate's page in the workspace, through the router: their own dossier, its state,
//! what is missing, the decision and their letters; nothing of anyone else's, no desk; a
//! candidate's account is linked to an existing file number when it is created.

use crate::workspace::{Ws, hidden};
use axum::http::StatusCode;
use cqpt::store::{SqliteStore, Store};

fn store(ws: &Ws) -> SqliteStore {
    SqliteStore::open(&ws.store, ws.clock.clone()).unwrap()
}

#[test]
fn a_candidate_sees_their_dossier_the_decision_and_their_letters_and_nothing_else() {
    let ws = Ws::new();
    let s = store(&ws);
    let mine = s.user("candidat").unwrap().unwrap().candidate.expect("the demo candidate is linked");
    let dossiers = s.dossiers().unwrap();
    let own = dossiers.iter().find(|d| d.candidate == mine).unwrap().id.clone();
    let other = dossiers.iter().find(|d| d.candidate != mine && d.state == "decided").unwrap().clone();
    drop(s);

    // AUVICOM produces a recevabilité letter for the candidate's dossier and for another.
    let officer = ws.login("auvicom");
    let csrf = ws.csrf(&officer);
    for id in [own.as_str(), other.id.as_str()] {
        let made =
            ws.send("POST", &format!("/auvicom/dossiers/{id}/lettre"), &officer, Some(&[("csrf", &csrf)]));
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    }
    let documents = |id: &str| store(&ws).documents(id).unwrap();
    let own_letter = documents(&own)[0].id;
    let other_letter = documents(&other.id)[0].id;

    let candidate = ws.login("candidat");
    let home = ws.send("GET", "/", &candidate, None);
    assert_eq!((home.status, home.location.as_str()), (StatusCode::SEE_OTHER, "/espace-candidat"));
    let page = ws.send("GET", "/espace-candidat", &candidate, None);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&own), "{}", page.body);
    assert!(page.body.contains("Décision de la commission du"), "{}", page.body);
    assert!(page.body.contains(&format!("/espace-candidat/documents/{own_letter}")), "{}", page.body);
    assert!(
        page.body.contains("Lettre de décision de recevabilité</a>"),
        "the letter's name from documents.toml"
    );
    assert!(
        !page.body.contains(&other.id) && !page.body.contains(&other.candidate),
        "another candidate shown"
    );
    assert!(!page.body.contains("href=\"/dossiers\""), "no staff link for a candidate");
    let letter = ws.send("GET", &format!("/espace-candidat/documents/{own_letter}"), &candidate, None);
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.starts_with("%PDF-"));
    // Another candidate's letter, a document that does not exist: the same 404.
    for n in [other_letter, 999_999] {
        assert_eq!(
            ws.send("GET", &format!("/espace-candidat/documents/{n}"), &candidate, None).status,
            StatusCode::NOT_FOUND
        );
    }
    // No staff page, no dossier page, not even their own.
    for path in [
        "/auvicom",
        "/dossiers",
        &format!("/dossiers/{own}"),
        &format!("/dossiers/{own}/documents/{own_letter}"),
        "/seances",
    ] {
        assert_eq!(ws.send("GET", path, &candidate, None).status, StatusCode::FORBIDDEN, "{path}");
    }
    // Staff have no candidate page.
    assert_eq!(ws.send("GET", "/espace-candidat", &officer, None).status, StatusCode::FORBIDDEN);
}

#[test]
fn a_candidates_account_is_linked_to_an_existing_file_number() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let csrf = hidden(&ws.send("GET", "/admin/comptes", &admin, None).body, "csrf");
    let create = |candidate: &str| {
        ws.send(
            "POST",
            "/admin/comptes",
            &admin,
            Some(&[
                ("csrf", &csrf),
                ("login", "lea"),
                ("name", "Léa"),
                ("role", "candidate"),
                ("candidate", candidate),
            ]),
        )
    };
    assert!(create("").body.contains("Candidat : le compte d&#x27;un candidat"), "{}", create("").body);
    assert!(create("CQ-INCONNU").body.contains("aucun dossier n&#x27;a le numéro de candidat"));
    assert!(store(&ws).user("lea").unwrap().is_none());
    let existing = store(&ws).dossiers().unwrap()[0].candidate.clone();
    let made = create(&existing);
    assert!(made.body.contains("Mot de passe à usage unique") || made.body.contains("créé"), "{}", made.body);
    assert_eq!(store(&ws).user("lea").unwrap().unwrap().candidate, Some(existing));
}
