//! The evaluator's grids as a spreadsheet on the desk: the blank workbook of the dossier to
//! fill offline, and the filled workbook (or a CSV) imported at once — every refused cell named
//! by sheet, row and column, nothing saved then (the library: [`crate::exchange::sheet`]).

use super::super::AppState;
use super::super::auth::CurrentUser;
use super::super::auvicom::today;
use super::super::error::AppError;
use super::super::evaluation::{apply_change, load_for_evaluation};
use super::render;
use crate::dossier::evaluation_edit::EvaluationChange;
use crate::exchange::sheet::{SheetContext, import_csv, import_workbook};
use axum::Extension;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;

/// `GET …/tableur`: the blank workbook of the dossier.
pub async fn blank(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let loaded = load_for_evaluation(&state, &me, &id).await?;
    let d = &loaded.dossier;
    let ctx = SheetContext::load(&state.data, &state.library, &state.policy, &d.certificate)?;
    let bytes = crate::exchange::sheet::blank_workbook(d, &ctx)?;
    let name = format!("grilles-{}.xlsx", d.candidate.id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// `POST …/tableur` (multipart, field `fichier`): the filled workbook or CSV imported.
pub async fn import(
    State(state): State<Arc<AppState>>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let loaded = load_for_evaluation(&state, &me, &id).await?;
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("envoi interrompu ou mal formé : {e}")))?
    {
        if field.name() != Some("fichier") {
            continue;
        }
        let name: String = field.file_name().unwrap_or("grilles").chars().take(200).collect();
        let bytes = field
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("fichier trop volumineux ou envoi interrompu".into()))?;
        file = Some((name, bytes));
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let why = "aucun fichier reçu : choisissez le tableur rempli avant d'importer".to_string();
        return render(&state, &me, &id, 0, vec![why], String::new()).await;
    };
    let d = &loaded.dossier;
    let ctx = SheetContext::load(&state.data, &state.library, &state.policy, &d.certificate)?;
    let (by, on) = (me.user.display_name.as_str(), today(&state));
    // A workbook is a zip archive; anything else is read as CSV.
    let imported = if bytes.starts_with(b"PK") {
        import_workbook(&bytes, d, &ctx, by, on)
    } else {
        import_csv(&name, &bytes, d, &ctx, by, on)
    };
    let grids = match imported {
        Ok(g) => g,
        Err(refused) => {
            let mut lines = vec![format!("« {name} » n'est pas importé ; rien n'est enregistré :")];
            lines.extend(refused.0.iter().map(ToString::to_string));
            return render(&state, &me, &id, 0, lines, String::new()).await;
        }
    };
    let change = EvaluationChange::Grids { preuves: grids.preuves, observation: grids.observation };
    match apply_change(&state, &me, &id, change).await {
        Ok(_) => Ok(Redirect::to(&format!("/dossiers/{id}/evaluation?fait=tableur#grille")).into_response()),
        Err(AppError::BadRequest(why)) => render(&state, &me, &id, 0, vec![why], String::new()).await,
        Err(e) => Err(e),
    }
}
