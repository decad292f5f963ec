//! WARC/1.1 archives (ISO 28500): a writer of `warcinfo`, `request`, `response` and `revisit`
//! records, synced to disk before the frontier records a page as done, and a reader that walks
//! the records of a file and stops cleanly at a torn last record (after `kill -9`).
//!
//! Files are uncompressed. `WARC-Payload-Digest` is `sha256:` followed by the lowercase hex
//! digest of the HTTP body.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

/// Largest record block the reader accepts; a larger Content-Length is treated as corruption.
pub const MAX_BLOCK_BYTES: u64 = 256 * 1024 * 1024;
/// Largest header section the reader accepts.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Profile of revisit records written for 304 answers.
pub const REVISIT_PROFILE: &str = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

/// A record to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecord {
    /// `warcinfo`, `request`, `response`, `revisit`.
    pub warc_type: String,
    /// `WARC-Target-URI`, when the record is about a URL.
    pub target_uri: Option<String>,
    /// `WARC-Date`.
    pub date: DateTime<Utc>,
    /// `Content-Type` of the block.
    pub content_type: String,
    /// Other headers (`WARC-Truncated`, `WARC-Refers-To-…`, …).
    pub extra_headers: Vec<(String, String)>,
    /// The block.
    pub block: Vec<u8>,
    /// Offset in the block where the HTTP payload starts, for `WARC-Payload-Digest`.
    pub payload_offset: Option<usize>,
}

/// sha256 of `bytes`, as `sha256:` and lowercase hex.
pub fn sha256_label(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut label = String::with_capacity(7 + 64);
    label.push_str("sha256:");
    for byte in digest.iter() {
        label.push_str(&format!("{byte:02x}"));
    }
    label
}

fn warc_date(date: &DateTime<Utc>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl NewRecord {
    fn serialize(&self, record_id: &str) -> Vec<u8> {
        let mut head = String::from("WARC/1.1\r\n");
        let mut push = |name: &str, value: &str| {
            // Header values must stay on one line whatever the input.
            let value: String = value.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect();
            head.push_str(&format!("{name}: {value}\r\n"));
        };
        push("WARC-Type", &self.warc_type);
        push("WARC-Record-ID", record_id);
        push("WARC-Date", &warc_date(&self.date));
        if let Some(target) = &self.target_uri {
            push("WARC-Target-URI", target);
        }
        if let Some(offset) = self.payload_offset {
            push("WARC-Payload-Digest", &sha256_label(&self.block[offset.min(self.block.len())..]));
        }
        push("WARC-Block-Digest", &sha256_label(&self.block));
        for (name, value) in &self.extra_headers {
            push(name, value);
        }
        push("Content-Type", &self.content_type);
        push("Content-Length", &self.block.len().to_string());
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(&self.block);
        bytes.extend_from_slice(b"\r\n\r\n");
        bytes
    }
}

/// Appends records to one WARC file.
#[derive(Debug)]
pub struct WarcWriter {
    file: File,
    path: PathBuf,
    offset: u64,
}

impl WarcWriter {
    /// Creates a new file (it must not exist) and writes its `warcinfo` record.
    pub fn create(path: &Path, software: &str) -> io::Result<WarcWriter> {
        let file = OpenOptions::new().write(true).create_new(true).open(path)?;
        let mut writer = WarcWriter { file, path: path.to_path_buf(), offset: 0 };
        let info = format!("software: {software}\r\nformat: WARC File Format 1.1\r\n");
        writer.append(&[NewRecord {
            warc_type: "warcinfo".into(),
            target_uri: None,
            date: Utc::now(),
            content_type: "application/warc-fields".into(),
            extra_headers: vec![(
                "WARC-Filename".into(),
                path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default(),
            )],
            block: info.into_bytes(),
            payload_offset: None,
        }])?;
        Ok(writer)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the records in one write, syncs the file, and returns the offset of each.
    pub fn append(&mut self, records: &[NewRecord]) -> io::Result<Vec<u64>> {
        let offsets = self.append_unsynced(records)?;
        self.sync()?;
        Ok(offsets)
    }

    /// Syncs what was written to the disk.
    pub fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Writes the records in one write without syncing (see [`WarcWriter::sync`]); returns
    /// the offset of each.
    pub fn append_unsynced(&mut self, records: &[NewRecord]) -> io::Result<Vec<u64>> {
        let mut bytes = Vec::new();
        let mut offsets = Vec::with_capacity(records.len());
        for record in records {
            offsets.push(self.offset + bytes.len() as u64);
            let id = format!("<urn:uuid:{}>", uuid::Uuid::new_v4());
            bytes.extend_from_slice(&record.serialize(&id));
        }
        self.file.write_all(&bytes)?;
        self.offset += bytes.len() as u64;
        Ok(offsets)
    }
}

/// A record read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcRecord {
    /// Offset of the record in its file.
    pub offset: u64,
    /// Offset just after the record (and its two CRLF).
    pub end: u64,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The block.
    pub block: Vec<u8>,
}

impl WarcRecord {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// `WARC-Type`.
    pub fn warc_type(&self) -> &str {
        self.header("WARC-Type").unwrap_or_default()
    }

    /// `WARC-Target-URI`.
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI")
    }
}

