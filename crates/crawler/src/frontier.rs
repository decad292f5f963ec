//! The persistent frontier: every URL the crawl knows, queued, done or failed, kept in an
//! append-only journal (one JSON object a line, synced after each write) in the crawl folder.
//! On start the journal is replayed; a torn last line (after `kill -9`) is ignored and cut off.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use records::source::SeedType;
use serde::{Deserialize, Serialize};

/// Name of the journal in the crawl folder.
pub const JOURNAL_FILE: &str = "frontier.jsonl";

/// What is stored about a fetched URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// HTTP status of the last answer (200, 304 is not stored: the earlier answer stays).
    pub status: u16,
    /// `ETag` of the stored answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// `Last-Modified` of the stored answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// When it was last fetched (Unix seconds).
    pub fetched_at: i64,
    /// WARC file name (in the crawl's `warc/` folder) of the record.
    pub warc: String,
    /// Offset of the response or revisit record in that file.
    pub offset: u64,
}

/// State of a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Waiting to be fetched (for the first time, or again on recrawl).
    Queued,
    /// Fetched and archived.
    Done,
    /// Given up, with the reason in French.
    Failed(String),
}

/// A URL of the frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Canonical URL.
    pub url: String,
    /// Id of the source it belongs to.
    pub source: String,
    /// What it is expected to return.
    pub kind: SeedType,
    /// Links followed from a seed to reach it.
    pub depth: u32,
    /// Redirects followed to reach it.
    pub hops: u32,
    /// Current state.
    pub state: State,
    /// The last stored answer, kept across recrawls for conditional requests.
    pub stored: Option<Stored>,
}

/// A URL to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUrl {
    /// Canonical URL.
    pub url: String,
    /// Id of the source it belongs to.
    pub source: String,
    /// What it is expected to return.
    pub kind: SeedType,
    /// Links followed from a seed.
    pub depth: u32,
    /// Redirects followed.
    pub hops: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Line {
    Queued(NewUrl),
    Done {
        url: String,
        #[serde(flatten)]
        stored: Stored,
    },
    Failed {
        url: String,
        reason: String,
    },
    Requeued {
        url: String,
    },
    Warc {
        file: String,
    },
}

/// What replaying the journal found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replay {
    /// Lines applied.
    pub lines: usize,
    /// Whether a torn or unreadable last line was dropped.
    pub torn_tail: bool,
    /// Unreadable lines before the last one (should never happen), skipped.
    pub skipped_lines: usize,
}

