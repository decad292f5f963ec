//! The search parameters of `/formations`, `/api/formations` (the same ones): read from the raw
//! query string, every value checked, each refusal a French sentence naming the parameter and
//! what it accepts; and the query string of a page of results, for links.

use registry::{Diploma, Modality};
use search::programmes::{CompetenceFilter, DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, ProgrammeQuery, Sort};
use skills::{Level, Referentiel};
use store::LabelState;

use crate::catalogue::PUBLIC_STATES;

/// Longest search text, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// The RNCP levels a search filters on.
pub const LEVELS: [u8; 4] = [5, 6, 7, 8];

/// Whether demonstration programmes are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Examples {
    /// With the others (the default).
    #[default]
    Included,
    /// Left out.
    Excluded,
    /// Alone.
    Only,
}

impl Examples {
    /// Every choice with its code and French label.
    pub const ALL: [(Examples, &'static str, &'static str); 3] = [
        (Examples::Included, "inclus", "inclus"),
        (Examples::Excluded, "exclus", "exclus"),
        (Examples::Only, "seuls", "seuls les exemples"),
    ];

    /// The code of the parameter.
    pub fn code(self) -> &'static str {
        Examples::ALL.iter().find(|(value, _, _)| *value == self).map_or("inclus", |(_, code, _)| code)
    }
}

/// The orders a search offers, with their codes and French labels.
pub const SORTS: [(Sort, &str, &str); 3] = [
    (Sort::Relevance, "pertinence", "pertinence"),
    (Sort::Title, "titre", "intitulé"),
    (Sort::Updated, "mise-a-jour", "mise à jour la plus récente"),
];

/// The code of an order.
pub fn sort_code(sort: Sort) -> &'static str {
    SORTS.iter().find(|(value, _, _)| *value == sort).map_or("pertinence", |(_, code, _)| code)
}

/// A validated search.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchParams {
    /// The words, trimmed (may be empty).
    pub text: String,
    /// RNCP levels (alternatives).
    pub levels: Vec<u8>,
    /// Diplomas (alternatives).
    pub diplomas: Vec<Diploma>,
    /// INSEE region codes (alternatives).
    pub regions: Vec<String>,
    /// Modalities (alternatives).
    pub modalities: Vec<Modality>,
    /// Label states (alternatives), public ones only.
    pub statuses: Vec<LabelState>,
    /// A competence id and a minimum level.
    pub competence: Option<(String, Level)>,
    /// Demonstration programmes.
    pub examples: Examples,
    /// Order.
    pub sort: Sort,
    /// Page number, from 1.
    pub page: usize,
    /// Results per page.
    pub per_page: usize,
}

/// The parameters accepted, for the message about an unknown one.
const NAMES: &str =
    "q, niveau, diplome, region, modalite, statut, competence, niveau_min, exemples, tri, page, par_page";

fn accepted(values: impl IntoIterator<Item = String>) -> String {
    values.into_iter().collect::<Vec<_>>().join(", ")
}

fn refuse(name: &str, value: &str, accepted: &str) -> String {
    format!("Le paramètre « {name} » vaut « {value} », valeur refusée. Valeurs acceptées : {accepted}.")
}

/// Adds `value` to `list` unless it is there already.
fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

