//! Helpers shared by the store tests: temporary folders and ready-made rows.
#![allow(dead_code, reason = "each test file uses part of the helpers")]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use store::{
    Actor, NewOrganisation, NewProgramme, NewUser, Organisation, OrganisationId, Programme, ProgrammeData, Role, Store,
    TaughtCompetence, User,
};

/// A fresh temporary folder, removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "socle-store-{tag}-{}-{}",
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

/// An in-memory store, every migration applied.
pub async fn memory() -> Store {
    Store::open_in_memory().await.unwrap_or_else(|error| panic!("{error}"))
}

pub async fn organisation(store: &Store, name: &str) -> Organisation {
    store
        .create_organisation(&NewOrganisation {
            name: name.to_owned(),
            kind: "universite".to_owned(),
            created_at: 1_000,
        })
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

pub async fn user(store: &Store, email: &str, role: Role, organisation: Option<OrganisationId>) -> User {
    store
        .create_user(&NewUser {
            email: email.to_owned(),
            role,
            organisation_id: organisation,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2VsMTIzNDU2$aGFzaA".to_owned(),
            created_at: 1_000,
        })
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Declaration-derived columns of a level-7 master with two competences.
pub fn data(slug: &str, title: &str) -> ProgrammeData {
    ProgrammeData {
        slug: slug.to_owned(),
        title: title.to_owned(),
        diploma: "master".to_owned(),
        level: Some(7),
        region: Some("84".to_owned()),
        modalities: vec!["presentiel".to_owned()],
        declaration: format!(r#"{{"programme":{{"id":"{slug}","title":"{title}"}}}}"#),
        report: r#"{"verdict":"eligible","criteria":[]}"#.to_owned(),
        eligible: true,
        competences: vec![
            TaughtCompetence { competence: "DS.INF.01".to_owned(), level: 2 },
            TaughtCompetence { competence: "DS.MST.07".to_owned(), level: 3 },
        ],
    }
}

pub async fn programme(store: &Store, organisation: OrganisationId, data: ProgrammeData, at: i64) -> Programme {
    store
        .create_programme(&NewProgramme {
            organisation_id: organisation,
            data,
            example: false,
            created_by: Actor::System,
            created_at: at,
        })
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}
