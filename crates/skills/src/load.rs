//! Reads the référentiel's TOML files and validates them, collecting every problem with its line.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::{
    Competence, Crosswalk, Group, Keywords, Level, LevelInfo, LoadError, Location, Pillar, PillarInfo, Problem,
    Referentiel, Sector, Text, Weights,
};

/// Name of the header file inside a référentiel folder.
pub const HEADER_FILE: &str = "referentiel.toml";

/// The référentiel files compiled into the binary, in load order.
pub const EMBEDDED_FILES: [(&str, &str); 6] = [
    (HEADER_FILE, include_str!("../../../datasets/referentiel/referentiel.toml")),
    ("competences-inf.toml", include_str!("../../../datasets/referentiel/competences-inf.toml")),
    ("competences-mst.toml", include_str!("../../../datasets/referentiel/competences-mst.toml")),
    ("competences-met.toml", include_str!("../../../datasets/referentiel/competences-met.toml")),
    ("competences-trv.toml", include_str!("../../../datasets/referentiel/competences-trv.toml")),
    ("competences-prj.toml", include_str!("../../../datasets/referentiel/competences-prj.toml")),
];

/// The EDISON CF-DS table the crosswalks point to (CC BY 4.0, see `datasets/edsf/README.md`).
const EDSF_COMPETENCES: &str = include_str!("../../../datasets/edsf/cf-ds-competences.csv");

/// One file of a référentiel: its name (for messages) and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// File name shown in problems.
    pub name: String,
    /// TOML text.
    pub text: String,
}

/// The référentiel compiled into the binary. It is validated by the test suite, so a failure here
/// is a build defect; it still returns the problems rather than panicking.
pub fn embedded() -> Result<Referentiel, LoadError> {
    let sources: Vec<Source> = EMBEDDED_FILES
        .iter()
        .map(|(name, text)| Source { name: (*name).to_owned(), text: (*text).to_owned() })
        .collect();
    load_sources(&sources)
}

/// Reads `referentiel.toml` and every `competences-*.toml` of a folder.
pub fn load_dir(dir: &Path) -> Result<Referentiel, LoadError> {
    let io_error = |path: &Path, source| LoadError::Io { path: path.to_owned(), source };
    let header_path = dir.join(HEADER_FILE);
    let header = std::fs::read_to_string(&header_path).map_err(|err| io_error(&header_path, err))?;
    let mut sources = vec![Source { name: HEADER_FILE.to_owned(), text: header }];
    let entries = std::fs::read_dir(dir).map_err(|err| io_error(dir, err))?;
    let mut competence_files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| io_error(dir, err))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("competences-") && name.ends_with(".toml") {
            competence_files.push((name, entry.path()));
        }
    }
    competence_files.sort();
    for (name, path) in competence_files {
        let text = std::fs::read_to_string(&path).map_err(|err| io_error(&path, err))?;
        sources.push(Source { name, text });
    }
    load_sources(&sources)
}

/// Parses and validates a référentiel from its files; the first is the header.
pub fn load_sources(sources: &[Source]) -> Result<Referentiel, LoadError> {
    let mut problems = Problems::default();
    let Some((header_source, competence_sources)) = sources.split_first() else {
        return Err(LoadError::Invalid(vec![Problem {
            location: Location { file: HEADER_FILE.to_owned(), line: 1 },
            message: format!("fichier d'en-tête {HEADER_FILE} absent"),
        }]));
    };
    let header = parse_header(header_source, &mut problems);
    let edsf_ids = edsf_ids();
    let mut competences: Vec<Competence> = Vec::new();
    let mut seen: HashMap<String, Location> = HashMap::new();
    for source in competence_sources {
        let file = LineIndex::new(source);
        let raw: RawCompetenceFile = match toml::from_str(&source.text) {
            Ok(raw) => raw,
            Err(err) => {
                problems.toml_error(&file, &err);
                continue;
            }
        };
        check_unknown_keys(&file, &mut problems);
        if raw.competence.is_empty() {
            problems.push(&file, 0, "aucune compétence ([[competence]]) dans ce fichier".to_owned());
        }
        for entry in raw.competence {
            if let Some(competence) = check_competence(&file, entry, &header, &edsf_ids, &mut seen, &mut problems) {
                competences.push(competence);
            }
        }
    }
    if problems.list.is_empty() {
        competences.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Referentiel {
            version: header.version,
            published: header.published,
            title: header.title,
            licence: header.licence,
            pillars: header.pillars,
            groups: header.groups,
            levels: header.levels,
            sectors: header.sectors,
            competences,
        })
    } else {
        Err(LoadError::Invalid(problems.list))
    }
}

