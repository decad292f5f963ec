//! What running a cell gives back, and how outputs are gathered under a size cap while they stream.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire::Incoming;

/// How a cell ended. Only the kernel's reply decides between `Ok`, `Error` and `Aborted`; what
/// the code printed never does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ExecuteStatus {
    /// The reply's status was `ok`.
    Ok,
    /// The reply's status was `error`. Fields the kernel left out are empty (evcxr gives no
    /// `ename`); they are then taken from the cell's `error` output when there is one.
    Error {
        /// Exception or error name (`ZeroDivisionError`), possibly empty.
        ename: String,
        /// Error message.
        evalue: String,
        /// Traceback lines, possibly with ANSI colours.
        traceback: Vec<String>,
    },
    /// The reply's status was `aborted`: the kernel did not run the cell.
    Aborted,
    /// The cell ran past its wall-clock timeout. The kernel was interrupted; if it did not come
    /// back within the grace period it was killed (see [`Kernel::is_alive`](crate::Kernel::is_alive)).
    Timeout,
    /// The kernel died before replying (it exited, was killed by a limit, or stopped answering
    /// its heartbeat), or was already dead.
    Dead,
}

/// One output of a cell, shaped like nbformat's outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "output_type", rename_all = "snake_case")]
pub enum Output {
    /// Text written to a stream; consecutive writes to the same stream are merged.
    Stream {
        /// `stdout` or `stderr`.
        name: String,
        /// The text.
        text: String,
    },
    /// A rich display (`display(…)`, a plot).
    DisplayData {
        /// The MIME bundle (`{"text/plain": …, "image/png": …}`).
        data: Value,
        /// Its metadata.
        metadata: Value,
        /// The display id, when the kernel may update this output later.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        display_id: Option<String>,
    },
    /// The value of the cell's last expression.
    ExecuteResult {
        /// The execution counter, when the kernel gives one.
        execution_count: Option<u64>,
        /// The MIME bundle.
        data: Value,
        /// Its metadata.
        metadata: Value,
    },
    /// An error shown as an output (the verdict is in [`ExecuteStatus`], not here).
    Error {
        /// Exception or error name, possibly empty.
        ename: String,
        /// Error message.
        evalue: String,
        /// Traceback lines.
        traceback: Vec<String>,
    },
}

/// Everything one cell gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecuteOutcome {
    /// How it ended.
    pub status: ExecuteStatus,
    /// Its outputs, in order, up to the output cap.
    pub outputs: Vec<Output>,
    /// Whether outputs were dropped because they exceeded the cap.
    pub truncated: bool,
    /// The execution counter of the reply, when there is one.
    pub execution_count: Option<u64>,
    /// Wall-clock time from sending the request to the end.
    pub duration: Duration,
}

impl ExecuteOutcome {
    /// Everything written on `stdout`, concatenated.
    pub fn stdout(&self) -> String {
        self.stream_text("stdout")
    }

    /// Everything written on `stderr`, concatenated.
    pub fn stderr(&self) -> String {
        self.stream_text("stderr")
    }

    /// The `text/plain` of the execute result, when the cell has one.
    pub fn result_text(&self) -> Option<&str> {
        self.outputs.iter().rev().find_map(|output| match output {
            Output::ExecuteResult { data, .. } => data.get("text/plain").and_then(Value::as_str),
            _ => None,
        })
    }

