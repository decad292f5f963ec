//! Fixed vocabularies of the demo web: cities, employers, roles, people's names, funders and the
//! sentence templates descriptions are built from. Every organisation and person is fictional.

/// A city where offers and organisations are located.
pub(crate) struct City {
    pub name: &'static str,
    pub postal_code: &'static str,
    /// INSEE commune code (France Travail's `lieuTravail.commune`).
    pub commune: &'static str,
    /// INSEE region code.
    pub region: &'static str,
    /// Relative weight, roughly the population of the employment area in tens of thousands.
    pub weight: u32,
}

const fn city(
    name: &'static str,
    postal_code: &'static str,
    commune: &'static str,
    region: &'static str,
    weight: u32,
) -> City {
    City { name, postal_code, commune, region, weight }
}

/// Cities weighted by population, the five overseas regions and Corsica included. Postal codes
/// and INSEE codes are the real ones of these communes (Code officiel géographique).
pub(crate) const CITIES: &[City] = &[
    city("Paris", "75008", "75108", "11", 300),
    city("Paris", "75013", "75113", "11", 120),
    city("Boulogne-Billancourt", "92100", "92012", "11", 60),
    city("Nanterre", "92000", "92050", "11", 40),
    city("Saint-Denis", "93200", "93066", "11", 30),
    city("Massy", "91300", "91377", "11", 25),
    city("Lyon", "69003", "69383", "84", 110),
    city("Grenoble", "38000", "38185", "84", 40),
    city("Clermont-Ferrand", "63000", "63113", "84", 20),
    city("Marseille", "13002", "13202", "93", 70),
    city("Nice", "06000", "06088", "93", 35),
    city("Aix-en-Provence", "13100", "13001", "93", 25),
    city("Toulouse", "31000", "31555", "76", 80),
    city("Montpellier", "34000", "34172", "76", 40),
    city("Bordeaux", "33000", "33063", "75", 60),
    city("Poitiers", "86000", "86194", "75", 12),
    city("Niort", "79000", "79191", "75", 10),
    city("Lille", "59000", "59350", "32", 60),
    city("Amiens", "80000", "80021", "32", 12),
    city("Nantes", "44000", "44109", "52", 55),
    city("Angers", "49000", "49007", "52", 15),
    city("Rennes", "35000", "35238", "53", 45),
    city("Brest", "29200", "29019", "53", 12),
    city("Strasbourg", "67000", "67482", "44", 40),
    city("Nancy", "54000", "54395", "44", 18),
    city("Reims", "51100", "51454", "44", 12),
    city("Rouen", "76000", "76540", "28", 22),
    city("Caen", "14000", "14118", "28", 15),
    city("Dijon", "21000", "21231", "27", 15),
    city("Besançon", "25000", "25056", "27", 12),
    city("Orléans", "45000", "45234", "24", 15),
    city("Tours", "37000", "37261", "24", 14),
    city("Ajaccio", "20000", "2A004", "94", 5),
    city("Bastia", "20200", "2B033", "94", 4),
    city("Pointe-à-Pitre", "97110", "97120", "01", 5),
    city("Fort-de-France", "97200", "97209", "02", 5),
    city("Cayenne", "97300", "97302", "03", 4),
    city("Saint-Denis", "97400", "97411", "04", 10),
    city("Mamoudzou", "97600", "97611", "06", 3),
];

/// Sectors of employers, recipients and projects: the records' shared list (slug, French label);
/// pages show the label, the ground truth gives the slug.
pub(crate) use records::SECTORS;

