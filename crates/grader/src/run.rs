//! Runs a merged notebook in a sandboxed kernel: cells in order, each question's tests and
//! probes when its cell comes, canaries between them. Nothing here decides a grade.

use std::time::Duration;

use kernel::{ExecuteLimits, ExecuteOutcome, ExecuteStatus, Kernel, KernelError};

use crate::assignment::{Assignment, CellKind, Language, Merged, let_bindings, mentions};
use crate::canary::{Rng, canary, derived_canary};

/// What a probe evaluation gave.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeRun {
    /// The `text/plain` of the value.
    Value(String),
    /// The expression raised.
    Error {
        /// Exception or error name, possibly empty.
        ename: String,
    },
    /// It ran past its time.
    Timeout,
    /// The kernel was dead.
    Dead,
}

/// What one question's cell gave.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionRun {
    /// The test code's outcome, when the question has test code.
    pub test: Option<ExecuteOutcome>,
    /// One result per probe.
    pub probes: Vec<ProbeRun>,
}

/// Everything one execution gave.
#[derive(Debug, Clone, Default)]
pub struct Execution {
    /// Outcome of each merged cell (`None` for text cells and cells not run).
    pub cells: Vec<Option<ExecuteOutcome>>,
    /// Result of each question, by question index (`None` if its cell never ran).
    pub questions: Vec<Option<QuestionRun>>,
    /// Whether each canary passed (it must not).
    pub canaries: Vec<bool>,
    /// Position of the cell during which the kernel died, if it did.
    pub died_at: Option<usize>,
    /// Protocol-level failures, in French.
    pub problems: Vec<String>,
    /// Code the grader sent that the learner must never see (canaries).
    pub sent: Vec<String>,
}

impl Execution {
    /// Whether at least one canary passed.
    pub fn tampered(&self) -> bool {
        self.canaries.iter().any(|passed| *passed)
    }
}

fn is_dead(outcome: &ExecuteOutcome) -> bool {
    outcome.status == ExecuteStatus::Dead
}

