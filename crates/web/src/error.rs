//! The one error type of the web layer, rendered as a French page or JSON.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::pages::ErrorPage;

/// Everything a handler can fail with. User mistakes carry a French message shown to the user;
/// internal failures are logged once and shown as a generic page.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist; the message says what was looked for.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed; the message says what is accepted.
    #[error("{0}")]
    BadRequest(String),
    /// A template failed to render: a defect, not a user mistake.
    #[error("rendu de page impossible : {0}")]
    Render(#[from] askama::Error),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (title, message) = match &self {
            AppError::NotFound(message) => ("Page introuvable", message.clone()),
            AppError::BadRequest(message) => ("Requête invalide", message.clone()),
            AppError::Render(err) => {
                tracing::error!(error = %err, "échec interne");
                (
                    "Erreur interne",
                    "Une erreur interne est survenue ; elle a été consignée. Réessayez plus tard.".to_owned(),
                )
            }
        };
        let page = ErrorPage { title, message: &message, status: status.as_u16() };
        match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(err) => {
                tracing::error!(error = %err, "page d'erreur impossible à rendre");
                (status, message).into_response()
            }
        }
    }
}

/// An error of the JSON API: the same cases, answered as `{ "error": "…" }`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if let AppError::Render(err) = &self.0 {
            tracing::error!(error = %err, "échec interne");
        }
        let body = serde_json::json!({ "error": self.0.to_string(), "status": status.as_u16() });
        (status, axum::Json(body)).into_response()
    }
}
