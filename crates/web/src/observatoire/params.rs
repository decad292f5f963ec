//! The parameters of the observatory's pages, exports and API: read from the raw query string,
//! every value checked (each refusal a French sentence naming the parameter and what it
//! accepts), and written back in one canonical order, so that a page's URL carries its whole
//! state and a permalink reproduces it.

use records::{Contract, Kind};
use search::observatory::{DEFAULT_LIMIT, MAX_FILTER_VALUES, MAX_LIMIT, MAX_OFFSET, RecordQuery, Sort};
use skills::Referentiel;

/// Longest search text, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// The kinds of records with the code of the `type` parameter and the French label.
pub const KINDS: [(Kind, &str, &str); 4] = [
    (Kind::Job, "offre", "Offres d'emploi"),
    (Kind::Funding, "financement", "Financements"),
    (Kind::Project, "projet", "Projets"),
    (Kind::Dataset, "jeu", "Jeux de données"),
];

/// The orders of the search, with their codes and French labels.
pub const SORTS: [(Sort, &str, &str); 3] = [
    (Sort::Relevance, "pertinence", "pertinence"),
    (Sort::DateDesc, "recent", "plus récent d'abord"),
    (Sort::DateAsc, "ancien", "plus ancien d'abord"),
];

/// The code of a kind in URLs.
pub fn kind_code(kind: Kind) -> &'static str {
    KINDS.iter().find(|(value, _, _)| *value == kind).map_or("offre", |(_, code, _)| code)
}

/// Every parameter, checked. Dashboard pages read the filters; the search reads them all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    /// Words searched (trimmed, may be empty).
    pub text: String,
    /// Kinds of records (search only).
    pub kinds: Vec<Kind>,
    /// Period start, `YYYY-MM`.
    pub from: Option<String>,
    /// Period end, `YYYY-MM`, included.
    pub to: Option<String>,
    /// INSEE region codes.
    pub regions: Vec<String>,
    /// Sector slugs.
    pub sectors: Vec<String>,
    /// Contract codes.
    pub contracts: Vec<String>,
    /// Competence ids of the référentiel.
    pub competences: Vec<String>,
    /// Months of the histogram selected (search only), `YYYY-MM`.
    pub months: Vec<String>,
    /// Funders, as the facet lists them (search only).
    pub funders: Vec<String>,
    /// Order of the hits (search only).
    pub sort: Sort,
    /// Page number, from 1 (search only).
    pub page: usize,
    /// Hits per page (search only).
    pub per_page: usize,
}

/// The parameters accepted, for the message about an unknown one.
const NAMES: &str = "q, type, de, a, region, secteur, contrat, competence, mois, financeur, tri, page, par_page";

fn refuse(name: &str, value: &str, accepted: &str) -> String {
    let shown: String = value.chars().take(60).collect();
    format!("Le paramètre « {name} » vaut « {shown} », valeur refusée. Valeurs acceptées : {accepted}.")
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|known| known == value) {
        list.push(value.to_owned());
    }
}

/// Whether `text` is a calendar month `YYYY-MM` (years 1900–2999).
pub fn is_month(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 7
        && bytes[4] == b'-'
        && bytes[..4].iter().chain(&bytes[5..]).all(u8::is_ascii_digit)
        && matches!(&text[..2], "19" | "20" | "21" | "22" | "23" | "24" | "25" | "26" | "27" | "28" | "29")
        && matches!(text[5..].parse::<u8>(), Ok(1..=12))
}

