//! A real evcxr kernel, reached through the socat relay of its sandbox.

mod common;

use std::io::ErrorKind;
use std::net::TcpListener;
use std::time::Duration;

use kernel::{ExecuteLimits, ExecuteStatus, Output, Transport};

#[tokio::test]
async fn cells_run_and_keep_their_definitions() {
    let mut rust = common::start("rust", &common::config()).await;
    assert!(rust.info().implementation.starts_with("evcxr"), "{:?}", rust.info());
    let outcome = rust
        .execute("fn sq(x: i32) -> i32 { x * x }\nlet x = sq(6) + 6;\nprintln!(\"x = {x}\");\nx")
        .await
        .expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout(), "x = 42\n");
    assert_eq!(outcome.result_text(), Some("42"));
    assert_eq!(rust.evaluate_text("sq(7)").await.expect("évaluation"), "49");
    assert_eq!(rust.evaluate_text("vec![x, 1]").await.expect("évaluation"), "[42, 1]");
    assert!(matches!(rust.evaluate_json("x").await, Err(kernel::KernelError::NoValue(_))));
    rust.shutdown().await;
}

#[tokio::test]
async fn errors_without_ename_and_failed_assertions_are_errors() {
    let mut rust = common::start("rust", &common::config()).await;
    // evcxr's error reply is {"status": "error"} alone: the verdict still comes from it, and the
    // details from the cell's error output.
    let outcome = rust.execute("let y: i32 = \"a\";").await.expect("exécution");
    let ExecuteStatus::Error { ename, evalue, traceback } = &outcome.status else {
        panic!("une erreur était attendue : {outcome:?}");
    };
    assert_eq!(ename, "Error");
    assert_eq!(evalue, "mismatched types");
    assert!(!traceback.is_empty());
    // A panic (a failed assertion) is an error too, however evcxr would have caught it.
    rust.execute("fn sq(x: i32) -> i32 { x * x }").await.expect("exécution");
    let outcome = rust.execute("println!(\"tout va bien\");\nassert_eq!(sq(3), 10);").await.expect("exécution");
    assert!(matches!(outcome.status, ExecuteStatus::Error { .. }), "{outcome:?}");
    assert!(outcome.stderr().contains("assertion `left == right` failed"), "{outcome:?}");
    // Definitions survive the panic.
    assert_eq!(rust.execute("sq(4)").await.expect("exécution").result_text(), Some("16"));
    rust.shutdown().await;
}

#[tokio::test]
async fn an_endless_loop_times_out_and_the_kernel_recovers() {
    let mut rust = common::start("rust", &common::config()).await;
    rust.execute("fn sq(x: i32) -> i32 { x * x }").await.expect("exécution");
    let limits = ExecuteLimits { timeout: Duration::from_secs(3), ..common::config().execution };
    let outcome = rust.execute_with("loop {}", &limits).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Timeout);
    assert!(rust.is_alive());
    assert_eq!(rust.execute("sq(5)").await.expect("exécution").result_text(), Some("25"));
    rust.shutdown().await;
}

#[tokio::test]
async fn an_output_flood_stays_bounded() {
    let mut rust = common::start("rust", &common::config()).await;
    let limits =
        ExecuteLimits { timeout: Duration::from_secs(4), max_output_bytes: 50_000, ..common::config().execution };
    let outcome =
        rust.execute_with("loop { println!(\"{}\", \"x\".repeat(10000)); }", &limits).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Timeout);
    assert!(outcome.truncated);
    let kept: usize = outcome
        .outputs
        .iter()
        .map(|output| match output {
            Output::Stream { text, .. } => text.len(),
            _ => 0,
        })
        .sum();
    assert!(kept <= 50_000, "{kept} octets gardés");
    rust.shutdown().await;
}

