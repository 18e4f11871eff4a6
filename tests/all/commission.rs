//! The attribution commission's sessions in the workspace, through the router with a fake
//! clock: a session opened with 2 + 2 members (2 + 1 refused, the field named), a member who
//! does not sit in a session and the other roles refused, a decision recorded with the members
//! who sat (not before the session's day, only with the quorum), its letter on the candidate's
//! page, the procès-verbal printed and kept, appeals on the merits refused and on the procedure
//! admitted and reviewed in a later session.

use crate::documents::pdf_text;
use crate::workspace::{Answer, Ws, hidden};
use axum::http::StatusCode;
use cqpt::store::commission::SessionRow;
use cqpt::store::{SqliteStore, Store};

fn store(ws: &Ws) -> SqliteStore {
    SqliteStore::open(&ws.store, ws.clock.clone()).unwrap()
}

/// The demo session (the only one the demo opens) and the dossier on its agenda.
fn demo_session(ws: &Ws) -> (SessionRow, String) {
    let s = store(ws);
    let session = s.commission_sessions().unwrap().into_iter().next().expect("the demo opens a session");
    let dossier = s.agenda(&session.id).unwrap()[0].dossier.clone();
    (session, dossier)
}

/// Dossiers ready for the commission (synthesis done, not decided) not on any agenda.
fn ready(ws: &Ws) -> Vec<String> {
    let s = store(ws);
    s.dossiers()
        .unwrap()
        .into_iter()
        .filter(|d| d.state == "synthesised" && d.phase >= 3)
        .filter(|d| s.agendas_of(&d.id).unwrap().is_empty())
        .map(|d| d.id)
        .collect()
}