/// Fictional employer names with the slug of their sector (of [`SECTORS`]); each is given a
/// home city at generation.
pub(crate) const EMPLOYERS: &[(&str, &str)] = &[
    ("Datavance", "numerique"),
    ("Numéria", "numerique"),
    ("Clairvoyance", "conseil"),
    ("Hexagone Analytique", "conseil"),
    ("Mutuelle du Ponant", "banque-assurance"),
    ("Assurances Vallée Verte", "banque-assurance"),
    ("Kermadec Énergie", "energie"),
    ("Helios Réseaux", "energie"),
    ("Biolumen", "sante"),
    ("Génopôle Atlantique", "recherche-enseignement"),
    ("Caisse Solidaire du Rhône", "banque-assurance"),
    ("Banque des Terroirs", "banque-assurance"),
    ("Marchés Fraîcheur", "commerce-distribution"),
    ("Logistique Alizé", "transport-logistique"),
    ("Transports Mistral", "transport-logistique"),
    ("Aéronautique Vega", "industrie"),
    ("Usines Castor", "industrie"),
    ("Conseil Orion", "conseil"),
    ("Quadrant Numérique", "numerique"),
    ("Sémaphore Conseil", "conseil"),
    ("Métropole Ouverte", "public"),
    ("Agence Régionale Numérique", "public"),
    ("Hôpital Privé des Tilleuls", "sante"),
    ("Clinique Saint-Roch", "sante"),
    ("Capteurs Libellule", "industrie"),
    ("Domotique Azur", "immobilier-btp"),
    ("Emploi Avenir", "public"),
    ("Talents et Territoires", "conseil"),
    ("Vigne et Données", "agriculture-agroalimentaire"),
    ("Océane Mobilités", "transport-logistique"),
    ("Fibres du Nord", "telecoms-medias"),
    ("Atelier Pixel", "telecoms-medias"),
    ("Lumen Assurances", "banque-assurance"),
    ("Cèdre Santé", "sante"),
    ("Nova Grid", "energie"),
    ("Photon Industrie", "industrie"),
    ("Archipel Commerce", "commerce-distribution"),
    ("Récif Logistique", "transport-logistique"),
    ("Boréal Banque", "banque-assurance"),
    ("Polaris Conseil", "conseil"),
    ("Calypso Génétique", "sante"),
    ("Tramontane Énergie", "energie"),
    ("Alcyon Services", "conseil"),
    ("Ibis Santé", "sante"),
    ("Sirius Mobilité", "transport-logistique"),
    ("Vauban Industrie", "industrie"),
];

/// First names of fictional recruiters and founders.
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Sophie", "Camille", "Julie", "Claire", "Nathalie", "Isabelle", "Élodie", "Hélène", "Manon", "Léa", "Chloé",
    "Aurélie", "Thomas", "Nicolas", "Julien", "Pierre", "Antoine", "Mathieu", "Olivier", "Laurent", "Hugo", "Maxime",
    "Rémi", "Éric",
];

/// Whether a first name of [`FIRST_NAMES`] is feminine (for « Mme » / « M. »).
pub(crate) fn is_feminine(index: usize) -> bool {
    index < 12
}

/// Last names of fictional recruiters and founders.
pub(crate) const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
];

/// A data occupation.
pub(crate) struct Role {
    /// Title as most boards write it.
    pub title: &'static str,
    /// Alternative French title.
    pub title_alt: &'static str,
    /// ROME code of the occupation.
    pub rome: &'static str,
    /// Annual gross salary of a junior, in thousands of euros.
    pub base_salary_k: u32,
    /// Competence ids whose keywords descriptions of this role draw from.
    pub pool: &'static [&'static str],
    /// Relative frequency.
    pub weight: u32,
}