/// Why the frontier could not be opened or written, in French.
#[derive(Debug, thiserror::Error)]
pub enum FrontierError {
    /// An I/O error on the journal.
    #[error("journal de la frontière {path} : {source}")]
    Io {
        /// The journal.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

/// The frontier.
#[derive(Debug)]
pub struct Frontier {
    path: PathBuf,
    journal: File,
    entries: HashMap<String, Entry>,
    /// URLs in the order they were first added.
    order: Vec<String>,
    /// WARC files opened, in order.
    warc_files: Vec<String>,
}

/// A batch of journal lines written with one write and one sync.
#[derive(Debug, Default)]
pub struct Batch {
    lines: Vec<Line>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

impl Frontier {
    /// Opens (or creates) the journal in `dir` and replays it.
    pub fn open(dir: &Path) -> Result<(Frontier, Replay), FrontierError> {
        let path = dir.join(JOURNAL_FILE);
        let io_error = |source| FrontierError::Io { path: path.clone(), source };
        std::fs::create_dir_all(dir).map_err(io_error)?;
        let mut journal = OpenOptions::new().read(true).append(true).create(true).open(&path).map_err(io_error)?;
        let mut text = Vec::new();
        journal.read_to_end(&mut text).map_err(io_error)?;
        let mut frontier = Frontier {
            path: path.clone(),
            journal,
            entries: HashMap::new(),
            order: Vec::new(),
            warc_files: Vec::new(),
        };
        let mut replay = Replay::default();
        let mut good_end = 0usize;
        let mut start = 0usize;
        while start < text.len() {
            let Some(newline) = text[start..].iter().position(|&byte| byte == b'\n') else {
                replay.torn_tail = true;
                break;
            };
            let end = start + newline;
            let is_last = end + 1 >= text.len();
            match serde_json::from_slice::<Line>(&text[start..end]) {
                Ok(line) => {
                    frontier.apply(line);
                    replay.lines += 1;
                    good_end = end + 1;
                }
                Err(_) if is_last => replay.torn_tail = true,
                Err(_) => {
                    replay.skipped_lines += 1;
                    good_end = end + 1;
                }
            }
            start = end + 1;
        }
        if good_end < text.len() {
            // Cut the torn line so that the next line written starts on its own.
            frontier.journal.set_len(good_end as u64).map_err(io_error)?;
            frontier.journal.sync_all().map_err(io_error)?;
        }
        Ok((frontier, replay))
    }

    fn apply(&mut self, line: Line) {
        match line {
            Line::Queued(new) => {
                if !self.entries.contains_key(&new.url) {
                    self.order.push(new.url.clone());
                    let entry = Entry {
                        url: new.url.clone(),
                        source: new.source,
                        kind: new.kind,
                        depth: new.depth,
                        hops: new.hops,
                        state: State::Queued,
                        stored: None,
                    };
                    self.entries.insert(new.url, entry);
                }
            }
            Line::Done { url, stored } => {
                if let Some(entry) = self.entries.get_mut(&url) {
                    entry.state = State::Done;
                    entry.stored = Some(stored);
                }
            }
            Line::Failed { url, reason } => {
                if let Some(entry) = self.entries.get_mut(&url) {
                    entry.state = State::Failed(reason);
                }
            }
            Line::Requeued { url } => {
                if let Some(entry) = self.entries.get_mut(&url) {
                    entry.state = State::Queued;
                }
            }
            Line::Warc { file } => self.warc_files.push(file),
        }
    }

    /// Adds a URL to a batch unless the frontier (or the batch) already knows it; returns
    /// whether it was new. The change applies at once in memory; [`Frontier::commit`] makes it
    /// durable.
    pub fn add(&mut self, batch: &mut Batch, new: NewUrl) -> bool {
        if self.entries.contains_key(&new.url) {
            return false;
        }
        self.apply(Line::Queued(new.clone()));
        batch.lines.push(Line::Queued(new));
        true
    }

    /// Records a URL as done.
    pub fn done(&mut self, batch: &mut Batch, url: &str, stored: Stored) {
        let line = Line::Done { url: url.to_string(), stored };
        self.push(batch, line);
    }

    /// Records a URL as failed.
    pub fn fail(&mut self, batch: &mut Batch, url: &str, reason: &str) {
        self.push(batch, Line::Failed { url: url.to_string(), reason: reason.to_string() });
    }

    /// Puts a done or failed URL back in the queue (recrawl).
    pub fn requeue(&mut self, batch: &mut Batch, url: &str) {
        self.push(batch, Line::Requeued { url: url.to_string() });
    }

    /// Records that a WARC file was created (before anything is written in it).
    pub fn warc_opened(&mut self, batch: &mut Batch, file: &str) {
        self.push(batch, Line::Warc { file: file.to_string() });
    }

    fn push(&mut self, batch: &mut Batch, line: Line) {
        self.apply(line.clone());
        batch.lines.push(line);
    }

    /// Writes a batch with one write and syncs it.
    pub fn commit(&mut self, batch: Batch) -> Result<(), FrontierError> {
        if batch.lines.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for line in &batch.lines {
            // Serialising plain strings and numbers cannot fail.
            text.push_str(&serde_json::to_string(line).unwrap_or_default());
            text.push('\n');
        }
        let io_error = |source| FrontierError::Io { path: self.path.clone(), source };
        self.journal.write_all(text.as_bytes()).map_err(io_error)?;
        self.journal.sync_data().map_err(io_error)
    }

    /// The entry of a URL.
    pub fn get(&self, url: &str) -> Option<&Entry> {
        self.entries.get(url)
    }

    /// Every entry, in the order URLs were first added.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.order.iter().filter_map(|url| self.entries.get(url))
    }

    /// Queued entries, in the order URLs were first added.
    pub fn queued(&self) -> impl Iterator<Item = &Entry> {
        self.entries().filter(|entry| entry.state == State::Queued)
    }

    /// Number of URLs known.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no URL is known.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// WARC files opened by the crawl, oldest first.
    pub fn warc_files(&self) -> &[String] {
        &self.warc_files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("socle-frontier-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn new_url(url: &str) -> NewUrl {
        NewUrl { url: url.into(), source: "s".into(), kind: SeedType::Page, depth: 0, hops: 0 }
    }

    fn stored(status: u16) -> Stored {
        Stored {
            status,
            etag: Some("\"e\"".into()),
            last_modified: None,
            fetched_at: 7,
            warc: "a.warc".into(),
            offset: 9,
        }
    }

    #[test]
    fn replay_restores_states_and_drops_a_torn_line() {
        let dir = temp_dir("torn");
        {
            let (mut frontier, replay) = Frontier::open(&dir).unwrap();
            assert_eq!(replay, Replay::default());
            let mut batch = Batch::new();
            assert!(frontier.add(&mut batch, new_url("http://a/1")));
            assert!(frontier.add(&mut batch, new_url("http://a/2")));
            assert!(frontier.add(&mut batch, new_url("http://a/3")));
            assert!(!frontier.add(&mut batch, new_url("http://a/1")), "duplicates are refused");
            frontier.warc_opened(&mut batch, "a.warc");
            frontier.done(&mut batch, "http://a/1", stored(200));
            frontier.fail(&mut batch, "http://a/2", "interdit par robots.txt");
            frontier.commit(batch).unwrap();
        }
        // A kill in the middle of a line.
        let path = dir.join(JOURNAL_FILE);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"op\":\"done\",\"url\":\"http://a/3\",\"sta").unwrap();
        drop(file);
        let (mut frontier, replay) = Frontier::open(&dir).unwrap();
        assert!(replay.torn_tail);
        assert_eq!(replay.lines, 6);
        assert_eq!(frontier.get("http://a/1").unwrap().stored, Some(stored(200)));
        assert_eq!(frontier.get("http://a/2").unwrap().state, State::Failed("interdit par robots.txt".into()));
        let queued: Vec<&str> = frontier.queued().map(|entry| entry.url.as_str()).collect();
        assert_eq!(queued, ["http://a/3"]);
        assert_eq!(frontier.warc_files(), ["a.warc"]);
        // The torn line was cut: what is written next replays.
        let mut batch = Batch::new();
        frontier.done(&mut batch, "http://a/3", stored(404));
        frontier.requeue(&mut batch, "http://a/1");
        frontier.commit(batch).unwrap();
        drop(frontier);
        let (frontier, replay) = Frontier::open(&dir).unwrap();
        assert!(!replay.torn_tail);
        assert_eq!(frontier.get("http://a/3").unwrap().state, State::Done);
        let entry = frontier.get("http://a/1").unwrap();
        assert_eq!(entry.state, State::Queued);
        assert_eq!(entry.stored, Some(stored(200)), "a requeued URL keeps its validators");
        assert_eq!(frontier.len(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