impl SearchParams {
    /// Reads a raw query string (`None`: no query). Empty values count as absent, so that a form
    /// submitted with empty fields is a search without those filters.
    pub fn parse(raw: Option<&str>, referentiel: &Referentiel) -> Result<SearchParams, String> {
        let mut params = SearchParams { page: 1, per_page: DEFAULT_LIMIT, ..SearchParams::default() };
        let mut seen_single: Vec<&'static str> = Vec::new();
        let mut competence: Option<String> = None;
        let mut min_level: Option<Level> = None;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        for (name, value) in &pairs {
            let value = value.trim();
            let single = match name.as_str() {
                "q" => Some("q"),
                "competence" => Some("competence"),
                "niveau_min" => Some("niveau_min"),
                "exemples" => Some("exemples"),
                "tri" => Some("tri"),
                "page" => Some("page"),
                "par_page" => Some("par_page"),
                _ => None,
            };
            if let Some(single) = single
                && !value.is_empty()
            {
                if seen_single.contains(&single) {
                    return Err(format!(
                        "Le paramètre « {single} » est donné plusieurs fois ; il n'accepte qu'une valeur."
                    ));
                }
                seen_single.push(single);
            }
            if value.is_empty() {
                if matches!(
                    name.as_str(),
                    "q" | "niveau"
                        | "diplome"
                        | "region"
                        | "modalite"
                        | "statut"
                        | "competence"
                        | "niveau_min"
                        | "exemples"
                        | "tri"
                        | "page"
                        | "par_page"
                ) {
                    continue;
                }
                return Err(unknown(name));
            }
            match name.as_str() {
                "q" => {
                    if value.chars().count() > MAX_TEXT_CHARS {
                        return Err(format!(
                            "Le paramètre « q » (texte recherché) dépasse {MAX_TEXT_CHARS} caractères ; raccourcissez-le."
                        ));
                    }
                    params.text = value.to_owned();
                }
                "niveau" => {
                    let level = value
                        .parse::<u8>()
                        .ok()
                        .filter(|level| LEVELS.contains(level))
                        .ok_or_else(|| refuse("niveau", value, &accepted(LEVELS.iter().map(u8::to_string))))?;
                    push_unique(&mut params.levels, level);
                }
                "diplome" => {
                    let diploma = Diploma::from_code(value).ok_or_else(|| {
                        refuse("diplome", value, &accepted(Diploma::codes().into_iter().map(str::to_owned)))
                    })?;
                    push_unique(&mut params.diplomas, diploma);
                }
                "region" => {
                    if registry::region_name(value).is_none() {
                        let codes = registry::REGIONS.iter().map(|(code, name)| format!("{code} ({name})"));
                        return Err(refuse("region", value, &format!("un code de région INSEE : {}", accepted(codes))));
                    }
                    push_unique(&mut params.regions, value.to_owned());
                }
                "modalite" => {
                    let modality = Modality::from_code(value).ok_or_else(|| {
                        refuse("modalite", value, &accepted(Modality::codes().into_iter().map(str::to_owned)))
                    })?;
                    push_unique(&mut params.modalities, modality);
                }
                "statut" => {
                    let state = LabelState::from_code(value).filter(|state| PUBLIC_STATES.contains(state));
                    let state = state.ok_or_else(|| {
                        refuse("statut", value, &accepted(PUBLIC_STATES.iter().map(|state| state.code().to_owned())))
                    })?;
                    push_unique(&mut params.statuses, state);
                }
                "competence" => {
                    if referentiel.competence(value).is_none() {
                        return Err(format!(
                            "Le paramètre « competence » vaut « {value} » : aucune compétence du référentiel {} ne porte \
                             cet identifiant. Valeurs acceptées : un identifiant du référentiel, par exemple DS.MST.07 \
                             (liste sur /referentiel).",
                            referentiel.version
                        ));
                    }
                    competence = Some(value.to_owned());
                }
                "niveau_min" => {
                    min_level =
                        Some(Level::from_code(value).ok_or_else(|| refuse("niveau_min", value, "N1, N2, N3, N4"))?);
                }
                "exemples" => {
                    params.examples = Examples::ALL
                        .iter()
                        .find(|(_, code, _)| *code == value)
                        .map(|(examples, _, _)| *examples)
                        .ok_or_else(|| refuse("exemples", value, "inclus, exclus, seuls"))?;
                }
                "tri" => {
                    params.sort = SORTS
                        .iter()
                        .find(|(_, code, _)| *code == value)
                        .map(|(sort, _, _)| *sort)
                        .ok_or_else(|| refuse("tri", value, "pertinence, titre, mise-a-jour"))?;
                }
                "page" => {
                    params.page = value
                        .parse::<usize>()
                        .ok()
                        .filter(|page| *page >= 1)
                        .ok_or_else(|| refuse("page", value, "un nombre entier à partir de 1"))?;
                }
                "par_page" => {
                    params.per_page =
                        value.parse::<usize>().ok().filter(|count| (1..=MAX_LIMIT).contains(count)).ok_or_else(
                            || refuse("par_page", value, &format!("un nombre entier de 1 à {MAX_LIMIT}")),
                        )?;
                }
                other => return Err(unknown(other)),
            }
        }
        params.competence = match (competence, min_level) {
            (Some(id), level) => Some((id, level.unwrap_or(Level::N1))),
            (None, Some(level)) => {
                return Err(format!(
                    "Le paramètre « niveau_min » ({level}) demande une compétence : ajoutez le paramètre « competence » \
                     (par exemple competence=DS.MST.07&niveau_min={level})."
                ));
            }
            (None, None) => None,
        };
        if params.offset() > MAX_OFFSET {
            let last = MAX_OFFSET / params.per_page + 1;
            return Err(format!(
                "Le paramètre « page » vaut {} : avec {} résultats par page, la dernière page consultable est la page \
                 {last}. Précisez plutôt la recherche.",
                params.page, params.per_page
            ));
        }
        Ok(params)
    }