/// The EDSF table: (id, definition) for competence groups and their competences.
pub(crate) fn edsf_table() -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(EDSF_COMPETENCES.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|record| Some((record.get(0)?.to_owned(), record.get(2)?.trim().to_owned())))
        .collect()
}

fn edsf_ids() -> BTreeSet<String> {
    edsf_table().into_iter().map(|(id, _)| id).collect()
}

// ---------------------------------------------------------------------------------------------
// Raw, permissive shapes: every field optional so that one missing field does not hide the others.

#[derive(Deserialize)]
struct RawText {
    fr: Option<String>,
    en: Option<String>,
}

#[derive(Deserialize)]
struct RawHeader {
    version: Option<Spanned<String>>,
    published: Option<Spanned<String>>,
    title: Option<RawText>,
    licence: Option<String>,
    #[serde(default)]
    pillar: Vec<Spanned<RawPillar>>,
    #[serde(default)]
    group: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    level: Vec<Spanned<RawLevel>>,
    #[serde(default)]
    sector: Vec<Spanned<RawSector>>,
}

#[derive(Deserialize)]
struct RawPillar {
    id: Option<String>,
    label: Option<RawText>,
    #[serde(default)]
    transversal: bool,
}

#[derive(Deserialize)]
struct RawGroup {
    id: Option<String>,
    pillar: Option<Spanned<String>>,
    label: Option<RawText>,
}

#[derive(Deserialize)]
struct RawLevel {
    id: Option<String>,
    label: Option<RawText>,
    bloom: Option<String>,
}

#[derive(Deserialize)]
struct RawSector {
    id: Option<String>,
    label: Option<RawText>,
}

#[derive(Deserialize)]
struct RawCompetenceFile {
    #[serde(default)]
    competence: Vec<Spanned<RawCompetence>>,
}

#[derive(Deserialize)]
struct RawCompetence {
    id: Option<Spanned<String>>,
    group: Option<Spanned<String>>,
    core: Option<Spanned<bool>>,
    sector: Option<Spanned<String>>,
    label: Option<Spanned<RawText>>,
    description: Option<Spanned<RawText>>,
    weights: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    levels: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    crosswalk: Option<Spanned<RawCrosswalk>>,
    keywords: Option<Spanned<RawKeywords>>,
}

#[derive(Deserialize)]
struct RawCrosswalk {
    #[serde(default)]
    edsf: Vec<Spanned<String>>,
    #[serde(default)]
    esco: Vec<String>,
    #[serde(default)]
    rome: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
struct RawKeywords {
    #[serde(default)]
    fr: Vec<String>,
    #[serde(default)]
    en: Vec<String>,
}

/// Keys a `[[competence]]` table may hold; anything else is reported.
const COMPETENCE_KEYS: [&str; 10] =
    ["id", "group", "core", "sector", "label", "description", "weights", "levels", "crosswalk", "keywords"];
const CROSSWALK_KEYS: [&str; 3] = ["edsf", "esco", "rome"];
const TEXT_KEYS: [&str; 2] = ["fr", "en"];

// ---------------------------------------------------------------------------------------------

/// Byte offset → line number for one file.
struct LineIndex<'a> {
    name: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(source: &'a Source) -> LineIndex<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(source.text.match_indices('\n').map(|(idx, _)| idx + 1));
        LineIndex { name: &source.name, text: &source.text, line_starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).max(1)
    }

    fn location(&self, offset: usize) -> Location {
        Location { file: self.name.to_owned(), line: self.line(offset) }
    }
}

