//! The one error type of the crate; every message is French and says what to do.

use std::path::PathBuf;

/// What can go wrong while opening, writing or searching an index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The index folder could not be created, read or cleared.
    #[error("impossible d'accéder au dossier de l'index de recherche {} : {source}", path.display())]
    Io {
        /// The folder or file concerned.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The folder holds an index that cannot be read (damaged or foreign files).
    #[error(
        "l'index de recherche {} est illisible ou abîmé ({detail}) : supprimez ce dossier, ou \
         ouvrez l'index en demandant sa reconstruction, puis réindexez les données",
        path.display()
    )]
    Unreadable {
        /// The index folder.
        path: PathBuf,
        /// What was found wrong.
        detail: String,
    },
    /// Another process (or another handle in this one) already writes to this index.
    #[error(
        "l'index de recherche {} est déjà ouvert en écriture par un autre processus : arrêtez-le \
         avant d'en ouvrir un second",
        path.display()
    )]
    Locked {
        /// The index folder.
        path: PathBuf,
    },
    /// A document given to the index breaks a rule; every broken rule is listed.
    #[error("document « {id} » refusé par l'index de recherche : {}", problems.join(" ; "))]
    InvalidDocument {
        /// The document's id, as given.
        id: String,
        /// Each broken rule, in French.
        problems: Vec<String>,
    },
    /// A search parameter outside what is accepted (the text itself is never refused).
    #[error("recherche refusée : {0}")]
    InvalidQuery(String),
    /// The search engine failed while doing something that should work.
    #[error("l'index de recherche a échoué pendant {action} : {detail}")]
    Engine {
        /// What was being done, in French (« la validation des écritures »…).
        action: &'static str,
        /// The engine's own message.
        detail: String,
    },
}

impl Error {
    /// Wraps an engine error with the French name of what was being done.
    pub(crate) fn engine(action: &'static str) -> impl FnOnce(tantivy::TantivyError) -> Error {
        move |error| Error::Engine { action, detail: error.to_string() }
    }
}
