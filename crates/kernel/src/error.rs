//! The crate's one error type, with messages in French for the people who read them.

use std::path::PathBuf;

/// Everything that can go wrong while finding, starting, talking to or stopping a kernel.
///
/// A cell that fails, times out or kills its kernel is *not* an error: it is an
/// [`ExecuteOutcome`](crate::ExecuteOutcome). Errors are for the machinery around it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KernelError {
    /// No kernelspec of that name in any searched folder.
    #[error(
        "noyau Jupyter « {name} » introuvable ; dossiers cherchés : {} (installez-le ou indiquez son dossier avec SOCLE_JUPYTER_DIR)",
        display_paths(searched)
    )]
    KernelSpecNotFound {
        /// The name asked for (`python3`, `rust`).
        name: String,
        /// The folders searched, each a Jupyter data folder holding `kernels/`.
        searched: Vec<PathBuf>,
    },

    /// A `kernel.json` that cannot be used.
    #[error("fichier de noyau {} invalide : {reason}", path.display())]
    InvalidKernelSpec {
        /// The `kernel.json` file.
        path: PathBuf,
        /// What is wrong and what would be accepted.
        reason: String,
    },

    /// A program the sandbox needs is missing.
    #[error("programme {} introuvable (paquet Debian « {package} ») : {reason}", program.display())]
    MissingProgram {
        /// The program looked for.
        program: PathBuf,
        /// The Debian package that provides it.
        package: &'static str,
        /// Why it could not be used.
        reason: String,
    },

    /// A sandbox setting that cannot be honoured.
    #[error("configuration du bac à sable invalide : {0}")]
    InvalidSandbox(String),

    /// A file-system or process operation failed.
    #[error("{context} : {source}")]
    Io {
        /// What was being done, in French.
        context: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The kernel stopped before it answered.
    #[error("le noyau « {name} » s'est arrêté au démarrage ({status}){}", stderr_suffix(stderr))]
    ExitedAtStartup {
        /// Kernelspec name.
        name: String,
        /// How the sandbox ended.
        status: String,
        /// The last lines the kernel wrote on its standard error.
        stderr: String,
    },

    /// The kernel did not answer in time after being started.
    #[error("le noyau « {name} » n'a pas répondu dans les {seconds} s après son lancement{}", stderr_suffix(stderr))]
    StartupTimeout {
        /// Kernelspec name.
        name: String,
        /// The startup timeout, in seconds.
        seconds: u64,
        /// The last lines the kernel wrote on its standard error.
        stderr: String,
    },

    /// A Jupyter message could not be sent or received.
    #[error("échange avec le noyau impossible : {0}")]
    Protocol(String),

    /// The kernel is dead: it exited, was killed, or stopped answering its heartbeat.
    #[error("le noyau ne répond plus (arrêté, tué ou sans battement de cœur)")]
    Dead,

    /// The expression given to an evaluation raised an error in the kernel.
    #[error("l'expression a échoué dans le noyau : {ename} : {evalue}")]
    Expression {
        /// Exception or error name (may be empty when the kernel gives none).
        ename: String,
        /// Error message.
        evalue: String,
    },

    /// An evaluation did not finish within its timeout.
    #[error("l'évaluation n'a pas abouti dans le temps imparti")]
    EvaluationTimeout,

    /// The kernel gave no usable value for an evaluation.
    #[error("l'évaluation n'a rendu aucune valeur exploitable : {0}")]
    NoValue(String),
}

impl KernelError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> KernelError {
        KernelError::Io { context: context.into(), source }
    }

    pub(crate) fn protocol(context: &str, error: impl std::fmt::Display) -> KernelError {
        KernelError::Protocol(format!("{context} : {error}"))
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "aucun".to_owned();
    }
    paths.iter().map(|path| path.display().to_string()).collect::<Vec<_>>().join(", ")
}

fn stderr_suffix(stderr: &str) -> String {
    let stderr = stderr.trim();
    if stderr.is_empty() { String::new() } else { format!(" ; sortie d'erreur du noyau :\n{stderr}") }
}
