//! A real ipykernel in its sandbox: outputs, verdicts, timeouts, output floods, death, evaluation.

mod common;

use kernel::{ExecuteLimits, ExecuteStatus, Output};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_cell_gives_its_streams_displays_and_result() {
    let mut python = common::start("python3", &common::config()).await;
    let outcome = python
        .execute("import sys\nprint('bonjour')\nprint('oups', file=sys.stderr)\nfrom IPython.display import display, HTML\ndisplay(HTML('<b>gras</b>'))\n6 * 7")
        .await
        .expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout(), "bonjour\n");
    assert_eq!(outcome.stderr(), "oups\n");
    assert_eq!(outcome.result_text(), Some("42"));
    assert!(outcome.outputs.iter().any(|output| matches!(output,
        Output::DisplayData { data, .. } if data["text/html"] == "<b>gras</b>")));
    assert!(!outcome.truncated);
    // State persists from cell to cell.
    let next = python.execute("x = 5").await.expect("exécution");
    assert_eq!(next.status, ExecuteStatus::Ok);
    assert_eq!(python.execute("x + 1").await.expect("exécution").result_text(), Some("6"));
    python.shutdown().await;
}

#[tokio::test]
async fn an_error_reply_is_an_error_whatever_the_code_printed() {
    let mut python = common::start("python3", &common::config()).await;
    let outcome = python.execute("print('tout va bien, 10/10')\n1 / 0").await.expect("exécution");
    let ExecuteStatus::Error { ename, evalue, traceback } = &outcome.status else {
        panic!("une erreur était attendue : {outcome:?}");
    };
    assert_eq!(ename, "ZeroDivisionError");
    assert_eq!(evalue, "division by zero");
    assert!(!traceback.is_empty());
    assert!(
        outcome
            .outputs
            .iter()
            .any(|output| matches!(output, Output::Error { ename, .. } if ename == "ZeroDivisionError"))
    );
    // stop_on_error is false: the next cell runs.
    assert_eq!(python.execute("'encore là'").await.expect("exécution").status, ExecuteStatus::Ok);
    python.shutdown().await;
}

#[tokio::test]
async fn a_busy_loop_times_out_and_is_interrupted() {
    let mut python = common::start("python3", &common::config()).await;
    let limits = ExecuteLimits { timeout: Duration::from_secs(2), ..common::config().execution };
    let outcome = python.execute_with("while True:\n    pass", &limits).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Timeout);
    assert!(
        outcome.duration >= Duration::from_secs(2) && outcome.duration < Duration::from_secs(15),
        "{:?}",
        outcome.duration
    );
    // The interrupt stopped the loop: the kernel lives on.
    assert!(python.is_alive());
    assert_eq!(python.execute("1 + 1").await.expect("exécution").result_text(), Some("2"));
    python.shutdown().await;
}

#[tokio::test]
async fn a_loop_deaf_to_interrupts_times_out_and_the_sandbox_is_killed() {
    let mut python = common::start("python3", &common::config()).await;
    let limits = ExecuteLimits {
        timeout: Duration::from_secs(2),
        interrupt_grace: Duration::from_secs(2),
        ..common::config().execution
    };
    let code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass";
    let outcome = python.execute_with(code, &limits).await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Timeout);
    assert!(!python.is_alive());
    assert_eq!(python.execute("1").await.expect("exécution").status, ExecuteStatus::Dead);
    python.shutdown().await;
}

#[tokio::test]
async fn an_output_flood_stays_bounded_and_is_marked_truncated() {
    let mut python = common::start("python3", &common::config()).await;
    let limits =
        ExecuteLimits { timeout: Duration::from_secs(5), max_output_bytes: 100_000, ..common::config().execution };
    let outcome = python.execute_with("while True:\n    print('x' * 10000)", &limits).await.expect("exécution");
    // The kernel buffers what it cannot send fast enough: it may hit its own memory limit first.
    assert!(matches!(outcome.status, ExecuteStatus::Timeout | ExecuteStatus::Dead), "{:?}", outcome.status);
    assert!(outcome.truncated);
    let kept: usize = outcome
        .outputs
        .iter()
        .map(|output| match output {
            Output::Stream { text, .. } => text.len(),
            _ => 0,
        })
        .sum();
    assert!(kept <= 100_000 && kept > 50_000, "{kept} octets gardés");
    python.shutdown().await;
}