#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    fn push(&mut self, file: &LineIndex<'_>, offset: usize, message: String) {
        self.list.push(Problem { location: file.location(offset), message });
    }

    fn toml_error(&mut self, file: &LineIndex<'_>, err: &toml::de::Error) {
        let offset = err.span().map_or(0, |span| span.start);
        self.push(file, offset, format!("TOML invalide : {}", french_toml_message(err.message())));
    }
}

/// The toml crate's messages are English; the common ones are said again in French, the rest
/// are kept as they are after a French prefix.
fn french_toml_message(message: &str) -> String {
    const WORDS: [(&str, &str); 16] = [
        ("invalid type: ", "type invalide : "),
        ("expected a boolean", "attendu : un booléen (true ou false)"),
        ("expected a string", "attendu : une chaîne entre guillemets"),
        ("expected a sequence", "attendu : une liste [ … ]"),
        ("expected f64", "attendu : un nombre"),
        ("expected a map", "attendu : une table { … }"),
        ("expected struct", "attendu : une table"),
        ("string ", "chaîne "),
        ("integer ", "entier "),
        ("floating point ", "nombre décimal "),
        ("boolean ", "booléen "),
        ("sequence", "liste"),
        ("duplicate key", "clé en double"),
        ("invalid string", "chaîne invalide"),
        ("unclosed array", "liste non fermée"),
        ("key with no value, expected `=`", "clé sans valeur, « = » attendu"),
    ];
    let mut french = message.trim().to_owned();
    for (english, replacement) in WORDS {
        french = french.replace(english, replacement);
    }
    french
}

/// Reports keys that the format does not know, which would otherwise be silently ignored.
fn check_unknown_keys(file: &LineIndex<'_>, problems: &mut Problems) {
    let Ok(document) = toml::de::DeTable::parse(file.text) else { return };
    for (key, value) in document.get_ref() {
        if key.get_ref() != "competence" {
            problems.push(
                file,
                key.span().start,
                format!("clé inconnue « {} » ; seule [[competence]] est acceptée", key.get_ref()),
            );
            continue;
        }
        let toml::de::DeValue::Array(entries) = value.get_ref() else { continue };
        for entry in entries {
            let toml::de::DeValue::Table(table) = entry.get_ref() else { continue };
            for (key, value) in table {
                let name = key.get_ref().as_ref();
                if !COMPETENCE_KEYS.contains(&name) {
                    problems.push(
                        file,
                        key.span().start,
                        format!("clé inconnue « {name} » ; clés acceptées : {}", COMPETENCE_KEYS.join(", ")),
                    );
                    continue;
                }
                let allowed: &[&str] = match name {
                    "crosswalk" => &CROSSWALK_KEYS,
                    "label" | "description" | "keywords" => &TEXT_KEYS,
                    _ => continue,
                };
                let toml::de::DeValue::Table(inner) = value.get_ref() else { continue };
                for inner_key in inner.keys() {
                    let inner_name = inner_key.get_ref().as_ref();
                    if !allowed.contains(&inner_name) {
                        problems.push(
                            file,
                            inner_key.span().start,
                            format!("clé inconnue « {name}.{inner_name} » ; clés acceptées : {}", allowed.join(", ")),
                        );
                    }
                }
            }
        }
    }
}

/// What the header declares, with defaults where it is broken so that competences can still be checked.
struct Header {
    version: String,
    published: String,
    title: Text,
    licence: String,
    pillars: Vec<PillarInfo>,
    groups: Vec<Group>,
    levels: Vec<LevelInfo>,
    sectors: Vec<Sector>,
}

fn text_of(raw: Option<RawText>, what: &str, file: &LineIndex<'_>, offset: usize, problems: &mut Problems) -> Text {
    let raw = raw.unwrap_or(RawText { fr: None, en: None });
    let mut take = |value: Option<String>, language: &str| match value {
        Some(value) if !value.trim().is_empty() => value,
        _ => {
            problems.push(
                file,
                offset,
                format!("{what} en {language} manquant(e) ; attendu : {{ fr = \"…\", en = \"…\" }}"),
            );
            String::new()
        }
    };
    let fr = take(raw.fr, "français");
    let en = take(raw.en, "anglais");
    Text { fr, en }
}

