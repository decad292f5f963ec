//! `cargo xtask datasets check` on small repositories written to a temporary folder: a clean one,
//! then one edit per kind of problem, each compared with the exact list of problems reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use xtask::datasets::{self, ColumnType};

/// A folder under the system's temporary folder, removed on drop.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "socle-xtask-datasets-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("dossier temporaire");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

const METEO_MANIFEST: &str = r#"# Relevés fictifs.
[dataset]
title = "Relevés météo"
description = "Relevés quotidiens de trois stations."
source = "synthétique : generer.py"
licence = "CC0-1.0"
synthetic = true
datasheet = "book/src/annexes/donnees-meteo.md"
generator = "generer.py"
seed = 2026

[[files]]
path = "releves.csv"
format = "csv"
sha256 = "@SHA releves.csv@"
rows = 3

[[files.columns]]
name = "station"
type = "string"
description = "Ville de la station."
nullable = false

[[files.columns]]
name = "date"
type = "date"
description = "Jour du relevé."
nullable = false

[[files.columns]]
name = "temperature"
type = "float"
unit = "°C"
description = "Température moyenne du jour."
nullable = true

[[files.columns]]
name = "pluie"
type = "boolean"
description = "Pluie dans la journée."
nullable = false

[[files.columns]]
name = "mesures"
type = "integer"
description = "Nombre de mesures horaires."
nullable = false
"#;

const METEO_CSV: &str = "\
station,date,temperature,pluie,mesures
Brest,2026-01-01,8.5,true,24
Lyon,2024-02-29,,false,23
Nice,2026-12-31,-1.25e0,false,24
";

const REGLES_MANIFEST: &str = r#"[dataset]
title = "Seuils d'alerte"
description = "Seuils de température qui déclenchent une alerte."
source = "https://example.org/seuils"
licence = "MIT OR Apache-2.0"
synthetic = false
datasheet = "book/src/annexes/donnees-regles.md"

[[files]]
path = "regles.toml"
format = "toml"
sha256 = "@SHA regles.toml@"
"#;

/// A small repository whose two datasets pass the check.
fn clean() -> BTreeMap<String, String> {
    [
        ("datasets/meteo/dataset.toml", METEO_MANIFEST),
        ("datasets/meteo/releves.csv", METEO_CSV),
        ("datasets/meteo/generer.py", "# Graine 2026.\n"),
        ("datasets/meteo/README.md", "Relevés fictifs.\n"),
        ("datasets/regles/dataset.toml", REGLES_MANIFEST),
        ("datasets/regles/regles.toml", "canicule = 35\n"),
        (
            "book/src/SUMMARY.md",
            "# Sommaire\n\n- [Chapitre](chapitre.md)\n\n# Annexes\n\n- [Météo](annexes/donnees-meteo.md)\n- [Règles](annexes/donnees-regles.md)\n",
        ),
        ("book/src/chapitre.md", "# Chapitre\n\nOn lit `datasets/meteo/releves.csv`.\n"),
        ("book/src/annexes/donnees-meteo.md", "# Météo\n\nDonnées synthétiques : `datasets/meteo/generer.py`.\n"),
        ("book/src/annexes/donnees-regles.md", "# Règles\n\nLe fichier `datasets/regles/regles.toml`.\n"),
        ("labs/01-alertes/python.ipynb", "{\"cells\": [{\"source\": [\"open('regles.toml')\"]}]}\n"),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_owned(), text.to_owned()))
    .collect()
}

/// Writes the files; `@SHA name@` in a manifest becomes the checksum of that file of its folder,
/// so that an edited data file still matches its manifest unless a test says otherwise.
fn write(root: &Path, files: &BTreeMap<String, String>) {
    for (path, text) in files {
        let mut text = text.clone();
        while let Some(start) = text.find("@SHA ") {
            let name_start = start + "@SHA ".len();
            let end = name_start + text[name_start..].find('@').expect("@ fermant");
            let folder = Path::new(path).parent().expect("dossier");
            let data = files.get(&folder.join(&text[name_start..end]).display().to_string()).map_or("", String::as_str);
            text.replace_range(start..=end, &datasets::sha256_hex(data.as_bytes()));
        }
        let target = root.join(path);
        std::fs::create_dir_all(target.parent().expect("dossier")).expect("création du dossier");
        std::fs::write(target, text).expect("écriture");
    }
}

