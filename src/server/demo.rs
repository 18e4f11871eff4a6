//! `cqpt serve --demo`: a throw-away store with the example dossiers (or, away from the
//! repository, generated ones) and one account per role, so that a newcomer sees every desk in
//! a minute.

use crate::accounts::{self, Role, Secret};
use crate::policy::Policy;
use crate::referentiel::Library;
use crate::source::SourceFile;
use crate::store::{self, NewUser, Store};
use std::path::Path;

/// An account of the demo, with its password (printed once).
pub struct DemoAccount {
    /// Login.
    pub login: String,
    /// Role.
    pub role: Role,
    /// Its password.
    pub password: Secret,
}

/// Fills `store` with the dossiers of `examples` (when that folder exists, else 40 generated
/// ones) and one account per role; the evaluator belongs to the body of most dossiers; the
/// commission member sits, with three members typed by name, in a session opened on the day of
/// a dossier ready for the commission, which is on its agenda.
pub fn fill(
    store: &mut store::SqliteStore,
    examples: &Path,
    library: &Library,
    policy: &Policy,
) -> store::Result<(usize, Vec<DemoAccount>)> {
    let mut files: Vec<SourceFile> = Vec::new();
    if examples.is_dir() {
        for path in crate::session::dossier_files(examples).map(|e| e.dossiers).unwrap_or_default() {
            if let Ok(f) = SourceFile::read(&path) {
                files.push(f);
            }
        }
    }
    if files.is_empty() {
        files = crate::synthetic::generate(library, policy, 40, 1, &[2025, 2026])
            .into_iter()
            .map(|g| SourceFile { name: g.file_name, text: g.yaml })
            .collect();
    }
    let mut imported = 0;
    for f in &files {
        if store::import_dossier(store, "demo", f, library, policy).is_ok() {
            imported += 1;
        }
    }
    // The evaluator works for the body with the most dossiers.
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for d in store.dossiers()? {
        if let Some(b) = d.body {
            *counts.entry(b).or_default() += 1;
        }
    }
    let body = counts.into_iter().max_by_key(|(_, n)| *n).map(|(b, _)| b);
    // The candidate's account is that of a candidate whose dossier is decided (a letter to see).
    let all = store.dossiers()?;
    let candidate = all.iter().find(|d| d.state == "decided").or(all.first()).map(|d| d.candidate.clone());
    let people = [
        ("admin", "Secrétariat de la CPNE", Role::Administrator, None),
        ("auvicom", "Agent AUVICOM", Role::AuvicomOfficer, None),
        ("evaluateur", "Évaluatrice de l'organisme", Role::Evaluator, body),
        ("commission", "Membre de la commission", Role::CommissionMember, None),
        ("candidat", "Candidat", Role::Candidate, None),
    ];
    let people = people.into_iter().filter(|p| p.2 != Role::Candidate || candidate.is_some());
    let mut accounts = Vec::new();
    for (login, name, role, body) in people {
        let refused = |e: accounts::PasswordError| store::StoreError::Refused(e.to_string());
        let password = accounts::one_time_password().map_err(refused)?;
        let hash = accounts::hash_password(&password).map_err(refused)?;
        store.create_user(
            "demo",
            &NewUser {
                login: login.into(),
                display_name: name.into(),
                role,
                body,
                password_hash: hash,
                candidate: if role == Role::Candidate { candidate.clone() } else { None },
            },
        )?;
        accounts.push(DemoAccount { login: login.into(), role, password });
    }
    commission_session(store)?;
    Ok((imported, accounts))
}

/// The commission member's college, and a session (2 + 2) with a dossier whose synthesis is
/// done on its agenda, on that dossier's latest date.
fn commission_session(store: &mut store::SqliteStore) -> store::Result<()> {
    use crate::dossier::College;
    use crate::store::commission::{AgendaPurpose, NewSession, SessionMember};
    store.set_college("demo", "commission", College::Salaries)?;
    let Some(ready) = store.dossiers()?.into_iter().find(|d| d.state == "synthesised" && d.phase >= 3) else {
        return Ok(());
    };
    let typed = |name: &str, college| SessionMember { name: name.into(), college, login: None };
    let session = NewSession {
        on: ready.latest_date,
        place: "Paris, siège de la CPNE".into(),
        members: vec![
            SessionMember {
                name: "Membre de la commission".into(),
                college: College::Salaries,
                login: Some("commission".into()),
            },
            typed("Bruno Nguyen", College::Salaries),
            typed("Catherine Delmas", College::Employeurs),
            typed("Didier Fabre", College::Employeurs),
        ],
    };
    let id = store.open_commission_session("demo", &session)?;
    store.add_to_agenda("demo", &id, &ready.id, AgendaPurpose::Examen)
}