fn parse_header(source: &Source, problems: &mut Problems) -> Header {
    let file = LineIndex::new(source);
    let mut header = Header {
        version: String::new(),
        published: String::new(),
        title: Text { fr: String::new(), en: String::new() },
        licence: String::new(),
        pillars: Vec::new(),
        groups: Vec::new(),
        levels: Vec::new(),
        sectors: Vec::new(),
    };
    let raw: RawHeader = match toml::from_str(&source.text) {
        Ok(raw) => raw,
        Err(err) => {
            problems.toml_error(&file, &err);
            return header;
        }
    };
    match raw.version {
        Some(version) if is_version(version.get_ref()) => header.version = version.into_inner(),
        Some(version) => problems.push(
            &file,
            version.span().start,
            format!("version « {} » invalide ; attendu : ANNÉE.N, par exemple 2026.1", version.get_ref()),
        ),
        None => problems.push(&file, 0, "version manquante ; attendu : version = \"2026.1\"".to_owned()),
    }
    match raw.published {
        Some(date) if is_iso_date(date.get_ref()) => header.published = date.into_inner(),
        Some(date) => problems.push(
            &file,
            date.span().start,
            format!("date de publication « {} » invalide ; attendu : AAAA-MM-JJ", date.get_ref()),
        ),
        None => {
            problems.push(&file, 0, "date de publication manquante ; attendu : published = \"AAAA-MM-JJ\"".to_owned())
        }
    }
    header.title = text_of(raw.title, "titre", &file, 0, problems);
    header.licence = raw.licence.unwrap_or_default();

    for entry in raw.pillar {
        let offset = entry.span().start;
        let raw = entry.into_inner();
        let id = raw.id.unwrap_or_default();
        let label = text_of(raw.label, "libellé du pilier", &file, offset, problems);
        match Pillar::from_code(&id) {
            Some(pillar) if header.pillars.iter().any(|known| known.id == pillar) => {
                problems.push(&file, offset, format!("pilier « {id} » déclaré deux fois"));
            }
            Some(pillar) => header.pillars.push(PillarInfo { id: pillar, label, transversal: raw.transversal }),
            None => {
                problems.push(&file, offset, format!("pilier inconnu « {id} » ; piliers acceptés : {}", pillar_codes()))
            }
        }
    }
    for pillar in Pillar::ALL {
        if !header.pillars.iter().any(|known| known.id == pillar) {
            problems.push(&file, 0, format!("pilier {pillar} non déclaré ; les cinq piliers sont {}", pillar_codes()));
        }
    }

    for entry in raw.group {
        let offset = entry.span().start;
        let raw = entry.into_inner();
        let id = raw.id.unwrap_or_default();
        let label = text_of(raw.label, "libellé du groupe", &file, offset, problems);
        if id.is_empty() {
            problems.push(&file, offset, "groupe sans identifiant (id)".to_owned());
            continue;
        }
        if header.groups.iter().any(|known| known.id == id) {
            problems.push(&file, offset, format!("groupe « {id} » déclaré deux fois"));
            continue;
        }
        let Some(pillar_name) = raw.pillar else {
            problems.push(&file, offset, format!("groupe « {id} » sans pilier ; attendu : pillar = \"INF\"…"));
            continue;
        };
        match Pillar::from_code(pillar_name.get_ref()) {
            Some(pillar) => header.groups.push(Group { id, pillar, label }),
            None => problems.push(
                &file,
                pillar_name.span().start,
                format!(
                    "pilier inconnu « {} » pour le groupe {id} ; piliers acceptés : {}",
                    pillar_name.get_ref(),
                    pillar_codes()
                ),
            ),
        }
    }

    for entry in raw.level {
        let offset = entry.span().start;
        let raw = entry.into_inner();
        let id = raw.id.unwrap_or_default();
        let label = text_of(raw.label, "libellé du niveau", &file, offset, problems);
        match Level::from_code(&id) {
            Some(level) => header.levels.push(LevelInfo { id: level, label, bloom: raw.bloom.unwrap_or_default() }),
            None => {
                problems.push(&file, offset, format!("niveau inconnu « {id} » ; niveaux acceptés : N1, N2, N3, N4"))
            }
        }
    }
    for level in Level::ALL {
        if !header.levels.iter().any(|known| known.id == level) {
            problems.push(&file, 0, format!("niveau {level} non déclaré dans l'en-tête"));
        }
    }

    for entry in raw.sector {
        let offset = entry.span().start;
        let raw = entry.into_inner();
        let id = raw.id.unwrap_or_default();
        let label = text_of(raw.label, "libellé du secteur", &file, offset, problems);
        if id.is_empty() || header.sectors.iter().any(|known| known.id == id) {
            problems.push(&file, offset, format!("secteur « {id} » vide ou déclaré deux fois"));
            continue;
        }
        header.sectors.push(Sector { id, label });
    }
    header
}