/// Replaces the first `from` by `to` in one file of the fixture.
fn edit(files: &mut BTreeMap<String, String>, path: &str, from: &str, to: &str) {
    let text = files.get_mut(path).unwrap_or_else(|| panic!("{path} absent du jeu d'essai"));
    assert!(text.contains(from), "« {from} » absent de {path}");
    *text = text.replacen(from, to, 1);
}

/// Checks the clean repository changed by `change`: the problems, as printed, must be exactly
/// `expect`; an expectation ending in `*` matches any problem that starts with the rest.
fn check(change: impl FnOnce(&mut BTreeMap<String, String>), expect: &[&str]) {
    let mut files = clean();
    change(&mut files);
    let root = TempDir::new();
    write(&root.path, &files);
    let report = datasets::check(&root.path);
    assert_eq!(report.datasets, ["meteo", "regles"]);
    let found: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    let matches = found.len() == expect.len()
        && found.iter().zip(expect).all(|(problem, expected)| match expected.strip_suffix('*') {
            Some(prefix) => problem.starts_with(prefix),
            None => problem == expected,
        });
    assert!(matches, "problèmes trouvés :\n{}\n\nproblèmes attendus :\n{}", found.join("\n"), expect.join("\n"));
}

#[test]
fn a_clean_repository_passes() {
    check(|_| {}, &[]);
}

#[test]
fn the_shipped_datasets_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let report = datasets::check(&root);
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        report.datasets.iter().any(|name| name == "edsf") && report.datasets.iter().any(|name| name == "referentiel")
    );
}

#[test]
fn a_folder_without_manifest_is_reported() {
    check(
        |files| {
            files.remove("datasets/regles/dataset.toml");
        },
        &[
            "datasets/regles/dataset.toml : manifeste absent : chaque jeu de données décrit sa source, sa licence et ses fichiers (voir datasets/README.md)",
        ],
    );
}

#[test]
fn invalid_toml_is_reported_with_its_line() {
    check(
        |files| edit(files, "datasets/regles/dataset.toml", "[[files]]", "[[files]\n"),
        &["datasets/regles/dataset.toml:9 : TOML invalide*"],
    );
}

#[test]
fn missing_keys_are_all_reported() {
    check(
        |files| {
            edit(files, "datasets/regles/dataset.toml", "title = \"Seuils d'alerte\"\n", "");
            edit(files, "datasets/regles/dataset.toml", "synthetic = false\n", "");
            edit(files, "datasets/regles/dataset.toml", "format = \"toml\"\n", "");
            edit(files, "datasets/meteo/dataset.toml", "rows = 3\n", "");
            edit(files, "datasets/meteo/dataset.toml", "description = \"Jour du relevé.\"\nnullable = false\n", "");
        },
        &[
            "datasets/meteo/dataset.toml:12 : clé « rows » absente de [[files]] « releves.csv » (nombre de lignes de données d'un csv)",
            "datasets/meteo/dataset.toml:23 : clé « description » absente de la colonne « date » de [[files]] « releves.csv »",
            "datasets/meteo/dataset.toml:23 : clé « nullable » absente de la colonne « date » de [[files]] « releves.csv » (true ou false)",
            "datasets/regles/dataset.toml:1 : clé « title » absente de [dataset]",
            "datasets/regles/dataset.toml:1 : clé « synthetic » absente de [dataset] (true ou false)",
            "datasets/regles/dataset.toml:7 : clé « format » absente de [[files]] « regles.toml »",
        ],
    );
}

