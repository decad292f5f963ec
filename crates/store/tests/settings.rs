//! The key-value settings table.

mod common;

#[tokio::test]
async fn settings_are_set_replaced_read_and_removed() {
    let store = common::memory().await;
    assert_eq!(store.setting("demo_chargee").await.unwrap_or_else(|e| panic!("{e}")), None);
    store.set_setting("demo_chargee", "non", 1).await.unwrap_or_else(|e| panic!("{e}"));
    store.set_setting("version_referentiel", "2026.1", 1).await.unwrap_or_else(|e| panic!("{e}"));
    store.set_setting("demo_chargee", "oui", 2).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.setting("demo_chargee").await.unwrap_or_else(|e| panic!("{e}")).as_deref(), Some("oui"));
    assert_eq!(store.setting("version_referentiel").await.unwrap_or_else(|e| panic!("{e}")).as_deref(), Some("2026.1"));
    assert_eq!(
        store.setting("Demo_Chargee").await.unwrap_or_else(|e| panic!("{e}")),
        None,
        "les clés distinguent la casse"
    );
    assert!(store.delete_setting("demo_chargee").await.unwrap_or_else(|e| panic!("{e}")));
    assert!(!store.delete_setting("demo_chargee").await.unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(store.setting("demo_chargee").await.unwrap_or_else(|e| panic!("{e}")), None);
    assert!(store.setting("version_referentiel").await.unwrap_or_else(|e| panic!("{e}")).is_some());
}
