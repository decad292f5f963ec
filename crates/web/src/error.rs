//! The one error type of the web layer, rendered as a French page or JSON.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

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
    /// The page needs a signed-in user: the visitor is sent to the login page, which brings
    /// them back to `return_to` (a path of this site) afterwards.
    #[error("connectez-vous pour ouvrir cette page")]
    LoginRequired {
        /// The path and query the visitor asked for.
        return_to: String,
    },
    /// The user may not do this (wrong role, another organisation, a form without its CSRF
    /// token); the message says what is reserved to whom.
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed logins: retry after this many seconds.
    #[error("trop de tentatives de connexion ; réessayez dans {} minutes", retry_after_seconds.div_ceil(60))]
    TooManyAttempts {
        /// Seconds until a new attempt is accepted.
        retry_after_seconds: u64,
    },
    /// The request body is larger than accepted; the message says the limit.
    #[error("{0}")]
    TooLarge(String),
    /// A template failed to render: a defect, not a user mistake.
    #[error("rendu de page impossible : {0}")]
    Render(#[from] askama::Error),
    /// The database failed: not a user mistake.
    #[error("base de données : {0}")]
    Store(#[from] store::Error),
    /// Any other internal failure (random generator, password hash, a missing layer).
    #[error("{0}")]
    Internal(String),
}

impl From<crate::auth::CryptoError> for AppError {
    fn from(error: crate::auth::CryptoError) -> AppError {
        AppError::Internal(error.to_string())
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Render(_) | AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether this is an internal failure (logged once, shown as a generic message).
    fn is_internal(&self) -> bool {
        matches!(self, AppError::Render(_) | AppError::Store(_) | AppError::Internal(_))
    }

    /// The login page's address that comes back to `return_to`.
    pub fn login_address(return_to: &str) -> String {
        let encoded: String = form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
        format!("{}?suite={encoded}", crate::session::LOGIN_PATH)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (title, message) = match &self {
            AppError::NotFound(message) => ("Page introuvable", message.clone()),
            AppError::BadRequest(message) => ("Requête invalide", message.clone()),
            AppError::LoginRequired { return_to } => {
                return Redirect::to(&AppError::login_address(return_to)).into_response();
            }
            AppError::Forbidden(message) => ("Accès refusé", message.clone()),
            AppError::TooManyAttempts { retry_after_seconds } => (
                "Trop de tentatives de connexion",
                format!(
                    "Trop de tentatives de connexion ont échoué pour cette adresse ou depuis votre réseau. Par sécurité, \
                     les connexions sont suspendues : réessayez dans {} minutes. Si vous avez oublié votre mot de \
                     passe, demandez-en un nouveau à l'administrateur de socle.",
                    retry_after_seconds.div_ceil(60)
                ),
            ),
            AppError::TooLarge(message) => ("Envoi trop volumineux", message.clone()),
            AppError::Render(_) | AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(error = %self, "échec interne");
                (
                    "Erreur interne",
                    "Une erreur interne est survenue ; elle a été consignée. Réessayez plus tard.".to_owned(),
                )
            }
        };
        let page = ErrorPage { title, message: &message, status: status.as_u16() };
        let mut response = match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(err) => {
                tracing::error!(error = %err, "page d'erreur impossible à rendre");
                (status, message).into_response()
            }
        };
        if let AppError::TooManyAttempts { retry_after_seconds } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
        }
        response
    }
}

/// An error of the JSON API: the same cases, answered as `{ "error": "…" }`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self.0 {
            AppError::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            _ => self.0.status(),
        };
        let message = if self.0.is_internal() {
            tracing::error!(error = %self.0, "échec interne");
            "Une erreur interne est survenue ; elle a été consignée. Réessayez plus tard.".to_owned()
        } else {
            self.0.to_string()
        };
        let body = serde_json::json!({ "error": message, "status": status.as_u16() });
        let mut response = (status, axum::Json(body)).into_response();
        if let AppError::TooManyAttempts { retry_after_seconds } = self.0 {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
        }
        response
    }
}
