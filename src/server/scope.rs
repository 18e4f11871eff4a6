//! What each role may see: the one place that answers it, so that every list and every dossier
//! page asks the same question. An evaluator sees only the dossiers assigned to their body; a
//! candidate sees no one's dossier here (their own page comes with their account's link).

use super::auth::CurrentUser;
use super::error::AppError;
use crate::accounts::Role;
use crate::store::{DossierQuery, DossierSummary};

/// Whether `me` may open the dossier `d`.
pub fn may_see(me: &CurrentUser, d: &DossierSummary) -> bool {
    match me.user.role {
        Role::Administrator | Role::AuvicomOfficer | Role::CommissionMember => true,
        Role::Evaluator => d.body.is_some() && d.body == me.user.body,
        Role::Candidate => false,
    }
}

/// Narrows a list to what `me` may see (an evaluator's body), or refuses it.
pub fn restrict(me: &CurrentUser, q: &mut DossierQuery) -> Result<(), AppError> {
    match me.user.role {
        Role::Administrator | Role::AuvicomOfficer | Role::CommissionMember => Ok(()),
        Role::Evaluator => {
            // An evaluator without a body sees nothing rather than everything.
            q.body = Some(me.user.body.clone().ok_or(AppError::Forbidden)?);
            Ok(())
        }
        Role::Candidate => Err(AppError::Forbidden),
    }
}

/// Whether `me` decides recevabilités and assigns dossiers (AUVICOM's desk).
pub fn is_auvicom(me: &CurrentUser) -> bool {
    matches!(me.user.role, Role::AuvicomOfficer | Role::Administrator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::User;

    fn me(role: Role, body: Option<&str>) -> CurrentUser {
        CurrentUser {
            user: User {
                id: 1,
                login: "x".into(),
                display_name: "X".into(),
                role,
                body: body.map(str::to_string),
                password_hash: String::new(),
                candidate: None,
                disabled: false,
            },
            csrf: String::new(),
            token_hash: [0; 32],
        }
    }

    fn dossier(body: Option<&str>) -> DossierSummary {
        DossierSummary {
            id: "d".into(),
            certificate: "distance".into(),
            state: "assigned".into(),
            candidate: "C".into(),
            body: body.map(str::to_string),
            latest_date: crate::date::Date::new(2026, 1, 1).unwrap(),
            erased: false,
            candidate_name: None,
            phase: 1,
            recevable: Some(true),
        }
    }

    #[test]
    fn an_evaluator_sees_the_dossiers_of_their_body_only() {
        let evaluator = me(Role::Evaluator, Some("OE-1"));
        assert!(may_see(&evaluator, &dossier(Some("OE-1"))));
        assert!(!may_see(&evaluator, &dossier(Some("OE-2"))));
        assert!(!may_see(&evaluator, &dossier(None)));
        assert!(!may_see(&me(Role::Evaluator, None), &dossier(None)), "no body, nothing");
        let mut q = DossierQuery::default();
        restrict(&evaluator, &mut q).unwrap();
        assert_eq!(q.body.as_deref(), Some("OE-1"));
        assert!(restrict(&me(Role::Evaluator, None), &mut DossierQuery::default()).is_err());
    }

    #[test]
    fn a_candidate_sees_no_dossier_here_and_the_staff_all() {
        assert!(!may_see(&me(Role::Candidate, None), &dossier(Some("OE-1"))));
        assert!(restrict(&me(Role::Candidate, None), &mut DossierQuery::default()).is_err());
        for role in [Role::Administrator, Role::AuvicomOfficer, Role::CommissionMember] {
            assert!(may_see(&me(role, None), &dossier(None)));
        }
    }
}
