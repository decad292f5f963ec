//! Credentials issued on their own, looked up, current at a given time, and revoked.

mod common;

use common::{data, memory, organisation, programme};
use store::{Error, NewCredential, ProgrammeId, Unique};

fn credential(id: &str, programme: ProgrammeId, issued_at: i64, valid_until: i64) -> NewCredential {
    NewCredential {
        id: id.to_owned(),
        programme_id: programme,
        issued_at,
        valid_until,
        jwt: format!("en-tete.{id}.signature"),
    }
}

#[tokio::test]
async fn credentials_are_issued_found_and_listed_per_programme() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let master = programme(&store, org.id, data("master", "Master"), 1).await;
    let licence = programme(&store, org.id, data("licence", "Licence"), 1).await;
    let issued =
        store.issue_credential(&credential("urn:uuid:2", master.id, 200, 900)).await.unwrap_or_else(|e| panic!("{e}"));
    store.issue_credential(&credential("urn:uuid:1", master.id, 100, 800)).await.unwrap_or_else(|e| panic!("{e}"));
    store.issue_credential(&credential("urn:uuid:3", licence.id, 100, 800)).await.unwrap_or_else(|e| panic!("{e}"));
    let found = store.credential("urn:uuid:2").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.as_ref(), Some(&issued));
    assert_eq!(issued.jwt, "en-tete.urn:uuid:2.signature");
    assert_eq!((issued.revoked_at, issued.revocation_reason.as_deref()), (None, None));
    assert_eq!(store.credential("urn:uuid:9").await.unwrap_or_else(|e| panic!("{e}")), None);
    let ids: Vec<String> = store
        .credentials_of_programme(master.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|credential| credential.id)
        .collect();
    assert_eq!(ids, ["urn:uuid:1", "urn:uuid:2"], "du plus ancien au plus récent");
    let error = store.issue_credential(&credential("urn:uuid:1", licence.id, 100, 800)).await.expect_err("doublon");
    assert!(matches!(error, Error::Duplicate(Unique::CredentialId)), "{error}");
    assert_eq!(error.to_string(), "un label a déjà été délivré avec cet identifiant");
}

#[tokio::test]
async fn impossible_credentials_are_refused() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let master = programme(&store, org.id, data("master", "Master"), 1).await;
    let error =
        store.issue_credential(&credential("urn:uuid:1", master.id, 500, 500)).await.expect_err("validité nulle");
    assert_eq!(
        error.to_string(),
        "délivrance d'un label impossible : la fin de validité d'un label doit suivre sa délivrance"
    );
    let error =
        store.issue_credential(&credential("urn:uuid:1", ProgrammeId(404), 1, 2)).await.expect_err("formation absente");
    assert!(error.to_string().contains("l'élément lié"), "{error}");
    assert!(store.credentials_of_programme(master.id).await.unwrap_or_else(|e| panic!("{e}")).is_empty());
}

#[tokio::test]
async fn the_current_credential_depends_on_time_and_revocation() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let master = programme(&store, org.id, data("master", "Master"), 1).await;
    store.issue_credential(&credential("ancien", master.id, 100, 1_000)).await.unwrap_or_else(|e| panic!("{e}"));
    store.issue_credential(&credential("nouveau", master.id, 500, 2_000)).await.unwrap_or_else(|e| panic!("{e}"));
    let current = |now: i64| {
        let store = store.clone();
        async move { store.current_credential(master.id, now).await.unwrap_or_else(|e| panic!("{e}")).map(|c| c.id) }
    };
    assert_eq!(current(99).await, None, "avant toute délivrance");
    assert_eq!(current(100).await.as_deref(), Some("ancien"));
    assert_eq!(current(500).await.as_deref(), Some("nouveau"), "le plus récent l'emporte");
    assert_eq!(current(1_999).await.as_deref(), Some("nouveau"));
    assert_eq!(current(2_000).await, None, "la validité s'arrête à valid_until");
    let revoked = store.revoke_credential("nouveau", 600, "erreur de saisie").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((revoked.revoked_at, revoked.revocation_reason.as_deref()), (Some(600), Some("erreur de saisie")));
    assert_eq!(store.credential("nouveau").await.unwrap_or_else(|e| panic!("{e}")), Some(revoked));
    assert_eq!(current(700).await.as_deref(), Some("ancien"), "le label révoqué ne compte plus");
}

#[tokio::test]
async fn revocation_needs_a_reason_an_existing_label_and_happens_once() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let master = programme(&store, org.id, data("master", "Master"), 1).await;
    store.issue_credential(&credential("urn:uuid:1", master.id, 100, 1_000)).await.unwrap_or_else(|e| panic!("{e}"));
    let error = store.revoke_credential("urn:uuid:1", 200, "  ").await.expect_err("sans motif");
    assert!(matches!(error, Error::Invalid(_)), "{error}");
    let error = store.revoke_credential("urn:uuid:9", 200, "motif").await.expect_err("absent");
    assert_eq!(error.to_string(), "label introuvable : urn:uuid:9");
    store.revoke_credential("urn:uuid:1", 200, "motif").await.unwrap_or_else(|e| panic!("{e}"));
    let error = store.revoke_credential("urn:uuid:1", 300, "autre motif").await.expect_err("déjà révoqué");
    assert!(error.to_string().contains("déjà révoqué"), "{error}");
    let kept = store.credential("urn:uuid:1").await.unwrap_or_else(|e| panic!("{e}")).expect("label");
    assert_eq!(
        (kept.revoked_at, kept.revocation_reason.as_deref()),
        (Some(200), Some("motif")),
        "la première révocation reste"
    );
}