#[test]
fn unknown_keys_are_refused_at_every_level() {
    check(
        |files| {
            edit(files, "datasets/meteo/dataset.toml", "# Relevés fictifs.\n", "version = 2\n");
            edit(files, "datasets/meteo/dataset.toml", "seed = 2026\n", "seed = 2026\nauteur = \"Alice\"\n");
            edit(files, "datasets/meteo/dataset.toml", "rows = 3\n", "rows = 3\nencodage = \"utf-8\"\n");
            edit(files, "datasets/meteo/dataset.toml", "unit = \"°C\"\n", "unite = \"°C\"\n");
        },
        &[
            "datasets/meteo/dataset.toml:1 : clé inconnue « version » dans la racine du manifeste ; clés acceptées : dataset, files",
            "datasets/meteo/dataset.toml:11 : clé inconnue « auteur » dans [dataset] ; clés acceptées : title, description, source, licence, synthetic, datasheet, generator, seed",
            "datasets/meteo/dataset.toml:18 : clé inconnue « encodage » dans [[files]] « releves.csv » ; clés acceptées : path, format, sha256, rows, columns",
            "datasets/meteo/dataset.toml:35 : clé inconnue « unite » dans la colonne « temperature » de [[files]] « releves.csv » ; clés acceptées : name, type, unit, description, nullable",
        ],
    );
}

#[test]
fn values_of_the_wrong_kind_are_refused() {
    check(
        |files| {
            edit(files, "datasets/meteo/dataset.toml", "synthetic = true", "synthetic = \"oui\"");
            edit(files, "datasets/meteo/dataset.toml", "rows = 3", "rows = \"3\"");
            edit(files, "datasets/meteo/dataset.toml", "type = \"date\"", "type = \"jour\"");
            edit(files, "datasets/meteo/dataset.toml", "nullable = true", "nullable = 1");
            edit(files, "datasets/regles/dataset.toml", "format = \"toml\"", "format = \"json\"");
            edit(files, "datasets/regles/dataset.toml", "sha256 = \"", "sha256 = \"abc");
        },
        &[
            "datasets/meteo/dataset.toml:7 : « synthetic » doit être true ou false, trouvé : une chaîne",
            "datasets/meteo/dataset.toml:16 : « rows » doit être un entier, trouvé : une chaîne",
            "datasets/meteo/dataset.toml:26 : type inconnu « jour » ; types acceptés : string, integer, float, date, boolean",
            "datasets/meteo/dataset.toml:35 : « nullable » doit être true ou false, trouvé : un entier",
            "datasets/regles/dataset.toml:11 : format inconnu « json » ; formats acceptés : csv, toml",
            "datasets/regles/dataset.toml:12 : « sha256 » doit compter 64 chiffres hexadécimaux minuscules ; cargo xtask datasets check --fix-checksums l'écrit",
        ],
    );
}

#[test]
fn licence_and_source_must_be_stated() {
    check(
        |files| {
            edit(files, "datasets/regles/dataset.toml", "source = \"https://example.org/seuils\"", "source = \" \"");
            edit(files, "datasets/regles/dataset.toml", "licence = \"MIT OR Apache-2.0\"", "licence = \"\"");
            edit(files, "datasets/meteo/dataset.toml", "licence = \"CC0-1.0\"", "licence = \"CC BY 4.0\"");
        },
        &[
            "datasets/meteo/dataset.toml:6 : « licence » n'est pas un identifiant SPDX : « CC BY 4.0 » ; exemples acceptés : CC-BY-4.0, ODbL-1.0, etalab-2.0, MIT OR Apache-2.0",
            "datasets/regles/dataset.toml:4 : « source » est vide dans [dataset]",
            "datasets/regles/dataset.toml:5 : « licence » est vide dans [dataset]",
        ],
    );
}

