//! Sectors of activity: the words that point to each slug of [`records::SECTORS`] (the shared
//! list of fourteen sectors), read from the 21 sections of the French activity nomenclature
//! (NAF rév. 2), schema.org `industry` values and the sector labels of job boards (`Banque /
//! Assurance`).

pub use records::SECTORS;

/// Word prefixes (folded) pointing to each sector, in the order sectors are tried: the first
/// sector with a cue at the start of a word wins, so the more specific sectors come first
/// (`Production et distribution d'électricité` is energy, not retail; `Commerce ; réparation
/// d'automobiles` retail, not industry).
const CUES: &[(&str, &[&str])] = &[
    (
        "banque-assurance",
        &[
            "banqu",
            "bancaire",
            "assuran",
            "assureur",
            "mutuelle",
            "financ",
            "fintech",
            "insurtech",
            "credit",
            "bourse",
            "gestion d'actifs",
            "asset management",
            "capital-risque",
            "reassurance",
        ],
    ),
    (
        "telecoms-medias",
        &[
            "telecom",
            "operateur telecom",
            "media",
            "presse",
            "journal",
            "audiovisuel",
            "television",
            "radio",
            "edition de livres",
            "edition de journaux",
            "publicite",
            "cinema",
            "broadcast",
        ],
    ),
    (
        "numerique",
        &[
            "numerique",
            "logiciel",
            "software",
            "informatique",
            "esn",
            "ssii",
            "saas",
            "cloud",
            "internet",
            "information et communication",
            "edition de logiciels",
            "technologies de l'information",
            "high tech",
            "high-tech",
            "digital",
            "cybersecurite",
            "intelligence artificielle",
            "data",
            "it services",
            "information technology",
        ],
    ),
    (
        "recherche-enseignement",
        &[
            "recherche",
            "laboratoire",
            "universit",
            "enseignement",
            "education",
            "ecole",
            "formation",
            "academ",
            "research",
            "r&d",
            "recherche-developpement",
        ],
    ),
    (
        "sante",
        &[
            "sante",
            "hopita",
            "hospital",
            "medic",
            "clinique",
            "pharma",
            "biotech",
            "medtech",
            "sanitaire",
            "action sociale",
            "medico",
            "health",
            "soins",
            "laboratoire d'analyses",
            "ehpad",
        ],
    ),
    (
        "energie",
        &[
            "energ",
            "electricit",
            "gaz",
            "petrol",
            "nucleaire",
            "renouvelable",
            "eau",
            "assainissement",
            "dechet",
            "environnement",
            "utilities",
            "oil",
            "solaire",
            "eolien",
            "depollution",
        ],
    ),
    (
        "transport-logistique",
        &[
            "transport",
            "logisti",
            "entreposage",
            "ferroviaire",
            "aerien",
            "maritime",
            "fret",
            "mobilite",
            "supply chain",
            "livraison",
            "activites de poste",
            "courrier",
        ],
    ),
    (
        "agriculture-agroalimentaire",
        &[
            "agricult",
            "agro",
            "agri",
            "sylvicult",
            "peche",
            "elevage",
            "viticult",
            "alimentaire",
            "food",
            "vins",
            "spiritueux",
        ],
    ),
    (
        "immobilier-btp",
        &["immobili", "construction", "btp", "batiment", "travaux publics", "genie civil", "real estate", "promotion"],
    ),
    (
        "commerce-distribution",
        &[
            "commerce",
            "distribution",
            "retail",
            "grande distribution",
            "e-commerce",
            "vente",
            "negoce",
            "reparation d'automobiles",
            "magasin",
            "luxe",
            "pret-a-porter",
            "cosmetique",
        ],
    ),
    (
        "tourisme-loisirs",
        &[
            "tourism",
            "hotel",
            "hebergement",
            "restauration",
            "loisir",
            "spectacle",
            "arts",
            "culture",
            "sport",
            "jeux",
            "hospitality",
            "recreati",
            "voyage",
        ],
    ),
    (
        "public",
        &[
            "administration",
            "public",
            "collectivite",
            "ministere",
            "etat",
            "defense",
            "securite sociale",
            "government",
            "mairie",
            "prefecture",
            "extra-territoriale",
            "territorial",
        ],
    ),
    (
        "industrie",
        &[
            "industri",
            "manufactur",
            "fabrication",
            "automobile",
            "aeronautique",
            "aerospatial",
            "chimie",
            "metallurgi",
            "extracti",
            "mecanique",
            "electronique",
            "textile",
            "plasturgie",
            "semi-conducteur",
            "defense et armement",
        ],
    ),
    (
        "conseil",
        &[
            "conseil",
            "consulting",
            "audit",
            "expertise comptable",
            "juridique",
            "services aux entreprises",
            "activites specialisees",
            "services administratifs",
            "ingenierie",
            "interim",
            "ressources humaines",
            "marketing",
            "etudes de marche",
        ],
    ),
];

/// Whether `cue` occurs in `key` at the start of a word.
fn starts_a_word(key: &str, cue: &str) -> bool {
    key.match_indices(cue)
        .any(|(index, _)| index == 0 || !key[..index].chars().next_back().is_some_and(char::is_alphanumeric))
}

/// The sector slug of a free text (NAF section labels, schema.org `industry`, job-board labels
/// such as `Banque / Assurance`), or of a slug or label of [`SECTORS`]; `None` when no word
/// points to a sector.
pub fn sector(text: &str) -> Option<String> {
    let text: String = text.chars().take(500).collect();
    let folded = skills::fold(&text);
    let key = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((slug, _)) = SECTORS.iter().find(|(slug, label)| *slug == key || skills::fold(label) == key) {
        return Some((*slug).to_owned());
    }
    CUES.iter().find(|(_, cues)| cues.iter().any(|cue| starts_a_word(&key, cue))).map(|(slug, _)| (*slug).to_owned())
}
