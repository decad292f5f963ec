//! The course book: mdBook build with socle's preprocessor, link check, chapter metadata.
#![doc = include_str!("../README.md")]

pub mod front;
pub mod markdown;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use mdbook_driver::MDBook;
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use skills::{Level, Referentiel};

pub use front::{FrontMatter, Taught};

/// Where the book is and where it goes.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The book's root (with `book.toml`).
    pub book_dir: PathBuf,
    /// Output folder (its contents are replaced).
    pub out_dir: PathBuf,
    /// The labs folder, to know which labs exist.
    pub labs_dir: PathBuf,
}

/// One chapter as its front matter describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterInfo {
    /// Path relative to `book/src`.
    pub path: PathBuf,
    /// Title in the summary.
    pub title: String,
    /// Its front matter.
    pub front: FrontMatter,
    /// Words of prose.
    pub words: usize,
}

/// What a build gives.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Every chapter with a file, in book order.
    pub chapters: Vec<ChapterInfo>,
    /// Problems found in the sources, in French, each naming its file.
    pub problems: Vec<String>,
}

/// Why the book could not be built at all.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// mdBook refused the book (missing file, bad summary, I/O).
    #[error("construction du livre impossible : {0}")]
    Mdbook(String),
}

fn error_chain(err: &dyn std::fmt::Display) -> String {
    // mdBook's errors are anyhow chains: `{:#}` prints every cause on one line.
    err.to_string()
}

/// The socle preprocessor: front matter → boxes, lab links, formulas protected.
struct SoclePreprocessor {
    referentiel: Referentiel,
    labs_dir: PathBuf,
    report: Rc<RefCell<BuildReport>>,
}

impl SoclePreprocessor {
    fn lab_exists(&self, name: &str) -> bool {
        !name.is_empty() && !name.contains("..") && self.labs_dir.join(name).is_dir()
    }

    fn render_boxes(&self, front: &FrontMatter, file: &str, problems: &mut Vec<String>) -> String {
        let mut html = String::new();
        if !front.objectifs.is_empty() {
            html.push_str("<div class=\"socle-encadre socle-objectifs\">\n<p class=\"socle-encadre-titre\">Objectifs d'apprentissage</p>\n<ul>\n");
            for objective in &front.objectifs {
                html.push_str(&format!("<li>{}</li>\n", escape(objective)));
            }
            html.push_str("</ul>\n</div>\n\n");
        }
        if !front.competences.is_empty() {
            html.push_str("<div class=\"socle-encadre socle-competences\">\n<p class=\"socle-encadre-titre\">Compétences visées</p>\n<ul>\n");
            for taught in &front.competences {
                let Some(competence) = self.referentiel.competence(&taught.id) else {
                    problems.push(format!(
                        "{file} : compétence inconnue « {} » dans l'en-tête ; voir /referentiel",
                        taught.id
                    ));
                    continue;
                };
                let Some(level) = Level::from_code(&taught.niveau) else {
                    problems.push(format!(
                        "{file} : niveau « {} » invalide pour {} ; niveaux acceptés : N1, N2, N3, N4",
                        taught.niveau, taught.id
                    ));
                    continue;
                };
                let level_label = self.referentiel.level(level).map_or("", |info| info.label.fr.as_str());
                html.push_str(&format!(
                    "<li><a href=\"/referentiel/{id}\">{id} — {label}</a> <span class=\"socle-niveau\">(niveau {level} : {level_label})</span></li>\n",
                    id = escape(&competence.id),
                    label = escape(&competence.label.fr),
                    level = level.code(),
                    level_label = escape(level_label),
                ));
            }
            html.push_str("</ul>\n</div>\n\n");
        }
        if let Some(lab) = &front.labo {
            if self.lab_exists(lab) {
                html.push_str(&format!(
                    "<div class=\"socle-encadre socle-labo\">\n<p class=\"socle-encadre-titre\">Laboratoire</p>\n<p><a href=\"/labs/{lab}/\">Ouvrir le laboratoire « {lab} »</a> (notebooks Rust et Python).</p>\n</div>\n\n",
                    lab = escape(lab)
                ));
            } else {
                html.push_str(&format!(
                    "<div class=\"socle-encadre socle-labo\">\n<p class=\"socle-encadre-titre\">Laboratoire</p>\n<p>Le laboratoire « {} » de ce chapitre est en préparation.</p>\n</div>\n\n",
                    escape(lab)
                ));
            }
        }
        html
    }

    fn process(&self, content: &str, file: &str, problems: &mut Vec<String>) -> (String, FrontMatter) {
        let (front, body) = match front::split(content) {
            None => {
                problems.push(format!("{file} : pas d'en-tête +++ (objectifs, competences, labo)"));
                (FrontMatter::default(), content)
            }
            Some((text, body)) => match front::parse(text) {
                Ok(front) => (front, body),
                Err(message) => {
                    problems.push(format!("{file} : {message}"));
                    (FrontMatter::default(), body)
                }
            },
        };
        if front.objectifs.is_empty() && !file.ends_with("avant-propos.md") {
            problems.push(format!("{file} : aucun objectif d'apprentissage dans l'en-tête"));
        }
        let boxes = self.render_boxes(&front, file, problems);
        let body = markdown::rewrite_lab_links(&markdown::protect_math(body), |name| self.lab_exists(name));
        // The boxes go right after the chapter's title.
        let body = body.trim_start_matches(['\n', '\r']);
        let rendered = match body.find('\n') {
            Some(end) if body.starts_with("# ") => format!("{}\n\n{boxes}{}", &body[..end], &body[end + 1..]),
            _ => format!("{boxes}{body}"),
        };
        (rendered, front)
    }
}

