//! Clones of one store used from many tasks at once, on a database file: every write lands,
//! readers see committed rows, and two processes' worth of handles share the file safely.

mod common;

use common::{TempDir, data, organisation};
use store::{Actor, LabelChange, LabelState, ProgrammeFilter, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_and_readers_on_clones_lose_nothing() {
    let dir = TempDir::new("concurrence");
    let store = Store::open(dir.path.join("socle.db")).await.unwrap_or_else(|e| panic!("{e}"));
    let org = organisation(&store, "Université Exemple").await;
    let mut tasks = Vec::new();
    for writer in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for index in 0..15 {
                let slug = format!("prog-{writer}-{index}");
                let created = common::programme(&store, org.id, data(&slug, &slug), index).await;
                let submit = LabelChange {
                    from: LabelState::Draft,
                    to: LabelState::Submitted,
                    actor: Actor::System,
                    at: index + 1,
                    reason: String::new(),
                    issue: None,
                    revoke_credentials: false,
                };
                store.transition_label(created.id, &submit).await.unwrap_or_else(|e| panic!("{e}"));
                // What a write returned is visible to the next read, through the read pool.
                let read = store.programme(created.id).await.unwrap_or_else(|e| panic!("{e}")).expect("relue");
                assert_eq!(read.label_state, LabelState::Submitted);
            }
        }));
    }
    for _ in 0..2 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..20 {
                let listed = store.programmes(&ProgrammeFilter::default()).await.unwrap_or_else(|e| panic!("{e}"));
                // A snapshot never shows a programme without its competences.
                assert!(listed.iter().all(|programme| programme.competences.len() == 2));
            }
        }));
    }
    for task in tasks {
        task.await.expect("tâche");
    }
    let all = store.programmes(&ProgrammeFilter::default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), 90);
    assert!(all.iter().all(|programme| programme.label_state == LabelState::Submitted));
    // A second handle on the same file (as a CLI command run beside the server would open)
    // sees everything and can write too.
    let other = Store::open(dir.path.join("socle.db")).await.unwrap_or_else(|e| panic!("{e}"));
    organisation(&other, "École Autre").await;
    assert_eq!(store.organisations().await.unwrap_or_else(|e| panic!("{e}")).len(), 2);
    assert!(other.integrity_check().await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    other.close().await;
    store.close().await;
}