/// Opens a session as the administrator with typed members (name, college): the answer.
pub fn open(ws: &Ws, admin: &str, date: &str, accounts: &[&str], typed: &[(&str, &str)]) -> Answer {
    let csrf = hidden(&ws.send("GET", "/commission", admin, None).body, "csrf");
    let mut form: Vec<(String, String)> =
        vec![("csrf".into(), csrf), ("date".into(), date.into()), ("lieu".into(), "Paris".into())];
    form.extend(accounts.iter().map(|a| ("compte".to_string(), (*a).to_string())));
    for (i, (name, college)) in typed.iter().enumerate() {
        form.push((format!("nom-{}", i + 1), (*name).to_string()));
        form.push((format!("college-{}", i + 1), (*college).to_string()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    ws.send("POST", "/commission", admin, Some(&pairs))
}

const FOUR: [(&str, &str); 4] = [
    ("Annie Roux", "salaries"),
    ("Bruno Nguyen", "salaries"),
    ("Catherine Delmas", "employeurs"),
    ("Didier Fabre", "employeurs"),
];

/// The id of a session from the address the opening redirects to.
pub fn opened(answer: &Answer) -> String {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    answer.location.trim_start_matches("/commission/").split('?').next().unwrap().to_string()
}

/// Posts a form of the session's dossier page (`decision`, `recours`) as `who`.
pub fn post(
    ws: &Ws,
    who: &str,
    session: &str,
    dossier: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Answer {
    let page = ws.send("GET", &format!("/commission/{session}/dossiers/{dossier}"), who, None);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    ws.send("POST", &format!("/commission/{session}/dossiers/{dossier}/{action}"), who, Some(&form))
}

/// Every member of a 4-member session sits.
const ALL_SIT: [(&str, &str); 4] =
    [("presence-0", "siege"), ("presence-1", "siege"), ("presence-2", "siege"), ("presence-3", "siege")];

pub fn decide(ws: &Ws, who: &str, session: &str, dossier: &str, outcome: &str) -> Answer {
    let mut fields = ALL_SIT.to_vec();
    fields.push(("decision", outcome));
    post(ws, who, session, dossier, "decision", &fields)
}

pub fn agenda_add(ws: &Ws, admin: &str, session: &str, dossier: &str) -> Answer {
    let csrf = hidden(&ws.send("GET", &format!("/commission/{session}"), admin, None).body, "csrf");
    ws.send(
        "POST",
        &format!("/commission/{session}/ordre-du-jour"),
        admin,
        Some(&[("csrf", &csrf), ("dossier", dossier)]),
    )
}

#[test]
fn a_session_needs_two_members_of_each_college_and_says_which_field() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let short = open(&ws, &admin, "2026-12-04", &["commission"], &FOUR[1..3]);
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", short.body);
    assert!(
        short.body.contains("Membres (représentant(e) des employeurs) : il en faut au moins 2, 1 choisi(s)"),
        "{}",
        short.body
    );
    assert!(short.body.contains("value=\"Bruno Nguyen\""), "the form comes back as typed");
    let before = store(&ws).commission_sessions().unwrap().len();
    assert_eq!(before, 1, "only the demo's session: nothing half-opened");
    let id = opened(&open(&ws, &admin, "2026-12-04", &["commission"], &FOUR[1..]));
    assert_eq!(id, "2026-12-04");
    let session = store(&ws).commission_session(&id).unwrap().unwrap();
    assert_eq!(session.members.len(), 4);
    assert_eq!(session.members[0].login.as_deref(), Some("commission"), "chosen among the accounts");
    assert_eq!(session.place, "Paris");
    // A second session on the same day gets its own id.
    assert_eq!(opened(&open(&ws, &admin, "2026-12-04", &[], &FOUR)), "2026-12-04-2");
    // A member typed twice is refused.
    let twice = open(&ws, &admin, "2026-12-05", &[], &[FOUR[0], FOUR[0], FOUR[2], FOUR[3]]);
    assert!(twice.body.contains("« Annie Roux » figure deux fois"), "{}", twice.body);
}

#[test]
fn a_member_sees_only_their_sessions_and_other_roles_none() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let (demo, dossier) = demo_session(&ws);
    let other = opened(&open(&ws, &admin, "2026-12-04", &[], &FOUR));
    let member = ws.login("commission");
    let home = ws.send("GET", "/", &member, None);
    assert_eq!(home.location, "/commission");
    let list = ws.send("GET", "/commission", &member, None);
    assert!(list.body.contains(&format!("/commission/{}", demo.id)), "{}", list.body);
    assert!(!list.body.contains(&format!("/commission/{other}")), "a session they do not sit in");
    assert!(!list.body.contains("Ouvrir une séance"), "only the administrator opens sessions");
    assert_eq!(ws.send("GET", &format!("/commission/{}", demo.id), &member, None).status, StatusCode::OK);
    for path in [
        format!("/commission/{other}"),
        format!("/commission/{other}/tableau"),
        format!("/commission/{other}/dossiers/{dossier}"),
    ] {
        assert_eq!(ws.send("GET", &path, &member, None).status, StatusCode::FORBIDDEN, "{path}");
    }
    let csrf = hidden(&list.body, "csrf");
    let opening = ws.send("POST", "/commission", &member, Some(&[("csrf", &csrf), ("date", "2026-12-04")]));
    assert_eq!(opening.status, StatusCode::FORBIDDEN, "a member opens no session");
    let college = ws.send(
        "POST",
        "/commission/colleges",
        &member,
        Some(&[("csrf", &csrf), ("login", "commission"), ("college", "employeurs")]),
    );
    assert_eq!(college.status, StatusCode::FORBIDDEN);
    for who in ["auvicom", "evaluateur", "candidat"] {
        let session = ws.login(who);
        for path in ["/commission".to_string(), format!("/commission/{}", demo.id)] {
            assert_eq!(ws.send("GET", &path, &session, None).status, StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
    // Without the CSRF token, nothing is decided.
    let forged = ws.send(
        "POST",
        &format!("/commission/{}/dossiers/{dossier}/decision", demo.id),
        &member,
        Some(&[("decision", "attribution")]),
    );
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[test]
fn a_decision_gives_the_dossiers_decision_its_letter_and_the_minutes() {
    let ws = Ws::new();
    let (session, dossier) = demo_session(&ws);
    let member = ws.login("commission");
    let page = ws.send("GET", &format!("/commission/{}", session.id), &member, None);
    assert!(page.body.contains("Tableau récapitulatif") && page.body.contains(&dossier), "{}", page.body);
    let tableau = ws.send("GET", &format!("/commission/{}/tableau", session.id), &member, None);
    assert!(tableau.status.is_success() && tableau.body.starts_with("%PDF-"));
    let synthese =
        ws.send("GET", &format!("/commission/{}/dossiers/{dossier}/synthese", session.id), &member, None);
    assert!(synthese.status.is_success() && synthese.body.starts_with("%PDF-"));
    let screen = ws.send("GET", &format!("/commission/{}/dossiers/{dossier}", session.id), &member, None);
    assert!(screen.body.contains("Rapport de synthèse") && screen.body.contains("Proposition de l"));

    // The quorum: 3 members sitting is not enough.
    let mut three = ALL_SIT.to_vec();
    three[3] = ("presence-3", "absent");
    three.push(("decision", "attribution"));
    let refused = post(&ws, &member, &session.id, &dossier, "decision", &three);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Membres présents : la commission siège avec 2"), "{}", refused.body);
    assert_eq!(store(&ws).dossier(&dossier).unwrap().unwrap().state, "synthesised", "nothing written");

    let done = decide(&ws, &member, &session.id, &dossier, "attribution");
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let s = store(&ws);
    assert_eq!(s.dossier(&dossier).unwrap().unwrap().state, "decided");
    let yaml = s.dossier_yaml(&dossier).unwrap().flatten().unwrap();
    assert!(yaml.contains("decision:\n  date: ") && yaml.contains("outcome: attribution"), "{yaml}");
    assert!(yaml.contains("{ name: \"Membre de la commission\", college: salaries }"), "{yaml}");
    let letters: Vec<_> =
        s.documents(&dossier).unwrap().into_iter().filter(|d| d.kind == "lettre-decision").collect();
    assert_eq!(letters.len(), 1);
    let history = s.registry_of(&format!("dossier:{dossier}")).unwrap();
    let entry =
        history.iter().find(|e| e.change.action == "commission.decision").expect("its registry entry");
    assert_eq!(entry.change.actor, "commission");
    drop(s);
    let again = decide(&ws, &member, &session.id, &dossier, "non-attribution");
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("ce dossier est déjà décidé dans cette séance"), "{}", again.body);
    assert!(again.body.contains("Décision du") && !again.body.contains("Enregistrer la décision"));
    assert_eq!(store(&ws).dossier_decisions(&dossier).unwrap().len(), 1, "one decision");

    // The candidate sees the decision and its letter.
    let admin = ws.login("admin");
    let candidate = store(&ws).dossier(&dossier).unwrap().unwrap().candidate;
    let csrf = hidden(&ws.send("GET", "/admin/comptes", &admin, None).body, "csrf");
    let made = ws.send(
        "POST",
        "/admin/comptes",
        &admin,
        Some(&[
            ("csrf", &csrf),
            ("login", "lea"),
            ("name", "Léa"),
            ("role", "candidate"),
            ("candidate", &candidate),
        ]),
    );
    let password =
        made.body.split("id=\"mot-de-passe\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let (_, lea) = ws.try_login("lea", &password);
    let own = ws.send("GET", "/espace-candidat", &lea, None);
    assert!(
        own.body.contains("Décision de la commission du") && own.body.contains("attribution"),
        "{}",
        own.body
    );
    assert!(own.body.contains(&format!("/espace-candidat/documents/{}", letters[0].id)), "{}", own.body);

    // The procès-verbal, printed and kept with the session.
    let csrf = hidden(&ws.send("GET", &format!("/commission/{}", session.id), &member, None).body, "csrf");
    let pv = ws.send(
        "POST",
        &format!("/commission/{}/proces-verbal", session.id),
        &member,
        Some(&[("csrf", &csrf)]),
    );
    assert_eq!(pv.status, StatusCode::SEE_OTHER, "{}", pv.body);
    let s = store(&ws);
    let minutes = s.minutes(&session.id).unwrap();
    assert_eq!(minutes.len(), 1);
    let (_, bytes) = s.minutes_bytes(minutes[0].id).unwrap().unwrap();
    let served =
        ws.send("GET", &format!("/commission/{}/proces-verbal/{}", session.id, minutes[0].id), &member, None);
    assert!(served.status.is_success() && served.body.starts_with("%PDF-"));
    insta::assert_snapshot!("commission-proces-verbal", pdf_text(&bytes));
}

#[test]
fn a_decision_before_the_sessions_day_is_refused() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let dossier = ready(&ws).into_iter().next().expect("a dossier ready for the commission");
    // The fake clock says 2026-11-30: a session tomorrow.
    let id = opened(&open(&ws, &admin, "2026-12-01", &[], &FOUR));
    assert_eq!(agenda_add(&ws, &admin, &id, &dossier).status, StatusCode::SEE_OTHER);
    let early = decide(&ws, &admin, &id, &dossier, "attribution");
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("ne peut pas être enregistrée avant"), "{}", early.body);
    ws.advance_ms(24 * 60 * 60 * 1000);
    let admin = ws.login("admin");
    let on_the_day = decide(&ws, &admin, &id, &dossier, "non-attribution");
    assert_eq!(on_the_day.status, StatusCode::SEE_OTHER, "{}", on_the_day.body);
    assert_eq!(store(&ws).dossier(&dossier).unwrap().unwrap().state, "decided");
    // A dossier already decided goes on no other agenda (no appeal admitted).
    let later = opened(&open(&ws, &admin, "2026-12-10", &[], &FOUR));
    assert_eq!(agenda_add(&ws, &admin, &later, &dossier).status, StatusCode::BAD_REQUEST);
}

#[test]
fn an_appeal_is_admitted_on_the_procedure_only_and_reviewed_in_a_later_session() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let ready = ready(&ws);
    let (merits, procedure) = (ready[0].clone(), ready[1].clone());
    let first = opened(&open(&ws, &admin, "2026-11-20", &[], &FOUR));
    for d in [&merits, &procedure] {
        assert_eq!(agenda_add(&ws, &admin, &first, d).status, StatusCode::SEE_OTHER);
        assert_eq!(decide(&ws, &admin, &first, d, "non-attribution").status, StatusCode::SEE_OTHER);
    }
    let appeal = |d: &str, ground: &str| {
        post(
            &ws,
            &admin,
            &first,
            d,
            "recours",
            &[("depose", "2026-11-25"), ("motif", ground), ("details", "niveaux contestés")],
        )
    };
    let on_merits = appeal(&merits, "contestation-des-resultats");
    assert_eq!(on_merits.status, StatusCode::OK, "{}", on_merits.body);
    assert!(
        on_merits.body.contains("Recours enregistré et rejeté — recours irrecevable"),
        "{}",
        on_merits.body
    );
    let on_procedure = appeal(&procedure, "absence-de-rigueur");
    assert!(on_procedure.body.contains("recours recevable"), "{}", on_procedure.body);
    let s = store(&ws);
    let (a, b) = (&s.dossier_appeals(&merits).unwrap()[0], &s.dossier_appeals(&procedure).unwrap()[0]);
    assert!(!a.admitted && a.reason.contains("seul motif admis"), "{a:?}");
    assert!(b.admitted);
    let yaml = s.dossier_yaml(&procedure).unwrap().flatten().unwrap();
    assert!(yaml.contains("  appeal:\n    filed: 2026-11-25\n    ground: absence-de-rigueur\n"), "{yaml}");
    drop(s);
    // A second appeal against the same decision is not offered.
    let twice = appeal(&procedure, "absence-de-rigueur");
    assert!(twice.status.is_client_error(), "{}", twice.body);

    // A session on the day of the decision is not later; one after is.
    let same_day = opened(&open(&ws, &admin, "2026-11-20", &[], &FOUR));
    assert_eq!(agenda_add(&ws, &admin, &same_day, &procedure).status, StatusCode::BAD_REQUEST);
    let later = opened(&open(&ws, &admin, "2026-11-30", &[], &FOUR));
    let page = ws.send("GET", &format!("/commission/{later}"), &admin, None);
    assert!(page.body.contains(&format!("<option value=\"{procedure}\"")), "{}", page.body);
    assert!(!page.body.contains(&format!("<option value=\"{merits}\"")), "an appeal refused is not reviewed");
    assert_eq!(agenda_add(&ws, &admin, &later, &merits).status, StatusCode::BAD_REQUEST);
    assert_eq!(agenda_add(&ws, &admin, &later, &procedure).status, StatusCode::SEE_OTHER);
    let reviewed = decide(&ws, &admin, &later, &procedure, "attribution");
    assert_eq!(reviewed.status, StatusCode::SEE_OTHER, "{}", reviewed.body);
    let s = store(&ws);
    let decisions = s.dossier_decisions(&procedure).unwrap();
    assert_eq!(
        decisions.iter().map(|d| (d.session.as_str(), d.outcome.as_str())).collect::<Vec<_>>(),
        [(first.as_str(), "non-attribution"), (later.as_str(), "attribution")],
        "the old decision kept"
    );
    let yaml = s.dossier_yaml(&procedure).unwrap().flatten().unwrap();
    assert!(yaml.contains("outcome: attribution") && !yaml.contains("appeal:"), "{yaml}");
    let entries = s.registry_of(&format!("dossier:{procedure}")).unwrap();
    let actions: Vec<&str> =
        entries.iter().map(|e| e.change.action.as_str()).filter(|a| a.starts_with("commission.")).collect();
    assert_eq!(actions, ["commission.decision", "commission.appeal", "commission.decision"]);
}

#[test]
fn a_member_who_evaluated_the_candidate_withdraws_and_the_quorum_is_counted_without_them() {
    let ws = Ws::new();
    let admin = ws.login("admin");
    let dossier = ready(&ws).into_iter().next().unwrap();
    let yaml = store(&ws).dossier_yaml(&dossier).unwrap().flatten().unwrap();
    let file = cqpt::source::SourceFile { name: "d.yaml".into(), text: yaml };
    let evaluator = cqpt::dossier::load_dossier(&file, &ws.state.library).unwrap().synthese.unwrap().by;
    let five = [(evaluator.as_str(), "salaries"), FOUR[0], FOUR[1], FOUR[2], FOUR[3]];
    let id = opened(&open(&ws, &admin, "2026-11-30", &[], &five));
    assert_eq!(agenda_add(&ws, &admin, &id, &dossier).status, StatusCode::SEE_OTHER);
    let page = ws.send("GET", &format!("/commission/{id}/dossiers/{dossier}"), &admin, None);
    assert!(page.body.contains("(a évalué le candidat)"), "{}", page.body);
    let with = |first: &'static str, second: &'static str| {
        let fields = [
            ("presence-0", first),
            ("presence-1", second),
            ("presence-2", "siege"),
            ("presence-3", "siege"),
            ("presence-4", "siege"),
            ("decision", "attribution"),
        ];
        post(&ws, &admin, &id, &dossier, "decision", &fields)
    };
    // The evaluator sits (with one other salarié): refused, by name.
    let sitting = with("siege", "absent");
    assert_eq!(sitting.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sitting.body.contains(&format!("{evaluator} a évalué le candidat et ne peut pas siéger")),
        "{}",
        sitting.body
    );
    // They withdraw, and one salarié is missing: no quorum.
    let short = with("retire", "absent");
    assert!(short.body.contains("Membres présents : la commission siège avec 2"), "{}", short.body);
    // They withdraw and the other two salariés sit: decided; the withdrawal is recorded.
    assert_eq!(with("retire", "siege").status, StatusCode::SEE_OTHER);
    let decision = store(&ws).session_decisions(&id).unwrap().remove(0);
    assert_eq!(decision.attendance[0], cqpt::store::commission::Attendance::Retire);
    let yaml = store(&ws).dossier_yaml(&dossier).unwrap().flatten().unwrap();
    assert!(
        !yaml.contains(&format!("name: \"{evaluator}\"")),
        "a member who withdrew is not among those who decided"
    );
}