/// What the reader found wrong, in French.
#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    /// The file could not be read.
    #[error("lecture de l'archive WARC impossible : {0}")]
    Io(#[from] io::Error),
    /// A record is malformed (not torn: something else than the end of the file is wrong).
    #[error("archive WARC invalide à l'octet {offset} : {detail}")]
    Malformed {
        /// Offset of the record.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
}

/// Iterates the records of a WARC file; a record cut by the end of the file ends the
/// iteration and is reported by [`WarcReader::torn_at`].
#[derive(Debug)]
pub struct WarcReader {
    reader: BufReader<File>,
    offset: u64,
    torn_at: Option<u64>,
    done: bool,
}

impl WarcReader {
    /// Opens a file at its start.
    pub fn open(path: &Path) -> io::Result<WarcReader> {
        WarcReader::open_at(path, 0)
    }

    /// Opens a file at a record offset.
    pub fn open_at(path: &Path, offset: u64) -> io::Result<WarcReader> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(offset))?;
        Ok(WarcReader { reader: BufReader::new(file), offset, torn_at: None, done: false })
    }

    /// Offset of the torn last record, if the file ends in the middle of one.
    pub fn torn_at(&self) -> Option<u64> {
        self.torn_at
    }

    /// Offset just after the last complete record read.
    pub fn position(&self) -> u64 {
        self.offset
    }

    fn read_record(&mut self) -> Result<Option<WarcRecord>, WarcError> {
        let start = self.offset;
        let malformed = |detail: &str| WarcError::Malformed { offset: start, detail: detail.to_string() };
        let mut consumed = 0u64;
        let mut line = Vec::new();
        // Version line; blank lines between records are tolerated.
        loop {
            line.clear();
            let read = (&mut self.reader).take(MAX_HEADER_BYTES as u64).read_until(b'\n', &mut line)?;
            if read == 0 {
                if consumed > 0 {
                    self.torn_at = Some(start);
                }
                return Ok(None);
            }
            consumed += read as u64;
            if !line.ends_with(b"\n") {
                self.torn_at = Some(start);
                return Ok(None);
            }
            if line.iter().all(|byte| byte.is_ascii_whitespace()) {
                continue;
            }
            if !line.starts_with(b"WARC/") {
                return Err(malformed("ligne de version WARC attendue"));
            }
            break;
        }
        let mut headers = Vec::new();
        let mut header_bytes = 0usize;
        loop {
            line.clear();
            let read = (&mut self.reader).take(MAX_HEADER_BYTES as u64).read_until(b'\n', &mut line)?;
            consumed += read as u64;
            header_bytes += read;
            if read == 0 || !line.ends_with(b"\n") {
                self.torn_at = Some(start);
                return Ok(None);
            }
            if header_bytes > MAX_HEADER_BYTES {
                return Err(malformed("en-têtes trop longs"));
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break;
            }
            let Some((name, value)) = text.split_once(':') else {
                return Err(malformed("en-tête sans « : »"));
            };
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
        let length = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("Content-Length"))
            .and_then(|(_, value)| value.parse::<u64>().ok())
            .ok_or_else(|| malformed("Content-Length absent ou illisible"))?;
        if length > MAX_BLOCK_BYTES {
            return Err(malformed("bloc trop grand"));
        }
        let mut block = Vec::new();
        (&mut self.reader).take(length).read_to_end(&mut block)?;
        let mut trailer = Vec::new();
        (&mut self.reader).take(4).read_to_end(&mut trailer)?;
        if (block.len() as u64) < length || trailer.len() < 4 {
            self.torn_at = Some(start);
            return Ok(None);
        }
        if trailer != b"\r\n\r\n" {
            return Err(malformed("fin de bloc attendue (CRLF CRLF)"));
        }
        consumed += length + 4;
        self.offset = start + consumed;
        Ok(Some(WarcRecord { offset: start, end: self.offset, headers, block }))
    }
}

impl Iterator for WarcReader {
    type Item = Result<WarcRecord, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read_record() {
            Ok(Some(record)) => Some(Ok(record)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }
}

/// Cuts a file after its last complete record (from `from`, a record offset) and returns the
/// new length; used before appending to a file a crash may have left torn.
pub fn truncate_torn_tail(path: &Path, from: u64) -> Result<u64, WarcError> {
    let mut reader = WarcReader::open_at(path, from)?;
    let mut end = from;
    for record in reader.by_ref() {
        match record {
            Ok(record) => end = record.end,
            Err(_) => break,
        }
    }
    let file = OpenOptions::new().write(true).open(path)?;
    if file.metadata()?.len() > end {
        file.set_len(end)?;
        file.sync_all()?;
    }
    Ok(end)
}

/// The `.warc` files of a folder, oldest first (crawl file names sort by creation time).
pub fn list(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|extension| extension == "warc") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A parsed HTTP response block of a `response` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBlock<'a> {
    /// Status code.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: &'a [u8],
}

impl HttpBlock<'_> {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// Splits an HTTP response block into status, headers and body; `None` when it is not one.
pub fn parse_http_response(block: &[u8]) -> Option<HttpBlock<'_>> {
    let end = block.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&block[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.splitn(3, ' ');
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    Some(HttpBlock { status, headers, body: &block[end + 4..] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_blocks_are_parsed() {
        let block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: \"x\"\r\n\r\n<p>bonjour</p>";
        let http = parse_http_response(block).unwrap();
        assert_eq!(http.status, 200);
        assert_eq!(http.header("etag"), Some("\"x\""));
        assert_eq!(http.body, b"<p>bonjour</p>");
        assert!(parse_http_response(b"GET / HTTP/1.1\r\n\r\n").is_none());
        assert!(parse_http_response(b"HTTP/1.1 200 OK\r\n").is_none());
    }

    #[test]
    fn digest_label() {
        // sha256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(sha256_label(b"abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
