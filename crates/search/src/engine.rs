//! What every index shares: where it lives (a folder of the data directory, or memory), its
//! schema version, recovery from a damaged folder, the one writer and the reader that follows
//! each commit.
//!
//! On disk an index is a folder holding `schema-version` (one line: the index kind and its
//! version number) and `tantivy/` (the engine's files). When the line does not name the version
//! the code expects, or the engine's recorded schema differs from the code's, the engine's files
//! are discarded and an empty index is created: the caller learns it from [`OpenState`] and
//! reindexes from its source of truth (the database), so a schema change never makes the
//! program fail.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tantivy::directory::error::LockError;
use tantivy::directory::{INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::schema::Schema;
use tantivy::{Directory, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyError};

use crate::Error;
use crate::analysis;

/// Name of the file that records which schema version the folder's index was built with.
const VERSION_FILE: &str = "schema-version";

/// Name of the sub-folder holding the engine's own files.
const ENGINE_DIR: &str = "tantivy";

/// Memory the writer may fill before it writes a segment; a single indexing thread is enough for
/// registry-sized corpora and leaves the machine's other cores to the web server.
const WRITER_MEMORY_BYTES: usize = 32 * 1024 * 1024;

/// Most threads one search spreads its segments over (one per core up to this).
const MAX_SEARCH_THREADS: usize = 8;

/// What to do when the folder holds an index that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IfUnreadable {
    /// Return [`Error::Unreadable`] and leave the folder as it is (for a person to look at).
    #[default]
    Fail,
    /// Discard the damaged files and start an empty index (the caller then reindexes).
    Recreate,
}

/// How an on-disk index was found when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenState {
    /// An index of the expected version was there and is open, with its documents.
    Opened,
    /// There was no index: an empty one was created.
    Created,
    /// The index had another schema version; it was replaced by an empty one.
    SchemaChanged {
        /// The version line found, if any.
        found: Option<String>,
        /// The version line the code expects.
        expected: String,
    },
    /// The index could not be read and [`IfUnreadable::Recreate`] was asked: it was replaced by
    /// an empty one.
    Recreated {
        /// What was wrong with it.
        detail: String,
    },
}

impl OpenState {
    /// Whether the index starts empty and must be filled from the source of truth.
    pub fn needs_reindex(&self) -> bool {
        !matches!(self, OpenState::Opened)
    }
}

/// Identity of an index kind: its name and schema, and the version number its code bumps
/// whenever the schema or the analysis of its text changes.
pub(crate) struct Kind {
    pub(crate) name: &'static str,
    pub(crate) version: u32,
    pub(crate) schema: Schema,
}

impl Kind {
    fn version_line(&self) -> String {
        format!("{} {}", self.name, self.version)
    }
}

/// One open index: the engine's handle, its single writer and a reader reloaded on commit.
pub(crate) struct Engine {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    location: Option<PathBuf>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(path) => write!(formatter, "Engine({})", path.display()),
            None => formatter.write_str("Engine(mémoire)"),
        }
    }
}

/// Why an existing index could not be used as it is.
enum Unusable {
    SchemaDiffers,
    Broken(String),
    Fatal(Error),
}

impl Unusable {
    /// The error to report when a freshly created index cannot be used either.
    fn into_error(self, dir: Option<&Path>) -> Error {
        let detail = match self {
            Unusable::Fatal(error) => return error,
            Unusable::SchemaDiffers => "schéma inattendu juste après la création".to_owned(),
            Unusable::Broken(detail) => detail,
        };
        match dir {
            Some(dir) => Error::Unreadable { path: dir.to_owned(), detail },
            None => Error::Engine { action: "la création de l'index", detail },
        }
    }
}

impl Engine {
    /// An empty index held in memory (tests, tools).
    pub(crate) fn in_memory(kind: &Kind) -> Result<Engine, Error> {
        let index = Index::create_in_ram(kind.schema.clone());
        Engine::start(index, None).map_err(|unusable| unusable.into_error(None))
    }