pub(crate) const ROLES: &[Role] = &[
    Role {
        title: "Data analyst",
        title_alt: "Analyste de données",
        rome: "M1419",
        base_salary_k: 36,
        pool: &["DS.INF.05", "DS.MET.04", "DS.MST.04", "DS.TRV.01", "DS.MST.05", "DS.TRV.02", "DS.INF.01"],
        weight: 24,
    },
    Role {
        title: "Data scientist",
        title_alt: "Scientifique des données",
        rome: "M1405",
        base_salary_k: 40,
        pool: &["DS.MST.09", "DS.MST.10", "DS.MST.11", "DS.MST.06", "DS.MST.07", "DS.MST.13", "DS.INF.01", "DS.MST.16"],
        weight: 22,
    },
    Role {
        title: "Data engineer",
        title_alt: "Ingénieur de données",
        rome: "M1811",
        base_salary_k: 42,
        pool: &["DS.INF.04", "DS.INF.07", "DS.INF.09", "DS.INF.05", "DS.INF.12", "DS.INF.03", "DS.INF.06"],
        weight: 20,
    },
    Role {
        title: "Machine learning engineer",
        title_alt: "Ingénieur en apprentissage automatique",
        rome: "M1405",
        base_salary_k: 45,
        pool: &["DS.INF.10", "DS.MST.12", "DS.MST.09", "DS.INF.03", "DS.MST.11", "DS.INF.01"],
        weight: 9,
    },
    Role {
        title: "Statisticien",
        title_alt: "Chargé d'études statistiques",
        rome: "M1403",
        base_salary_k: 35,
        pool: &["DS.MST.05", "DS.MST.06", "DS.MST.03", "DS.MST.08", "DS.MET.06", "DS.TRV.02"],
        weight: 8,
    },
    Role {
        title: "Chef de projet data",
        title_alt: "Responsable de projets données",
        rome: "M1806",
        base_salary_k: 44,
        pool: &["DS.MET.01", "DS.MET.03", "DS.MET.08", "DS.TRV.03", "DS.MET.02"],
        weight: 7,
    },
    Role {
        title: "Consultant décisionnel",
        title_alt: "Consultant en analyse décisionnelle",
        rome: "M1806",
        base_salary_k: 38,
        pool: &["DS.MET.04", "DS.INF.05", "DS.INF.07", "DS.TRV.02", "DS.MET.02"],
        weight: 6,
    },
    Role {
        title: "Architecte de données",
        title_alt: "Data architect",
        rome: "M1802",
        base_salary_k: 52,
        pool: &["DS.INF.12", "DS.INF.08", "DS.INF.11", "DS.INF.09", "DS.INF.06"],
        weight: 4,
    },
];

/// Sentences that carry one competence keyword (`{kw}`), for the missions part.
pub(crate) const MISSION_TEMPLATES: &[&str] = &[
    "Vous intervenez sur des sujets de {kw} au service des équipes métiers.",
    "Vous prenez en charge les travaux de {kw} de bout en bout, de la conception à la livraison.",
    "Au quotidien, vous mobilisez vos compétences en {kw} sur des jeux de données variés.",
    "Vous serez le référent {kw} de l'équipe.",
    "Vous participez à la mise en place de solutions reposant sur {kw}.",
];

/// Sentences that carry one competence keyword (`{kw}`), for the profile part.
pub(crate) const PROFILE_TEMPLATES: &[&str] = &[
    "Une expérience réussie en {kw} est attendue.",
    "Vous maîtrisez {kw}.",
    "La pratique de {kw} est un plus apprécié.",
    "Vous justifiez d'une bonne connaissance de {kw}.",
];

/// Keyword-free sentences presenting the employer (`{employer}`, `{city}`).
pub(crate) const INTRO_TEMPLATES: &[&str] = &[
    "{employer} renforce ses équipes à {city} et recrute un ou une {role}.",
    "Rejoignez {employer}, acteur reconnu de son secteur, pour un poste de {role} basé à {city}.",
    "Dans le cadre de sa croissance, {employer} recherche son futur {role} pour son site de {city}.",
    "Poste de {role} à pourvoir chez {employer} ({city}).",
];

/// Keyword-free closing sentences.
pub(crate) const CLOSING_SENTENCES: &[&str] = &[
    "Nous offrons un environnement stimulant et des perspectives d'évolution.",
    "Le poste est ouvert aux personnes en situation de handicap.",
    "Avantages : tickets restaurant, mutuelle prise en charge à 70 %, intéressement.",
    "Processus de recrutement : un entretien avec le manager puis une étude de cas.",
    "Prise de poste dès que possible.",
];

