//! A running kernel in its sandbox: start, execute with a timeout, evaluate, detect death, stop.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jupyter_protocol::connection_info::Transport as WireTransport;
use jupyter_protocol::{ExecuteRequest, InterruptRequest, JupyterMessage, KernelInfoRequest, ShutdownRequest};
use jupyter_zmq_client::ConnectionInfo;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::process::Child;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::outcome::{Collector, ExecuteOutcome, ExecuteStatus, reply_status};
use crate::sandbox::{CHANNEL_SUFFIXES, HostFiles, LimitsInForce, SandboxConfig};
use crate::spec::KernelSpec;
use crate::wire::{Channels, Incoming};
use crate::{KernelError, literal};

/// Per-cell limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecuteLimits {
    /// Wall-clock time a cell may run before it is interrupted.
    pub timeout: Duration,
    /// How long an interrupted cell has to stop before the sandbox is killed.
    pub interrupt_grace: Duration,
    /// Output kept per cell, in bytes (text and MIME bundles); the rest is read and dropped.
    pub max_output_bytes: usize,
}

impl Default for ExecuteLimits {
    fn default() -> Self {
        ExecuteLimits {
            timeout: Duration::from_secs(60),
            interrupt_grace: Duration::from_secs(5),
            max_output_bytes: 1 << 20,
        }
    }
}

/// How to start and watch a kernel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelConfig {
    /// The sandbox around it.
    pub sandbox: SandboxConfig,
    /// Time allowed from launch to the first `kernel_info_reply`.
    pub startup_timeout: Duration,
    /// Limits of [`Kernel::execute`] (and of evaluations).
    pub execution: ExecuteLimits,
    /// Time between two heartbeat pings.
    pub heartbeat_interval: Duration,
    /// A ping unanswered for this long means the kernel is dead.
    pub heartbeat_timeout: Duration,
}

impl Default for KernelConfig {
    fn default() -> Self {
        KernelConfig {
            sandbox: SandboxConfig::default(),
            startup_timeout: Duration::from_secs(60),
            execution: ExecuteLimits::default(),
            heartbeat_interval: Duration::from_secs(2),
            heartbeat_timeout: Duration::from_secs(20),
        }
    }
}

/// What the kernel said about itself when it started (`kernel_info_reply`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelInfo {
    /// Implementation (`ipython`, `evcxr`).
    pub implementation: String,
    /// Language name (`python`, `Rust`).
    pub language: String,
    /// Language version (`3.11.7`).
    pub language_version: String,
    /// Jupyter protocol version (`5.3`).
    pub protocol_version: String,
}

/// A kernel running in its sandbox.
///
/// Dropping it kills the sandbox and removes its cgroup and temporary folders (in the background
/// on the runtime, or at once if the runtime is gone); [`Kernel::shutdown`] does the same politely
/// and waits for it. The sandbox is also killed if the thread that started it exits (bubblewrap's
/// `--die-with-parent`), so start kernels from long-lived threads.
pub struct Kernel {
    name: String,
    info: KernelInfo,
    channels: Channels,
    process: Process,
    limits: LimitsInForce,
    scratch_dir: PathBuf,
    execution: ExecuteLimits,
}

/// The sandbox's process, as seen from the kernel handle.
struct Process {
    exit: watch::Receiver<Option<String>>,
    kill: Arc<Notify>,
    watcher: Option<JoinHandle<()>>,
    output: Arc<Mutex<Tail>>,
}

/// What the watcher task owns: dropping it kills the sandbox, then removes its files.
struct Sandbox {
    child: Child,
    files: HostFiles,
}

/// The last bytes a process wrote on its standard output and error.
#[derive(Debug, Default)]
struct Tail {
    bytes: Vec<u8>,
}

const TAIL_BYTES: usize = 16 * 1024;

impl Tail {
    fn push(&mut self, data: &[u8]) {
        self.bytes.extend_from_slice(data);
        if self.bytes.len() > TAIL_BYTES {
            let excess = self.bytes.len() - TAIL_BYTES;
            self.bytes.drain(..excess);
        }
    }
}

/// Settings sent to every evcxr kernel before any cell (see [`Kernel::settle`]).
const EVCXR_SETTINGS: [&str; 2] = [":preserve_vars_on_panic 0", ":opt 0"];