#[tokio::test]
async fn the_rust_sandbox_has_no_network_and_no_view_of_the_host() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("écoute sur 127.0.0.1");
    listener.set_nonblocking(true).expect("mode non bloquant");
    let port = listener.local_addr().expect("adresse").port();
    let secret = common::TempDir::new("rust-secret");
    std::fs::write(secret.path.join("corrigé.rs"), "42").expect("écriture du secret");
    let mut config = common::config();
    config.sandbox.transport = Transport::TcpRelay;
    let mut rust = common::start("rust", &config).await;
    let code = format!(
        "let net: &str = std::net::TcpStream::connect((\"127.0.0.1\", {port})).map(|_| \"connecté\").unwrap_or_else(|_| \"refusé\");\nlet file: bool = std::path::Path::new({:?}).exists();\nstd::fs::write(\"rendu.txt\", \"fait\").unwrap();\nformat!(\"{{net}} {{file}}\")",
        secret.path.join("corrigé.rs").display().to_string()
    );
    let outcome = rust.execute(&code).await.expect("exécution");
    assert_eq!(outcome.result_text(), Some("\"refusé false\""), "{outcome:?}");
    match listener.accept() {
        Err(err) if err.kind() == ErrorKind::WouldBlock => {}
        other => panic!("le port de l'hôte a reçu une connexion : {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(rust.scratch_dir().join("rendu.txt")).expect("rendu"), "fait");
    rust.shutdown().await;
}

/// A kernel mirroring a prepared build folder compiles against it but cannot change it: the
/// folder is read-only in the sandbox, and so is every build product linked from the kernel's
/// own writable folder.
#[tokio::test]
async fn a_mirrored_build_folder_serves_every_kernel_and_no_kernel_can_alter_it() {
    let prepared = std::env::temp_dir().join(format!("socle-test-modele-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&prepared);
    let mut config = common::config();
    config.sandbox.build = kernel::BuildFolder::Shared(prepared.clone());
    let mut builder = common::start("rust", &config).await;
    let outcome = builder.execute("fn triple(x: i32) -> i32 { 3 * x }\ntriple(2)").await.expect("exécution");
    assert_eq!(outcome.result_text(), Some("6"), "{outcome:?}");
    builder.shutdown().await;
    let snapshot = |root: &std::path::Path| {
        let mut files = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("lecture").flatten() {
                let meta = entry.metadata().expect("métadonnées");
                if meta.is_dir() {
                    stack.push(entry.path());
                } else {
                    files.push((entry.path(), meta.len(), meta.modified().ok()));
                }
            }
        }
        files.sort();
        files
    };
    let before = snapshot(&prepared);
    assert!(before.iter().any(|(path, _, _)| path.to_string_lossy().contains("/target/")), "rien de compilé");

    config.sandbox.build = kernel::BuildFolder::Mirror(prepared.clone());
    let mut rust = common::start("rust", &config).await;
    assert_eq!(rust.execute("2 + 2").await.expect("exécution").result_text(), Some("4"));
    // Open for writing every build product linked from the kernel's folder, and every file of
    // the prepared folder itself: each attempt must fail.
    let attack = r#"
let mut written = 0;
let mut refused = 0;
let mut stack = vec![std::path::PathBuf::from("/var/cache/socle/evcxr/target"), std::path::PathBuf::from("/opt/socle/compilation")];
while let Some(dir) = stack.pop() {
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() { stack.push(path); continue; }
        // The kernel's own copies (lock files, its own crate) are its to write.
        if path.starts_with("/var/cache/socle") && !path.is_symlink() { continue; }
        match std::fs::OpenOptions::new().append(true).open(&path) {
            Ok(_) => written += 1,
            Err(_) => refused += 1,
        }
    }
}
(written, refused > 0)"#;
    let outcome = rust.execute(attack).await.expect("exécution");
    assert_eq!(outcome.result_text(), Some("(0, true)"), "{outcome:?}");
    rust.shutdown().await;
    assert_eq!(snapshot(&prepared), before, "le dossier préparé a changé");
    std::fs::remove_dir_all(&prepared).expect("nettoyage");
}
