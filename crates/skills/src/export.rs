//! Exports of the référentiel: public JSON schema, CASE package, Moodle and Open edX CSV.

use serde_json::{Value, json};

use crate::{Competence, Level, Referentiel, Text};

/// Every export format, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The public JSON schema (`json`).
    Json,
    /// CASE-style JSON package (`case`).
    Case,
    /// Moodle competency framework import CSV (`moodle-csv`).
    MoodleCsv,
    /// Open edX taxonomy import CSV (`openedx-csv`).
    OpenedxCsv,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 4] = [Format::Json, Format::Case, Format::MoodleCsv, Format::OpenedxCsv];

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Case => "case",
            Format::MoodleCsv => "moodle-csv",
            Format::OpenedxCsv => "openedx-csv",
        }
    }

    /// Parses a format name.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    /// The media type of the output.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json | Format::Case => "application/json",
            Format::MoodleCsv | Format::OpenedxCsv => "text/csv; charset=utf-8",
        }
    }
}

/// Writes the référentiel in one format, ending with a newline.
pub fn render(referentiel: &Referentiel, format: Format) -> String {
    let mut text = match format {
        Format::Json => pretty(&json(referentiel)),
        Format::Case => pretty(&case(referentiel)),
        Format::MoodleCsv => moodle_csv(referentiel),
        Format::OpenedxCsv => openedx_csv(referentiel),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn pretty(value: &Value) -> String {
    // Serialising a `Value` cannot fail: every key is a string.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn text(text: &Text) -> Value {
    json!({ "fr": text.fr, "en": text.en })
}

/// The public JSON schema of the whole référentiel (also served at `/api/referentiel`).
pub fn json(referentiel: &Referentiel) -> Value {
    json!({
        "version": referentiel.version,
        "published": referentiel.published,
        "title": text(&referentiel.title),
        "licence": referentiel.licence,
        "pillars": referentiel.pillars.iter().map(|pillar| json!({
            "id": pillar.id.code(),
            "label": text(&pillar.label),
            "transversal": pillar.transversal,
        })).collect::<Vec<_>>(),
        "groups": referentiel.groups.iter().map(|group| json!({
            "id": group.id,
            "pillar": group.pillar.code(),
            "label": text(&group.label),
        })).collect::<Vec<_>>(),
        "levels": referentiel.levels.iter().map(|level| json!({
            "id": level.id.code(),
            "label": text(&level.label),
            "bloom": level.bloom,
        })).collect::<Vec<_>>(),
        "sectors": referentiel.sectors.iter().map(|sector| json!({
            "id": sector.id,
            "label": text(&sector.label),
        })).collect::<Vec<_>>(),
        "competences": referentiel.competences.iter().map(competence_json).collect::<Vec<_>>(),
    })
}

/// The public JSON schema of one competence (also served at `/api/referentiel/{id}`).
pub fn competence_json(competence: &Competence) -> Value {
    json!({
        "id": competence.id,
        "pillar": competence.pillar.code(),
        "group": competence.group,
        "core": competence.core,
        "sector": competence.sector,
        "label": text(&competence.label),
        "description": text(&competence.description),
        "weights": {
            "INF": competence.weights.inf,
            "MST": competence.weights.mst,
            "MET": competence.weights.met,
        },
        "levels": {
            "N1": competence.level(Level::N1),
            "N2": competence.level(Level::N2),
            "N3": competence.level(Level::N3),
            "N4": competence.level(Level::N4),
        },
        "crosswalk": {
            "edsf": competence.crosswalk.edsf,
            "esco": competence.crosswalk.esco,
            "rome": competence.crosswalk.rome,
        },
        "keywords": {
            "fr": competence.keywords.fr,
            "en": competence.keywords.en,
        },
    })
}

/// Namespace of socle's CASE identifiers; identifiers are UUID v5 of a stable name, so that
/// two exports of the same version carry the same identifiers.
const CASE_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6f1c_2a3e_4b5d_4c7e_9a10_5e0c_1d2b_3a49);

fn case_id(name: &str) -> String {
    uuid::Uuid::new_v5(&CASE_NAMESPACE, name.as_bytes()).to_string()
}

/// A CASE node: what associations point to.
struct CaseNode {
    identifier: String,
    uri: String,
    title: String,
}

impl CaseNode {
    fn new(version: &str, local: &str, title: &str) -> CaseNode {
        let uri = format!("urn:socle:referentiel:{version}:{local}");
        CaseNode { identifier: case_id(&uri), uri, title: title.to_owned() }
    }

    fn link(&self) -> Value {
        json!({ "title": self.title, "identifier": self.identifier, "uri": self.uri })
    }
}

/// A CASE-style package (CFDocument, CFItems, CFAssociations) following 1EdTech CASE 1.0:
/// pillars, groups and competences are items; each competence has its four levels as child
/// items; EDSF crosswalks are `isRelatedTo` associations.
pub fn case(referentiel: &Referentiel) -> Value {
    let version = &referentiel.version;
    let changed = format!("{}T00:00:00+00:00", referentiel.published);
    let document = CaseNode::new(version, "document", &referentiel.title.fr);
    let mut items = Vec::new();
    let mut associations = Vec::new();
    let mut item =
        |node: &CaseNode, statement: &str, coding: &str, item_type: &str, notes: &str, keywords: Vec<String>| {
            let mut value = json!({
                "identifier": node.identifier,
                "uri": node.uri,
                "CFDocumentURI": document.link(),
                "fullStatement": statement,
                "abbreviatedStatement": node.title,
                "humanCodingScheme": coding,
                "CFItemType": item_type,
                "language": "fr",
                "lastChangeDateTime": changed,
            });
            if !notes.is_empty() {
                value["notes"] = json!(notes);
            }
            if !keywords.is_empty() {
                value["conceptKeywords"] = json!(keywords);
            }
            items.push(value);
        };
    let mut associate = |child: &CaseNode, kind: &str, parent: &CaseNode, sequence: usize| {
        associations.push(json!({
            "identifier": case_id(&format!("{}|{kind}|{}", child.uri, parent.uri)),
            "uri": format!("{}#{kind}:{}", child.uri, parent.uri),
            "CFDocumentURI": document.link(),
            "associationType": kind,
            "sequenceNumber": sequence,
            "originNodeURI": child.link(),
            "destinationNodeURI": parent.link(),
            "lastChangeDateTime": changed,
        }));
    };
    for (pillar_idx, pillar) in referentiel.pillars.iter().enumerate() {
        let pillar_node = CaseNode::new(version, pillar.id.code(), &pillar.label.fr);
        item(&pillar_node, &pillar.label.fr, pillar.id.code(), "Pilier", &pillar.label.en, Vec::new());
        associate(&pillar_node, "isChildOf", &document, pillar_idx + 1);
        let groups = referentiel.groups.iter().filter(|group| group.pillar == pillar.id);
        for (group_idx, group) in groups.enumerate() {
            let group_node = CaseNode::new(version, &group.id, &group.label.fr);
            item(&group_node, &group.label.fr, &group.id, "Groupe", &group.label.en, Vec::new());
            associate(&group_node, "isChildOf", &pillar_node, group_idx + 1);
            for (competence_idx, competence) in referentiel.competences_in_group(&group.id).enumerate() {
                let node = CaseNode::new(version, &competence.id, &competence.label.fr);
                let statement = format!("{} — {}", competence.label.fr, competence.description.fr);
                let keywords = competence.keywords.fr.clone();
                item(&node, &statement, &competence.id, "Compétence", &competence.label.en, keywords);
                associate(&node, "isChildOf", &group_node, competence_idx + 1);
                for level in Level::ALL {
                    let level_label = referentiel.level(level).map_or(level.code(), |info| info.label.fr.as_str());
                    let code = format!("{}.{}", competence.id, level.code());
                    let level_node = CaseNode::new(version, &code, &format!("{} {level_label}", level.code()));
                    item(&level_node, competence.level(level), &code, "Niveau", "", Vec::new());
                    associate(&level_node, "isChildOf", &node, level.index() + 1);
                }
                for (edsf_idx, edsf) in competence.crosswalk.edsf.iter().enumerate() {
                    let uri = format!("urn:edsf:cf-ds:{edsf}");
                    let target = CaseNode { identifier: case_id(&uri), uri, title: edsf.clone() };
                    associate(&node, "isRelatedTo", &target, edsf_idx + 1);
                }
            }
        }
    }
    json!({
        "CFDocument": {
            "identifier": document.identifier,
            "uri": document.uri,
            "creator": "socle",
            "title": referentiel.title.fr,
            "lastChangeDateTime": changed,
            "officialSourceURL": "/api/referentiel",
            "version": version,
            "language": "fr",
            "adoptionStatus": "Adopted",
            "description": referentiel.title.en,
            "notes": format!("Licence : {}. Correspondances EDSF : EDISON Data Science Framework, CC BY 4.0.", referentiel.licence),
        },
        "CFItems": items,
        "CFAssociations": associations,
    })
}

/// Columns of Moodle's competency framework import (admin tool `lpimportcsv`).
const MOODLE_HEADER: [&str; 14] = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
];

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Moodle competency framework CSV: one framework row, then pillars and groups as domains and
/// competences as competencies; the scale is the four levels, N2 and above proficient.
pub fn moodle_csv(referentiel: &Referentiel) -> String {
    let mut writer = csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(Vec::new());
    let mut rows: Vec<[String; 14]> = Vec::new();
    let framework_id = format!("socle-{}", referentiel.version);
    let scale_values =
        referentiel.levels.iter().map(|level| format!("{} {}", level.id, level.label.fr)).collect::<Vec<_>>().join(",");
    let scale_configuration = r#"[{"scaleid":"0"},{"id":1,"scaledefault":1,"proficient":0},{"id":2,"scaledefault":0,"proficient":1},{"id":3,"scaledefault":0,"proficient":1},{"id":4,"scaledefault":0,"proficient":1}]"#;
    let row = |parent: &str, id: &str, name: &str, description: String| -> [String; 14] {
        [
            parent.to_owned(),
            id.to_owned(),
            name.to_owned(),
            description,
            "1".to_owned(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]
    };
    let mut framework = row(
        "",
        &framework_id,
        &referentiel.title.fr,
        format!("<p>{} — version {}</p>", escape_html(&referentiel.title.fr), referentiel.version),
    );
    framework[5] = scale_values;
    framework[6] = scale_configuration.to_owned();
    framework[12] = "1".to_owned();
    framework[13] = "domain,domain,competency".to_owned();
    rows.push(framework);
    for pillar in &referentiel.pillars {
        rows.push(row("", pillar.id.code(), &pillar.label.fr, format!("<p>{}</p>", escape_html(&pillar.label.fr))));
        for group in referentiel.groups.iter().filter(|group| group.pillar == pillar.id) {
            rows.push(row(
                pillar.id.code(),
                &group.id,
                &group.label.fr,
                format!("<p>{}</p>", escape_html(&group.label.fr)),
            ));
            for competence in referentiel.competences_in_group(&group.id) {
                let mut description = format!("<p>{}</p><ul>", escape_html(&competence.description.fr));
                for level in Level::ALL {
                    let label = referentiel.level(level).map_or("", |info| info.label.fr.as_str());
                    description.push_str(&format!(
                        "<li><strong>{} {}</strong> : {}</li>",
                        level.code(),
                        escape_html(label),
                        escape_html(competence.level(level))
                    ));
                }
                description.push_str("</ul>");
                rows.push(row(&group.id, &competence.id, &competence.label.fr, description));
            }
        }
    }
    // Writing CSV into a Vec cannot fail; any error would leave the output short, which the
    // golden tests would catch.
    let _ = writer.write_record(MOODLE_HEADER);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Open edX taxonomy import CSV (`id,value,parent_id,comments`): pillars, groups and
/// competences as a tag tree.
pub fn openedx_csv(referentiel: &Referentiel) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["id", "value", "parent_id", "comments"]);
    for pillar in &referentiel.pillars {
        let _ = writer.write_record([pillar.id.code(), &pillar.label.fr, "", &pillar.label.en]);
        for group in referentiel.groups.iter().filter(|group| group.pillar == pillar.id) {
            let _ = writer.write_record([group.id.as_str(), &group.label.fr, pillar.id.code(), &group.label.en]);
            for competence in referentiel.competences_in_group(&group.id) {
                let value = format!("{} — {}", competence.id, competence.label.fr);
                let _ = writer.write_record([competence.id.as_str(), &value, &group.id, &competence.description.fr]);
            }
        }
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
