//! What the learner must never read back: hidden tests and canaries. A submission can capture
//! the code the kernel runs after it (an input hook, a trace function) and print it or put it in
//! an error message later; every text that reaches a report or a feedback notebook goes through
//! [`Secrets::scrub`].

use crate::assignment::Assignment;

/// Lines shorter than this are too common to be secrets (`else:`, `pass`).
const MIN_SECRET_CHARS: usize = 8;

/// The secret lines of one grading.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    lines: Vec<String>,
}

/// What replaces a text that quotes a secret.
pub const MASKED: &str = "[socle] texte masqué : il reproduit du code de correction caché";

impl Secrets {
    /// The hidden tests of the assignment and the canaries sent during the run.
    pub fn new(assignment: &Assignment, sent: &[String]) -> Secrets {
        let config = notebook::HiddenTestsConfig::default();
        let mut lines: Vec<String> = Vec::new();
        for question in &assignment.questions {
            let source = assignment.source.cells[question.cell_idx].source_text();
            if let Ok(regions) = notebook::hidden_test_regions(&source, &config) {
                for region in regions {
                    lines.extend(
                        region
                            .lines()
                            .map(str::trim)
                            .filter(|line| line.chars().count() >= MIN_SECRET_CHARS)
                            .map(str::to_owned),
                    );
                }
            }
        }
        for code in sent {
            lines.extend(
                code.lines().map(str::trim).filter(|line| line.chars().count() >= MIN_SECRET_CHARS).map(str::to_owned),
            );
        }
        lines.sort();
        lines.dedup();
        Secrets { lines }
    }

    /// Whether a text quotes a secret line.
    pub fn leaks(&self, text: &str) -> bool {
        self.lines.iter().any(|line| text.contains(line.as_str()))
    }

    /// The text itself, or [`MASKED`] when it quotes a secret line.
    pub fn scrub(&self, text: &str) -> String {
        if self.leaks(text) { MASKED.to_owned() } else { text.to_owned() }
    }
}