    fn stream_text(&self, stream: &str) -> String {
        self.outputs
            .iter()
            .filter_map(|output| match output {
                Output::Stream { name, text } if name == stream => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// The longest error name and message kept from a reply; the rest is cut.
const MAX_ERROR_FIELD: usize = 64 * 1024;

/// Gathers the iopub messages of one request into outputs, within a byte budget.
#[derive(Debug)]
pub(crate) struct Collector {
    pub outputs: Vec<Output>,
    pub truncated: bool,
    pub idle: bool,
    /// The last `error` output, kept (bounded) even past the cap, to complete a terse reply.
    pub last_error: Option<(String, String, Vec<String>)>,
    budget: usize,
    clear_pending: bool,
}

impl Collector {
    pub fn new(max_bytes: usize) -> Collector {
        Collector {
            outputs: Vec::new(),
            truncated: false,
            idle: false,
            last_error: None,
            budget: max_bytes,
            clear_pending: false,
        }
    }

    /// Takes one iopub message that belongs to the request.
    pub fn take(&mut self, message: Incoming) {
        let content = message.content;
        match message.msg_type.as_str() {
            "status" if content.get("execution_state").and_then(Value::as_str) == Some("idle") => self.idle = true,
            "stream" => {
                let name = string(&content, "name");
                let Some(Value::String(text)) = content.get("text") else { return };
                self.push_stream(name, text);
            }
            "display_data" => {
                let output = Output::DisplayData {
                    data: field(&content, "data"),
                    metadata: field(&content, "metadata"),
                    display_id: content.pointer("/transient/display_id").and_then(Value::as_str).map(str::to_owned),
                };
                self.push(output, message.content_len);
            }
            "update_display_data" => {
                let Some(id) = content.pointer("/transient/display_id").and_then(Value::as_str) else { return };
                if self.truncated || message.content_len > self.budget {
                    self.truncated = true;
                    return;
                }
                self.budget -= message.content_len;
                for output in &mut self.outputs {
                    if let Output::DisplayData { data, metadata, display_id: Some(known) } = output
                        && known == id
                    {
                        *data = field(&content, "data");
                        *metadata = field(&content, "metadata");
                    }
                }
            }
            "execute_result" => {
                let output = Output::ExecuteResult {
                    execution_count: content.get("execution_count").and_then(Value::as_u64),
                    data: field(&content, "data"),
                    metadata: field(&content, "metadata"),
                };
                self.push(output, message.content_len);
            }
            "error" => {
                if !content.is_object() {
                    // Past the cap, a large error's content is not even decoded.
                    return;
                }
                let (ename, evalue, traceback) = error_fields(&content, MAX_ERROR_FIELD);
                self.last_error = Some((ename.clone(), evalue.clone(), traceback.clone()));
                self.push(Output::Error { ename, evalue, traceback }, message.content_len);
            }
            "clear_output" => {
                if content.get("wait").and_then(Value::as_bool).unwrap_or(false) {
                    self.clear_pending = true;
                } else {
                    self.outputs.clear();
                }
            }
            _ => {}
        }
    }

    fn apply_pending_clear(&mut self) {
        if std::mem::take(&mut self.clear_pending) {
            self.outputs.clear();
        }
    }

    fn push(&mut self, output: Output, cost: usize) {
        if self.truncated {
            return;
        }
        if cost > self.budget {
            self.truncated = true;
            self.budget = 0;
            return;
        }
        self.apply_pending_clear();
        self.budget -= cost;
        self.outputs.push(output);
    }

    fn push_stream(&mut self, name: String, text: &str) {
        if self.truncated {
            return;
        }
        self.apply_pending_clear();
        let kept = if text.len() <= self.budget {
            text
        } else {
            self.truncated = true;
            &text[..floor_char_boundary(text, self.budget)]
        };
        self.budget -= kept.len();
        if let Some(Output::Stream { name: last, text: existing }) = self.outputs.last_mut()
            && *last == name
        {
            existing.push_str(kept);
            return;
        }
        if !kept.is_empty() {
            self.outputs.push(Output::Stream { name, text: kept.to_owned() });
        }
    }
}

/// The status a reply's content gives, completed from the last error output when it is terse.
pub(crate) fn reply_status(
    content: &Value,
    last_error: Option<&(String, String, Vec<String>)>,
    budget: usize,
) -> ExecuteStatus {
    match content.get("status").and_then(Value::as_str) {
        Some("ok") => ExecuteStatus::Ok,
        Some("aborted") => ExecuteStatus::Aborted,
        // Anything else is a failure: a reply that does not say "ok" is never a success.
        _ => {
            let (mut ename, mut evalue, mut traceback) = error_fields(content, budget.max(MAX_ERROR_FIELD));
            if let Some((last_ename, last_evalue, last_traceback)) = last_error {
                if ename.is_empty() {
                    ename.clone_from(last_ename);
                }
                if evalue.is_empty() {
                    evalue.clone_from(last_evalue);
                }
                if traceback.is_empty() {
                    traceback.clone_from(last_traceback);
                }
            }
            ExecuteStatus::Error { ename, evalue, traceback }
        }
    }
}

/// `ename`, `evalue` and `traceback` of an error content, each missing one empty, all clipped.
pub(crate) fn error_fields(content: &Value, max_bytes: usize) -> (String, String, Vec<String>) {
    let ename = clip(&string(content, "ename"), 1024);
    let evalue = clip(&string(content, "evalue"), MAX_ERROR_FIELD.min(max_bytes));
    let mut left = max_bytes;
    let mut traceback = Vec::new();
    if let Some(Value::Array(lines)) = content.get("traceback") {
        for line in lines.iter().filter_map(Value::as_str) {
            if left == 0 {
                break;
            }
            let line = clip(line, left);
            left -= line.len();
            traceback.push(line);
        }
    }
    (ename, evalue, traceback)
}

fn string(content: &Value, key: &str) -> String {
    content.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn field(content: &Value, key: &str) -> Value {
    content.get(key).cloned().unwrap_or_else(|| Value::Object(Default::default()))
}

fn clip(text: &str, max_bytes: usize) -> String {
    text[..floor_char_boundary(text, max_bytes)].to_owned()
}

/// The largest index `<= at` that falls on a character boundary of `text`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at).rev().find(|&idx| text.is_char_boundary(idx)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(msg_type: &str, content: Value) -> Incoming {
        let content_len = content.to_string().len();
        Incoming { msg_type: msg_type.to_owned(), parent_msg_id: None, content, content_len }
    }

    #[test]
    fn streams_merge_and_stop_at_the_cap() {
        let mut collector = Collector::new(10);
        collector.take(message("stream", json!({"name": "stdout", "text": "héllo"})));
        collector.take(message("stream", json!({"name": "stdout", "text": "wörld!"})));
        collector.take(message("stream", json!({"name": "stdout", "text": "more"})));
        assert!(collector.truncated);
        assert_eq!(collector.outputs, vec![Output::Stream { name: "stdout".into(), text: "héllowör".into() }]);
    }

    #[test]
    fn terse_error_replies_are_completed_from_the_error_output() {
        let last = ("Error".to_owned(), "boom".to_owned(), vec!["trace".to_owned()]);
        let status = reply_status(&json!({"status": "error"}), Some(&last), 1000);
        assert_eq!(
            status,
            ExecuteStatus::Error { ename: "Error".into(), evalue: "boom".into(), traceback: vec!["trace".into()] }
        );
        assert_eq!(
            reply_status(&json!({"status": "strange"}), None, 10),
            ExecuteStatus::Error { ename: String::new(), evalue: String::new(), traceback: Vec::new() }
        );
    }

    #[test]
    fn clear_output_with_wait_clears_at_the_next_output() {
        let mut collector = Collector::new(1000);
        collector.take(message("stream", json!({"name": "stdout", "text": "a"})));
        collector.take(message("clear_output", json!({"wait": true})));
        assert_eq!(collector.outputs.len(), 1);
        collector.take(message("stream", json!({"name": "stdout", "text": "b"})));
        assert_eq!(collector.outputs, vec![Output::Stream { name: "stdout".into(), text: "b".into() }]);
    }
}
