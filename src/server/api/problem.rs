//! Why an API request fails, as RFC 9457 problem details (`application/problem+json`): a
//! status, a French title and detail, and for a refused body the field and what was wrong with
//! it. Never a secret, never a stack trace: internal causes are logged on the server's standard
//! error, as the pages do ([`crate::server::error::AppError`]).

use crate::server::error::AppError;
use axum::extract::FromRequest;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The media type of a problem.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A refused or failed API request.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The status' short French title.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// What happened, in French, and what to do.
    pub detail: String,
    /// For a refused request: each field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds to wait (429), also sent as `Retry-After`.
    #[serde(skip)]
    pub retry_after: Option<i64>,
    /// `WWW-Authenticate` error code (401): `invalid_token` when a token was given.
    #[serde(skip)]
    pub bearer_error: Option<&'static str>,
}

/// One refused field of a request.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    /// Where: a query parameter's name, or a JSON path in the body (`preuves[0].niveau`).
    pub field: String,
    /// Why, in French (or as the JSON reader says it).
    pub message: String,
}

impl Problem {
    /// A problem of `status` with `detail`.
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            bearer_error: None,
        }
    }

    /// 401: no token, or one that is unknown, revoked or expired, or whose account is disabled.
    pub fn unauthenticated(given: bool) -> Problem {
        let mut p = Problem::new(
            StatusCode::UNAUTHORIZED,
            "Authentification requise",
            if given {
                "Jeton refusé : inconnu, révoqué, expiré, ou son compte est désactivé."
            } else {
                "Envoyez un jeton d'API dans l'en-tête « Authorization: Bearer <jeton> »."
            },
        );
        p.bearer_error = given.then_some("invalid_token");
        p
    }

    /// 400 with the refused fields.
    pub fn invalid(detail: impl Into<String>, errors: Vec<FieldError>) -> Problem {
        let mut p = Problem::new(StatusCode::BAD_REQUEST, "Requête refusée", detail);
        p.errors = errors;
        p
    }

    /// 400 for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Problem {
        Problem::invalid(
            format!("Le champ « {field} » est refusé."),
            vec![FieldError { field: field.to_string(), message: message.into() }],
        )
    }

    /// 404.
    pub fn not_found() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "Introuvable", "Aucune ressource à cette adresse.")
    }

    /// 429: too many refused tokens from this address.
    pub fn throttled(seconds: i64) -> Problem {
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Trop d'essais",
            format!("Trop de jetons refusés depuis cette adresse : réessayez dans {seconds} seconde(s)."),
        );
        p.retry_after = Some(seconds.max(1));
        p
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated => Problem::unauthenticated(false),
            AppError::Forbidden => Problem::new(
                StatusCode::FORBIDDEN,
                "Accès refusé",
                "Cette ressource ne relève pas du rôle ou de l'organisme du compte de ce jeton.",
            ),
            AppError::NotFound => Problem::not_found(),
            AppError::BadRequest(why) => Problem::new(StatusCode::BAD_REQUEST, "Requête refusée", why),
            AppError::Conflict(why) => Problem::new(StatusCode::CONFLICT, "Modification impossible", why),
            AppError::TooLarge(why) => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "Corps trop volumineux", why)
            }
            AppError::Internal(cause) => {
                eprintln!("cqpt serve: API internal error: {cause}");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur du serveur",
                    "L'opération n'a pas pu être faite ; rien n'a été enregistré. Réessayez, puis prévenez l'administrateur.",
                )
            }
            AppError::StorageFull(cause) => {
                eprintln!("cqpt serve: store full, API change refused: {cause}");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur du serveur",
                    "Le serveur n'a plus de place pour enregistrer : rien n'a été enregistré.",
                )
            }
        }
    }
}

impl From<crate::store::StoreError> for Problem {
    fn from(e: crate::store::StoreError) -> Self {
        Problem::from(AppError::from(e))
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            let value = match self.bearer_error {
                Some(code) => format!("Bearer realm=\"cqpt\", error=\"{code}\""),
                None => "Bearer realm=\"cqpt\"".to_string(),
            };
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(header::WWW_AUTHENTICATE, v);
            }
        }
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// A JSON request body whose refusal is a problem naming the field (`preuves[0].niveau`): a
/// body that is not JSON, of the wrong type or over the API's body limit.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json")
            });
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Type de contenu refusé",
                "Le corps doit être du JSON (Content-Type: application/json).",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e: BytesRejection| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Corps trop volumineux",
                    format!("Le corps dépasse {} octets.", super::API_MAX_BODY),
                )
            } else {
                Problem::new(StatusCode::BAD_REQUEST, "Requête refusée", "Le corps n'a pas pu être lu.")
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// `bytes` as a `T`, or a 400 problem naming the JSON path where it fails.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let refused = |field: String, message: String| {
        let field = if field == "." { "(corps)".to_string() } else { field };
        Problem::invalid(
            format!("Le corps JSON est refusé au champ « {field} »."),
            vec![FieldError { field, message: shorten(&message) }],
        )
    };
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        refused(path, e.into_inner().to_string())
    })?;
    de.end().map_err(|e| refused(".".into(), e.to_string()))?;
    Ok(value)
}

/// A message cut to 300 characters (a long value is never echoed whole).
pub fn shorten(text: &str) -> String {
    if text.chars().count() <= 300 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(300).collect::<String>())
    }
}

/// The parameters of a query string, read one by one with the checks the document states;
/// each refusal is a 400 problem naming the parameter.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// The pairs of `query` (a parameter given twice is refused when read).
    pub fn parse(query: Option<&str>) -> Result<Params, Problem> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or_default())
            .map(Params)
            .map_err(|e| Problem::field("(paramètres)", e.to_string()))
    }

    /// The value of `name`, if given (once).
    pub fn get(&self, name: &str) -> Result<Option<&str>, Problem> {
        let mut found = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let first = found.next();
        if found.next().is_some() {
            return Err(Problem::field(name, "donné plusieurs fois"));
        }
        Ok(first)
    }

    /// A text of at most `max` characters.
    pub fn text(&self, name: &str, max: usize) -> Result<Option<String>, Problem> {
        match self.get(name)? {
            Some(v) if v.chars().count() > max => {
                Err(Problem::field(name, format!("{max} caractères au plus")))
            }
            other => Ok(other.map(str::to_string)),
        }
    }

    /// One of `allowed`.
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<String>, Problem> {
        match self.get(name)? {
            Some(v) if !allowed.contains(&v) => {
                Err(Problem::field(name, format!("attendu l'une des valeurs : {}", allowed.join(", "))))
            }
            other => Ok(other.map(str::to_string)),
        }
    }

    /// A whole number within `min..=max`.
    pub fn number(&self, name: &str, min: usize, max: usize) -> Result<Option<usize>, Problem> {
        let Some(v) = self.get(name)? else { return Ok(None) };
        match v.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) && !v.starts_with('+') => Ok(Some(n)),
            _ => Err(Problem::field(name, format!("attendu un nombre entier de {min} à {max}"))),
        }
    }

    /// A date `YYYY-MM-DD`.
    pub fn date(&self, name: &str) -> Result<Option<crate::date::Date>, Problem> {
        let Some(v) = self.get(name)? else { return Ok(None) };
        let shaped = v.len() == 10
            && v.bytes()
                .enumerate()
                .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !shaped {
            return Err(Problem::field(name, "attendu une date AAAA-MM-JJ"));
        }
        v.parse::<crate::date::Date>()
            .map(Some)
            .map_err(|_| Problem::field(name, "attendu une date AAAA-MM-JJ"))
    }
}
