//! Tokens of the JSON API: an administrator issues one for an account, and it then acts as that
//! account (same role, same scope) until it expires or is revoked. Only the SHA-256 of the token
//! is kept, as for login sessions; issuing and revoking are registry entries (`api-token.issue`,
//! `api-token.revoke`, subject `api-token:N`), using one is not.

use super::sqlite::{Pending, SqliteStore, USER_COLUMNS, db, user_from_row};
use super::{Result, StoreError, User};
use crate::accounts::Role;
use crate::registry::Hash;
use rusqlite::{OptionalExtension, params};

/// The last use of a token is written at most once per this many milliseconds (a request is
/// not a write).
const LAST_USED_GRAIN_MS: i64 = 60_000;

/// A token as the administrator's list shows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its number.
    pub id: i64,
    /// What it is for (« outil de l'organisme »), as the administrator typed it.
    pub label: String,
    /// The account it acts as.
    pub login: String,
    /// That account's role.
    pub role: Role,
    /// Whether that account is disabled (the token is then refused).
    pub account_disabled: bool,
    /// The administrator who issued it.
    pub created_by: String,
    /// When (ms since the epoch, the store's clock).
    pub created_ms: i64,
    /// When it stops being accepted.
    pub expires_ms: i64,
    /// When a request last used it (to the minute).
    pub last_used_ms: Option<i64>,
    /// When it was revoked.
    pub revoked_ms: Option<i64>,
}

impl ApiToken {
    /// Whether it is accepted at `now_ms` (its account aside).
    pub fn is_live(&self, now_ms: i64) -> bool {
        self.revoked_ms.is_none() && now_ms < self.expires_ms
    }
}

fn token_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiToken> {
    let role: String = r.get(3)?;
    let role = role.parse::<Role>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(ApiToken {
        id: r.get(0)?,
        label: r.get(1)?,
        login: r.get(2)?,
        role,
        account_disabled: r.get(4)?,
        created_by: r.get(5)?,
        created_ms: r.get(6)?,
        expires_ms: r.get(7)?,
        last_used_ms: r.get(8)?,
        revoked_ms: r.get(9)?,
    })
}

const TOKEN_COLUMNS: &str = "t.id, t.label, u.login, u.role, u.disabled, t.created_by, t.created_ms, \
                             t.expires_ms, t.last_used_ms, t.revoked_ms";

impl SqliteStore {
    /// Records a token for the account `login`, valid until `expires_ms`, keeping only
    /// `token_hash`; returns its number. An unknown or disabled account is refused.
    pub fn issue_api_token(
        &mut self,
        actor: &str,
        login: &str,
        label: &str,
        token_hash: &Hash,
        expires_ms: i64,
    ) -> Result<i64> {
        use super::Store as _;
        let user =
            self.user(login)?.ok_or_else(|| StoreError::NotFound { what: "user", id: login.to_string() })?;
        if user.disabled {
            return Err(StoreError::Refused(format!("the account {login} is disabled")));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 200 {
            return Err(StoreError::Refused("a token's label has 1 to 200 characters".into()));
        }
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        if expires_ms <= now {
            return Err(StoreError::Refused("a token must expire after it is issued".into()));
        }
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO api_tokens (token_hash, user_id, label, created_by, created_ms, expires_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![token_hash.as_slice(), user.id, label, actor, now, expires_ms],
            )
            .map_err(&e)?;
            let id = tx.last_insert_rowid();
            let mut p = Pending::new("api-token.issue", format!("api-token:{id}"));
            p.detail = Some(format!("user:{}", user.id));
            Ok((id, Some(p)))
        })
    }

    /// Revokes token `id`; `false` when it was already revoked (nothing recorded).
    pub fn revoke_api_token(&mut self, actor: &str, id: i64) -> Result<bool> {
        let path = self.path.clone();
        let e = db(&path);
        let now = self.clock.now_ms();
        self.write(actor, |tx| {
            let found: Option<(i64, Option<i64>)> = tx
                .query_row("SELECT user_id, revoked_ms FROM api_tokens WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(&e)?;
            let Some((user, revoked)) = found else {
                return Err(StoreError::NotFound { what: "API token", id: id.to_string() });
            };
            if revoked.is_some() {
                return Ok((false, None));
            }
            tx.execute("UPDATE api_tokens SET revoked_ms = ?1 WHERE id = ?2", params![now, id])
                .map_err(&e)?;
            let mut p = Pending::new("api-token.revoke", format!("api-token:{id}"));
            p.detail = Some(format!("user:{user}"));
            Ok((true, Some(p)))
        })
    }

    /// Every token, newest first.
    pub fn api_tokens(&self) -> Result<Vec<ApiToken>> {
        self.rows(
            &format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC"
            ),
            [],
            token_from_row,
        )
    }

    /// The account a token acts as at `now_ms`: `None` when no token has this hash, or it is
    /// revoked or expired, or its account is disabled. Records the use (to the minute).
    pub fn api_token_user(&mut self, token_hash: &Hash, now_ms: i64) -> Result<Option<User>> {
        let e = db(&self.path);
        let token: Option<(i64, Option<i64>, i64)> = self
            .conn
            .query_row(
                "SELECT id, last_used_ms, user_id FROM api_tokens \
                 WHERE token_hash = ?1 AND revoked_ms IS NULL AND expires_ms > ?2",
                params![token_hash.as_slice(), now_ms],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(&e)?;
        let Some((id, last_used, user_id)) = token else { return Ok(None) };
        let user = self
            .conn
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1 AND disabled = 0"),
                [user_id],
                user_from_row,
            )
            .optional()
            .map_err(&e)?;
        if user.is_some() && last_used.is_none_or(|t| now_ms - t >= LAST_USED_GRAIN_MS) {
            self.conn
                .execute("UPDATE api_tokens SET last_used_ms = ?1 WHERE id = ?2", params![now_ms, id])
                .map_err(&e)?;
        }
        Ok(user)
    }
}
