//! A chapter's `+++` TOML front matter: objectives, competences with target levels, lab.

use serde::Deserialize;

/// One competence a chapter teaches.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taught {
    /// Référentiel id (`DS.MST.06`).
    pub id: String,
    /// Target level (`N1`…`N4`).
    pub niveau: String,
}

/// What a chapter declares about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Learning objectives.
    #[serde(default)]
    pub objectifs: Vec<String>,
    /// Competences taught, with their target level.
    #[serde(default)]
    pub competences: Vec<Taught>,
    /// Name of the chapter's lab folder under `labs/`.
    #[serde(default)]
    pub labo: Option<String>,
}

/// Splits a chapter into its front matter text and the rest; `None` when it has none.
pub fn split(content: &str) -> Option<(&str, &str)> {
    let rest = content.strip_prefix("+++\n").or_else(|| content.strip_prefix("+++\r\n"))?;
    let end = rest.find("\n+++")?;
    let front = &rest[..end];
    let after = &rest[end + 4..];
    let after = after.strip_prefix("\r\n").or_else(|| after.strip_prefix('\n')).unwrap_or(after);
    Some((front, after))
}

/// Parses a front matter, with a French message on failure.
pub fn parse(text: &str) -> Result<FrontMatter, String> {
    toml::from_str(text).map_err(|err| {
        format!(
            "en-tête +++ invalide : {} ; clés acceptées : objectifs (liste), competences (liste de {{ id, niveau }}), labo",
            err.message()
        )
    })
}