/// Runs `merged` in `kernel`. With `canaries`, a canary precedes each question and one follows
/// the last cell.
pub async fn execute(
    assignment: &Assignment,
    merged: &Merged,
    kernel: &mut Kernel,
    limits: &ExecuteLimits,
    canaries: Option<u64>,
) -> Execution {
    let mut execution = Execution {
        cells: vec![None; merged.cells.len()],
        questions: vec![None; assignment.questions.len()],
        ..Execution::default()
    };
    let mut rng = canaries.map(Rng::new);
    let rust = assignment.language == Language::Rust;
    // Rust cells holding only items (functions, types…) wait for the next question: they are
    // compiled together with its tests, one compile instead of two (see `run_question`).
    let mut pending: Vec<usize> = Vec::new();
    for (position, cell) in merged.cells.iter().enumerate() {
        if execution.died_at.is_some() {
            break;
        }
        match cell.kind {
            CellKind::Text => {}
            CellKind::Code if rust && items_only(&cell.text) => pending.push(position),
            CellKind::Code => {
                run_items(kernel, merged, &std::mem::take(&mut pending), limits, &mut execution).await;
                if execution.died_at.is_some() {
                    break;
                }
                let outcome = run_code(kernel, &cell.text, limits, &mut execution).await;
                if is_dead(&outcome) {
                    execution.died_at = Some(position);
                }
                execution.cells[position] = Some(outcome);
            }
            CellKind::Question(question_idx) => {
                let question = &assignment.questions[question_idx];
                let items = std::mem::take(&mut pending);
                if let Some(rng) = rng.as_mut().filter(|_| !rust) {
                    // A canary made from the question's own assertions and, where a cell is cheap
                    // to run (Python; every Rust cell is compiled), a generic one, in an order
                    // the submission cannot predict. Rust gets its generic canary at the end.
                    let mut codes = Vec::new();
                    if assignment.language == Language::Python {
                        codes.push(canary(assignment.language, rng));
                    }
                    if let Some(derived) = derived_canary(assignment.language, &question.test_code, rng) {
                        codes.push(derived);
                    }
                    if rng.next_u64() % 2 == 0 {
                        codes.reverse();
                    }
                    for code in codes {
                        run_canary(kernel, &code, limits, &mut execution).await;
                        if execution.died_at.is_some() {
                            break;
                        }
                    }
                    if execution.died_at.is_some() {
                        execution.died_at = Some(position);
                        break;
                    }
                }
                let expressions: Vec<&str> = question.probes.iter().map(|probe| probe.expression.as_str()).collect();
                // A Rust kernel compiles every cell: when the test code ends with a statement, the
                // probes ride along as the cell's final tuple, one compile for both. The verdict
                // is still the reply status; the values are read only if it is `ok`.
                let probes_ride = rust
                    && !expressions.is_empty()
                    && (question.test_code.is_empty() || question.test_code.trim_end().ends_with(';'));
                let probe_tuple = format!("({},)", expressions.join(", "));
                let test_code = match (question.test_code.is_empty(), probes_ride) {
                    (true, true) => Some(probe_tuple.clone()),
                    (true, false) => None,
                    (false, true) => Some(format!("{}\n{probe_tuple}", question.test_code.trim_end())),
                    (false, false) => Some(question.test_code.clone()),
                };
                let test_code = test_code.map(|code| {
                    if !rust {
                        return code;
                    }
                    // The probes, riding or not, may use the test's bindings: a probe returning a
                    // reference to one could not be the value of a block.
                    scoped_test(&code, &|name| needed_later(assignment, merged, position, &expressions, name))
                });
                let outcome = match test_code {
                    Some(code) => Some(run_question(kernel, merged, &items, &code, limits, &mut execution).await),
                    None => {
                        run_items(kernel, merged, &items, limits, &mut execution).await;
                        None
                    }
                };
                if execution.died_at.is_some() {
                    execution.died_at = Some(position);
                    break;
                }
                let test = outcome.clone().filter(|_| !question.test_code.is_empty());
                if let Some(test) = &test {
                    execution.cells[position] = Some(test.clone());
                }
                let fused_values = outcome.as_ref().filter(|_| probes_ride).and_then(|outcome| {
                    if outcome.status != ExecuteStatus::Ok {
                        return None;
                    }
                    split_tuple(outcome.result_text()?, expressions.len())
                });
                let probes = if let Some(values) = fused_values {
                    values
                } else if test.as_ref().is_some_and(is_dead) || !kernel.is_alive() {
                    vec![ProbeRun::Dead; question.probes.len()]
                } else {
                    evaluate_all(assignment.language, kernel, &expressions, &mut execution).await
                };
                if test.as_ref().is_some_and(is_dead) || probes.contains(&ProbeRun::Dead) {
                    execution.died_at = Some(position);
                }
                execution.questions[question_idx] = Some(QuestionRun { test, probes });
                // Rust: the canary made from the question's assertions comes after them, once
                // the answer's functions exist (before, it could not even compile), and only when
                // they passed: assertions that failed score nothing, so there is nothing for a
                // canary to protect, and each Rust cell costs a compile.
                let passed = execution.questions[question_idx]
                    .as_ref()
                    .and_then(|run| run.test.as_ref())
                    .is_some_and(|test| test.status == ExecuteStatus::Ok);
                if rust
                    && passed
                    && execution.died_at.is_none()
                    && let Some(rng) = rng.as_mut()
                    && let Some(derived) = derived_canary(assignment.language, &question.test_code, rng)
                {
                    run_canary(kernel, &derived, limits, &mut execution).await;
                    if execution.died_at.is_some() {
                        execution.died_at = Some(position);
                    }
                }
            }
        }
    }
    if execution.died_at.is_none() {
        run_items(kernel, merged, &pending, limits, &mut execution).await;
    }
    if execution.died_at.is_none()
        && let Some(rng) = rng.as_mut()
    {
        let code = canary(assignment.language, rng);
        run_canary(kernel, &code, limits, &mut execution).await;
    }
    execution
}