impl Preprocessor for SoclePreprocessor {
    fn name(&self) -> &str {
        "socle"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> mdbook_preprocessor::errors::Result<Book> {
        let mut report = self.report.borrow_mut();
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else { return };
            let Some(path) = chapter.source_path.clone() else { return };
            let file = path.display().to_string();
            let words = markdown::prose_words(&chapter.content);
            let mut problems = Vec::new();
            let (content, front) = self.process(&chapter.content, &file, &mut problems);
            chapter.content = content;
            report.problems.extend(problems);
            report.chapters.push(ChapterInfo { path, title: chapter.name.clone(), front, words });
        });
        Ok(book)
    }

    fn supports_renderer(&self, _renderer: &str) -> mdbook_preprocessor::errors::Result<bool> {
        Ok(true)
    }
}

/// HTML-escapes a text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Builds the book into `options.out_dir`.
pub fn build(referentiel: &Referentiel, options: &BuildOptions) -> Result<BuildReport, BookError> {
    let mut config = mdbook_driver::config::Config::from_disk(options.book_dir.join("book.toml"))
        .map_err(|err| BookError::Mdbook(format!("{} : {err:#}", options.book_dir.join("book.toml").display())))?;
    config.build.build_dir = options.out_dir.clone();
    let mut book =
        MDBook::load_with_config(&options.book_dir, config).map_err(|err| BookError::Mdbook(format!("{err:#}")))?;
    let report = Rc::new(RefCell::new(BuildReport::default()));
    book.with_preprocessor(SoclePreprocessor {
        referentiel: referentiel.clone(),
        labs_dir: options.labs_dir.clone(),
        report: Rc::clone(&report),
    });
    book.build().map_err(|err| BookError::Mdbook(error_chain(&format!("{err:#}"))))?;
    let built = report.borrow().clone();
    Ok(built)
}

/// The chapters' front matter and word counts, read without building (for coverage reports).
pub fn chapters(book_dir: &Path) -> Result<BuildReport, BookError> {
    let summary_path = book_dir.join("src/SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .map_err(|err| BookError::Mdbook(format!("lecture de {} : {err}", summary_path.display())))?;
    let mut report = BuildReport::default();
    for line in summary.lines() {
        let Some(start) = line.find("](") else { continue };
        let Some(end) = line[start..].find(')') else { continue };
        let target = &line[start + 2..start + end];
        if target.is_empty() {
            continue;
        }
        let title = line[..start].rsplit('[').next().unwrap_or_default().to_owned();
        let path = PathBuf::from(target);
        let file = book_dir.join("src").join(&path);
        let Ok(content) = std::fs::read_to_string(&file) else {
            report.problems.push(format!("{target} : fichier absent"));
            continue;
        };
        let front = match front::split(&content).map(|(text, _)| front::parse(text)) {
            Some(Ok(front)) => front,
            Some(Err(message)) => {
                report.problems.push(format!("{target} : {message}"));
                FrontMatter::default()
            }
            None => FrontMatter::default(),
        };
        report.chapters.push(ChapterInfo { path, title, front, words: markdown::prose_words(&content) });
    }
    Ok(report)
}

/// Internal links of the built book that lead nowhere: relative links to missing files, and
/// site links (`/referentiel/…`, `/labs/…`) to unknown competences or labs.
pub fn broken_links(out_dir: &Path, referentiel: &Referentiel, labs_dir: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    let mut pages = Vec::new();
    collect_html(out_dir, &mut pages);
    for page in pages {
        let Ok(html) = std::fs::read_to_string(&page) else { continue };
        let dir = page.parent().unwrap_or(out_dir);
        for target in links(&html) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
                || target.starts_with('#')
                || target.starts_with("data:")
                || target.starts_with("javascript:")
            {
                continue;
            }
            let path = target.split(['#', '?']).next().unwrap_or_default();
            if path.is_empty() {
                continue;
            }
            let ok = if let Some(id) = path.strip_prefix("/referentiel/") {
                referentiel.competence(id.trim_end_matches('/')).is_some()
            } else if let Some(lab) = path.strip_prefix("/labs/") {
                labs_dir.join(lab.trim_end_matches('/')).is_dir()
            } else if let Some(inside) = path.strip_prefix("/cours/") {
                out_dir.join(inside).exists() || inside.is_empty()
            } else if path.starts_with('/') {
                path == "/referentiel" || path == "/"
            } else {
                let resolved = dir.join(path);
                resolved.exists() || (path.ends_with('/') && resolved.join("index.html").exists())
            };
            if !ok {
                let page_name = page.strip_prefix(out_dir).unwrap_or(&page).display().to_string();
                broken.push(format!("{page_name} : lien cassé vers « {target} »"));
            }
        }
    }
    broken.sort();
    broken.dedup();
    broken
}

fn collect_html(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_html(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "html") {
            out.push(path);
        }
    }
}

/// Values of `href="…"` and `src="…"` attributes.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            let after = &rest[start + attribute.len()..];
            let Some(end) = after.find('"') else { break };
            found.push(after[..end].replace("&amp;", "&"));
            rest = &after[end..];
        }
    }
    found
}
