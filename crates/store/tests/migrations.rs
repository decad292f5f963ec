//! The embedded migrations: each one applied and reverted in turn, with the tables checked at
//! every step; opening creates and upgrades; a database from a newer socle is refused.

mod common;

use common::TempDir;
use store::{Error, Store};

/// The tables each schema version holds, oldest version first (version 0: empty database).
const TABLES: &[(i64, &[&str])] = &[
    (0, &[]),
    (1, &["login_attempts", "organisations", "sessions", "users"]),
    (
        2,
        &[
            "label_transitions",
            "login_attempts",
            "organisations",
            "programme_competences",
            "programmes",
            "sessions",
            "users",
        ],
    ),
    (
        3,
        &[
            "credentials",
            "label_transitions",
            "login_attempts",
            "organisations",
            "programme_competences",
            "programmes",
            "sessions",
            "users",
        ],
    ),
    (
        4,
        &[
            "credentials",
            "label_transitions",
            "login_attempts",
            "organisations",
            "programme_competences",
            "programmes",
            "sessions",
            "settings",
            "users",
        ],
    ),
    (
        5,
        &[
            "credentials",
            "label_transitions",
            "login_attempts",
            "organisations",
            "programme_competences",
            "programmes",
            "sessions",
            "settings",
            "users",
        ],
    ),
];

/// Everything `sqlite_schema` says about the schema (tables, indexes), sorted.
async fn schema_dump(path: &std::path::Path) -> Vec<String> {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    let pool = sqlx::SqlitePool::connect_with(options).await.expect("connexion de contrôle");
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name <> '_sqlx_migrations' ORDER BY type, name",
    )
    .fetch_all(&pool)
    .await
    .expect("lecture de sqlite_schema");
    pool.close().await;
    rows.into_iter().map(|(kind, name, sql)| format!("{kind} {name}: {}", sql.unwrap_or_default())).collect()
}

async fn check_version(store: &Store, version: i64) {
    let expected = TABLES.iter().find(|(v, _)| *v == version).expect("version listée").1;
    let tables = store.tables().await.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(tables, expected, "tables à la version {version}");
    let applied = store.applied_migrations().await.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(applied, (1..=version).collect::<Vec<_>>(), "migrations appliquées à la version {version}");
}

#[test]
fn every_migration_is_listed_here_and_reversible() {
    let migrations = store::migrations();
    let versions: Vec<i64> = migrations.iter().map(|migration| migration.version).collect();
    let listed: Vec<i64> = TABLES.iter().map(|(version, _)| *version).filter(|version| *version > 0).collect();
    assert_eq!(versions, listed, "une migration ajoutée doit avoir sa liste de tables dans ce test");
    assert_eq!(store::latest_version(), *versions.last().expect("au moins une migration"));
    for migration in &migrations {
        assert!(migration.reversible, "la migration {} n'a pas de fichier .down.sql", migration.version);
        assert!(!migration.description.is_empty());
    }
}

#[tokio::test]
async fn each_migration_goes_up_then_down_then_up_again() {
    let dir = TempDir::new("migrations");
    let path = dir.path.join("socle.db");
    let store = Store::open_unmigrated(&path).await.unwrap_or_else(|error| panic!("{error}"));
    check_version(&store, 0).await;
    let versions: Vec<i64> = store::migrations().iter().map(|migration| migration.version).collect();
    for &version in &versions {
        store.migrate_to(version).await.unwrap_or_else(|error| panic!("montée à {version} : {error}"));
        check_version(&store, version).await;
    }
    let first_dump = schema_dump(&path).await;
    assert!(first_dump.iter().any(|line| line.starts_with("index programme_competences_competence")));
    for index in (0..versions.len()).rev() {
        let target = if index == 0 { 0 } else { versions[index - 1] };
        store.migrate_to(target).await.unwrap_or_else(|error| panic!("descente à {target} : {error}"));
        check_version(&store, target).await;
    }
    assert!(schema_dump(&path).await.is_empty(), "la base vide ne garde ni table ni index");
    store.migrate_to(store::latest_version()).await.unwrap_or_else(|error| panic!("{error}"));
    check_version(&store, store::latest_version()).await;
    assert_eq!(schema_dump(&path).await, first_dump, "le schéma remonté est identique au premier");
    // The schema works after the round trip.
    let organisation = common::organisation(&store, "Université Exemple").await;
    common::programme(&store, organisation.id, common::data("master-sd", "Master SD"), 2_000).await;
    store.close().await;
}

#[tokio::test]
async fn open_creates_the_folders_and_keeps_data_across_reopenings() {
    let dir = TempDir::new("ouverture");
    let path = dir.path.join("profond").join("dossier").join("socle.db");
    let store = Store::open(&path).await.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(store.location(), Some(path.as_path()));
    check_version(&store, store::latest_version()).await;
    store.set_setting("demo", "chargée", 5).await.unwrap_or_else(|error| panic!("{error}"));
    store.close().await;
    let reopened = Store::open(&path).await.unwrap_or_else(|error| panic!("{error}"));
    check_version(&reopened, store::latest_version()).await;
    assert_eq!(reopened.setting("demo").await.unwrap_or_else(|error| panic!("{error}")).as_deref(), Some("chargée"));
    assert!(reopened.integrity_check().await.unwrap_or_else(|error| panic!("{error}")).is_empty());
    // WAL is a property of the file: another connection sees it.
    let pool = sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&path))
        .await
        .expect("connexion de contrôle");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&pool).await.expect("journal_mode");
    assert_eq!(mode, "wal");
    pool.close().await;
    reopened.close().await;
}

