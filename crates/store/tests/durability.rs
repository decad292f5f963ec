//! Nothing acknowledged is lost when the writing process is killed: a child process (this test
//! binary started again with `SOCLE_STORE_DURABILITY_DB` set) writes a stream of programmes and
//! prints each id once its transactions have committed; the parent kills it with SIGKILL in the
//! middle of the stream, reopens the database and finds every acknowledged write, whole.
//!
//! The file runs without the test harness (`harness = false` in Cargo.toml) so that the child
//! mode is a plain branch of `main`, not a test that would pass without checking anything.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use store::{Actor, LabelChange, LabelState, NewProgramme, ProgrammeFilter, ProgrammeId, Store};

/// Set in the child: the database file to write to.
const CHILD_ENV: &str = "SOCLE_STORE_DURABILITY_DB";

/// The parent kills the child after reading this many acknowledgements.
const ACKS_BEFORE_KILL: usize = 120;

/// The child stops by itself after this many writes, should nobody kill it.
const CHILD_LIMIT: i64 = 100_000;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime tokio")
}

/// The child: each step creates a programme (one transaction), moves it to `submitted` (a
/// second one), then prints its id.
fn child(path: std::ffi::OsString) {
    runtime().block_on(async {
        let store = Store::open(&path).await.unwrap_or_else(|error| panic!("{error}"));
        let org = common::organisation(&store, "Université Exemple").await;
        let mut stdout = std::io::stdout().lock();
        for step in 0..CHILD_LIMIT {
            let slug = format!("programme-{step}");
            let new = NewProgramme {
                organisation_id: org.id,
                data: common::data(&slug, &slug),
                example: false,
                created_by: Actor::System,
                created_at: step,
            };
            let created = store.create_programme(&new).await.unwrap_or_else(|error| panic!("{error}"));
            let submit = LabelChange {
                from: LabelState::Draft,
                to: LabelState::Submitted,
                actor: Actor::System,
                at: step,
                reason: "envoi".to_owned(),
                issue: None,
                revoke_credentials: false,
            };
            store.transition_label(created.id, &submit).await.unwrap_or_else(|error| panic!("{error}"));
            writeln!(stdout, "{}", created.id.0).and_then(|()| stdout.flush()).expect("stdout");
        }
    });
}

fn parent() {
    let dir = common::TempDir::new("durabilite");
    let path = dir.path.join("socle.db");
    let mut child = Command::new(std::env::current_exe().expect("chemin du binaire de test"))
        .env(CHILD_ENV, &path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("lancement de l'enfant");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout de l'enfant"));
    let mut acknowledged: Vec<i64> = Vec::new();
    let mut line = String::new();
    let mut killed = false;
    loop {
        line.clear();
        let read = reader.read_line(&mut line).expect("lecture de l'enfant");
        // A line without its newline was cut by the kill: it was never fully acknowledged.
        if read == 0 || !line.ends_with('\n') {
            break;
        }
        acknowledged.push(line.trim().parse().unwrap_or_else(|_| panic!("ligne inattendue : {line:?}")));
        if !killed && acknowledged.len() == ACKS_BEFORE_KILL {
            child.kill().expect("SIGKILL");
            killed = true;
        }
    }
    let status = child.wait().expect("fin de l'enfant");
    assert_eq!(status.signal(), Some(9), "l'enfant devait mourir de SIGKILL en pleine écriture : {status:?}");
    assert!(acknowledged.len() >= ACKS_BEFORE_KILL, "{} accusés de réception seulement", acknowledged.len());

    runtime().block_on(async {
        let store = Store::open(&path).await.unwrap_or_else(|error| panic!("réouverture : {error}"));
        let problems = store.integrity_check().await.unwrap_or_else(|error| panic!("{error}"));
        assert!(problems.is_empty(), "base abîmée : {problems:?}");
        for id in &acknowledged {
            let programme = store
                .programme(ProgrammeId(*id))
                .await
                .unwrap_or_else(|error| panic!("{error}"))
                .unwrap_or_else(|| panic!("la formation {id} a été confirmée puis perdue"));
            assert_eq!(programme.label_state, LabelState::Submitted, "formation {id}");
            assert_eq!(programme.competences.len(), 2, "formation {id}");
            let history = store.label_history(programme.id).await.unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(history.len(), 2, "historique de la formation {id}");
        }
        // At most the step under way when the kill came is on disk without its acknowledgement,
        // and every transaction is whole: a state always has its history entry.
        let all = store.programmes(&ProgrammeFilter::default()).await.unwrap_or_else(|error| panic!("{error}"));
        assert!(all.len() <= acknowledged.len() + 1, "{} formations pour {} accusés", all.len(), acknowledged.len());
        for programme in &all {
            let history = store.label_history(programme.id).await.unwrap_or_else(|error| panic!("{error}"));
            let expected = if programme.label_state == LabelState::Submitted { 2 } else { 1 };
            assert_eq!(history.len(), expected, "formation {} dans l'état {:?}", programme.id, programme.label_state);
        }
        store.close().await;
        println!(
            "durabilité : {} écritures confirmées avant SIGKILL, toutes retrouvées ({} formations en base)",
            acknowledged.len(),
            all.len()
        );
    });
}

fn main() {
    match std::env::var_os(CHILD_ENV) {
        Some(path) => child(path),
        None => parent(),
    }
}