#[test]
fn generator_and_seed_go_with_synthetic_data_only() {
    check(
        |files| {
            edit(files, "datasets/meteo/dataset.toml", "generator = \"generer.py\"\nseed = 2026\n", "");
            edit(files, "datasets/regles/dataset.toml", "synthetic = false\n", "synthetic = false\nseed = 1\n");
        },
        &[
            "datasets/meteo/dataset.toml:2 : un jeu synthétique (synthetic = true) nomme son générateur : generator = \"generer.py\"",
            "datasets/meteo/dataset.toml:2 : un jeu synthétique (synthetic = true) fixe sa graine : seed = 2026",
            "datasets/meteo/generer.py : fichier non déclaré dans dataset.toml (ni somme de contrôle ni schéma) : déclarez-le dans [[files]] ou retirez-le",
            "datasets/regles/dataset.toml:7 : « seed » ne vaut que pour un jeu synthétique (synthetic = true)",
        ],
    );
}

#[test]
fn paths_stay_inside_the_dataset_folder() {
    check(
        |files| {
            edit(files, "datasets/regles/dataset.toml", "path = \"regles.toml\"", "path = \"../meteo/releves.csv\"")
        },
        &[
            "datasets/regles/dataset.toml:10 : « path » doit être un chemin relatif au dossier du jeu, sans « .. »",
            "datasets/regles/regles.toml : fichier non déclaré dans dataset.toml (ni somme de contrôle ni schéma) : déclarez-le dans [[files]] ou retirez-le",
        ],
    );
}

#[test]
fn a_changed_file_fails_its_checksum() {
    let zeros = "0".repeat(64);
    check(
        |files| {
            edit(
                files,
                "datasets/regles/dataset.toml",
                "sha256 = \"@SHA regles.toml@\"",
                &format!("sha256 = \"{zeros}\""),
            )
        },
        &["datasets/regles/regles.toml : somme sha256 *"],
    );
}

#[test]
fn missing_and_undeclared_files_are_reported() {
    check(
        |files| {
            files.remove("datasets/regles/regles.toml");
            files.insert("datasets/meteo/brouillon/essai.csv".to_owned(), "a\n1\n".to_owned());
            files.insert("datasets/meteo/.cache".to_owned(), "ignoré\n".to_owned());
        },
        &[
            "datasets/meteo/brouillon/essai.csv : fichier non déclaré dans dataset.toml (ni somme de contrôle ni schéma) : déclarez-le dans [[files]] ou retirez-le",
            "datasets/regles/dataset.toml:9 : fichier déclaré absent : datasets/regles/regles.toml",
        ],
    );
}

#[test]
fn the_csv_header_must_match_the_declared_columns() {
    check(
        |files| edit(files, "datasets/meteo/releves.csv", "temperature,pluie", "pluie,temperature"),
        &[
            "datasets/meteo/releves.csv:1 : l'en-tête ne correspond pas aux colonnes déclarées (même ordre attendu) : trouvé « station », « date », « pluie », « temperature », « mesures » ; déclaré « station », « date », « temperature », « pluie », « mesures »",
        ],
    );
}

#[test]
fn the_row_count_must_match() {
    check(
        |files| edit(files, "datasets/meteo/releves.csv", "Nice,", "Paris,2026-03-01,11,false,24\nNice,"),
        &[
            "datasets/meteo/releves.csv : 4 ligne(s) de données (en-tête non compris), dataset.toml (entrée ligne 12) en déclare rows = 3",
        ],
    );
}

#[test]
fn every_bad_value_is_reported_with_its_line() {
    check(
        |files| {
            let text = "\
station,date,temperature,pluie,mesures
,2026-02-29,douze,oui,24.0
Lyon,2026-1-01,NaN,,23
Nice,2026-12-31,3
";
            files.insert("datasets/meteo/releves.csv".to_owned(), text.to_owned());
        },
        &[
            "datasets/meteo/releves.csv:2 : colonne « station » : valeur vide, or la colonne n'admet pas de vide (nullable = false)",
            "datasets/meteo/releves.csv:2 : colonne « date » : « 2026-02-29 » n'est pas une date AAAA-MM-JJ (ex. 2026-01-31)",
            "datasets/meteo/releves.csv:2 : colonne « temperature » : « douze » n'est pas un nombre décimal fini (ex. 3.14, -1e-3)",
            "datasets/meteo/releves.csv:2 : colonne « pluie » : « oui » n'est pas un booléen (true ou false)",
            "datasets/meteo/releves.csv:2 : colonne « mesures » : « 24.0 » n'est pas un entier (ex. 42, -7)",
            "datasets/meteo/releves.csv:3 : colonne « date » : « 2026-1-01 » n'est pas une date AAAA-MM-JJ (ex. 2026-01-31)",
            "datasets/meteo/releves.csv:3 : colonne « temperature » : « NaN » n'est pas un nombre décimal fini (ex. 3.14, -1e-3)",
            "datasets/meteo/releves.csv:3 : colonne « pluie » : valeur vide, or la colonne n'admet pas de vide (nullable = false)",
            "datasets/meteo/releves.csv:4 : 3 champ(s), l'en-tête en compte 5",
        ],
    );
}

