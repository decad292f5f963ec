//! Sectors of activity: the fixed list of slugs records carry and their French labels.
//!
//! The list is coarse on purpose (fourteen sectors an analyst can compare across sources); it
//! covers the 21 sections of the French activity nomenclature (NAF rév. 2), schema.org
//! `industry` values and the sector labels of job boards. The extraction maps free text to a
//! slug (`extract::normalise::sector`); everything downstream (Parquet store, facets, dashboard,
//! the demo web's ground truth) speaks these slugs only.

/// Sector slugs and their French labels, in slug order.
pub const SECTORS: [(&str, &str); 14] = [
    ("agriculture-agroalimentaire", "Agriculture et agroalimentaire"),
    ("banque-assurance", "Banque, finance et assurance"),
    ("commerce-distribution", "Commerce et distribution"),
    ("conseil", "Conseil, services aux entreprises et ingénierie"),
    ("energie", "Énergie, eau et environnement"),
    ("immobilier-btp", "Immobilier, construction et BTP"),
    ("industrie", "Industrie"),
    ("numerique", "Numérique et logiciels"),
    ("public", "Administration et secteur public"),
    ("recherche-enseignement", "Recherche et enseignement"),
    ("sante", "Santé, pharmacie et action sociale"),
    ("telecoms-medias", "Télécommunications, médias et édition"),
    ("tourisme-loisirs", "Tourisme, hôtellerie, culture et loisirs"),
    ("transport-logistique", "Transport et logistique"),
];

/// The French label of a sector slug (`"sante"` → `Santé, pharmacie et action sociale`); `None`
/// for anything that is not a slug of [`SECTORS`].
pub fn sector_label(slug: &str) -> Option<&'static str> {
    SECTORS.iter().find(|(known, _)| *known == slug).map(|(_, label)| *label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_sorted_unique_lowercase_ascii_and_have_labels() {
        let slugs: Vec<&str> = SECTORS.iter().map(|(slug, _)| *slug).collect();
        assert!(slugs.is_sorted(), "{slugs:?}");
        let mut unique = slugs.clone();
        unique.dedup();
        assert_eq!(unique.len(), SECTORS.len());
        for (slug, label) in SECTORS {
            assert!(slug.bytes().all(|byte| byte.is_ascii_lowercase() || byte == b'-'), "{slug}");
            assert_eq!(sector_label(slug), Some(label));
        }
        assert_eq!(sector_label("sante"), Some("Santé, pharmacie et action sociale"));
        assert_eq!(sector_label("Santé"), None);
        assert_eq!(sector_label("banque"), None);
    }
}
