//! French regions: the INSEE codes of the 18 regions in force since 2016 and their official
//! names, shared by the registry (where a programme is given) and the observatory (where a job,
//! a grant or a project is). Source: INSEE, « Code officiel géographique » (facts only).

/// INSEE region codes and official names, in code order.
pub const REGIONS: [(&str, &str); 18] = [
    ("01", "Guadeloupe"),
    ("02", "Martinique"),
    ("03", "Guyane"),
    ("04", "La Réunion"),
    ("06", "Mayotte"),
    ("11", "Île-de-France"),
    ("24", "Centre-Val de Loire"),
    ("27", "Bourgogne-Franche-Comté"),
    ("28", "Normandie"),
    ("32", "Hauts-de-France"),
    ("44", "Grand Est"),
    ("52", "Pays de la Loire"),
    ("53", "Bretagne"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("84", "Auvergne-Rhône-Alpes"),
    ("93", "Provence-Alpes-Côte d'Azur"),
    ("94", "Corse"),
];

/// The official name of a region from its INSEE code (`"84"` → `Auvergne-Rhône-Alpes`); `None`
/// for any other text.
pub fn region_name(code: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(known, _)| *known == code).map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_has_a_two_digit_code_and_is_found_by_it() {
        for (code, name) in REGIONS {
            assert!(code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_digit()), "{code}");
            assert_eq!(region_name(code), Some(name));
        }
        assert_eq!(region_name("84"), Some("Auvergne-Rhône-Alpes"));
        assert_eq!(region_name("94"), Some("Corse"));
        assert_eq!(region_name("99"), None);
        assert_eq!(region_name(" 84"), None);
        let mut codes: Vec<&str> = REGIONS.iter().map(|(code, _)| *code).collect();
        codes.dedup();
        assert_eq!(codes.len(), 18);
        assert!(codes.is_sorted());
    }
}