/// Innovation programmes and seed funds (all fictional) announcing funding.
pub(crate) const CONTESTS: &[(&str, &str)] = &[
    ("Concours national de l'innovation numérique", "Agence nationale de l'innovation (fictive)"),
    ("Prix Jeunes Pousses de la donnée", "Fondation Horizon Numérique (fictive)"),
];

/// Seed funds: (programme, funder).
pub(crate) const SEED_FUNDS: &[(&str, &str)] = &[
    ("Fonds Amorçage Données", "Capital Zêta Partenaires"),
    ("Fonds Deep Tech Régions", "Capital Zêta Partenaires"),
    ("Fonds Croissance IA", "Zêta Croissance"),
];

/// Funding stages of seed-fund investments.
pub(crate) const STAGES: &[&str] = &["pré-amorçage", "amorçage", "série A"];

/// French region names by INSEE code (for regional grants and project titles), from the records'
/// shared table; « France » for a code outside it.
pub(crate) fn region_name(code: &str) -> &'static str {
    records::geo::region_name(code).unwrap_or("France")
}

/// Project themes: (title stem, acronym stem).
pub(crate) const PROJECT_THEMES: &[(&str, &str)] = &[
    ("Prévision de la production d'énergie renouvelable", "PREVENR"),
    ("Détection précoce des maladies chroniques", "DEPISTA"),
    ("Optimisation des tournées de collecte", "TOURNEO"),
    ("Jumeau numérique des réseaux d'eau", "AQUAJUM"),
    ("Analyse des mobilités urbaines", "MOBILIS"),
    ("Plateforme de données agricoles", "AGRIDAT"),
    ("Surveillance des cultures par imagerie satellite", "SATCULT"),
    ("Appariement des offres et des demandes d'emploi", "APPARIO"),
    ("Génomique des populations insulaires", "GENOMIL"),
    ("Maintenance prédictive des équipements industriels", "PREDIMA"),
    ("Qualité de l'air en milieu urbain", "AIRQUAL"),
    ("Tarification du risque climatique", "CLIMRISK"),
];

/// Publishers of open datasets (public bodies, fictional).
pub(crate) const PUBLISHERS: &[&str] = &[
    "Métropole Ouverte",
    "Agence Régionale Numérique",
    "Observatoire des Territoires Fictifs",
    "Ministère de l'Exemple",
    "Syndicat des Eaux du Val",
    "Office des Mobilités",
];

/// Themes of open datasets.
pub(crate) const DATASET_THEMES: &[&str] = &[
    "Consommation électrique par commune",
    "Offres d'emploi dans le numérique",
    "Qualité de l'air horaire",
    "Fréquentation des transports en commun",
    "Équipements sportifs",
    "Budget primitif",
    "Subventions aux associations",
    "Prix des carburants",
    "Arbres d'alignement",
    "Accidents corporels de la circulation",
];

/// data.gouv.fr licence identifiers.
pub(crate) const LICENCES: &[&str] = &["lov2", "fr-lo", "odc-odbl", "cc-by", "notspecified"];

/// Resource formats of open datasets.
pub(crate) const FORMATS: &[&str] = &["csv", "json", "geojson", "parquet", "xlsx", "shp", "pdf"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employers_have_sectors_of_the_shared_list_and_cities_known_regions() {
        for (name, sector) in EMPLOYERS {
            assert!(records::sector_label(sector).is_some(), "{name}: {sector}");
        }
        for city in CITIES {
            assert!(records::geo::region_name(city.region).is_some(), "{}", city.name);
        }
        assert_eq!(region_name("84"), "Auvergne-Rhône-Alpes");
        assert_eq!(region_name("99"), "France");
    }
}