/// The key of the single user expression socle sends.
const EXPRESSION_KEY: &str = "socle";

/// How long to wait for the `idle` status once the reply is in.
const IDLE_GRACE: Duration = Duration::from_secs(1);

impl Kernel {
    /// Finds the kernel `name` on the [search path](crate::search_path) and starts it.
    pub async fn start_named(name: &str, config: &KernelConfig) -> Result<Kernel, KernelError> {
        let spec = crate::find_kernelspec(name, &crate::search_path())?;
        Kernel::start(&spec, config).await
    }

    /// Starts `spec` in a new sandbox and waits until it answers.
    pub async fn start(spec: &KernelSpec, config: &KernelConfig) -> Result<Kernel, KernelError> {
        let key = uuid::Uuid::new_v4().simple().to_string();
        let prepared = crate::sandbox::prepare(spec, &config.sandbox, &key)?;
        let scratch_dir = config.sandbox.scratch_dir.clone().unwrap_or_else(|| prepared.files.scratch.clone());
        let mut command = prepared.command;
        let mut child = command.spawn().map_err(|err| KernelError::io("lancement du bac à sable", err))?;
        let output = Arc::new(Mutex::new(Tail::default()));
        if let Some(stdout) = child.stdout.take() {
            tokio::spawn(drain(stdout, Arc::clone(&output)));
        }
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(drain(stderr, Arc::clone(&output)));
        }
        let kill = Arc::new(Notify::new());
        let (exit_tx, exit) = watch::channel(None);
        let watcher = tokio::spawn(watch_sandbox(Sandbox { child, files: prepared.files }, Arc::clone(&kill), exit_tx));
        let mut process = Process { exit, kill, watcher: Some(watcher), output };

