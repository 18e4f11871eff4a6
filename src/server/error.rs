//! Why a request fails, as the person sees it: a page in French with the right status, never a
//! stack trace nor a secret. Internal causes are logged on the server's standard error.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A refused or failed request.
#[derive(Debug)]
pub enum AppError {
    /// Not logged in, or the session expired.
    Unauthenticated,
    /// Logged in, but this is not theirs to see or do.
    Forbidden,
    /// Nothing at this address.
    NotFound,
    /// A request the page could not have sent (a missing or malformed field).
    BadRequest(String),
    /// A file over the limit.
    TooLarge(String),
    /// The change conflicts with the state of what it changes (an evaluation already sent).
    Conflict(String),
    /// Something failed on the server; the detail is logged, not shown.
    Internal(String),
    /// The store's disk (or the database's size limit) is full: the change was rolled back.
    /// The detail is logged, not shown.
    StorageFull(String),
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::NotFound { .. } => AppError::NotFound,
            full if full.is_storage_full() => AppError::StorageFull(full.to_string()),
            crate::store::StoreError::TooLarge { name, limit, .. } => AppError::TooLarge(format!(
                "« {name} » dépasse la taille admise ({} Mo au plus) : il n'est pas conservé.",
                limit / (1024 * 1024)
            )),
            crate::store::StoreError::Refused(why) => AppError::BadRequest(why),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::error::Error> for AppError {
    fn from(e: crate::error::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl AppError {
    /// The status and the French sentence shown.
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, "Connexion requise", "Votre session a expiré : reconnectez-vous.".into())
            }
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Accès refusé",
                "Cette page ne relève pas de votre rôle ou de votre organisme.".into(),
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, "Introuvable", "Aucune page ni aucun dossier à cette adresse.".into()),
            AppError::BadRequest(why) => (StatusCode::BAD_REQUEST, "Requête refusée", why.clone()),
            AppError::TooLarge(why) => (StatusCode::PAYLOAD_TOO_LARGE, "Fichier trop volumineux", why.clone()),
            AppError::Conflict(why) => (StatusCode::CONFLICT, "Modification impossible", why.clone()),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur du serveur",
                "L'opération n'a pas pu être faite ; rien n'a été enregistré. Réessayez, puis prévenez l'administrateur.".into(),
            ),
            AppError::StorageFull(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur du serveur",
                "Le serveur n'a plus de place pour enregistrer : rien n'a été enregistré. Prévenez l'administrateur."
                    .into(),
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(cause) => eprintln!("cqpt serve: internal error: {cause}"),
            AppError::StorageFull(cause) => eprintln!("cqpt serve: store full, change refused: {cause}"),
            _ => {}
        }
        let (status, title, text) = self.parts();
        let body = format!(
            "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{title} — cqpt</title>\
             <link rel=\"stylesheet\" href=\"/static/workspace.css\"></head><body><main class=\"error\">\
             <h1>{title}</h1><p>{}</p><p><a href=\"/\">Retour à l'accueil</a></p></main></body></html>",
            escape(&text)
        );
        (status, Html(body)).into_response()
    }
}

/// `text` safe in HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
