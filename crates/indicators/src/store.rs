//! The record store: records as Parquet files in Hive-style partitions,
//! `kind=<kind>/month=<YYYY-MM|inconnu>/part-0.parquet`, upserted by id and rewritten
//! atomically.
//!
//! How it stays consistent:
//! - every write is one *generation* (a counter kept in each file's key-value metadata,
//!   `socle.generation`); a partition is rewritten whole into a hidden temporary file of its own
//!   directory, which is fsynced, renamed over `part-0.parquet`, and the directory fsynced, so a
//!   reader sees the old file or the new one, never a torn one;
//! - a record whose month changed is written into its new partition *before* it is removed
//!   from the old one: a crash in between leaves two copies, and the newer generation wins when
//!   the store is opened again (the stale copy is then removed);
//! - opening the store removes leftover temporary files and takes a lock (`.verrou`), so one
//!   process writes at a time.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;
use records::{Kind, Record};

use crate::error::Error;
use crate::table;

/// Name of the month partition of records without a date.
pub const UNKNOWN_MONTH: &str = "inconnu";
/// Name of the data file of a partition.
pub const PART_FILE: &str = "part-0.parquet";
/// Name of the lock file in the store's directory.
pub const LOCK_FILE: &str = ".verrou";
/// Key of the generation in a data file's key-value metadata.
const GENERATION_KEY: &str = "socle.generation";

/// What a write did, counted against the records stored before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Records whose id was not stored.
    pub added: usize,
    /// Records whose id was stored with other values (or another month), now replaced.
    pub replaced: usize,
    /// Records stored already with exactly these values.
    pub unchanged: usize,
    /// Records refused, with the reason; nothing of them was stored.
    pub rejected: Vec<Rejected>,
}

/// A record a write refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Its kind.
    pub kind: Kind,
    /// Its id.
    pub id: String,
    /// Why, in French.
    pub reason: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} « {} » refusé : {}", self.kind.label(), table::excerpt(&self.id), self.reason)
    }
}

/// What a lenient read found: every readable record, and a problem per unreadable file.
#[derive(Debug, Default)]
pub struct LenientRead {
    /// The records of every readable file.
    pub records: Vec<Record>,
    /// One [`Error::Damaged`] per file that could not be read; its records are missing.
    pub problems: Vec<Error>,
}

/// A partition: one kind, one month (`YYYY-MM` or [`UNKNOWN_MONTH`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Partition {
    kind: Kind,
    month: Arc<str>,
}

/// A Parquet file of a partition.
#[derive(Debug, Clone)]
struct DataFile {
    name: Arc<str>,
    generation: u64,
    /// Why it cannot be read, in French.
    damaged: Option<String>,
}

/// Where the stored copy of a record is.
#[derive(Debug, Clone)]
struct Slot {
    month: Arc<str>,
    file: Arc<str>,
    generation: u64,
}

impl Slot {
    fn is(&self, month: &str, file: &str) -> bool {
        &*self.month == month && &*self.file == file
    }
}

/// The Parquet record store of one directory, opened by one process at a time.
#[derive(Debug)]
pub struct RecordStore {
    root: PathBuf,
    /// Held for the store's lifetime; the lock is released when the file is closed.
    _lock: File,
    /// The last generation written.
    generation: u64,
    partitions: BTreeMap<Partition, Vec<DataFile>>,
    /// Per kind (in [`Kind::ALL`] order): record id → where its current copy is.
    index: [HashMap<String, Slot>; 4],
}

fn kind_slot(kind: Kind) -> usize {
    match kind {
        Kind::Job => 0,
        Kind::Funding => 1,
        Kind::Project => 2,
        Kind::Dataset => 3,
    }
}

fn valid_month(month: &str) -> bool {
    month == UNKNOWN_MONTH || (month.len() == 7 && table::parse_date(&format!("{month}-01")).is_some())
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir).and_then(|handle| handle.sync_all()).map_err(Error::io("synchroniser le dossier", dir))
}

fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

pub(crate) fn is_data_file(name: &str) -> bool {
    !name.starts_with('.') && !name.starts_with('_') && name.ends_with(".parquet")
}

