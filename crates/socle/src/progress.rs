//! Progress of long commands on a terminal: a counter with a spinner, hidden when stderr is not
//! a terminal (tests, logs, pipes).

use std::io::IsTerminal;

/// A counter of items done, labelled in French (`1234 réponses lues`).
pub fn spinner(label: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {label} ({{per_sec}})")) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
