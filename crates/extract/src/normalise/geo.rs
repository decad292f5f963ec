//! Places: INSEE regions, départements, France Travail place labels and countries.
//!
//! Region codes are the INSEE codes of the 18 regions in force since 2016. Names of the regions
//! merged in 2016 are still accepted (`Rhône-Alpes` → `84`). Source of the tables: INSEE, « Code
//! officiel géographique » (facts only).

use records::Location;

pub use records::geo::{REGIONS, region_name};

/// Other names of the regions, folded (see [`key`]): usual abbreviations and the regions merged
/// in 2016.
const REGION_ALIASES: &[(&str, &str)] = &[
    ("idf", "11"),
    ("ile de france", "11"),
    ("paris ile de france", "11"),
    ("centre", "24"),
    ("centre val de loire", "24"),
    ("bourgogne", "27"),
    ("franche comte", "27"),
    ("bfc", "27"),
    ("basse normandie", "28"),
    ("haute normandie", "28"),
    ("nord pas de calais", "32"),
    ("picardie", "32"),
    ("hdf", "32"),
    ("alsace", "44"),
    ("lorraine", "44"),
    ("champagne ardenne", "44"),
    ("alsace champagne ardenne lorraine", "44"),
    ("acal", "44"),
    ("grand est", "44"),
    ("pdl", "52"),
    ("aquitaine", "75"),
    ("limousin", "75"),
    ("poitou charentes", "75"),
    ("aquitaine limousin poitou charentes", "75"),
    ("languedoc roussillon", "76"),
    ("midi pyrenees", "76"),
    ("languedoc roussillon midi pyrenees", "76"),
    ("auvergne", "84"),
    ("rhone alpes", "84"),
    ("aura", "84"),
    ("ara", "84"),
    ("paca", "93"),
    ("sud", "93"),
    ("region sud", "93"),
    ("provence alpes cote d azur", "93"),
    ("provence", "93"),
    ("corsica", "94"),
    ("reunion", "04"),
    ("la reunion", "04"),
    ("ile de la reunion", "04"),
    ("guyane francaise", "03"),
    ("french guiana", "03"),
];