        let info = ConnectionInfo {
            ip: prepared.socket_prefix.display().to_string(),
            transport: WireTransport::IPC,
            shell_port: CHANNEL_SUFFIXES[0],
            iopub_port: CHANNEL_SUFFIXES[1],
            stdin_port: CHANNEL_SUFFIXES[2],
            control_port: CHANNEL_SUFFIXES[3],
            hb_port: CHANNEL_SUFFIXES[4],
            key,
            signature_scheme: "hmac-sha256".to_owned(),
            kernel_name: Some(spec.name.clone()),
        };
        let handshake = handshake(&info, &prepared.socket_prefix, config);
        let mut exit = process.exit.clone();
        let result = tokio::select! {
            result = tokio::time::timeout(config.startup_timeout, handshake) => match result {
                Ok(result) => result,
                Err(_) => Err(KernelError::StartupTimeout {
                    name: spec.name.clone(),
                    seconds: config.startup_timeout.as_secs(),
                    stderr: process.tail(),
                }),
            },
            status = exited(&mut exit) => {
                // Give the drains a moment to collect the last words of the kernel.
                tokio::time::sleep(Duration::from_millis(100)).await;
                Err(KernelError::ExitedAtStartup { name: spec.name.clone(), status, stderr: process.tail() })
            }
        };
        let mut kernel = match result {
            Ok((channels, info)) => Kernel {
                name: spec.name.clone(),
                info,
                channels,
                process,
                limits: prepared.limits,
                scratch_dir,
                execution: config.execution.clone(),
            },
            Err(error) => {
                process.kill_and_clean().await;
                return Err(error);
            }
        };
        if let Err(error) = kernel.settle().await {
            kernel.kill().await;
            return Err(error);
        }
        Ok(kernel)
    }

    /// Kernel-specific settings that verdicts depend on.
    ///
    /// evcxr catches panics by default and then replies `ok`: a failed `assert!` would pass.
    /// With `:preserve_vars_on_panic 0` a panic ends the cell's subprocess and the reply is an
    /// error; evcxr restarts the subprocess, keeping definitions (functions, types) but losing the
    /// variables of earlier cells. `:opt 0` compiles cells without optimisation: every cell is
    /// compiled, and compile time dominates the short computations of exercises.
    async fn settle(&mut self) -> Result<(), KernelError> {
        if !self.info.implementation.starts_with("evcxr") {
            return Ok(());
        }
        for setting in EVCXR_SETTINGS {
            let request = ExecuteRequest {
                code: setting.to_owned(),
                silent: true,
                store_history: false,
                user_expressions: None,
                allow_stdin: false,
                stop_on_error: false,
            };
            let limits = self.execution.clone();
            let (outcome, _) = self.run(request, &limits).await?;
            if outcome.status != ExecuteStatus::Ok {
                return Err(KernelError::Protocol(format!(
                    "réglage « {setting} » de evcxr refusé ({:?})",
                    outcome.status
                )));
            }
        }
        Ok(())
    }

    /// The kernelspec's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the kernel said about itself.
    pub fn info(&self) -> &KernelInfo {
        &self.info
    }

    /// How each limit is enforced for this kernel.
    pub fn limits(&self) -> LimitsInForce {
        self.limits
    }

    /// The host folder shown at [`SANDBOX_HOME`](crate::SANDBOX_HOME): put the submission's data
    /// files here (they are visible to the code at once), read what the code wrote.
    pub fn scratch_dir(&self) -> &Path {
        &self.scratch_dir
    }

    /// The last lines the sandbox wrote on its standard output and error (for diagnostics).
    pub fn diagnostics(&self) -> String {
        self.process.tail()
    }

    /// Whether the kernel still runs and answers its heartbeat. Once false, it stays false.
    pub fn is_alive(&self) -> bool {
        let alive = self.process.exit.borrow().is_none() && *self.channels.heartbeat.borrow();
        if !alive {
            self.process.kill.notify_one();
        }
        alive
    }

    /// Runs `code` as a cell with the kernel's [`ExecuteLimits`].
    pub async fn execute(&mut self, code: &str) -> Result<ExecuteOutcome, KernelError> {
        let limits = self.execution.clone();
        self.execute_with(code, &limits).await
    }

    /// Runs `code` as a cell (`stop_on_error = false`, `allow_stdin = false`) with the given
    /// limits. A failure of the code, a timeout or the kernel's death are outcomes, not errors;
    /// errors are for a channel that cannot be used.
    pub async fn execute_with(&mut self, code: &str, limits: &ExecuteLimits) -> Result<ExecuteOutcome, KernelError> {
        let request = ExecuteRequest {
            code: code.to_owned(),
            silent: false,
            store_history: true,
            user_expressions: None,
            allow_stdin: false,
            stop_on_error: false,
        };
        Ok(self.run(request, limits).await?.0)
    }

    /// Evaluates `expression` and returns its MIME bundle (`{"text/plain": …}`).
    ///
    /// For Python it is sent as a `user_expressions` entry of an empty, silent execute request,
    /// so it leaves no trace in the history; other kernels run it as a cell (`store_history =
    /// false`) and the bundle is that of its execute result.
    pub async fn evaluate(&mut self, expression: &str) -> Result<Value, KernelError> {
        let limits = self.execution.clone();
        if self.info.language.eq_ignore_ascii_case("python") {
            let request = ExecuteRequest {
                code: String::new(),
                silent: true,
                store_history: false,
                user_expressions: Some(HashMap::from([(EXPRESSION_KEY.to_owned(), expression.to_owned())])),
                allow_stdin: false,
                stop_on_error: false,
            };
            let (outcome, reply) = self.run(request, &limits).await?;
            check_evaluation(&outcome.status)?;
            let Some(result) =
                reply.as_ref().and_then(|reply| reply.pointer(&format!("/user_expressions/{EXPRESSION_KEY}")))
            else {
                return Err(KernelError::NoValue("la réponse ne contient pas l'expression demandée".to_owned()));
            };
            return match result.get("status").and_then(Value::as_str) {
                Some("ok") => Ok(result.get("data").cloned().unwrap_or(Value::Null)),
                _ => {
                    let (ename, evalue, _) = crate::outcome::error_fields(result, 0);
                    Err(KernelError::Expression { ename, evalue })
                }
            };
        }
        let request = ExecuteRequest {
            code: expression.to_owned(),
            silent: false,
            store_history: false,
            user_expressions: None,
            allow_stdin: false,
            stop_on_error: false,
        };
        let (outcome, _) = self.run(request, &limits).await?;
        check_evaluation(&outcome.status)?;
        outcome
            .outputs
            .iter()
            .rev()
            .find_map(|output| match output {
                crate::Output::ExecuteResult { data, .. } => Some(data.clone()),
                _ => None,
            })
            .ok_or_else(|| KernelError::NoValue("l'expression n'a produit aucun résultat".to_owned()))
    }

    /// The `text/plain` form of `expression`'s value: Python's `repr`, evcxr's `{:?}`.
    pub async fn evaluate_text(&mut self, expression: &str) -> Result<String, KernelError> {
        let data = self.evaluate(expression).await?;
        match data.get("text/plain") {
            Some(Value::String(text)) => Ok(text.clone()),
            Some(Value::Array(lines)) => Ok(lines.iter().filter_map(Value::as_str).collect()),
            _ => Err(KernelError::NoValue("le résultat n'a pas de forme texte (text/plain)".to_owned())),
        }
    }

    /// The value of `expression` as JSON, for comparisons on the grader's side.
    ///
    /// Python only: the kernel evaluates `json.dumps(expression)` (values with a `tolist()`
    /// method, such as NumPy arrays and pandas series, are converted by it; `NaN` and other
    /// values JSON cannot represent are an [`KernelError::Expression`]), and the returned
    /// `text/plain` — the `repr` of that string — is decoded here. For other languages use
    /// [`Kernel::evaluate_text`] and compare texts.
    pub async fn evaluate_json(&mut self, expression: &str) -> Result<Value, KernelError> {
        if !self.info.language.eq_ignore_ascii_case("python") {
            return Err(KernelError::NoValue(format!(
                "l'évaluation en JSON n'existe que pour Python, pas pour « {} » : utilisez la forme texte",
                self.info.language
            )));
        }
        let wrapped = format!(
            "__import__('json').dumps(({expression}\n), allow_nan=False, default=lambda o: o.tolist() if hasattr(o, 'tolist') else __import__('json').JSONEncoder().default(o))"
        );
        let repr = self.evaluate_text(&wrapped).await?;
        let json = literal::python_str(&repr)
            .ok_or_else(|| KernelError::NoValue(format!("réponse inattendue : {}", literal::preview(&repr))))?;
        serde_json::from_str(&json)
            .map_err(|err| KernelError::NoValue(format!("JSON invalide ({err}) : {}", literal::preview(&json))))
    }

    /// Asks the kernel to stop, kills the sandbox if it does not within a few seconds, and removes
    /// its cgroup and temporary folders.
    pub async fn shutdown(mut self) {
        if self.is_alive() {
            let request: JupyterMessage = ShutdownRequest { restart: false }.into();
            if self.channels.send_control(request).await.is_ok() {
                let mut exit = self.process.exit.clone();
                let _ = tokio::time::timeout(Duration::from_secs(3), exited(&mut exit)).await;
            }
        }
        self.channels.stop();
        self.process.kill_and_clean().await;
    }

    /// Kills the sandbox at once and removes its cgroup and temporary folders.
    pub async fn kill(mut self) {
        self.channels.stop();
        self.process.kill_and_clean().await;
    }

    /// Sends one request and gathers everything that belongs to it.
    async fn run(
        &mut self,
        request: ExecuteRequest,
        limits: &ExecuteLimits,
    ) -> Result<(ExecuteOutcome, Option<Value>), KernelError> {
        let started = Instant::now();
        let finish = |status, collector: Collector, execution_count| ExecuteOutcome {
            status,
            outputs: collector.outputs,
            truncated: collector.truncated,
            execution_count,
            duration: started.elapsed(),
        };
        let mut collector = Collector::new(limits.max_output_bytes);
        if !self.is_alive() {
            return Ok((finish(ExecuteStatus::Dead, collector, None), None));
        }
        // Whatever is still queued belongs to earlier requests.
        self.channels.discard_outputs.store(false, Ordering::Relaxed);
        while self.channels.iopub.try_recv().is_ok() {}
        while self.channels.shell_replies.try_recv().is_ok() {}
        let msg_id = match self.channels.send_shell(request.into()).await {
            Ok(msg_id) => msg_id,
            Err(_) if !self.is_alive() => return Ok((finish(ExecuteStatus::Dead, collector, None), None)),
            Err(error) => return Err(error),
        };
        let mine = |message: &Incoming| message.parent_msg_id.as_deref() == Some(msg_id.as_str());
        let deadline = tokio::time::Instant::from_std(started + limits.timeout);
        let mut interrupted_until: Option<tokio::time::Instant> = None;
        let mut reply: Option<(Value, tokio::time::Instant)> = None;
        let mut exit = self.process.exit.clone();
        let mut heartbeat = self.channels.heartbeat.clone();
        let died = loop {
            if reply.is_some() && collector.idle {
                break false;
            }
            let mut wake = interrupted_until.unwrap_or(deadline);
            if let Some((_, at)) = &reply {
                wake = wake.min(*at + IDLE_GRACE);
            }
            tokio::select! {
                Some(message) = self.channels.iopub.recv() => {
                    if mine(&message) {
                        collector.take(message);
                        if collector.truncated {
                            self.channels.discard_outputs.store(true, Ordering::Relaxed);
                        }
                    }
                }
                Some(message) = self.channels.shell_replies.recv() => {
                    if mine(&message) && message.msg_type == "execute_reply" {
                        reply = Some((message.content, tokio::time::Instant::now()));
                    }
                }
                _ = exited(&mut exit) => break true,
                _ = stopped_beating(&mut heartbeat) => break true,
                _ = tokio::time::sleep_until(wake) => {
                    if reply.is_some() {
                        // The reply is in but the idle status got lost: the reply decides.
                        break false;
                    }
                    if interrupted_until.is_some() {
                        // Interrupted and still busy after the grace period: kill.
                        self.process.kill.notify_one();
                        let _ = tokio::time::timeout(Duration::from_secs(5), exited(&mut exit)).await;
                        break true;
                    }
                    let _ = self.channels.send_control(InterruptRequest {}.into()).await;
                    interrupted_until = Some(tokio::time::Instant::now() + limits.interrupt_grace);
                }
            }
        };
        if died {
            self.process.kill.notify_one();
            // What the kernel sent just before it died may still be queued, the reply included
            // (a cell that ends the kernel after finishing, like IPython's `exit()`).
            while let Ok(message) = self.channels.iopub.try_recv() {
                if mine(&message) {
                    collector.take(message);
                }
            }
            while let Ok(message) = self.channels.shell_replies.try_recv() {
                if mine(&message) && message.msg_type == "execute_reply" && reply.is_none() {
                    reply = Some((message.content, tokio::time::Instant::now()));
                }
            }
        }
        let execution_count =
            reply.as_ref().and_then(|(content, _)| content.get("execution_count")).and_then(Value::as_u64);
        let status = match (&reply, interrupted_until) {
            (_, Some(_)) => ExecuteStatus::Timeout,
            (Some((content, _)), None) => reply_status(content, collector.last_error.as_ref(), limits.max_output_bytes),
            (None, None) => ExecuteStatus::Dead,
        };
        let reply = reply.map(|(content, _)| content);
        Ok((finish(status, collector, execution_count), reply))
    }
}