#[tokio::test]
async fn unknown_target_versions_are_refused_in_french() {
    let store = common::memory().await;
    let error = store.migrate_to(42).await.expect_err("version inconnue");
    let message = error.to_string();
    assert!(matches!(error, Error::Migration(_)), "{message}");
    assert!(message.contains("version 42 inconnue"), "{message}");
    assert!(message.contains("0 (base vide), 1, 2, 3, 4, 5"), "{message}");
    check_version(&store, store::latest_version()).await;
}

#[tokio::test]
async fn a_database_written_by_a_newer_socle_is_refused() {
    let dir = TempDir::new("plus-recent");
    let path = dir.path.join("socle.db");
    Store::open(&path).await.unwrap_or_else(|error| panic!("{error}")).close().await;
    let pool = sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&path))
        .await
        .expect("connexion de contrôle");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'venue du futur', 1, X'00', 0)",
    )
    .execute(&pool)
    .await
    .expect("ajout d'une migration inconnue");
    pool.close().await;
    let error = Store::open(&path).await.expect_err("base plus récente");
    let message = error.to_string();
    assert!(message.contains("9999") && message.contains("plus récent"), "{message}");
}

#[tokio::test]
async fn an_unusable_path_is_named_in_the_error() {
    let dir = TempDir::new("chemin");
    let blocker = dir.path.join("fichier");
    std::fs::write(&blocker, "pas un dossier").expect("écriture");
    let error = Store::open(blocker.join("socle.db")).await.expect_err("un fichier n'est pas un dossier");
    let message = error.to_string();
    assert!(matches!(error, Error::Open { .. }), "{message}");
    assert!(message.starts_with("impossible d'ouvrir la base de données") && message.contains("fichier"), "{message}");
}

/// Moves a programme's label, panicking on failure.
async fn move_label(
    store: &Store,
    programme: store::ProgrammeId,
    from: store::LabelState,
    to: store::LabelState,
    at: i64,
) {
    let change = store::LabelChange {
        from,
        to,
        actor: store::Actor::System,
        at,
        reason: format!("vers {}", to.code()),
        issue: None,
        revoke_credentials: false,
    };
    store.transition_label(programme, &change).await.unwrap_or_else(|error| panic!("{error}"));
}

#[tokio::test]
async fn revocations_stored_as_refused_become_revoked_and_come_back_on_the_way_down() {
    use store::LabelState as S;
    let dir = TempDir::new("migration-5");
    let path = dir.path.join("socle.db");
    let store = Store::open_unmigrated(&path).await.unwrap_or_else(|error| panic!("{error}"));
    store.migrate_to(4).await.unwrap_or_else(|error| panic!("{error}"));
    let organisation = common::organisation(&store, "Université Exemple").await;
    // Revoked before version 5: granted, then « refused » (how it was recorded then).
    let revoked = common::programme(&store, organisation.id, common::data("revoquee", "Master révoqué"), 1_000).await;
    // Refused after review: must stay refused.
    let refused = common::programme(&store, organisation.id, common::data("refusee", "Master refusé"), 1_000).await;
    for (id, last) in [(revoked.id, S::Granted), (refused.id, S::InReview)] {
        let path = [S::Draft, S::Submitted, S::InReview, S::Granted];
        let mut at = 2_000;
        for pair in path.windows(2) {
            move_label(&store, id, pair[0], pair[1], at).await;
            at += 10;
            if pair[1] == last {
                break;
            }
        }
        move_label(&store, id, last, S::Refused, at).await;
    }

    store.migrate_to(5).await.unwrap_or_else(|error| panic!("{error}"));
    let state = |programme: Option<store::Programme>| programme.expect("formation gardée").label_state;
    assert_eq!(state(store.programme(revoked.id).await.unwrap()), S::Revoked);
    assert_eq!(state(store.programme(refused.id).await.unwrap()), S::Refused);
    let history = store.label_history(revoked.id).await.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(history.len(), 5, "création + 4 décisions, rien de perdu par la reconstruction : {history:?}");
    assert_eq!(history.last().map(|last| (last.from, last.to)), Some((Some(S::Granted), S::Revoked)));
    let filter = store::ProgrammeFilter {
        competence: Some("DS.MST.07".to_owned()),
        min_level: Some(3),
        ..store::ProgrammeFilter::default()
    };
    let kept = store.programmes(&filter).await.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(kept.len(), 2, "les compétences enseignées survivent à la reconstruction (pas de cascade)");
    assert!(store.integrity_check().await.unwrap_or_else(|error| panic!("{error}")).is_empty());
    // The new states are accepted by the rebuilt constraints.
    move_label(&store, refused.id, S::Refused, S::Draft, 3_000).await;
    move_label(&store, refused.id, S::Draft, S::Submitted, 3_010).await;
    move_label(&store, refused.id, S::Submitted, S::Withdrawn, 3_020).await;
    assert_eq!(state(store.programme(refused.id).await.unwrap()), S::Withdrawn);

    store.migrate_to(4).await.unwrap_or_else(|error| panic!("{error}"));
    let raw = |id: store::ProgrammeId| {
        let path = path.clone();
        async move {
            let pool = sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&path))
                .await
                .expect("connexion de contrôle");
            let code: String = sqlx::query_scalar("SELECT label_state FROM programmes WHERE id = ?1")
                .bind(id.0)
                .fetch_one(&pool)
                .await
                .expect("état brut");
            pool.close().await;
            code
        }
    };
    assert_eq!(raw(revoked.id).await, "refused", "une révocation redevient « refused » en version 4");
    assert_eq!(raw(refused.id).await, "draft", "un retrait redevient un brouillon en version 4");
    store.close().await;
}