impl Params {
    /// Reads a raw query string (`None`: none). Empty values count as absent, so that a form
    /// submitted with empty fields asks for no filter.
    pub fn parse(raw: Option<&str>, referentiel: &Referentiel) -> Result<Params, String> {
        let mut params = Params { page: 1, per_page: DEFAULT_LIMIT, ..Params::default() };
        let mut seen_single: Vec<String> = Vec::new();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let value = value.trim();
            let single = matches!(&*name, "q" | "de" | "a" | "tri" | "page" | "par_page");
            if value.is_empty() {
                if !NAMES.split(", ").any(|known| known == name) {
                    return Err(format!("Le paramètre « {name} » est inconnu. Paramètres acceptés : {NAMES}."));
                }
                continue;
            }
            if single {
                if seen_single.iter().any(|seen| *seen == name) {
                    return Err(format!(
                        "Le paramètre « {name} » est donné plusieurs fois ; il n'accepte qu'une valeur."
                    ));
                }
                seen_single.push(name.to_string());
            }
            match &*name {
                "q" => {
                    if value.chars().count() > MAX_TEXT_CHARS {
                        return Err(format!(
                            "Le paramètre « q » compte {} caractères ; {MAX_TEXT_CHARS} au plus sont acceptés.",
                            value.chars().count()
                        ));
                    }
                    params.text = value.to_owned();
                }
                "type" => {
                    let Some((kind, _, _)) = KINDS.iter().find(|(_, code, _)| *code == value) else {
                        return Err(refuse("type", value, "offre, financement, projet, jeu"));
                    };
                    if !params.kinds.contains(kind) {
                        params.kinds.push(*kind);
                    }
                }
                "de" | "a" => {
                    if !is_month(value) {
                        return Err(refuse(&name, value, "un mois au format AAAA-MM, par exemple 2026-03"));
                    }
                    let slot = if name == "de" { &mut params.from } else { &mut params.to };
                    *slot = Some(value.to_owned());
                }
                "region" => {
                    if records::geo::region_name(value).is_none() {
                        let codes: Vec<&str> = records::geo::REGIONS.iter().map(|(code, _)| *code).collect();
                        return Err(refuse(
                            "region",
                            value,
                            &format!("un code de région INSEE : {}", codes.join(", ")),
                        ));
                    }
                    push_unique(&mut params.regions, value);
                }
                "secteur" => {
                    if records::sector_label(value).is_none() {
                        let slugs: Vec<&str> = records::SECTORS.iter().map(|(slug, _)| *slug).collect();
                        return Err(refuse("secteur", value, &slugs.join(", ")));
                    }
                    push_unique(&mut params.sectors, value);
                }
                "contrat" => {
                    if Contract::parse(value).is_none() {
                        let codes: Vec<&str> = Contract::ALL.iter().map(|contract| contract.as_str()).collect();
                        return Err(refuse("contrat", value, &codes.join(", ")));
                    }
                    push_unique(&mut params.contracts, value);
                }
                "competence" => {
                    if referentiel.competence(value).is_none() {
                        return Err(refuse(
                            "competence",
                            value,
                            "un identifiant du référentiel, par exemple DS.MST.07",
                        ));
                    }
                    push_unique(&mut params.competences, value);
                }
                "mois" => {
                    if !is_month(value) {
                        return Err(refuse("mois", value, "un mois au format AAAA-MM, par exemple 2026-03"));
                    }
                    push_unique(&mut params.months, value);
                }
                "financeur" => {
                    if value.chars().count() > MAX_TEXT_CHARS {
                        return Err(format!(
                            "Le paramètre « financeur » dépasse {MAX_TEXT_CHARS} caractères ; donnez le nom tel que la facette l'affiche."
                        ));
                    }
                    push_unique(&mut params.funders, value);
                }
                "tri" => {
                    let Some((sort, _, _)) = SORTS.iter().find(|(_, code, _)| *code == value) else {
                        return Err(refuse("tri", value, "pertinence, recent, ancien"));
                    };
                    params.sort = *sort;
                }
                "page" => {
                    params.page = match value.parse::<usize>() {
                        Ok(page) if page >= 1 => page,
                        _ => return Err(refuse("page", value, "un entier à partir de 1")),
                    };
                }
                "par_page" => {
                    params.per_page = match value.parse::<usize>() {
                        Ok(count) if (1..=MAX_LIMIT).contains(&count) => count,
                        _ => return Err(refuse("par_page", value, &format!("un entier de 1 à {MAX_LIMIT}"))),
                    };
                }
                _ => return Err(format!("Le paramètre « {name} » est inconnu. Paramètres acceptés : {NAMES}.")),
            }
        }
        if let (Some(from), Some(to)) = (&params.from, &params.to)
            && from > to
        {
            return Err(format!("La période commence en {from}, après sa fin ({to}) : échangez « de » et « a »."));
        }
        for (name, count) in [
            ("region", params.regions.len()),
            ("secteur", params.sectors.len()),
            ("contrat", params.contracts.len()),
            ("competence", params.competences.len()),
            ("mois", params.months.len()),
            ("financeur", params.funders.len()),
        ] {
            if count > MAX_FILTER_VALUES {
                return Err(format!(
                    "Le paramètre « {name} » est donné {count} fois ; {MAX_FILTER_VALUES} valeurs au plus sont acceptées."
                ));
            }
        }
        if (params.page - 1).saturating_mul(params.per_page) > MAX_OFFSET {
            return Err(format!(
                "La page {} commence au-delà du {MAX_OFFSET}ᵉ résultat : affinez la recherche, ou téléchargez l'export complet (CSV, NDJSON ou Parquet), qui n'a pas de limite.",
                params.page
            ));
        }
        Ok(params)
    }

    /// The dashboard's filters, for the indicators.
    pub fn filters(&self) -> indicators::Filters {
        indicators::Filters {
            from: self.from.clone(),
            to: self.to.clone(),
            regions: self.regions.clone(),
            sectors: self.sectors.clone(),
            contracts: self.contracts.clone(),
            competences: self.competences.clone(),
        }
    }

    /// The search of the index: one page (`limit` 0 for counts only).
    pub fn query(&self) -> RecordQuery {
        RecordQuery {
            text: (!self.text.is_empty()).then(|| self.text.clone()),
            kinds: self.kinds.clone(),
            regions: self.regions.clone(),
            contracts: self.contracts.iter().filter_map(|code| Contract::parse(code)).collect(),
            sectors: self.sectors.clone(),
            competences: self.competences.clone(),
            months: self.months.clone(),
            funders: self.funders.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            offset: (self.page - 1) * self.per_page,
            limit: self.per_page,
            sort: self.sort,
        }
    }

    /// The pairs of the query string, in canonical order; `page` 1 and the default page size
    /// and order are left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        pairs.extend(self.kinds.iter().map(|kind| ("type", kind_code(*kind).to_owned())));
        if let Some(from) = &self.from {
            pairs.push(("de", from.clone()));
        }
        if let Some(to) = &self.to {
            pairs.push(("a", to.clone()));
        }
        pairs.extend(self.regions.iter().map(|value| ("region", value.clone())));
        pairs.extend(self.sectors.iter().map(|value| ("secteur", value.clone())));
        pairs.extend(self.contracts.iter().map(|value| ("contrat", value.clone())));
        pairs.extend(self.competences.iter().map(|value| ("competence", value.clone())));
        pairs.extend(self.months.iter().map(|value| ("mois", value.clone())));
        pairs.extend(self.funders.iter().map(|value| ("financeur", value.clone())));
        if self.sort != Sort::Relevance {
            let code = SORTS.iter().find(|(sort, _, _)| *sort == self.sort).map_or("pertinence", |(_, code, _)| code);
            pairs.push(("tri", code.to_owned()));
        }
        if self.per_page != DEFAULT_LIMIT {
            pairs.push(("par_page", self.per_page.to_string()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        pairs
    }

    /// `path` with the query string of these parameters.
    pub fn href(&self, path: &str) -> String {
        let pairs = self.pairs();
        if pairs.is_empty() {
            return path.to_owned();
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &pairs {
            query.append_pair(name, value);
        }
        format!("{path}?{}", query.finish())
    }

    /// The dashboard filters only (no words, page or order), as a query string `?…` or "".
    pub fn filter_query(&self) -> String {
        let only = Params {
            from: self.from.clone(),
            to: self.to.clone(),
            regions: self.regions.clone(),
            sectors: self.sectors.clone(),
            contracts: self.contracts.clone(),
            competences: self.competences.clone(),
            page: 1,
            per_page: DEFAULT_LIMIT,
            ..Params::default()
        };
        only.href("")
    }

    /// These parameters on another page of results.
    pub fn at_page(&self, page: usize) -> Params {
        Params { page, ..self.clone() }
    }

    /// These parameters with one value of a filter added, or removed when it is there; back to
    /// page 1.
    pub fn toggled(&self, name: &str, value: &str) -> Params {
        let mut next = Params { page: 1, ..self.clone() };
        let list = match name {
            "region" => &mut next.regions,
            "secteur" => &mut next.sectors,
            "contrat" => &mut next.contracts,
            "competence" => &mut next.competences,
            "mois" => &mut next.months,
            "financeur" => &mut next.funders,
            _ => return next,
        };
        if let Some(position) = list.iter().position(|known| known == value) {
            list.remove(position);
        } else {
            list.push(value.to_owned());
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn referentiel() -> Referentiel {
        skills::embedded().unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn a_query_string_round_trips_through_its_canonical_form() {
        let referentiel = referentiel();
        let competence = referentiel.competences[0].id.clone();
        let raw = format!(
            "q=donn%C3%A9es+spark&type=offre&de=2025-11&a=2026-10&region=84&region=11&secteur=sante&contrat=cdi&competence={competence}&mois=2026-03&financeur=Bpifrance&tri=recent&page=2"
        );
        let params = Params::parse(Some(&raw), &referentiel).expect("valide");
        assert_eq!(params.text, "données spark");
        assert_eq!(params.regions, ["84", "11"]);
        let again =
            Params::parse(params.href("/x").split_once('?').map(|(_, query)| query), &referentiel).expect("relu");
        assert_eq!(again, params);
        assert_eq!(
            params.filter_query(),
            format!("?de=2025-11&a=2026-10&region=84&region=11&secteur=sante&contrat=cdi&competence={competence}")
        );
        // Empty fields of a submitted form are no filter.
        assert_eq!(
            Params::parse(Some("q=&region=&de="), &referentiel).expect("vide"),
            Params::parse(None, &referentiel).expect("rien")
        );
    }

    #[test]
    fn wrong_values_are_refused_in_french_with_what_is_accepted() {
        let referentiel = referentiel();
        let refused = |raw: &str, part: &str| {
            let message = Params::parse(Some(raw), &referentiel).expect_err(raw);
            assert!(message.contains(part), "{raw} : {message}");
        };
        refused("region=99", "code de région INSEE");
        refused("secteur=%3Cscript%3E", "Valeurs acceptées");
        refused("contrat=cdx", "cdi, cdd");
        refused("competence=XX", "identifiant du référentiel");
        refused("de=2026-13", "AAAA-MM");
        refused("de=2026-05&a=2026-01", "échangez");
        refused("tri=hasard", "pertinence, recent, ancien");
        refused("page=0", "à partir de 1");
        refused("par_page=1000", "de 1 à 100");
        refused("page=9999", "export complet");
        refused("q=a&q=b", "plusieurs fois");
        refused("inconnu=1", "Paramètres acceptés");
        refused("type=personne", "offre, financement");
    }

    #[test]
    fn toggling_a_facet_value_adds_or_removes_it_and_returns_to_the_first_page() {
        let referentiel = referentiel();
        let params = Params::parse(Some("region=84&page=3"), &referentiel).expect("valide");
        assert_eq!(params.toggled("region", "11").regions, ["84", "11"]);
        assert!(params.toggled("region", "84").regions.is_empty());
        assert_eq!(params.toggled("region", "11").page, 1);
    }
}