/// Rust test code in a block of its own when it binds variables with top-level `let` that nothing
/// run later needs (`needed`). evcxr infers the type of every top-level `let` binding with
/// rust-analyzer, to keep its value for later cells, and the first inference loads every
/// dependency of the kernel (polars, through labkit): 10 to 13 s per kernel measured outside the
/// sandbox. In a block, the bindings end with the test, as they would at its first panic anyway
/// (`Assignment::state_warnings`). The block keeps the test's last expression as the cell's value
/// (the probes' tuple), and is closed by `;` when the test ends with a statement, so that the cell
/// shows nothing more than before. Code that does not parse as Rust statements is left as it is.
fn scoped_test(code: &str, needed: &dyn Fn(&str) -> bool) -> String {
    let names = let_bindings(code);
    if names.is_empty() || names.iter().any(|name| needed(name)) {
        return code.to_owned();
    }
    let code = code.trim_end();
    let Ok(block) = syn::parse_str::<syn::Block>(&format!("{{\n{code}\n}}")) else {
        return code.to_owned();
    };
    let ends_with_value = matches!(block.stmts.last(), Some(syn::Stmt::Expr(_, None)));
    // The opening brace shares the first line, so that line numbers in errors stay the test's.
    format!("{{ {code}\n}}{}", if ends_with_value { "" } else { ";" })
}

/// Whether something run with or after the test of the question at `position` may use its
/// binding `name`: the question's `probes`, or a later code cell or question that mentions the
/// name without binding it itself.
fn needed_later(assignment: &Assignment, merged: &Merged, position: usize, probes: &[&str], name: &str) -> bool {
    let uses_unbound = |code: &str, more: &[&str]| {
        (mentions(code, name) || more.iter().any(|text| mentions(text, name)))
            && !let_bindings(code).iter().any(|bound| bound == name)
    };
    probes.iter().any(|probe| mentions(probe, name))
        || merged.cells[position + 1..].iter().any(|cell| match cell.kind {
            CellKind::Text => false,
            CellKind::Code => uses_unbound(&cell.text, &[]),
            CellKind::Question(idx) => {
                let question = &assignment.questions[idx];
                let probes: Vec<&str> = question.probes.iter().map(|probe| probe.expression.as_str()).collect();
                uses_unbound(&question.test_code, &probes)
            }
        })
}

/// Whether a Rust cell holds only items (functions, types, `use`, constants…): compiling it runs
/// nothing, so it may be compiled together with the code that follows.
pub fn items_only(code: &str) -> bool {
    !code.trim().is_empty() && syn::parse_file(code).is_ok()
}

/// Compiles the items-only cells at `positions` as one cell; if that fails, each alone (a failed
/// compile changes nothing in the kernel), so every cell gets its own outcome.
async fn run_items(
    kernel: &mut Kernel,
    merged: &Merged,
    positions: &[usize],
    limits: &ExecuteLimits,
    execution: &mut Execution,
) {
    if positions.is_empty() {
        return;
    }
    if positions.len() > 1 {
        let code = joined(merged, positions);
        let outcome = run_code(kernel, &code, limits, execution).await;
        if outcome.status == ExecuteStatus::Ok {
            for &position in positions {
                execution.cells[position] = Some(compiled_with(&outcome));
            }
            return;
        }
        if is_dead(&outcome) {
            execution.died_at = Some(positions[0]);
            return;
        }
    }
    for &position in positions {
        let outcome = run_code(kernel, &merged.cells[position].text, limits, execution).await;
        let dead = is_dead(&outcome);
        execution.cells[position] = Some(outcome);
        if dead {
            execution.died_at = Some(position);
            return;
        }
    }
}

