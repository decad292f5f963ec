//! `/labs/`: the course's labs, each downloadable as its student version (solutions replaced by
//! stubs, hidden tests removed) — the teacher notebooks themselves are never served.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::{AppError, AppState};

/// A lab as listed on the site.
struct LabView {
    name: String,
    title: String,
    notebooks: Vec<(String, &'static str)>,
    readme: Vec<String>,
}

/// The notebook files a lab may hold, with the language each one is in.
const NOTEBOOKS: [(&str, &str); 2] = [("python.ipynb", "Python"), ("rust.ipynb", "Rust")];

fn is_lab_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

fn read_lab(dir: &std::path::Path, name: &str) -> Option<LabView> {
    let lab_dir = dir.join(name);
    if !is_lab_name(name) || !lab_dir.is_dir() {
        return None;
    }
    let readme_text = std::fs::read_to_string(lab_dir.join("README.md")).unwrap_or_default();
    let title = readme_text
        .lines()
        .find_map(|line| line.strip_prefix("# "))
        .map_or_else(|| name.to_owned(), |title| title.trim().to_owned());
    let readme = readme_text
        .split("\n\n")
        .map(|paragraph| paragraph.trim().trim_start_matches('#').trim().to_owned())
        .filter(|paragraph| !paragraph.is_empty() && *paragraph != title)
        .collect();
    let notebooks = NOTEBOOKS
        .iter()
        .filter(|(file, _)| lab_dir.join(file).exists())
        .map(|(file, language)| ((*file).to_owned(), *language))
        .collect();
    Some(LabView { name: name.to_owned(), title, notebooks, readme })
}

#[derive(Template)]
#[template(path = "labs.html")]
struct LabsPage {
    labs: Vec<LabView>,
}

impl LabsPage {
    const CURRENT: &'static str = "labs";
}

#[derive(Template)]
#[template(path = "labo.html")]
struct LabPage {
    lab: LabView,
}

impl LabPage {
    const CURRENT: &'static str = "labs";
}

fn labs_dir(state: &AppState) -> Result<&std::path::Path, AppError> {
    state.labs_dir.as_deref().ok_or_else(|| {
        AppError::NotFound("Les laboratoires ne sont pas installés sur ce serveur (dossier labs/ absent).".to_owned())
    })
}

/// `GET /labs/`.
pub async fn index(State(state): State<AppState>) -> Result<Response, AppError> {
    let dir = labs_dir(&state)?;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|entry| entry.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    let labs = names.iter().filter_map(|name| read_lab(dir, name)).collect();
    Ok(Html(LabsPage { labs }.render()?).into_response())
}

/// `GET /labs/{name}/`.
pub async fn lab(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response, AppError> {
    let dir = labs_dir(&state)?;
    let lab = read_lab(dir, &name).ok_or_else(|| {
        AppError::NotFound(format!("Le laboratoire « {name} » n'existe pas. La liste est sur /labs/."))
    })?;
    Ok(Html(LabPage { lab }.render()?).into_response())
}

/// `GET /labs/{name}/{file}`: the student version of one of the lab's notebooks.
pub async fn notebook(
    State(state): State<AppState>,
    Path((name, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let dir = labs_dir(&state)?;
    let not_found =
        || AppError::NotFound(format!("Le fichier « {file} » n'existe pas dans le laboratoire « {name} »."));
    if !is_lab_name(&name) || !NOTEBOOKS.iter().any(|(known, _)| *known == file) {
        return Err(not_found());
    }
    let path = dir.join(&name).join(&file);
    let source = notebook::Notebook::read(&path).map_err(|_| not_found())?;
    let (student, problems) = grader::student_version(&source);
    if !problems.is_empty() {
        // A lab whose markup is broken must not leak its solutions: refuse rather than serve.
        tracing::error!(lab = %name, file = %file, "version étudiante impossible : {} problème(s)", problems.len());
        return Err(AppError::NotFound(format!("Le notebook « {file} » du laboratoire « {name} » est indisponible.")));
    }
    let download = format!("{name}-{file}");
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ipynb+json".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{download}\"")),
        ],
        student.to_json(),
    )
        .into_response())
}
