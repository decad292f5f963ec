//! Shared test material: a fixed corpus of twelve programmes, small builders and a temporary
//! folder that removes itself.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use search::programmes::{ProgrammeDoc, ProgrammeIndex, ProgrammeQuery, ProgrammeResults};

/// A programme with only an id and a title; other fields are set with struct update syntax.
pub fn programme(id: &str, title: &str) -> ProgrammeDoc {
    ProgrammeDoc {
        id: id.to_owned(),
        title: title.to_owned(),
        label_status: "none".to_owned(),
        updated: "2026-01-01".to_owned(),
        ..ProgrammeDoc::default()
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

fn competences(values: &[(&str, u8)]) -> Vec<(String, u8)> {
    values.iter().map(|(id, level)| ((*id).to_owned(), *level)).collect()
}

/// Twelve programmes spread over levels, diplomas, regions, modalities, label statuses and
/// competences, so that every facet has several values.
pub fn corpus() -> Vec<ProgrammeDoc> {
    vec![
        ProgrammeDoc {
            provider: "Université Lumière Exemple".into(),
            description: "Formation aux statistiques et à l'apprentissage automatique sur des données réelles.".into(),
            unit_titles: strings(&["Séries temporelles", "Programmation pour la science des données"]),
            city: "Lyon".into(),
            region: "84".into(),
            diploma: "master".into(),
            level: Some(7),
            modalities: strings(&["presentiel"]),
            label_status: "granted".into(),
            competences: competences(&[("DS.MST.07", 3), ("DS.INF.01", 3), ("DS.MST.06", 4)]),
            eligible: true,
            example: true,
            updated: "2026-09-01".into(),
            ..programme("univ-lyon/master-sd", "Master Science des données")
        },
        ProgrammeDoc {
            provider: "Sorbonne Exemple".into(),
            description: "Inférence, modèles linéaires et économétrie des séries.".into(),
            unit_titles: strings(&["Modèles linéaires généralisés"]),
            city: "Paris".into(),
            region: "11".into(),
            diploma: "master".into(),
            level: Some(7),
            modalities: strings(&["presentiel", "hybride"]),
            label_status: "submitted".into(),
            competences: competences(&[("DS.MST.07", 4), ("DS.MST.06", 3)]),
            eligible: true,
            updated: "2026-05-10".into(),
            ..programme("univ-paris/master-stat", "Master Statistique et économétrie")
        },
        ProgrammeDoc {
            provider: "IUT Exemple de Lille".into(),
            description: "Bases de données relationnelles, SQL et visualisation.".into(),
            unit_titles: strings(&["Bases de données"]),
            city: "Lille".into(),
            region: "32".into(),
            diploma: "but".into(),
            level: Some(6),
            modalities: strings(&["presentiel"]),
            competences: competences(&[("DS.MST.07", 2), ("DS.INF.05", 3)]),
            example: true,
            updated: "2025-11-20".into(),
            ..programme("iut-lille/but-sd", "BUT Science des données")
        },
        ProgrammeDoc {
            provider: "École Exemple d'ingénieurs".into(),
            description: "Réseaux de neurones, vision et traitement du langage.".into(),
            unit_titles: strings(&["Apprentissages profonds", "Statistique bayésienne"]),
            city: "Toulouse".into(),
            region: "76".into(),
            diploma: "ingenieur".into(),
            level: Some(7),
            modalities: strings(&["presentiel"]),
            label_status: "granted".into(),
            competences: competences(&[("DS.MST.09", 3), ("DS.INF.01", 3)]),
            eligible: true,
            updated: "2026-01-15".into(),
            ..programme("ecole-toulouse/ingenieur-ia", "Diplôme d'ingénieur en intelligence artificielle")
        },
        ProgrammeDoc {
            provider: "Conservatoire Exemple".into(),
            description: "Pour adultes en reprise d'études : tableaux de bord et requêtes.".into(),
            unit_titles: strings(&["Tableaux de bord"]),
            city: "Paris".into(),
            region: "11".into(),
            diploma: "certificat".into(),
            level: Some(6),
            modalities: strings(&["distanciel", "hybride"]),
            label_status: "refused".into(),
            competences: competences(&[("DS.MST.07", 1), ("DS.INF.05", 2)]),
            updated: "2025-06-01".into(),
            ..programme("cnam/certificat-analyste", "Certificat analyste de données")
        },
        ProgrammeDoc {
            provider: "Plateforme Exemple".into(),
            description: "Python, pandas et carnets Jupyter, à son rythme.".into(),
            diploma: "mooc".into(),
            modalities: strings(&["distanciel"]),
            competences: competences(&[("DS.INF.01", 2)]),
            example: true,
            updated: "2026-03-03".into(),
            ..programme("mooc-fun/mooc-python", "MOOC Python pour la data")
        },
        ProgrammeDoc {
            provider: "Université Lumière Exemple".into(),
            description: "Entrepôts de données et indicateurs pour l'entreprise.".into(),
            unit_titles: strings(&["Entrepôts de données"]),
            city: "Lyon".into(),
            region: "84".into(),
            diploma: "licence_pro".into(),
            level: Some(6),
            modalities: strings(&["presentiel"]),
            label_status: "submitted".into(),
            competences: competences(&[("DS.MET.04", 3)]),
            eligible: true,
            example: true,
            updated: "2024-12-12".into(),
            ..programme("univ-lyon/licence-pro-bi", "Licence professionnelle informatique décisionnelle")
        },
        ProgrammeDoc {
            provider: "Lycée Exemple".into(),
            description: "Développement et administration de systèmes.".into(),
            city: "Nantes".into(),
            region: "52".into(),
            diploma: "bts".into(),
            level: Some(5),
            modalities: strings(&["presentiel"]),
            competences: competences(&[("DS.INF.01", 2)]),
            updated: "2025-09-01".into(),
            ..programme("bts-nantes/bts-sio", "BTS Services informatiques")
        },
        ProgrammeDoc {
            provider: "Université Alpes Exemple".into(),
            description: "Recherche en probabilités et statistique.".into(),
            city: "Grenoble".into(),
            region: "84".into(),
            diploma: "doctorat".into(),
            level: Some(8),
            modalities: strings(&["presentiel"]),
            competences: competences(&[("DS.MST.07", 4), ("DS.MST.06", 4)]),
            updated: String::new(),
            ..programme("univ-grenoble/doctorat", "Doctorat en mathématiques appliquées")
        },
        ProgrammeDoc {
            provider: "Grande École Exemple".into(),
            description: "Architectures distribuées et traitement de données massives.".into(),
            unit_titles: strings(&["Calcul distribué"]),
            city: "Paris".into(),
            region: "11".into(),
            diploma: "ms_cge".into(),
            level: Some(7),
            modalities: strings(&["hybride"]),
            label_status: "granted".into(),
            competences: competences(&[("DS.INF.09", 3), ("DS.MST.07", 3)]),
            eligible: true,
            updated: "2026-06-30".into(),
            ..programme("ecole-paris/ms-big-data", "Mastère spécialisé Big Data")
        },
        ProgrammeDoc {
            provider: "Organisme Exemple".into(),
            description: "Prévoir la demande : lissage, ARIMA et saisonnalité.".into(),
            city: "Rennes".into(),
            region: "53".into(),
            diploma: "court".into(),
            modalities: strings(&["distanciel"]),
            competences: competences(&[("DS.MST.07", 2)]),
            example: true,
            updated: "2026-02-01".into(),
            ..programme("court-rennes/series-temporelles", "Formation courte : prévision et séries temporelles")
        },
        ProgrammeDoc {
            provider: "Université Exemple de Strasbourg".into(),
            description: "Intelligence artificielle de confiance.".into(),
            unit_titles: strings(&["Apprentissage statistique"]),
            city: "Strasbourg".into(),
            region: "44".into(),
            diploma: "master".into(),
            level: Some(7),
            modalities: strings(&["presentiel", "distanciel"]),
            label_status: "in_review".into(),
            competences: competences(&[("DS.MST.09", 4), ("DS.MST.07", 3)]),
            eligible: true,
            updated: "2026-04-04".into(),
            ..programme("univ-strasbourg/master-ia", "Master Intelligence artificielle et données")
        },
    ]
}

/// An in-memory index holding `docs`, all accepted.
pub fn index_of(docs: &[ProgrammeDoc]) -> ProgrammeIndex {
    let index = ProgrammeIndex::in_memory().expect("index en mémoire");
    let rejected = index.rebuild(docs).expect("reconstruction");
    assert!(rejected.is_empty(), "documents refusés : {rejected:?}");
    index
}

/// The corpus, indexed.
pub fn corpus_index() -> ProgrammeIndex {
    index_of(&corpus())
}

/// A query for these words, everything else by default, with room for the whole corpus.
pub fn words(text: &str) -> ProgrammeQuery {
    ProgrammeQuery { text: Some(text.to_owned()), limit: 100, ..ProgrammeQuery::default() }
}

/// Ids of the hits, in the order returned.
pub fn ids(results: &ProgrammeResults) -> Vec<&str> {
    results.hits.iter().map(|hit| hit.id.as_str()).collect()
}

/// Ids of the hits of `query`, sorted.
pub fn found(index: &ProgrammeIndex, query: &ProgrammeQuery) -> Vec<String> {
    let results = index.search(query).expect("recherche");
    assert_eq!(results.total as usize, results.hits.len(), "la page doit tout contenir pour ce test");
    let mut ids: Vec<String> = results.hits.into_iter().map(|hit| hit.id).collect();
    ids.sort();
    ids
}

/// Sorted copy of some ids.
pub fn sorted(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    ids.sort();
    ids
}

/// A fresh folder under the system's temporary folder, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("socle-search-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("dossier temporaire");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
