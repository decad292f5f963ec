//! The record store's errors, whose messages are French and say what to do.

use std::io;
use std::path::PathBuf;

/// What can go wrong with the record store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory operation failed.
    #[error("impossible de {action} {} : {source}", path.display())]
    Io {
        /// What was being done, as a French verb phrase (« créer le dossier »).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// Another process holds the store open.
    #[error(
        "le dossier d'enregistrements {} est déjà ouvert par un autre processus (verrou {}) : attendez la fin de \
         l'autre import ou arrêtez-le, puis recommencez",
        dir.display(),
        lock.display()
    )]
    Locked {
        /// The store's directory.
        dir: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// A Parquet file of the store cannot be read (truncated, damaged, or with unexpected
    /// columns).
    #[error(
        "le fichier Parquet {} est illisible ({reason}) : il est sans doute tronqué ou abîmé (arrêt brutal, disque \
         plein, copie incomplète). Déplacez-le hors du dossier des enregistrements, puis réimportez les archives \
         WARC (socle observatory ingest --warc …) pour reconstituer ses enregistrements",
        path.display()
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong, in French.
        reason: String,
    },
    /// Writing a Parquet file failed.
    #[error("impossible d'écrire le fichier Parquet {} : {reason}", path.display())]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The Parquet library's explanation.
        reason: String,
    },
    /// A filter of the dashboard is not well formed.
    #[error("filtre invalide : {reason}")]
    Filter {
        /// What is wrong and what is accepted, in French.
        reason: String,
    },
    /// An indicator cannot be computed.
    #[error("impossible de calculer l'indicateur « {id} » : {reason}")]
    Indicator {
        /// The indicator's id.
        id: String,
        /// Why, in French.
        reason: String,
    },
}

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { action, path, source }
    }
}