fn pillar_codes() -> String {
    Pillar::ALL.map(Pillar::code).join(", ")
}

fn is_version(text: &str) -> bool {
    let Some((year, minor)) = text.split_once('.') else { return false };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && !minor.is_empty()
        && minor.bytes().all(|b| b.is_ascii_digit())
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(idx, b)| if idx == 4 || idx == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// Splits `DS.MST.06` into its pillar, when the id is well formed.
fn parse_competence_id(id: &str) -> Option<Pillar> {
    let rest = id.strip_prefix("DS.")?;
    let (pillar, number) = rest.split_once('.')?;
    let pillar = Pillar::from_code(pillar)?;
    (number.len() == 2 && number.bytes().all(|b| b.is_ascii_digit()) && number != "00").then_some(pillar)
}

fn is_rome_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5 && bytes[0].is_ascii_uppercase() && bytes[1..].iter().all(u8::is_ascii_digit)
}

/// Minimum number of French keywords: job-posting recognition needs several ways of saying it.
const MIN_KEYWORDS_FR: usize = 3;

fn check_competence(
    file: &LineIndex<'_>,
    entry: Spanned<RawCompetence>,
    header: &Header,
    edsf_ids: &BTreeSet<String>,
    seen: &mut HashMap<String, Location>,
    problems: &mut Problems,
) -> Option<Competence> {
    let start = entry.span().start;
    let raw = entry.into_inner();
    let before = problems.list.len();

    let Some(id_spanned) = raw.id else {
        problems.push(file, start, "compétence sans identifiant ; attendu : id = \"DS.<PILIER>.<nn>\"".to_owned());
        return None;
    };
    let id_offset = id_spanned.span().start;
    let id = id_spanned.into_inner();
    let pillar = parse_competence_id(&id);
    if pillar.is_none() {
        problems.push(
            file,
            id_offset,
            format!(
                "identifiant « {id} » invalide ; attendu : DS.<PILIER>.<nn> avec PILIER parmi {} et nn de 01 à 99",
                pillar_codes()
            ),
        );
    }
    let here = file.location(id_offset);
    if let Some(previous) = seen.get(&id) {
        problems.push(file, id_offset, format!("identifiant « {id} » en double : déjà défini dans {previous}"));
    } else {
        seen.insert(id.clone(), here.clone());
    }
    let what = |field: &str| format!("{field} de {id}");

    let group = match raw.group {
        None => {
            problems.push(file, id_offset, format!("{} manquant ; attendu : group = \"…\"", what("groupe")));
            String::new()
        }
        Some(group) => {
            let offset = group.span().start;
            let group = group.into_inner();
            match header.groups.iter().find(|known| known.id == group) {
                None => problems.push(
                    file,
                    offset,
                    format!(
                        "groupe inconnu « {group} » pour {id} ; groupes déclarés dans {HEADER_FILE} : {}",
                        header.groups.iter().map(|known| known.id.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ),
                Some(known) if Some(known.pillar) != pillar && pillar.is_some() => problems.push(
                    file,
                    offset,
                    format!("le groupe « {group} » appartient au pilier {}, mais l'identifiant {id} désigne un autre pilier", known.pillar),
                ),
                Some(_) => {}
            }
            group
        }
    };

    let core_declared = raw.core.is_some();
    let core = match raw.core {
        None => {
            problems.push(
                file,
                id_offset,
                format!(
                    "{} manquant ; attendu : core = true (tronc commun) ou core = false avec un secteur",
                    what("champ core")
                ),
            );
            false
        }
        Some(core) => core.into_inner(),
    };
    let sector = match (core, raw.sector) {
        (true, Some(sector)) => {
            problems.push(
                file,
                sector.span().start,
                format!(
                    "{id} appartient au tronc commun (core = true) et ne peut pas avoir de secteur « {} »",
                    sector.get_ref()
                ),
            );
            None
        }
        (false, None) if core_declared => {
            problems.push(
                file,
                id_offset,
                format!("{id} n'est pas du tronc commun : indiquez son secteur de spécialisation (sector = \"…\")"),
            );
            None
        }
        (false, Some(sector)) => {
            if !header.sectors.iter().any(|known| known.id == *sector.get_ref()) {
                problems.push(
                    file,
                    sector.span().start,
                    format!(
                        "secteur inconnu « {} » pour {id} ; secteurs acceptés : {}",
                        sector.get_ref(),
                        header.sectors.iter().map(|known| known.id.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            Some(sector.into_inner())
        }
        _ => None,
    };

    let mut spanned_text = |raw: Option<Spanned<RawText>>, field: &str| {
        let offset = raw.as_ref().map_or(id_offset, |raw| raw.span().start);
        text_of(raw.map(Spanned::into_inner), &what(field), file, offset, problems)
    };
    let label = spanned_text(raw.label, "libellé");
    let description = spanned_text(raw.description, "description");

    let weights = check_weights(file, &id, id_offset, raw.weights, problems);
    let levels = check_levels(file, &id, id_offset, raw.levels, problems);

    let mut crosswalk = Crosswalk::default();
    match raw.crosswalk {
        None => problems.push(
            file,
            id_offset,
            format!(
                "{} manquantes ; attendu : crosswalk.edsf = [\"DSDA02\"], crosswalk.esco = [\"…\"]",
                what("correspondances")
            ),
        ),
        Some(raw_crosswalk) => {
            let offset = raw_crosswalk.span().start;
            let raw_crosswalk = raw_crosswalk.into_inner();
            if raw_crosswalk.edsf.is_empty() {
                problems.push(
                    file,
                    offset,
                    format!(
                        "{id} n'a aucune correspondance EDSF ; attendu : au moins un identifiant CF-DS (DSDA01…DSBA06)"
                    ),
                );
            }
            for edsf in raw_crosswalk.edsf {
                if !edsf_ids.contains(edsf.get_ref()) {
                    problems.push(
                        file,
                        edsf.span().start,
                        format!("correspondance EDSF inexistante « {} » pour {id} ; identifiants acceptés : ceux de datasets/edsf/cf-ds-competences.csv (DSDA01…DSDA06, DSENG01…, DSDM01…, DSRMP01…, DSBA01…)", edsf.get_ref()),
                    );
                }
                crosswalk.edsf.push(edsf.into_inner());
            }
            if raw_crosswalk.esco.is_empty() {
                problems.push(
                    file,
                    offset,
                    format!("{id} n'a aucune correspondance ESCO ; attendu : crosswalk.esco = [\"libellé ESCO\"]"),
                );
            }
            crosswalk.esco = raw_crosswalk.esco;
            for rome in raw_crosswalk.rome {
                if !is_rome_code(rome.get_ref()) {
                    problems.push(file, rome.span().start, format!("code ROME « {} » invalide pour {id} ; attendu : une lettre et quatre chiffres, par exemple M1405", rome.get_ref()));
                }
                crosswalk.rome.push(rome.into_inner());
            }
        }
    }

    let mut keywords = Keywords::default();
    match raw.keywords {
        None => problems.push(
            file,
            id_offset,
            format!("{} manquants ; attendu : keywords.fr = [\"…\"], keywords.en = [\"…\"]", what("mots-clés")),
        ),
        Some(raw_keywords) => {
            let offset = raw_keywords.span().start;
            let raw_keywords = raw_keywords.into_inner();
            if raw_keywords.fr.len() < MIN_KEYWORDS_FR {
                problems.push(file, offset, format!("{id} a {} mot(s)-clé(s) en français ; il en faut au moins {MIN_KEYWORDS_FR} pour reconnaître la compétence dans les offres d'emploi", raw_keywords.fr.len()));
            }
            if raw_keywords.en.is_empty() {
                problems.push(
                    file,
                    offset,
                    format!("{id} n'a aucun mot-clé en anglais ; attendu : keywords.en = [\"…\"]"),
                );
            }
            keywords.fr = raw_keywords.fr.iter().map(|keyword| keyword.trim().to_lowercase()).collect();
            keywords.en = raw_keywords.en.iter().map(|keyword| keyword.trim().to_lowercase()).collect();
            for keyword in keywords.fr.iter().chain(&keywords.en) {
                if keyword.chars().count() < 2 {
                    problems.push(
                        file,
                        offset,
                        format!("mot-clé « {keyword} » trop court pour {id} : il reconnaîtrait n'importe quel texte"),
                    );
                }
            }
        }
    }

    if problems.list.len() != before {
        return None;
    }
    Some(Competence {
        id,
        pillar: pillar?,
        group,
        core,
        sector,
        label,
        description,
        weights,
        levels,
        crosswalk,
        keywords,
        location: here,
    })
}

/// Tolerance on the sum of pillar weights, which are written with two decimals.
const WEIGHT_TOLERANCE: f64 = 1e-6;

fn check_weights(
    file: &LineIndex<'_>,
    id: &str,
    id_offset: usize,
    raw: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    problems: &mut Problems,
) -> Weights {
    let mut weights = Weights { inf: 0.0, mst: 0.0, met: 0.0 };
    let Some(raw) = raw else {
        problems.push(
            file,
            id_offset,
            format!(
                "poids des piliers de {id} manquants ; attendu : weights = {{ INF = …, MST = …, MET = … }} totalisant 1"
            ),
        );
        return weights;
    };
    let offset = raw.span().start;
    for (key, value) in raw.into_inner() {
        let value_offset = value.span().start;
        let value = value.into_inner();
        let slot = match key.as_str() {
            "INF" => &mut weights.inf,
            "MST" => &mut weights.mst,
            "MET" => &mut weights.met,
            _ => {
                problems.push(
                    file,
                    value_offset,
                    format!("poids sur un pilier non accepté « {key} » pour {id} ; piliers acceptés : INF, MST, MET"),
                );
                continue;
            }
        };
        if !(0.0..=1.0).contains(&value) {
            problems.push(file, value_offset, format!("poids {key} = {value} hors de [0, 1] pour {id}"));
        }
        *slot = value;
    }
    let sum = weights.inf + weights.mst + weights.met;
    if (sum - 1.0).abs() > WEIGHT_TOLERANCE {
        problems.push(
            file,
            offset,
            format!(
                "les poids des piliers de {id} totalisent {} ; ils doivent totaliser 1 (INF + MST + MET)",
                format_decimal(sum)
            ),
        );
    }
    weights
}

fn format_decimal(value: f64) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('.', ",")
}

fn check_levels(
    file: &LineIndex<'_>,
    id: &str,
    id_offset: usize,
    raw: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    problems: &mut Problems,
) -> [String; 4] {
    let mut levels: [String; 4] = Default::default();
    let mut declared = [false; 4];
    let (offset, raw) = match raw {
        Some(raw) => (raw.span().start, raw.into_inner()),
        None => (id_offset, BTreeMap::new()),
    };
    for (key, text) in raw {
        match Level::from_code(&key) {
            Some(level) => {
                if text.get_ref().trim().is_empty() {
                    problems.push(file, text.span().start, format!("descripteur du niveau {level} vide pour {id}"));
                }
                declared[level.index()] = true;
                levels[level.index()] = text.into_inner();
            }
            None => problems.push(
                file,
                text.span().start,
                format!("niveau inconnu « {key} » pour {id} ; niveaux acceptés : N1, N2, N3, N4"),
            ),
        }
    }
    for level in Level::ALL {
        if !declared[level.index()] {
            problems.push(file, offset, format!("niveau {level} manquant pour {id} ; chaque compétence décrit les quatre niveaux N1 à N4 (levels.{level} = \"…\")"));
        }
    }
    levels
}