#[tokio::test]
async fn a_kernel_that_exits_is_dead() {
    let mut python = common::start("python3", &common::config()).await;
    let outcome = python.execute("import os\nos._exit(1)").await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Dead);
    assert!(!python.is_alive());
    assert_eq!(python.execute("1").await.expect("exécution").status, ExecuteStatus::Dead);
    python.shutdown().await;
}

#[tokio::test]
async fn expressions_evaluate_to_bundles_texts_and_json() {
    let mut python = common::start("python3", &common::config()).await;
    python.execute("def sq(x):\n    return x * x\nname = \"l'été\"").await.expect("exécution");
    let bundle = python.evaluate("sq(7)").await.expect("évaluation");
    assert_eq!(bundle["text/plain"], "49");
    assert_eq!(python.evaluate_text("name").await.expect("évaluation"), "\"l'été\"");
    let value = python.evaluate_json("{'n': sq(3), 'name': name, 'xs': [1.5, None, True]}").await.expect("évaluation");
    assert_eq!(value, json!({"n": 9, "name": "l'été", "xs": [1.5, null, true]}));
    match python.evaluate_json("undefined_name").await {
        Err(kernel::KernelError::Expression { ename, .. }) => assert_eq!(ename, "NameError"),
        other => panic!("NameError attendue : {other:?}"),
    }
    match python.evaluate_json("float('nan')").await {
        Err(kernel::KernelError::Expression { ename, .. }) => assert_eq!(ename, "ValueError"),
        other => panic!("ValueError attendue : {other:?}"),
    }
    // Evaluations leave no trace in the execution counter.
    let before = python.execute("1").await.expect("exécution").execution_count;
    python.evaluate("sq(2)").await.expect("évaluation");
    let after = python.execute("1").await.expect("exécution").execution_count;
    assert_eq!(after, before.map(|count| count + 1));
    python.shutdown().await;
}

#[test]
fn the_blocking_front_runs_cells_too() {
    let spec = common::spec("python3");
    let mut python = kernel::BlockingKernel::start(&spec, &common::config()).expect("démarrage");
    let outcome = python.execute("print(sum(range(10)))").expect("exécution");
    assert_eq!(outcome.stdout(), "45\n");
    assert_eq!(python.evaluate_json("[1, 2]").expect("évaluation"), json!([1, 2]));
    python.shutdown();
}

#[tokio::test]
async fn the_virtual_environment_s_own_kernelspec_runs_its_python() {
    // ipykernel installs `"argv": ["python", …]` in the environment: `python` is its own.
    let venv = std::env::var_os("SOCLE_VENV").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/socle/venv")
    });
    let spec = kernel::find_kernelspec("python3", &[venv.join("share/jupyter")]).unwrap_or_else(|err| {
        panic!("noyau python3 de l'environnement introuvable : lancez `cargo xtask setup` ({err})")
    });
    assert_eq!(spec.argv[0], "python");
    let mut python = kernel::Kernel::start(&spec, &common::config()).await.expect("démarrage");
    let prefix = python.evaluate_text("__import__('sys').prefix").await.expect("évaluation");
    assert_eq!(prefix, format!("'{}'", venv.display()));
    // A cell that ends the kernel after finishing keeps its own verdict.
    let outcome = python.execute("print('au revoir')\nexit()").await.expect("exécution");
    assert_eq!(outcome.status, ExecuteStatus::Ok, "{outcome:?}");
    python.shutdown().await;
}
