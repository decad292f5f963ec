//! France Travail job offers (`offres/search` of the « Offres d'emploi v2 » API): an answer
//! `{"resultats": [offre…], "filtresPossibles": …}` or a single offer (`offres/{id}`).
//!
//! Fields read: `id`, `intitule`, `description`, `dateCreation`, `lieuTravail` (`libelle` such
//! as « 69 - Lyon 3e », `codePostal`), `entreprise.nom`, `typeContrat` (CDI, CDD, MIS, SAI, LIB…)
//! and `alternance`, `salaire.libelle` then `salaire.commentaire`, `romeCode`,
//! `secteurActiviteLibelle`, `origineOffre.urlOrigine`. The `contact` and `agence` blocks (names,
//! e-mail addresses, phone numbers) are never read.

use records::{Contract, JobPosting, Kind, Record};
use serde_json::{Map, Value};

use super::{MAX_ENTRIES, entry_url, nested, text};
use crate::normalise;
use crate::schema::rome_code;

/// Whether a JSON value has the France Travail shape.
pub fn matches(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            object.get("resultats").is_some_and(Value::is_array)
                || (object.contains_key("intitule") && object.contains_key("id"))
        }
        _ => false,
    }
}

/// Every offer of the answer.
pub fn extract(value: &Value, page_url: &str) -> (Vec<Record>, Vec<String>) {
    let mut problems = Vec::new();
    let offers: Vec<&Value> = match value.get("resultats") {
        Some(Value::Array(items)) => items.iter().take(MAX_ENTRIES).collect(),
        Some(_) => {
            problems.push("France Travail : « resultats » n'est pas une liste d'offres".to_owned());
            Vec::new()
        }
        None => vec![value],
    };
    let mut records = Vec::new();
    for (index, offer) in offers.into_iter().enumerate() {
        match offer.as_object().map(|object| posting(object, page_url)) {
            Some(Some(posting)) => records.push(Record::Job(posting)),
            _ => problems.push(format!(
                "France Travail : offre n° {} sans « intitule » (ou qui n'est pas un objet JSON), non retenue",
                index + 1
            )),
        }
    }
    (records, problems)
}

/// France Travail writes place names in capitals (« 44 - SAINT-NAZAIRE »): capitalised words,
/// French particles in lowercase (« Saint-Nazaire », « Bourg-en-Bresse »). Text already in mixed
/// case is kept.
pub fn title_case(text: &str) -> String {
    const PARTICLES: &[&str] =
        &["de", "des", "du", "la", "le", "les", "en", "sur", "sous", "et", "aux", "au", "à", "lès", "lez"];
    if text.chars().any(char::is_lowercase) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let mut words_done = 0;
    let flush = |word: &mut String, out: &mut String, words_done: &mut usize| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        if *words_done > 0 && PARTICLES.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
        *words_done += 1;
        word.clear();
    };
    for character in text.chars() {
        if character.is_alphanumeric() {
            word.push(character);
        } else {
            flush(&mut word, &mut out, &mut words_done);
            out.push(character);
        }
    }
    flush(&mut word, &mut out, &mut words_done);
    out
}

fn posting(offer: &Map<String, Value>, page_url: &str) -> Option<JobPosting> {
    let title = normalise::text(&text(offer, "intitule")?);
    if title.is_empty() {
        return None;
    }
    let offer_id = text(offer, "id").unwrap_or_default();
    let description = text(offer, "description").map(|text| normalise::text(&text)).unwrap_or_default();
    let date_posted = text(offer, "dateCreation").and_then(|text| normalise::date(&text));
    let city = nested(offer, "lieuTravail", "libelle").map(|libelle| title_case(&libelle));
    let postal_code = nested(offer, "lieuTravail", "codePostal");
    let location = normalise::location(city.as_deref(), postal_code.as_deref(), None, Some("FR"));
    let contract = if offer.get("alternance").and_then(Value::as_bool) == Some(true) {
        Some(Contract::Alternance)
    } else {
        ["typeContrat", "typeContratLibelle", "natureContrat"]
            .iter()
            .find_map(|key| text(offer, key).and_then(|text| normalise::contract(&text)))
    };
    let salary = ["libelle", "commentaire"]
        .iter()
        .find_map(|key| nested(offer, "salaire", key).and_then(|text| normalise::salary_text(&text)));
    let employer =
        nested(offer, "entreprise", "nom").map(|name| normalise::text(&name)).filter(|name| !name.is_empty());
    let source_url = entry_url(nested(offer, "origineOffre", "urlOrigine"), page_url, &offer_id);
    let id = if offer_id.is_empty() {
        normalise::stable_id(Kind::Job, &["france-travail", &title, date_posted.as_deref().unwrap_or_default()])
    } else {
        normalise::stable_id(Kind::Job, &["france-travail", &offer_id])
    };
    Some(JobPosting {
        id,
        remote: normalise::remote(&description),
        rome_code: text(offer, "romeCode").and_then(|code| rome_code(&code)),
        sector: text(offer, "secteurActiviteLibelle").and_then(|text| normalise::sector(&text)),
        title,
        description,
        date_posted,
        valid_through: None,
        employer,
        location,
        contract,
        salary,
        competences: Vec::new(),
        source_url,
        duplicate_urls: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalised_place_names_are_title_cased() {
        assert_eq!(title_case("44 - SAINT-NAZAIRE"), "44 - Saint-Nazaire");
        assert_eq!(title_case("01 - BOURG-EN-BRESSE"), "01 - Bourg-en-Bresse");
        assert_eq!(title_case("69 - LYON 03"), "69 - Lyon 03");
        assert_eq!(title_case("L'HAY-LES-ROSES"), "L'Hay-les-Roses");
        assert_eq!(title_case("35 - Rennes"), "35 - Rennes");
        assert_eq!(title_case("971 - POINTE-À-PITRE"), "971 - Pointe-à-Pitre");
    }
}