impl Drop for Kernel {
    fn drop(&mut self) {
        // The watcher task kills the sandbox and removes its files; if the runtime is gone, the
        // task's state is dropped with it and does the same.
        self.process.kill.notify_one();
    }
}

impl Process {
    fn tail(&self) -> String {
        let tail = self.output.lock().map(|tail| tail.bytes.clone()).unwrap_or_default();
        String::from_utf8_lossy(&tail).into_owned()
    }

    async fn kill_and_clean(&mut self) {
        self.kill.notify_one();
        if let Some(watcher) = self.watcher.take() {
            let _ = tokio::time::timeout(Duration::from_secs(15), watcher).await;
        }
    }
}

fn check_evaluation(status: &ExecuteStatus) -> Result<(), KernelError> {
    match status {
        ExecuteStatus::Ok => Ok(()),
        ExecuteStatus::Error { ename, evalue, .. } => {
            Err(KernelError::Expression { ename: ename.clone(), evalue: evalue.clone() })
        }
        ExecuteStatus::Aborted => Err(KernelError::NoValue("le noyau a abandonné la requête".to_owned())),
        ExecuteStatus::Timeout => Err(KernelError::EvaluationTimeout),
        ExecuteStatus::Dead => Err(KernelError::Dead),
    }
}

/// Connects to the kernel's sockets once they exist, then waits for a `kernel_info_reply` that
/// also shows up on iopub: from then on no output can be missed.
async fn handshake(
    info: &ConnectionInfo,
    socket_prefix: &Path,
    config: &KernelConfig,
) -> Result<(Channels, KernelInfo), KernelError> {
    let sockets: Vec<PathBuf> =
        CHANNEL_SUFFIXES.iter().map(|suffix| PathBuf::from(format!("{}-{suffix}", socket_prefix.display()))).collect();
    while !sockets.iter().all(|socket| socket.exists()) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut channels = Channels::connect(info).await?;
    let reply = loop {
        let msg_id = channels.send_shell(KernelInfoRequest {}.into()).await?;
        let mut reply = None;
        let mut seen_on_iopub = false;
        let mut window = None;
        loop {
            let wait = async {
                match window {
                    Some(until) => tokio::time::sleep_until(until).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                Some(message) = channels.shell_replies.recv() => {
                    if message.parent_msg_id.as_deref() == Some(msg_id.as_str()) && message.msg_type == "kernel_info_reply" {
                        reply = Some(message.content);
                        window.get_or_insert(tokio::time::Instant::now() + Duration::from_millis(300));
                    }
                }
                Some(message) = channels.iopub.recv() => {
                    if message.parent_msg_id.as_deref() == Some(msg_id.as_str()) {
                        seen_on_iopub = true;
                    }
                }
                _ = wait => break,
            }
            if reply.is_some() && seen_on_iopub {
                break;
            }
        }
        if let (Some(reply), true) = (reply, seen_on_iopub) {
            break reply;
        }
    };
    channels.start_heartbeat(info, config.heartbeat_interval, config.heartbeat_timeout).await?;
    let text = |pointer: &str| reply.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_owned();
    let info = KernelInfo {
        implementation: text("/implementation"),
        language: text("/language_info/name"),
        language_version: text("/language_info/version"),
        protocol_version: text("/protocol_version"),
    };
    Ok((channels, info))
}

/// Waits for the sandbox's exit and says how it ended.
async fn exited(exit: &mut watch::Receiver<Option<String>>) -> String {
    match exit.wait_for(Option::is_some).await {
        Ok(status) => status.clone().unwrap_or_default(),
        Err(_) => "arrêt inconnu".to_owned(),
    }
}

/// Completes when the heartbeat has stopped answering (never while no heartbeat runs).
async fn stopped_beating(heartbeat: &mut watch::Receiver<bool>) {
    if heartbeat.wait_for(|alive| !alive).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Owns the sandbox's process: waits for it to end or kills it on request, then cleans up.
async fn watch_sandbox(mut sandbox: Sandbox, kill: Arc<Notify>, exit: watch::Sender<Option<String>>) {
    let status = tokio::select! {
        status = sandbox.child.wait() => status,
        _ = kill.notified() => {
            let _ = sandbox.child.start_kill();
            sandbox.child.wait().await
        }
    };
    let description = match status {
        Ok(status) => describe(status),
        Err(err) => format!("état inconnu ({err})"),
    };
    exit.send_replace(Some(description));
    let Sandbox { child, mut files } = sandbox;
    drop(child);
    let _ = tokio::task::spawn_blocking(move || files.remove(Duration::from_secs(5))).await;
}

fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("code de sortie {code}"),
        (None, Some(signal)) => format!("tué par le signal {signal}"),
        (None, None) => "arrêt inconnu".to_owned(),
    }
}

async fn drain(mut pipe: impl tokio::io::AsyncRead + Unpin, tail: Arc<Mutex<Tail>>) {
    let mut buffer = vec![0_u8; 8192];
    loop {
        match pipe.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => {
                if let Ok(mut tail) = tail.lock() {
                    tail.push(&buffer[..read]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_can_move_between_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<Kernel>();
        assert_send::<crate::BlockingKernel>();
        // Type-checked, never run: the futures can be spawned on a multi-threaded runtime.
        let _ = futures_are_send;
    }

    fn futures_are_send(kernel: &mut Kernel, spec: &KernelSpec, config: &KernelConfig) {
        fn is_send<T: Send>(_: T) {}
        is_send(Kernel::start(spec, config));
        is_send(kernel.execute(""));
        is_send(kernel.evaluate_json(""));
    }
}