    /// Index of the first result of the page.
    pub fn offset(&self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The search index's query.
    pub fn to_query(&self) -> ProgrammeQuery {
        ProgrammeQuery {
            text: (!self.text.is_empty()).then(|| self.text.clone()),
            levels: self.levels.clone(),
            diplomas: self.diplomas.iter().map(|diploma| diploma.code().to_owned()).collect(),
            regions: self.regions.clone(),
            modalities: self.modalities.iter().map(|modality| modality.code().to_owned()).collect(),
            label_statuses: self.statuses.iter().map(|state| state.code().to_owned()).collect(),
            competence: self
                .competence
                .as_ref()
                .map(|(id, level)| CompetenceFilter { id: id.clone(), min_level: level.index() as u8 + 1 }),
            eligible: None,
            example: match self.examples {
                Examples::Included => None,
                Examples::Excluded => Some(false),
                Examples::Only => Some(true),
            },
            offset: self.offset(),
            limit: self.per_page,
            sort: self.sort,
        }
    }

    /// Whether a filter other than the competence one is set (words included).
    pub fn has_other_filters(&self) -> bool {
        !self.text.is_empty()
            || !self.levels.is_empty()
            || !self.diplomas.is_empty()
            || !self.regions.is_empty()
            || !self.modalities.is_empty()
            || !self.statuses.is_empty()
            || self.examples != Examples::Included
    }

    /// The query string of these parameters at `page` (without `?`); defaults are left out.
    pub fn query_string(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.text.is_empty() {
            query.append_pair("q", &self.text);
        }
        for level in &self.levels {
            query.append_pair("niveau", &level.to_string());
        }
        for diploma in &self.diplomas {
            query.append_pair("diplome", diploma.code());
        }
        for region in &self.regions {
            query.append_pair("region", region);
        }
        for modality in &self.modalities {
            query.append_pair("modalite", modality.code());
        }
        for state in &self.statuses {
            query.append_pair("statut", state.code());
        }
        if let Some((id, level)) = &self.competence {
            query.append_pair("competence", id);
            query.append_pair("niveau_min", level.code());
        }
        if self.examples != Examples::Included {
            query.append_pair("exemples", self.examples.code());
        }
        if self.sort != Sort::Relevance {
            query.append_pair("tri", sort_code(self.sort));
        }
        if self.per_page != DEFAULT_LIMIT {
            query.append_pair("par_page", &self.per_page.to_string());
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        query.finish()
    }

    /// `path` with the query string of `page`.
    pub fn href(&self, path: &str, page: usize) -> String {
        let query = self.query_string(page);
        if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
    }
}

fn unknown(name: &str) -> String {
    format!("Le paramètre « {name} » n'existe pas. Paramètres acceptés : {NAMES}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn referentiel() -> Referentiel {
        skills::embedded().unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn a_query_string_reads_back_to_the_same_parameters() {
        let referentiel = referentiel();
        let raw = "q=s%C3%A9ries+temporelles&niveau=7&niveau=6&diplome=master&region=84&modalite=hybride&statut=granted\
                   &competence=DS.MST.07&niveau_min=N3&exemples=exclus&tri=titre&par_page=5&page=2";
        let params = SearchParams::parse(Some(raw), &referentiel).expect("valide");
        assert_eq!(params.text, "séries temporelles");
        assert_eq!(params.levels, vec![7, 6]);
        assert_eq!(params.competence, Some(("DS.MST.07".to_owned(), Level::N3)));
        assert_eq!(params.offset(), 5);
        let again = SearchParams::parse(Some(&params.query_string(params.page)), &referentiel).expect("valide");
        assert_eq!(again, params);
    }

    #[test]
    fn empty_values_are_absent_and_unknown_names_are_refused() {
        let referentiel = referentiel();
        let params = SearchParams::parse(Some("q=&niveau_min=&competence=&tri="), &referentiel).expect("valide");
        assert_eq!(params.query_string(1), "");
        let error = SearchParams::parse(Some("tirage=1"), &referentiel).expect_err("refusé");
        assert!(error.contains("« tirage »") && error.contains("niveau_min"), "{error}");
    }
}
