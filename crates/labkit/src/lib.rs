//! labkit: the one dependency of the course's Rust labs (see README.md).
#![doc = include_str!("../README.md")]

mod alea;
pub mod algebre;
pub mod stats;

pub use alea::Alea;
pub use chrono;
pub use hmac;
pub use polars;
pub use regex;
pub use serde_json;
pub use sha2;
pub use unicode_normalization;

use std::path::PathBuf;

/// What a lab notebook imports with `use labkit::prelude::*;`: polars' prelude and labkit's own
/// tools.
pub mod prelude {
    pub use crate::algebre::{Matrice, moindres_carres, resoudre};
    pub use crate::stats::{
        correlation, covariance, ecart_type, median, moyenne, normale_cdf, normale_densite, normale_quantile, quantile,
        variance,
    };
    pub use crate::{Alea, colonne_f64, colonne_i64, colonne_str, donnees};
    pub use chrono::{Datelike, NaiveDate, NaiveDateTime};
    pub use polars::prelude::*;
    pub use std::collections::{BTreeMap, HashMap, HashSet};
}

/// The values of column `nom` as `f64` (integers converted, missing values as `NaN`), for
/// probes and plain-Rust computations.
///
/// # Panics
/// When the column does not exist or is not numeric, with a message naming it.
pub fn colonne_f64(df: &polars::prelude::DataFrame, nom: &str) -> Vec<f64> {
    use polars::prelude::*;
    let colonne = df.column(nom).unwrap_or_else(|_| panic!("colonne « {nom} » absente"));
    let reels = colonne.cast(&DataType::Float64).unwrap_or_else(|_| panic!("colonne « {nom} » non numérique"));
    reels.f64().expect("Float64").iter().map(|x| x.unwrap_or(f64::NAN)).collect()
}

/// The values of column `nom` as `i64` (missing values as `None`).
///
/// # Panics
/// When the column does not exist or cannot be read as integers.
pub fn colonne_i64(df: &polars::prelude::DataFrame, nom: &str) -> Vec<Option<i64>> {
    use polars::prelude::*;
    let colonne = df.column(nom).unwrap_or_else(|_| panic!("colonne « {nom} » absente"));
    let entiers = colonne.cast(&DataType::Int64).unwrap_or_else(|_| panic!("colonne « {nom} » non entière"));
    entiers.i64().expect("Int64").iter().collect()
}

/// The values of column `nom` as text (any type is converted; missing values as `""`).
///
/// # Panics
/// When the column does not exist.
pub fn colonne_str(df: &polars::prelude::DataFrame, nom: &str) -> Vec<String> {
    use polars::prelude::*;
    let colonne = df.column(nom).unwrap_or_else(|_| panic!("colonne « {nom} » absente"));
    let textes = colonne.cast(&DataType::String).unwrap_or_else(|_| panic!("colonne « {nom} » illisible en texte"));
    textes.str().expect("String").iter().map(|s| s.unwrap_or("").to_owned()).collect()
}

/// The path of the lab data file `nom`: in `$SOCLE_DONNEES` when that variable is set, else in
/// `donnees/` beside the notebook when it is there, else beside the notebook (where the grader
/// copies data files).
pub fn donnees(nom: &str) -> PathBuf {
    if let Some(dossier) = std::env::var_os("SOCLE_DONNEES") {
        return PathBuf::from(dossier).join(nom);
    }
    let range = PathBuf::from("donnees").join(nom);
    if range.exists() { range } else { PathBuf::from(nom) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn donnees_is_beside_the_notebook_by_default() {
        // The test process does not set SOCLE_DONNEES.
        if std::env::var_os("SOCLE_DONNEES").is_none() {
            assert_eq!(donnees("x.csv"), PathBuf::from("x.csv"));
        }
        assert!(donnees("x.csv").ends_with("x.csv"));
    }
}

#[cfg(test)]
mod polars_tests {
    use crate::prelude::*;

    /// The polars calls the labs' notebooks are written with keep compiling and giving the same
    /// results when polars is upgraded.
    #[test]
    fn the_polars_api_the_labs_use() {
        let ventes = df!(
            "region" => ["Nord", "Sud", "Nord", "Est"],
            "montant" => [10.0, 20.0, 30.0, 5.0],
        )
        .unwrap();
        let totaux = ventes
            .clone()
            .lazy()
            .group_by([col("region")])
            .agg([col("montant").sum().alias("total")])
            .sort(["region"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        let regions: Vec<String> =
            totaux.column("region").unwrap().str().unwrap().iter().map(|s| s.unwrap_or("").to_owned()).collect();
        let total: Vec<f64> = totaux.column("total").unwrap().f64().unwrap().into_no_null_iter().collect();
        assert_eq!(regions, ["Est", "Nord", "Sud"]);
        assert_eq!(total, [5.0, 40.0, 20.0]);
        assert_eq!(colonne_str(&totaux, "region"), regions);
        assert_eq!(colonne_f64(&totaux, "total"), total);
        let nombres = df!("n" => [Some(3i64), None, Some(1)]).unwrap();
        assert_eq!(colonne_i64(&nombres, "n"), [Some(3), None, Some(1)]);
        let reels = colonne_f64(&nombres, "n");
        assert_eq!((reels[0], reels[2]), (3.0, 1.0));
        assert!(reels[1].is_nan(), "une valeur manquante devient NaN");
        let filtre = ventes.clone().lazy().filter(col("montant").gt(lit(15.0))).collect().unwrap();
        assert_eq!(filtre.height(), 2);
    }
}