/// Metropolitan départements by region (Corsica's 2A and 2B included).
const DEPARTEMENTS: &[(&str, &[&str])] = &[
    ("84", &["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]),
    ("27", &["21", "25", "39", "58", "70", "71", "89", "90"]),
    ("53", &["22", "29", "35", "56"]),
    ("24", &["18", "28", "36", "37", "41", "45"]),
    ("94", &["2A", "2B", "20"]),
    ("44", &["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"]),
    ("32", &["02", "59", "60", "62", "80"]),
    ("11", &["75", "77", "78", "91", "92", "93", "94", "95"]),
    ("28", &["14", "27", "50", "61", "76"]),
    ("75", &["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]),
    ("76", &["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]),
    ("52", &["44", "49", "53", "72", "85"]),
    ("93", &["04", "05", "06", "13", "83", "84"]),
    ("01", &["971"]),
    ("02", &["972"]),
    ("03", &["973"]),
    ("04", &["974"]),
    ("06", &["976"]),
];

/// Country names and codes, folded, with their ISO 3166-1 alpha-2 code.
const COUNTRIES: &[(&str, &str)] = &[
    ("france", "FR"),
    ("fr", "FR"),
    ("fra", "FR"),
    ("france metropolitaine", "FR"),
    ("belgique", "BE"),
    ("belgium", "BE"),
    ("suisse", "CH"),
    ("switzerland", "CH"),
    ("luxembourg", "LU"),
    ("allemagne", "DE"),
    ("germany", "DE"),
    ("espagne", "ES"),
    ("spain", "ES"),
    ("italie", "IT"),
    ("italy", "IT"),
    ("royaume uni", "GB"),
    ("united kingdom", "GB"),
    ("uk", "GB"),
    ("pays bas", "NL"),
    ("netherlands", "NL"),
    ("portugal", "PT"),
    ("irlande", "IE"),
    ("ireland", "IE"),
    ("monaco", "MC"),
    ("canada", "CA"),
    ("etats unis", "US"),
    ("united states", "US"),
    ("usa", "US"),
    ("maroc", "MA"),
    ("tunisie", "TN"),
    ("algerie", "DZ"),
];

/// Folds a name for lookups: accents and case removed, every run of non-alphanumeric characters
/// turned into one space.
pub(crate) fn key(text: &str) -> String {
    let folded = skills::fold(text);
    let mut key = String::with_capacity(folded.len());
    for ch in folded.chars() {
        if ch.is_alphanumeric() {
            key.push(ch);
        } else if !key.ends_with(' ') && !key.is_empty() {
            key.push(' ');
        }
    }
    key.trim_end().to_owned()
}

/// The INSEE region code of a region name (accents, case and punctuation folded, `Région`
/// prefix allowed, names of before 2016 accepted) or of a current region code (`"84"`, `"R84"`).
pub fn region_code(text: &str) -> Option<String> {
    let text: String = text.chars().take(200).collect();
    let key = key(&text);
    let key = key.strip_prefix("region ").unwrap_or(&key);
    let key = key.strip_prefix("r ").unwrap_or(key);
    let bare = key.strip_prefix('r').filter(|rest| rest.len() == 2 && rest.chars().all(|c| c.is_ascii_digit()));
    let code_like = bare.unwrap_or(key);
    if let Some((code, _)) = REGIONS.iter().find(|(code, _)| *code == code_like) {
        return Some((*code).to_owned());
    }
    if let Some((code, _)) = REGIONS.iter().find(|(_, name)| self::key(name) == key) {
        return Some((*code).to_owned());
    }
    REGION_ALIASES.iter().find(|(alias, _)| *alias == key).map(|(_, code)| (*code).to_owned())
}

/// The region of a département number (`"69"`, `"2A"`, `"974"`).
pub(crate) fn region_of_departement(departement: &str) -> Option<&'static str> {
    let departement = departement.trim().to_ascii_uppercase();
    DEPARTEMENTS.iter().find(|(_, members)| members.contains(&departement.as_str())).map(|(region, _)| *region)
}

/// The département of a French postal code (five digits): two digits, `2A`/`2B` for Corsica
/// (20000–20199 and 20200–20999), three for overseas (971–976). Monaco (980xx), Saint-Pierre,
/// and the Pacific collectivities have none.
pub(crate) fn departement_of_postal_code(postal_code: &str) -> Option<String> {
    let code = postal_code.trim();
    if code.len() != 5 || !code.chars().all(|ch| ch.is_ascii_digit()) || code == "00000" {
        return None;
    }
    let departement = match &code[..2] {
        "20" => {
            if code[2..3] < *"2" {
                "2A".to_owned()
            } else {
                "2B".to_owned()
            }
        }
        "97" => code[..3].to_owned(),
        "98" | "99" | "00" => return None,
        two => two.to_owned(),
    };
    region_of_departement(&departement).map(|_| departement)
}

/// The ISO 3166-1 alpha-2 code of a country name or code.
pub(crate) fn country_code(text: &str) -> Option<String> {
    let key = key(text);
    if key.is_empty() {
        return None;
    }
    if let Some((_, code)) = COUNTRIES.iter().find(|(name, _)| *name == key) {
        return Some((*code).to_owned());
    }
    let trimmed = text.trim();
    (trimmed.len() == 2 && trimmed.chars().all(|ch| ch.is_ascii_alphabetic())).then(|| trimmed.to_ascii_uppercase())
}

/// What a city field may carry besides the name: France Travail labels (`69 - Lyon 3e
/// Arrondissement`, `75 - Paris (Dept.)`), `75002 Paris`, `Lyon (69)`, `Lyon, 69003`.
struct CityParts {
    city: Option<String>,
    postal_code: Option<String>,
    departement: Option<String>,
}

fn split_city(raw: &str) -> CityParts {
    use std::sync::LazyLock;
    static LABEL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"^\s*(97[1-6]|2[AaBb]|\d{2})\s*-\s*(.+?)\s*$").expect("valid label pattern")
    });
    static POSTAL: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\b(\d{5})\b").expect("valid postal pattern"));
    static DEPT_IN_PARENS: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\(\s*(97[1-6]|2[AaBb]|\d{2})\s*\)").expect("valid dept pattern"));
    static ARRONDISSEMENT: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\s+\d{1,2}\s*(?:e|er|ème|eme)?\s*(?:arrondissement|arr\.?)$").expect("valid pattern")
    });
    let mut parts = CityParts { city: None, postal_code: None, departement: None };
    let mut rest = raw.trim().to_owned();
    if let Some(captures) = LABEL.captures(&rest) {
        parts.departement = Some(captures[1].to_ascii_uppercase());
        rest = captures[2].to_owned();
        if let Some(name) = rest.strip_suffix("(Dept.)").or_else(|| rest.strip_suffix("(Dépt.)")) {
            // The whole département: only Paris is both a département and a city.
            let name = name.trim();
            rest = if key(name) == "paris" { name.to_owned() } else { String::new() };
        }
    }
    if let Some(found) = POSTAL.find(&rest) {
        parts.postal_code = Some(found.as_str().to_owned());
        rest = format!("{} {}", &rest[..found.start()], &rest[found.end()..]);
    }
    if let Some(captures) = DEPT_IN_PARENS.captures(&rest) {
        parts.departement.get_or_insert_with(|| captures[1].to_ascii_uppercase());
        rest = DEPT_IN_PARENS.replace(&rest, " ").into_owned();
    }
    let mut city = rest.trim_matches(|ch: char| ch.is_whitespace() || ch == ',' || ch == '-').to_owned();
    city = ARRONDISSEMENT.replace(&city, "").into_owned();
    let city = city.split_whitespace().collect::<Vec<_>>().join(" ");
    parts.city = (!city.is_empty()).then_some(city);
    parts
}

/// A normalised place: the city cleaned of codes, the postal code (five digits), the INSEE
/// region code (from the postal code's département, else the département of a France Travail
/// label, else the region name or code) and the ISO country code (`FR` when a French region was
/// found and no country given).
pub fn location(
    city: Option<&str>,
    postal_code: Option<&str>,
    region: Option<&str>,
    country: Option<&str>,
) -> Location {
    let parts = city.map(split_city).unwrap_or(CityParts { city: None, postal_code: None, departement: None });
    let postal_code = postal_code
        .map(|code| code.split_whitespace().collect::<String>())
        .filter(|code| departement_of_postal_code(code).is_some())
        .or(parts.postal_code.filter(|code| departement_of_postal_code(code).is_some()));
    let departement = postal_code.as_deref().and_then(departement_of_postal_code).or(parts.departement);
    let region_code = departement
        .as_deref()
        .and_then(region_of_departement)
        .map(str::to_owned)
        .or_else(|| region.and_then(region_code))
        .or_else(|| region.and_then(region_from_label));
    let country = country.and_then(country_code).or_else(|| region_code.as_ref().map(|_| "FR".to_owned()));
    Location { city: parts.city, postal_code, region_code, country }
}

/// A region given as a France Travail label or a département (`"69 - Rhône"`, `"69"`).
fn region_from_label(text: &str) -> Option<String> {
    let parts = split_city(text);
    parts.departement.as_deref().and_then(region_of_departement).map(str::to_owned)
}