/// Checks the Parquet framing (magic number at both ends, footer length within the file), so
/// that a truncated file gets a precise reason before the Parquet reader sees it.
pub(crate) fn check_framing(path: &Path) -> Result<(), String> {
    let mut file = File::open(path).map_err(|error| format!("ouverture impossible : {error}"))?;
    let len = file.metadata().map_err(|error| format!("taille illisible : {error}"))?.len();
    if len < 12 {
        return Err(format!("{len} octets seulement, moins que les 12 d'un fichier Parquet vide"));
    }
    let mut head = [0u8; 4];
    let mut tail = [0u8; 8];
    file.read_exact(&mut head)
        .and_then(|()| file.seek(SeekFrom::End(-8)))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(|error| format!("lecture impossible : {error}"))?;
    if &head != b"PAR1" || &tail[4..] != b"PAR1" {
        return Err("la signature PAR1 manque au début ou à la fin du fichier (fichier tronqué ?)".into());
    }
    let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer + 12 > len {
        return Err(format!("le pied de page annonce {footer} octets, plus que le fichier n'en contient ({len})"));
    }
    Ok(())
}

/// Reads a data file (only `columns` when given) and its generation; the error is French.
fn read_file(path: &Path, columns: Option<Vec<String>>) -> Result<(DataFrame, u64), String> {
    check_framing(path)?;
    let file = File::open(path).map_err(|error| format!("ouverture impossible : {error}"))?;
    let outcome = panic::catch_unwind(AssertUnwindSafe(move || -> PolarsResult<(DataFrame, u64)> {
        let mut reader = ParquetReader::new(file);
        let generation = reader
            .get_metadata()?
            .key_value_metadata()
            .as_ref()
            .and_then(|pairs| pairs.iter().find(|pair| pair.key == GENERATION_KEY))
            .and_then(|pair| pair.value.as_deref())
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        let frame = reader.with_columns(columns).finish()?;
        Ok((frame, generation))
    }));
    match outcome {
        Ok(Ok(read)) => Ok(read),
        Ok(Err(error)) => Err(format!("lecture Parquet impossible : {error}")),
        Err(_) => Err("le lecteur Parquet a échoué sur un contenu incohérent".into()),
    }
}