#[test]
fn many_bad_values_of_one_column_are_counted_beyond_five() {
    check(
        |files| {
            let mut text = String::from("station,date,temperature,pluie,mesures\n");
            for day in 1..=8 {
                text.push_str(&format!("Brest,2026-01-0{day},8.5,true,beaucoup\n"));
            }
            files.insert("datasets/meteo/releves.csv".to_owned(), text);
            edit(files, "datasets/meteo/dataset.toml", "rows = 3", "rows = 8");
        },
        &[
            "datasets/meteo/releves.csv:2 : colonne « mesures » : « beaucoup » n'est pas un entier (ex. 42, -7)",
            "datasets/meteo/releves.csv:3 : colonne « mesures » : « beaucoup » n'est pas un entier (ex. 42, -7)",
            "datasets/meteo/releves.csv:4 : colonne « mesures » : « beaucoup » n'est pas un entier (ex. 42, -7)",
            "datasets/meteo/releves.csv:5 : colonne « mesures » : « beaucoup » n'est pas un entier (ex. 42, -7)",
            "datasets/meteo/releves.csv:6 : colonne « mesures » : « beaucoup » n'est pas un entier (ex. 42, -7)",
            "datasets/meteo/releves.csv : colonne « mesures » : 3 autre(s) valeur(s) invalide(s) non détaillée(s)",
        ],
    );
}

#[test]
fn a_toml_data_file_must_parse() {
    check(
        |files| edit(files, "datasets/regles/regles.toml", "canicule = 35\n", "canicule = 35\ngel = \n"),
        &["datasets/regles/regles.toml:2 : TOML invalide*"],
    );
}

#[test]
fn the_datasheet_is_a_page_of_the_book_summary() {
    check(
        |files| {
            files.remove("book/src/annexes/donnees-regles.md");
            edit(files, "book/src/SUMMARY.md", "- [Règles](annexes/donnees-regles.md)\n", "");
            edit(files, "datasets/meteo/dataset.toml", "book/src/annexes/donnees-meteo.md", "docs/meteo.md");
        },
        &[
            "datasets/meteo/dataset.toml:8 : « datasheet » doit être une page du livre sous book/src/, chemin depuis la racine du dépôt ; trouvé : « docs/meteo.md »",
            "datasets/regles/dataset.toml:7 : fiche descriptive absente : book/src/annexes/donnees-regles.md",
            "datasets/regles/dataset.toml:7 : la fiche book/src/annexes/donnees-regles.md n'est pas au sommaire du livre (book/src/SUMMARY.md, lien « ](annexes/donnees-regles.md) »)",
        ],
    );
}

#[test]
fn the_datasheet_of_synthetic_data_says_so() {
    check(
        |files| edit(files, "book/src/annexes/donnees-meteo.md", "Données synthétiques", "Données"),
        &[
            "book/src/annexes/donnees-meteo.md : la fiche de « meteo » doit dire clairement que les données sont synthétiques (le mot « synthétique » n'y figure pas)",
        ],
    );
}