/// Runs a question's test `code` after the items-only cells at `positions`, in one compile when
/// possible, with exactly the outcome of running them one after the other: if the combined cell
/// fails, the items run alone; when they compile, the failure was the test's (its verdict);
/// when they do not, nothing had run (a compile error), and the test runs alone.
async fn run_question(
    kernel: &mut Kernel,
    merged: &Merged,
    positions: &[usize],
    code: &str,
    limits: &ExecuteLimits,
    execution: &mut Execution,
) -> ExecuteOutcome {
    if positions.is_empty() {
        return run_code(kernel, code, limits, execution).await;
    }
    let combined = format!("{}\n{code}", joined(merged, positions));
    let outcome = run_code(kernel, &combined, limits, execution).await;
    if outcome.status == ExecuteStatus::Ok {
        for &position in positions {
            execution.cells[position] = Some(compiled_with(&outcome));
        }
        return outcome;
    }
    if is_dead(&outcome) {
        execution.died_at = Some(positions[0]);
        return outcome;
    }
    run_items(kernel, merged, positions, limits, execution).await;
    if execution.died_at.is_some() {
        return outcome;
    }
    let items_compiled = positions
        .iter()
        .all(|&position| execution.cells[position].as_ref().is_some_and(|cell| cell.status == ExecuteStatus::Ok));
    if items_compiled { outcome } else { run_code(kernel, code, limits, execution).await }
}

fn joined(merged: &Merged, positions: &[usize]) -> String {
    positions.iter().map(|&position| merged.cells[position].text.as_str()).collect::<Vec<_>>().join("\n")
}

/// The outcome recorded for an items-only cell compiled as part of a larger one: it succeeded
/// and, holding only items, showed nothing.
fn compiled_with(outcome: &ExecuteOutcome) -> ExecuteOutcome {
    ExecuteOutcome {
        status: ExecuteStatus::Ok,
        outputs: Vec::new(),
        truncated: false,
        execution_count: outcome.execution_count,
        duration: Duration::ZERO,
    }
}

async fn run_code(
    kernel: &mut Kernel,
    code: &str,
    limits: &ExecuteLimits,
    execution: &mut Execution,
) -> ExecuteOutcome {
    match kernel.execute_with(code, limits).await {
        Ok(outcome) => outcome,
        Err(err) => {
            execution.problems.push(format!("échange avec le noyau impossible : {err}"));
            ExecuteOutcome {
                status: ExecuteStatus::Dead,
                outputs: Vec::new(),
                truncated: false,
                execution_count: None,
                duration: Duration::ZERO,
            }
        }
    }
}

/// The values of a tuple of `n` probes shown as one text (`(49.0, "a")`), one per probe; `None`
/// when the text is not a tuple of that length.
fn split_tuple(text: &str, n: usize) -> Option<Vec<ProbeRun>> {
    match crate::value::parse(text) {
        crate::value::ProbeValue::List(items) if items.len() == n => {
            Some(items.iter().map(|item| ProbeRun::Value(item.to_string())).collect())
        }
        _ => None,
    }
}

/// Evaluates a question's probes. A Rust kernel compiles every evaluation, so its probes go in
/// one cell where each is shown with `{:?}` under its own `catch_unwind`: a probe that panics (a
/// learner's `todo!()`) fails alone, without ending evcxr's subprocess and the variables it holds.
/// If that cell does not compile (one probe's types do not fit), each is evaluated alone.
async fn evaluate_all(
    language: Language,
    kernel: &mut Kernel,
    expressions: &[&str],
    execution: &mut Execution,
) -> Vec<ProbeRun> {
    if language == Language::Rust
        && let ProbeRun::Value(text) = evaluate(kernel, &guarded_probes(expressions), execution).await
        && let Some(values) = split_guarded(&text, expressions.len())
    {
        return values;
    }
    let mut results = Vec::with_capacity(expressions.len());
    for expression in expressions {
        let result = if kernel.is_alive() { evaluate(kernel, expression, execution).await } else { ProbeRun::Dead };
        results.push(result);
    }
    results
}

/// The Rust cell evaluating `expressions` each under `catch_unwind`: a tuple of strings, the
/// value's `{:?}` text, or an empty string when the probe panicked.
fn guarded_probes(expressions: &[&str]) -> String {
    let calls: Vec<String> = expressions.iter().map(|expression| format!("socle_sonde(|| {expression})")).collect();
    format!(
        "{{\nfn socle_sonde<T: ::std::fmt::Debug>(probe: impl FnOnce() -> T) -> ::std::string::String {{\n    \
         ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| ::std::format!(\"{{:?}}\", probe()))).unwrap_or_default()\n}}\n\
         ({},)\n}}",
        calls.join(", ")
    )
}

