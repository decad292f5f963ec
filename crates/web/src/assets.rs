//! Static assets of the site, compiled into the binary so that the server needs no files.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppError;

/// Every static asset: URL name, media type, content.
const ASSETS: [(&str, &str, &[u8]); 4] = [
    ("socle.css", "text/css; charset=utf-8", include_bytes!("../../../site/static/socle.css")),
    ("graphiques.css", "text/css; charset=utf-8", include_bytes!("../../../site/static/graphiques.css")),
    ("filtre.js", "text/javascript; charset=utf-8", include_bytes!("../../../site/static/filtre.js")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../../../site/static/favicon.svg")),
];

/// `GET /static/{name}`.
pub async fn asset(Path(name): Path<String>) -> Result<Response, AppError> {
    let Some((_, media_type, body)) = ASSETS.iter().find(|(asset_name, _, _)| *asset_name == name) else {
        return Err(AppError::NotFound(format!("Le fichier statique « {name} » n'existe pas.")));
    };
    Ok(([(header::CONTENT_TYPE, *media_type), (header::CACHE_CONTROL, "public, max-age=3600")], *body).into_response())
}