#[test]
fn a_dataset_no_lab_or_chapter_uses_is_reported() {
    // The datasheet names the folder too, but describing a dataset is not using it; a longer
    // name that merely starts with the folder's does not count either.
    check(
        |files| edit(files, "book/src/chapitre.md", "`datasets/meteo/releves.csv`", "`datasets/meteo2/`, releves.csv2"),
        &[
            "datasets/meteo/dataset.toml : jeu utilisé par aucun laboratoire ni chapitre : ni « datasets/meteo » ni le nom d'un de ses fichiers n'apparaît sous labs/ ou book/src/ (fiches descriptives non comprises)",
        ],
    );
    // A lab naming one of its files is a use.
    check(
        |files| {
            edit(files, "book/src/chapitre.md", "`datasets/meteo/releves.csv`", "rien");
            edit(files, "labs/01-alertes/python.ipynb", "open('regles.toml')", "open('releves.csv')");
        },
        &[
            "datasets/regles/dataset.toml : jeu utilisé par aucun laboratoire ni chapitre : ni « datasets/regles » ni le nom d'un de ses fichiers n'apparaît sous labs/ ou book/src/ (fiches descriptives non comprises)",
        ],
    );
}

#[test]
fn fix_checksums_rewrites_sums_and_rows_and_keeps_the_rest() {
    let mut files = clean();
    edit(&mut files, "datasets/meteo/dataset.toml", "sha256 = \"@SHA releves.csv@\"", "sha256 = \"\"");
    edit(&mut files, "datasets/meteo/dataset.toml", "rows = 3", "rows = 0");
    edit(&mut files, "datasets/regles/dataset.toml", "sha256 = \"@SHA regles.toml@\"", "sha256 = 'ancienne'");
    let root = TempDir::new();
    write(&root.path, &files);
    let fix = datasets::fix_checksums(&root.path);
    assert!(fix.problems.is_empty(), "{:?}", fix.problems);
    let csv_sum = datasets::sha256_hex(METEO_CSV.as_bytes());
    let toml_sum = datasets::sha256_hex(b"canicule = 35\n");
    assert_eq!(
        fix.changes,
        [
            format!("datasets/meteo/releves.csv : sha256 = {csv_sum}"),
            "datasets/meteo/releves.csv : rows = 3".to_owned(),
            format!("datasets/regles/regles.toml : sha256 = {toml_sum}"),
        ]
    );
    let manifest = std::fs::read_to_string(root.path.join("datasets/meteo/dataset.toml")).expect("manifeste");
    let expected = METEO_MANIFEST.replace("@SHA releves.csv@", &csv_sum);
    assert_eq!(manifest, expected, "seules la somme et le nombre de lignes changent");
    let report = datasets::check(&root.path);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // A second run has nothing left to do.
    assert!(datasets::fix_checksums(&root.path).changes.is_empty());
}

#[test]
fn column_types_accept_what_the_readme_says() {
    let cases: &[(ColumnType, &str, bool)] = &[
        (ColumnType::Integer, "42", true),
        (ColumnType::Integer, "-7", true),
        (ColumnType::Integer, "4.0", false),
        (ColumnType::Integer, "1 000", false),
        (ColumnType::Float, "3.14", true),
        (ColumnType::Float, "-1e-3", true),
        (ColumnType::Float, "12", true),
        (ColumnType::Float, "inf", false),
        (ColumnType::Float, "3,14", false),
        (ColumnType::Date, "2024-02-29", true),
        (ColumnType::Date, "2000-02-29", true),
        (ColumnType::Date, "1900-02-29", false),
        (ColumnType::Date, "2026-04-31", false),
        (ColumnType::Date, "2026-13-01", false),
        (ColumnType::Date, "26-01-01", false),
        (ColumnType::Date, "2026-01-01T00:00", false),
        (ColumnType::Boolean, "true", true),
        (ColumnType::Boolean, "false", true),
        (ColumnType::Boolean, "True", false),
        (ColumnType::Boolean, "1", false),
        (ColumnType::String, "n'importe quoi", true),
    ];
    for (kind, value, accepted) in cases {
        assert_eq!(kind.accepts(value), *accepted, "{kind:?} « {value} »");
    }
}