/// The probe results of a [`guarded_probes`] cell's value; `None` if it is not a tuple of `n`
/// strings.
fn split_guarded(text: &str, n: usize) -> Option<Vec<ProbeRun>> {
    let crate::value::ProbeValue::List(items) = crate::value::parse(text) else {
        return None;
    };
    if items.len() != n {
        return None;
    }
    items
        .into_iter()
        .map(|item| match item {
            crate::value::ProbeValue::Str(shown) if shown.is_empty() => {
                Some(ProbeRun::Error { ename: "panic".to_owned() })
            }
            crate::value::ProbeValue::Str(shown) => Some(ProbeRun::Value(shown)),
            _ => None,
        })
        .collect()
}

/// Evaluates a probe with the kernel's own execution limits.
async fn evaluate(kernel: &mut Kernel, expression: &str, execution: &mut Execution) -> ProbeRun {
    match kernel.evaluate_text(expression).await {
        Ok(text) => ProbeRun::Value(text),
        Err(KernelError::Expression { ename, .. }) => ProbeRun::Error { ename },
        Err(KernelError::NoValue(_)) => ProbeRun::Error { ename: String::new() },
        Err(KernelError::EvaluationTimeout) => ProbeRun::Timeout,
        Err(KernelError::Dead) => ProbeRun::Dead,
        Err(err) => {
            if kernel.is_alive() {
                ProbeRun::Error { ename: String::new() }
            } else {
                execution.problems.push(format!("le noyau s'est arrêté pendant une sonde : {err}"));
                ProbeRun::Dead
            }
        }
    }
}

async fn run_canary(kernel: &mut Kernel, code: &str, limits: &ExecuteLimits, execution: &mut Execution) {
    execution.sent.push(code.to_owned());
    let outcome = run_code(kernel, code, limits, execution).await;
    match outcome.status {
        ExecuteStatus::Ok => execution.canaries.push(true),
        ExecuteStatus::Dead => execution.died_at = Some(0),
        _ => execution.canaries.push(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_tests_with_bindings_nothing_later_needs_run_in_a_block() {
        let nothing = |_: &str| false;
        // Bindings, then the probes' tuple: the block's value is the tuple.
        let test = "let z = f(2);\nassert_eq!(z, 4);\n(f(3),)";
        assert_eq!(scoped_test(test, &nothing), "{ let z = f(2);\nassert_eq!(z, 4);\n(f(3),)\n}");
        // Ending with a statement: closed by `;`, the cell shows no `()`.
        assert_eq!(scoped_test("let z = f(2);\nassert!(z > 0);\n", &nothing), "{ let z = f(2);\nassert!(z > 0);\n};");
        // Without a binding, nothing changes.
        assert_eq!(scoped_test("assert_eq!(f(2), 4);", &nothing), "assert_eq!(f(2), 4);");
        // A binding needed later stays top-level.
        assert_eq!(scoped_test("let z = f(2);\nz", &|name| name == "z"), "let z = f(2);\nz");
        // Not Rust statements (an evcxr command): as it is.
        let command = ":dep rand = \"0.9\"\nlet x = 1;";
        assert_eq!(scoped_test(command, &nothing), command);
    }

    #[test]
    fn guarded_probes_are_one_block_and_their_values_split_back() {
        let cell = guarded_probes(&["carre(3)", "nom()"]);
        assert!(cell.starts_with('{') && cell.ends_with('}'), "{cell}");
        assert!(cell.contains("(socle_sonde(|| carre(3)), socle_sonde(|| nom()),)"), "{cell}");
        let values = split_guarded(r#"("9", "")"#, 2).expect("deux sondes");
        assert_eq!(values, [ProbeRun::Value("9".to_owned()), ProbeRun::Error { ename: "panic".to_owned() }]);
        assert_eq!(split_guarded(r#"("9",)"#, 2), None);
        assert_eq!(split_guarded("(9, 3)", 2), None);
    }
}