/// The ids of a data file, checked (a string column without nulls), and its generation.
fn read_ids(path: &Path) -> Result<(Vec<String>, u64), String> {
    let (frame, generation) = read_file(path, Some(vec!["id".into()]))?;
    let column = frame.column("id").map_err(|_| "la colonne obligatoire id manque".to_string())?;
    let values =
        column.str().map_err(|_| format!("la colonne id est de type {}, au lieu de STRING", column.dtype()))?;
    let ids = values
        .iter()
        .enumerate()
        .map(|(row, id)| id.map(str::to_string).ok_or_else(|| format!("la colonne id est vide à la ligne {}", row + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((ids, generation))
}

fn list_dir(dir: &Path) -> Result<Vec<(String, bool)>, Error> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(Error::io("lire le dossier", dir))? {
        let entry = entry.map_err(Error::io("lire le dossier", dir))?;
        let is_dir = entry.file_type().map_err(Error::io("lire le dossier", dir))?.is_dir();
        if let Ok(name) = entry.file_name().into_string() {
            entries.push((name, is_dir));
        }
    }
    entries.sort();
    Ok(entries)
}

impl RecordStore {
    /// Opens (creating it if needed) the store in `dir`: takes its lock, removes leftover
    /// temporary files of an interrupted write, reads the ids of every data file, and removes
    /// the stale copies an interrupted write may have left. A data file that cannot be read does
    /// not prevent opening: it is listed by [`RecordStore::problems`], reads fail on it (or skip
    /// it, [`RecordStore::read_all_lenient`]) and writes refuse to touch its partition.
    pub fn open(dir: &Path) -> Result<RecordStore, Error> {
        fs::create_dir_all(dir).map_err(Error::io("créer le dossier", dir))?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(Error::io("créer le verrou", &lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Error::Locked { dir: dir.to_path_buf(), lock: lock_path }),
            Err(TryLockError::Error(source)) => {
                return Err(Error::Io { action: "verrouiller", path: lock_path, source });
            }
        }
        let mut store = RecordStore {
            root: dir.to_path_buf(),
            _lock: lock,
            generation: 0,
            partitions: BTreeMap::new(),
            index: Default::default(),
        };
        let stale = store.scan()?;
        if !stale.is_empty() {
            store.generation += 1;
            let generation = store.generation;
            for partition in stale {
                let records = store.load(&partition, &mut Vec::new(), true)?;
                store.write_partition(&partition, &records, generation)?;
            }
        }
        Ok(store)
    }

    /// Reads the directory tree; returns the partitions holding stale copies of records.
    fn scan(&mut self) -> Result<BTreeSet<Partition>, Error> {
        let mut stale = BTreeSet::new();
        let mut files: Vec<(Partition, DataFile, Vec<String>)> = Vec::new();
        for (kind_name, is_dir) in list_dir(&self.root)? {
            let Some(kind) = kind_name.strip_prefix("kind=").and_then(Kind::parse) else { continue };
            if !is_dir {
                continue;
            }
            let kind_dir = self.root.join(&kind_name);
            for (month_name, is_dir) in list_dir(&kind_dir)? {
                let Some(month) = month_name.strip_prefix("month=").filter(|month| valid_month(month)) else {
                    continue;
                };
                if !is_dir {
                    continue;
                }
                let partition = Partition { kind, month: Arc::from(month) };
                let month_dir = kind_dir.join(&month_name);
                let mut removed = false;
                for (name, is_dir) in list_dir(&month_dir)? {
                    let path = month_dir.join(&name);
                    if !is_dir && is_temporary(&name) {
                        fs::remove_file(&path).map_err(Error::io("supprimer le fichier temporaire", &path))?;
                        removed = true;
                    } else if !is_dir && is_data_file(&name) {
                        let (file, ids) = match read_ids(&path) {
                            Ok((ids, generation)) => {
                                (DataFile { name: Arc::from(name.as_str()), generation, damaged: None }, ids)
                            }
                            Err(reason) => (
                                DataFile { name: Arc::from(name.as_str()), generation: 0, damaged: Some(reason) },
                                vec![],
                            ),
                        };
                        files.push((partition.clone(), file, ids));
                    }
                }
                if removed {
                    sync_dir(&month_dir)?;
                }
            }
        }
        for (partition, file, ids) in files {
            self.generation = self.generation.max(file.generation);
            let index = &mut self.index[kind_slot(partition.kind)];
            for id in ids {
                let slot =
                    Slot { month: partition.month.clone(), file: file.name.clone(), generation: file.generation };
                match index.get(&id) {
                    None => {
                        index.insert(id, slot);
                    }
                    Some(current) if current.generation >= slot.generation => {
                        // This copy is older (or a duplicate in the same generation): the
                        // current one stays.
                        stale.insert(partition.clone());
                    }
                    Some(current) => {
                        stale.insert(Partition { kind: partition.kind, month: current.month.clone() });
                        index.insert(id, slot);
                    }
                }
            }
            self.partitions.entry(partition).or_default().push(file);
        }
        // A partition with an unreadable file is never rewritten: its stale copies are skipped
        // by reads anyway.
        stale.retain(|partition| self.damaged_file(partition).is_none());
        Ok(stale)
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    fn partition_dir(&self, partition: &Partition) -> PathBuf {
        self.root.join(format!("kind={}", partition.kind.as_str())).join(format!("month={}", partition.month))
    }

    fn damaged_file(&self, partition: &Partition) -> Option<Error> {
        let files = self.partitions.get(partition)?;
        files.iter().find_map(|file| {
            file.damaged.as_ref().map(|reason| Error::Damaged {
                path: self.partition_dir(partition).join(&*file.name),
                reason: reason.clone(),
            })
        })
    }

    /// The files found unreadable when the store was opened, one [`Error::Damaged`] each.
    pub fn problems(&self) -> Vec<Error> {
        let mut problems = Vec::new();
        for (partition, files) in &self.partitions {
            for file in files {
                if let Some(reason) = &file.damaged {
                    problems.push(Error::Damaged {
                        path: self.partition_dir(partition).join(&*file.name),
                        reason: reason.clone(),
                    });
                }
            }
        }
        problems
    }

    /// The current records of a partition, by id. Unreadable files are an error when `strict`,
    /// else a problem pushed to `problems`.
    fn load(
        &self,
        partition: &Partition,
        problems: &mut Vec<Error>,
        strict: bool,
    ) -> Result<BTreeMap<String, Record>, Error> {
        let mut records = BTreeMap::new();
        let Some(files) = self.partitions.get(partition) else { return Ok(records) };
        let index = &self.index[kind_slot(partition.kind)];
        let dir = self.partition_dir(partition);
        for file in files {
            let path = dir.join(&*file.name);
            let read = match &file.damaged {
                Some(reason) => Err(reason.clone()),
                None => read_file(&path, None).and_then(|(frame, _)| table::decode(partition.kind, &frame)),
            };
            match read {
                Ok(decoded) => {
                    for record in decoded {
                        if index.get(record.id()).is_some_and(|slot| slot.is(&partition.month, &file.name)) {
                            records.insert(record.id().to_string(), record);
                        }
                    }
                }
                Err(reason) if strict => return Err(Error::Damaged { path, reason }),
                Err(reason) => problems.push(Error::Damaged { path, reason }),
            }
        }
        Ok(records)
    }

    /// Writes the records of a partition (all of it) as its only data file, atomically; an
    /// empty partition is removed. Unreadable files are left in place.
    fn write_partition(
        &mut self,
        partition: &Partition,
        records: &BTreeMap<String, Record>,
        generation: u64,
    ) -> Result<(), Error> {
        let dir = self.partition_dir(partition);
        let kind_dir = dir.parent().map(Path::to_path_buf).unwrap_or_else(|| self.root.clone());
        let old: Vec<DataFile> = self.partitions.get(partition).cloned().unwrap_or_default();
        if records.is_empty() {
            for file in old.iter().filter(|file| file.damaged.is_none()) {
                let path = dir.join(&*file.name);
                fs::remove_file(&path).map_err(Error::io("supprimer le fichier", &path))?;
            }
            sync_dir(&dir)?;
            let kept: Vec<DataFile> = old.into_iter().filter(|file| file.damaged.is_some()).collect();
            if kept.is_empty() {
                // Only a directory still holding other files (not ours) stays.
                if fs::remove_dir(&dir).is_ok() {
                    sync_dir(&kind_dir)?;
                }
                self.partitions.remove(partition);
            } else {
                self.partitions.insert(partition.clone(), kept);
            }
            return Ok(());
        }
        if !dir.is_dir() {
            fs::create_dir_all(&dir).map_err(Error::io("créer le dossier", &dir))?;
            sync_dir(&kind_dir)?;
            sync_dir(&self.root)?;
        }
        let rows: Vec<&Record> = records.values().collect();
        let mut frame = table::encode(partition.kind, &rows)
            .map_err(|error| Error::Write { path: dir.join(PART_FILE), reason: error.to_string() })?;
        let temporary = dir.join(format!(".{PART_FILE}.{generation}.{}.tmp", std::process::id()));
        let target = dir.join(PART_FILE);
        let written = (|| -> Result<(), Error> {
            let mut file = File::create(&temporary).map_err(Error::io("créer le fichier", &temporary))?;
            let metadata = KeyValueMetadata::from_static(vec![(GENERATION_KEY.to_string(), generation.to_string())]);
            ParquetWriter::new(&mut file)
                .with_compression(ParquetCompression::Zstd(None))
                .with_key_value_metadata(Some(metadata))
                .finish(&mut frame)
                .map_err(|error| Error::Write { path: temporary.clone(), reason: error.to_string() })?;
            file.sync_all().map_err(Error::io("synchroniser le fichier", &temporary))?;
            fs::rename(&temporary, &target).map_err(Error::io("renommer le fichier temporaire", &temporary))?;
            sync_dir(&dir)
        })();
        if let Err(error) = written {
            let _ = fs::remove_file(&temporary);
            return Err(error);
        }
        let mut others = false;
        for file in old.iter().filter(|file| file.damaged.is_none() && &*file.name != PART_FILE) {
            let path = dir.join(&*file.name);
            fs::remove_file(&path).map_err(Error::io("supprimer le fichier", &path))?;
            others = true;
        }
        if others {
            sync_dir(&dir)?;
        }
        let name: Arc<str> = Arc::from(PART_FILE);
        let mut files: Vec<DataFile> =
            old.into_iter().filter(|file| file.damaged.is_some() && &*file.name != PART_FILE).collect();
        files.insert(0, DataFile { name: name.clone(), generation, damaged: None });
        self.partitions.insert(partition.clone(), files);
        let index = &mut self.index[kind_slot(partition.kind)];
        for id in records.keys() {
            index.insert(id.clone(), Slot { month: partition.month.clone(), file: name.clone(), generation });
        }
        Ok(())
    }

    /// Stores `records`: a record whose id (within its kind) is stored already replaces it,
    /// wherever it was, others are added; within `records` the last one with an id wins.
    /// Records with a date that is not `YYYY-MM-DD`, a non-finite amount or an empty id are
    /// refused and listed in the report. Only the partitions that change are rewritten, each
    /// atomically. An unreadable file in a partition to rewrite stops the write before anything
    /// is written ([`Error::Damaged`]).
    pub fn write(&mut self, records: &[Record]) -> Result<WriteReport, Error> {
        let mut report = WriteReport::default();
        let mut last: HashMap<(Kind, &str), usize> = HashMap::new();
        for (position, record) in records.iter().enumerate() {
            match table::validate(record) {
                Ok(()) => {
                    last.insert((record.kind(), record.id()), position);
                }
                Err(reason) => {
                    report.rejected.push(Rejected { kind: record.kind(), id: record.id().to_string(), reason })
                }
            }
        }
        let mut positions: Vec<usize> = last.into_values().collect();
        positions.sort_unstable();
        let mut incoming: BTreeMap<Partition, Vec<&Record>> = BTreeMap::new();
        let mut affected: BTreeSet<Partition> = BTreeSet::new();
        for position in positions {
            let record = &records[position];
            let month: Arc<str> = Arc::from(record.month().unwrap_or(UNKNOWN_MONTH));
            let target = Partition { kind: record.kind(), month };
            if let Some(slot) = self.index[kind_slot(record.kind())].get(record.id()) {
                affected.insert(Partition { kind: record.kind(), month: slot.month.clone() });
            }
            affected.insert(target.clone());
            incoming.entry(target).or_default().push(record);
        }
        for partition in &affected {
            if let Some(error) = self.damaged_file(partition) {
                return Err(error);
            }
        }
        let mut loaded: BTreeMap<Partition, BTreeMap<String, Record>> = BTreeMap::new();
        for partition in &affected {
            loaded.insert(partition.clone(), self.load(partition, &mut Vec::new(), true)?);
        }
        let mut changed: BTreeSet<Partition> = BTreeSet::new();
        for (target, batch) in &incoming {
            for record in batch {
                let previous = self.index[kind_slot(target.kind)]
                    .get(record.id())
                    .map(|slot| Partition { kind: target.kind, month: slot.month.clone() });
                match previous {
                    None => report.added += 1,
                    Some(previous) if previous == *target => {
                        let stored = loaded.get(target).and_then(|partition| partition.get(record.id()));
                        if stored == Some(*record) {
                            report.unchanged += 1;
                            continue;
                        }
                        report.replaced += 1;
                    }
                    Some(previous) => {
                        if let Some(partition) = loaded.get_mut(&previous) {
                            partition.remove(record.id());
                        }
                        changed.insert(previous);
                        report.replaced += 1;
                    }
                }
                if let Some(partition) = loaded.get_mut(target) {
                    partition.insert(record.id().to_string(), (*record).clone());
                }
                changed.insert(target.clone());
            }
        }
        if changed.is_empty() {
            return Ok(report);
        }
        let generation = self.generation + 1;
        // Partitions receiving records first: a crash before the others are rewritten leaves
        // older copies, which lose to this generation when the store is opened again.
        let (gaining, losing): (Vec<&Partition>, Vec<&Partition>) =
            changed.iter().partition(|partition| incoming.contains_key(*partition));
        for partition in gaining.into_iter().chain(losing) {
            let records = loaded.get(partition).cloned().unwrap_or_default();
            self.write_partition(partition, &records, generation)?;
        }
        self.generation = generation;
        Ok(report)
    }

    /// Removes the records of `kind` with these ids (unknown ids are ignored) and returns how
    /// many were removed. Each partition that loses records is rewritten atomically, as by
    /// [`RecordStore::write`]; an unreadable file in one of them stops the removal before
    /// anything changes ([`Error::Damaged`]).
    pub fn remove<S: AsRef<str>>(&mut self, kind: Kind, ids: &[S]) -> Result<usize, Error> {
        let mut affected: BTreeMap<Partition, Vec<&str>> = BTreeMap::new();
        for id in ids {
            if let Some(slot) = self.index[kind_slot(kind)].get(id.as_ref()) {
                affected.entry(Partition { kind, month: slot.month.clone() }).or_default().push(id.as_ref());
            }
        }
        for partition in affected.keys() {
            if let Some(error) = self.damaged_file(partition) {
                return Err(error);
            }
        }
        if affected.is_empty() {
            return Ok(0);
        }
        let generation = self.generation + 1;
        let mut removed = 0;
        for (partition, ids) in &affected {
            let mut records = self.load(partition, &mut Vec::new(), true)?;
            for id in ids {
                removed += usize::from(records.remove(*id).is_some());
            }
            self.write_partition(partition, &records, generation)?;
            for id in ids {
                self.index[kind_slot(kind)].remove(*id);
            }
        }
        self.generation = generation;
        Ok(removed)
    }

    /// Every stored record: by kind ([`Kind::ALL`] order), then month, then id. An unreadable
    /// file is an [`Error::Damaged`] naming it.
    pub fn read_all(&self) -> Result<Vec<Record>, Error> {
        let mut records = Vec::new();
        for kind in Kind::ALL {
            records.extend(self.read_kind(kind)?);
        }
        Ok(records)
    }

    /// The stored records of one kind, by month then id.
    pub fn read_kind(&self, kind: Kind) -> Result<Vec<Record>, Error> {
        let mut records = Vec::new();
        for partition in self.partitions.keys().filter(|partition| partition.kind == kind) {
            records.extend(self.load(partition, &mut Vec::new(), true)?.into_values());
        }
        Ok(records)
    }

    /// Every record of every readable file, and one problem per unreadable file (whose records
    /// are missing from the result). Use it where partial data is better than none (the
    /// dashboard), and show the problems.
    pub fn read_all_lenient(&self) -> LenientRead {
        let mut read = LenientRead::default();
        for partition in self.partitions.keys() {
            if let Ok(records) = self.load(partition, &mut read.problems, false) {
                read.records.extend(records.into_values());
            }
        }
        read
    }

    /// Whether a record of this kind and id is stored.
    pub fn contains(&self, kind: Kind, id: &str) -> bool {
        self.index[kind_slot(kind)].contains_key(id)
    }

    /// The kind and id of every stored record (from memory, no file is read), in no particular
    /// order.
    pub fn ids(&self) -> impl Iterator<Item = (Kind, &str)> + '_ {
        Kind::ALL
            .into_iter()
            .flat_map(move |kind| self.index[kind_slot(kind)].keys().map(move |id| (kind, id.as_str())))
    }

    /// How many records of each kind are stored (every kind present, possibly 0).
    pub fn count_by_kind(&self) -> BTreeMap<Kind, usize> {
        Kind::ALL.into_iter().map(|kind| (kind, self.index[kind_slot(kind)].len())).collect()
    }

    /// How many records are stored.
    pub fn len(&self) -> usize {
        self.index.iter().map(HashMap::len).sum()
    }

    /// Whether no record is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The data files of the store, relative to its directory, sorted (for tests and reports).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .partitions
            .iter()
            .flat_map(|(partition, files)| {
                files.iter().map(move |file| {
                    PathBuf::from(format!("kind={}", partition.kind.as_str()))
                        .join(format!("month={}", partition.month))
                        .join(&*file.name)
                })
            })
            .collect();
        files.sort();
        files
    }
}