    /// Opens the index kept in `dir`, creating the folder and the index if needed, replacing
    /// it when its schema version is not the expected one, and when it is unreadable if asked.
    pub(crate) fn open_or_create(
        dir: &Path,
        kind: &Kind,
        if_unreadable: IfUnreadable,
    ) -> Result<(Engine, OpenState), Error> {
        fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_owned(), source })?;
        let version_path = dir.join(VERSION_FILE);
        let engine_dir = dir.join(ENGINE_DIR);
        let expected = kind.version_line();
        let found = match fs::read_to_string(&version_path) {
            Ok(text) => Some(text.trim().to_owned()),
            Err(error) if error.kind() == ErrorKind::NotFound => None,
            Err(source) => return Err(Error::Io { path: version_path, source }),
        };
        let has_index = engine_dir.join("meta.json").exists();

        let state = if !has_index {
            OpenState::Created
        } else if found.as_deref() != Some(expected.as_str()) {
            OpenState::SchemaChanged { found, expected: expected.clone() }
        } else {
            match Engine::open_existing(dir, &engine_dir, kind) {
                Ok(engine) => return Ok((engine, OpenState::Opened)),
                Err(Unusable::Fatal(error)) => return Err(error),
                Err(Unusable::SchemaDiffers) => OpenState::SchemaChanged { found, expected: expected.clone() },
                Err(Unusable::Broken(detail)) => match if_unreadable {
                    IfUnreadable::Fail => return Err(Error::Unreadable { path: dir.to_owned(), detail }),
                    IfUnreadable::Recreate => OpenState::Recreated { detail },
                },
            }
        };

        clear_engine_dir(dir, &engine_dir)?;
        let directory = MmapDirectory::open(&engine_dir)
            .map_err(|error| Error::Unreadable { path: dir.to_owned(), detail: error.to_string() })?;
        let index = Index::create(directory, kind.schema.clone(), Default::default())
            .map_err(|error| Error::Unreadable { path: dir.to_owned(), detail: error.to_string() })?;
        write_version(dir, &expected)?;
        let engine = Engine::start(index, Some(dir.to_owned())).map_err(|unusable| unusable.into_error(Some(dir)))?;
        Ok((engine, state))
    }

    fn open_existing(dir: &Path, engine_dir: &Path, kind: &Kind) -> Result<Engine, Unusable> {
        let directory = MmapDirectory::open(engine_dir).map_err(|error| Unusable::Broken(error.to_string()))?;
        let index = Index::open(directory).map_err(|error| Unusable::Broken(error.to_string()))?;
        if index.schema() != kind.schema {
            return Err(Unusable::SchemaDiffers);
        }
        Engine::start(index, Some(dir.to_owned()))
    }

    /// Registers the analysers, gives searches a thread per core (segments are searched in
    /// parallel: a query matching most of a million records answers about twice as fast on two
    /// cores), takes the writer's lock and opens a reader.
    fn start(mut index: Index, location: Option<PathBuf>) -> Result<Engine, Unusable> {
        analysis::register(&index);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_SEARCH_THREADS);
        // A pool that cannot start (no thread left) keeps the default single-threaded executor:
        // slower searches, never an index treated as broken.
        if threads > 1 {
            let _ = index.set_multithread_executor(threads);
        }
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES).map_err(|error| match error {
            TantivyError::LockFailure(LockError::LockBusy, _) => {
                Unusable::Fatal(Error::Locked { path: location.clone().unwrap_or_default() })
            }
            other => Unusable::Broken(other.to_string()),
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|error: TantivyError| Unusable::Broken(error.to_string()))?;
        Ok(Engine { reader, writer: Mutex::new(writer), location })
    }

    /// The writer, for one batch of changes. A panic in an earlier holder leaves the writer
    /// usable: its uncommitted changes are simply part of the next commit or rollback.
    pub(crate) fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes the writer's changes durable and visible to the next search.
    pub(crate) fn commit(&self, writer: &mut IndexWriter) -> Result<(), Error> {
        writer.commit().map_err(Error::engine("la validation des écritures"))?;
        self.reader.reload().map_err(Error::engine("le rechargement du lecteur"))
    }

    /// A consistent view of the last commit.
    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }
}

/// Empties the engine's folder, refusing while another writer holds it.
fn clear_engine_dir(dir: &Path, engine_dir: &Path) -> Result<(), Error> {
    if engine_dir.exists() {
        let directory = MmapDirectory::open(engine_dir)
            .map_err(|error| Error::Unreadable { path: dir.to_owned(), detail: error.to_string() })?;
        // Holding the writer's lock while deleting makes sure no live process loses its index.
        let lock = directory.acquire_lock(&INDEX_WRITER_LOCK).map_err(|error| match error {
            LockError::LockBusy => Error::Locked { path: dir.to_owned() },
            LockError::IoError(source) => Error::Io {
                path: engine_dir.to_owned(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
        })?;
        let removed = fs::remove_dir_all(engine_dir);
        drop(lock);
        removed.map_err(|source| Error::Io { path: engine_dir.to_owned(), source })?;
    }
    fs::create_dir_all(engine_dir).map_err(|source| Error::Io { path: engine_dir.to_owned(), source })
}

/// Writes the version line through a temporary file, so that a crash leaves the old or the new
/// line, never half of one.
fn write_version(dir: &Path, line: &str) -> Result<(), Error> {
    let path = dir.join(VERSION_FILE);
    let temporary = dir.join(format!("{VERSION_FILE}.tmp"));
    fs::write(&temporary, format!("{line}\n")).map_err(|source| Error::Io { path: temporary.clone(), source })?;
    fs::rename(&temporary, &path).map_err(|source| Error::Io { path, source })
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{STORED, STRING};

    use super::*;

    fn kind(field: &str) -> Kind {
        let mut builder = Schema::builder();
        builder.add_text_field(field, STRING | STORED);
        Kind { name: "essai", version: 1, schema: builder.build() }
    }

    #[test]
    fn a_schema_change_without_a_version_bump_still_rebuilds() {
        let dir = std::env::temp_dir().join(format!("socle-search-engine-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let (engine, state) = Engine::open_or_create(&dir, &kind("a"), IfUnreadable::Fail).expect("création");
        assert_eq!(state, OpenState::Created);
        drop(engine);
        let (_, state) = Engine::open_or_create(&dir, &kind("a"), IfUnreadable::Fail).expect("réouverture");
        assert_eq!(state, OpenState::Opened);
        let (_, state) = Engine::open_or_create(&dir, &kind("b"), IfUnreadable::Fail).expect("autre schéma");
        assert!(matches!(state, OpenState::SchemaChanged { found: Some(_), .. }), "{state:?}");
        let _ = fs::remove_dir_all(&dir);
    }
}
