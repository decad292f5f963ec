//! The observatory's ingestion: WARC archives → extraction and normalisation → duplicates merged
//! → the Parquet record store (the source of truth) → the search index.
//!
//! The same code ingests what `socle crawl` archived (`socle observatory ingest`) and the demo
//! web's archive that `socle serve` writes and ingests on its first start.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use records::source::{Adapter, SourcesFile};
use records::{Kind, Record};

/// Folder of the data directory that holds the observatory's data.
pub const OBSERVATORY_DIR: &str = "observatoire";
/// The Parquet record store, inside [`OBSERVATORY_DIR`].
pub const RECORDS_DIR: &str = "records";
/// The search index of the records, inside [`OBSERVATORY_DIR`].
pub const INDEX_DIR: &str = "index";
/// Most problems kept word for word in a report (the others are counted).
const PROBLEMS_KEPT: usize = 50;

/// Where the observatory's store and index are in a data directory.
pub fn records_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(OBSERVATORY_DIR).join(RECORDS_DIR)
}

/// Where the observatory's search index is in a data directory.
pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(OBSERVATORY_DIR).join(INDEX_DIR)
}

/// What an ingestion did.
#[derive(Debug, Default)]
pub struct IngestReport {
    /// HTTP responses read from the archives.
    pub responses: usize,
    /// Responses not read, by reason (French).
    pub skipped: BTreeMap<String, usize>,
    /// Records extracted, by kind, before duplicates were merged.
    pub extracted: BTreeMap<Kind, usize>,
    /// Job postings merged into another one (the same offer on several sites).
    pub merged: usize,
    /// Records added to the store, replaced in it, and unchanged.
    pub added: usize,
    /// See [`IngestReport::added`].
    pub replaced: usize,
    /// See [`IngestReport::added`].
    pub unchanged: usize,
    /// Records refused by the store or the index (French reasons).
    pub rejected: Vec<String>,
    /// Pages with extraction problems, and the first problems word for word.
    pub pages_with_problems: usize,
    /// See [`IngestReport::pages_with_problems`].
    pub problems: Vec<String>,
    /// Records in the store after the ingestion, by kind.
    pub stored: BTreeMap<Kind, usize>,
}

impl std::fmt::Display for IngestReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Réponses lues dans les archives : {}", self.responses)?;
        for (reason, count) in &self.skipped {
            writeln!(f, "  non lues ({count}) : {reason}")?;
        }
        let extracted: Vec<String> =
            self.extracted.iter().map(|(kind, count)| format!("{count} {}", kind_plural(*kind))).collect();
        writeln!(
            f,
            "Enregistrements extraits : {}",
            if extracted.is_empty() { "aucun".into() } else { extracted.join(", ") }
        )?;
        writeln!(f, "Offres fusionnées avec une autre (doublons entre sites) : {}", self.merged)?;
        writeln!(
            f,
            "Entrepôt : {} ajouté(s), {} remplacé(s), {} inchangé(s), {} refusé(s)",
            self.added,
            self.replaced,
            self.unchanged,
            self.rejected.len()
        )?;
        for rejected in &self.rejected {
            writeln!(f, "  refusé : {rejected}")?;
        }
        if self.pages_with_problems > 0 {
            writeln!(f, "Pages avec des problèmes d'extraction : {}", self.pages_with_problems)?;
            for problem in &self.problems {
                writeln!(f, "  - {problem}")?;
            }
        }
        let stored: Vec<String> =
            self.stored.iter().map(|(kind, count)| format!("{count} {}", kind_plural(*kind))).collect();
        write!(f, "Dans l'entrepôt : {}", if stored.is_empty() { "rien".into() } else { stored.join(", ") })
    }
}

/// French plural of a kind, for counts.
fn kind_plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Job => "offre(s) d'emploi",
        Kind::Funding => "financement(s)",
        Kind::Project => "projet(s)",
        Kind::Dataset => "jeu(x) de données",
    }
}

/// The reader a source declares for a URL: the adapter of the seed whose address (without its
/// query) the URL starts with.
fn adapter_for(sources: Option<&SourcesFile>, url: &str) -> Option<Adapter> {
    let sources = sources?;
    sources.sources.iter().flat_map(|source| &source.seeds).find_map(|seed| {
        let base = seed.url.split(['?', '#']).next().unwrap_or_default();
        (seed.adapter.is_some() && url.starts_with(base)).then_some(seed.adapter).flatten()
    })
}

/// Reads every response of the archives into records (see [`IngestReport`] for what is counted).
/// `progress` is called with the number of responses read so far.
pub fn extract_archives(
    warcs: &[PathBuf],
    sources: Option<&SourcesFile>,
    extractor: &extract::Extractor,
    report: &mut IngestReport,
    mut progress: impl FnMut(usize),
) -> anyhow::Result<Vec<Record>> {
    let mut records = Vec::new();
    for path in warcs {
        let reader = crawler::warc::WarcReader::open(path)
            .with_context(|| format!("ouverture de l'archive WARC {}", path.display()))?;
        for record in reader {
            let record = record.with_context(|| format!("lecture de l'archive WARC {}", path.display()))?;
            if record.warc_type() != "response" {
                continue;
            }
            report.responses += 1;
            progress(report.responses);
            let mut skip = |reason: &str| *report.skipped.entry(reason.to_owned()).or_default() += 1;
            if record.header("WARC-Truncated").is_some() {
                skip("réponse tronquée à la collecte (taille ou durée maximale atteinte)");
                continue;
            }
            let Some(url) = record.target_uri().map(str::to_owned) else {
                skip("enregistrement sans adresse (WARC-Target-URI absent)");
                continue;
            };
            let Some(http) = crawler::warc::parse_http_response(&record.block) else {
                skip("bloc qui n'est pas une réponse HTTP");
                continue;
            };
            if !(200..300).contains(&http.status) {
                skip("statut HTTP autre que 2xx (redirection, erreur)");
                continue;
            }
            let content_type = http.header("Content-Type");
            let decoded = crawler::charset::decode(content_type, http.body);
            let rules = sources.map_or(&[][..], |sources| crate::observatory_cmd::rules_for(sources, &url));
            let page = extract::Page {
                url: &url,
                content_type,
                body: &decoded.text,
                adapter: adapter_for(sources, &url),
                rules,
            };
            let extraction = extractor.extract(&page);
            if !extraction.problems.is_empty() {
                report.pages_with_problems += 1;
                for problem in extraction.problems {
                    if report.problems.len() < PROBLEMS_KEPT {
                        report.problems.push(format!("{url} : {problem}"));
                    }
                }
            }
            for record in &extraction.records {
                *report.extracted.entry(record.kind()).or_default() += 1;
            }
            records.extend(extraction.records);
        }
    }
    Ok(records)
}

/// Stores and indexes `records`: job postings are merged with each other and with the stored
/// ones (the same offer on several sites), ids that a merge absorbed leave the store and the
/// index, and every stored record is (re)indexed.
pub fn store_and_index(
    records: Vec<Record>,
    store: &mut indicators::RecordStore,
    index: &search::observatory::RecordIndex,
    report: &mut IngestReport,
) -> anyhow::Result<()> {
    let mut jobs: Vec<records::JobPosting> = Vec::new();
    let mut others = Vec::new();
    for record in records {
        match record {
            Record::Job(job) => jobs.push(job),
            other => others.push(other),
        }
    }
    // Stored postings first, then the new ones; a new copy of a stored id replaces it.
    let stored_jobs = store.read_kind(Kind::Job).context("lecture des offres de l'entrepôt")?;
    let before: HashSet<String> = stored_jobs.iter().map(|record| record.id().to_owned()).collect();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut all: Vec<records::JobPosting> = Vec::new();
    for job in stored_jobs.into_iter().filter_map(|record| match record {
        Record::Job(job) => Some(job),
        _ => None,
    }) {
        by_id.insert(job.id.clone(), all.len());
        all.push(job);
    }
    for job in jobs {
        match by_id.get(&job.id) {
            Some(&position) => all[position] = job,
            None => {
                by_id.insert(job.id.clone(), all.len());
                all.push(job);
            }
        }
    }
    let count = all.len();
    let merged = extract::dedup::merge(all);
    report.merged = count - merged.len();
    let kept: HashSet<&str> = merged.iter().map(|job| job.id.as_str()).collect();
    let absorbed: Vec<String> = before.iter().filter(|id| !kept.contains(id.as_str())).cloned().collect();
    let mut to_write: Vec<Record> = merged.into_iter().map(Record::Job).collect();
    to_write.extend(others);
    let written = store.write(&to_write).context("écriture de l'entrepôt Parquet")?;
    if !absorbed.is_empty() {
        store.remove(Kind::Job, &absorbed).context("retrait des offres fusionnées de l'entrepôt")?;
        index.remove(&absorbed).context("retrait des offres fusionnées de l'index")?;
    }
    report.added = written.added;
    report.replaced = written.replaced;
    report.unchanged = written.unchanged;
    report.rejected.extend(written.rejected.iter().map(ToString::to_string));
    let refused: HashSet<(Kind, String)> =
        written.rejected.iter().map(|rejected| (rejected.kind, rejected.id.clone())).collect();
    to_write.retain(|record| !refused.contains(&(record.kind(), record.id().to_owned())));
    let rejected = index.add(&to_write).context("indexation des enregistrements")?;
    report.rejected.extend(
        rejected
            .iter()
            .map(|rejected| format!("index : « {} » refusé : {}", rejected.id, rejected.problems.join(" ; "))),
    );
    report.stored = store.count_by_kind();
    Ok(())
}

/// Opens the store and the index of a data directory; an index that is missing, damaged or
/// behind the store (it is empty while the store is not) is rebuilt from the store, which is the
/// source of truth.
pub fn open(data_dir: &Path) -> anyhow::Result<(indicators::RecordStore, search::observatory::RecordIndex)> {
    let store = indicators::RecordStore::open(&records_dir(data_dir)).context("ouverture de l'entrepôt Parquet")?;
    let (index, _) =
        search::observatory::RecordIndex::open_or_create(&index_dir(data_dir), search::IfUnreadable::Recreate)
            .context("ouverture de l'index de l'observatoire")?;
    if index.is_empty() && !store.is_empty() {
        let records = store.read_all().context("lecture de l'entrepôt Parquet")?;
        index.clear().context("remise à zéro de l'index de l'observatoire")?;
        index.add(&records).context("reconstruction de l'index de l'observatoire")?;
        tracing::info!(enregistrements = records.len(), "index de l'observatoire reconstruit depuis l'entrepôt");
    }
    Ok((store, index))
}

/// The demo web's sources (CSS rules and API readers of its fictional sites).
pub const DEMO_SOURCES: &str = include_str!("../../../observatory/sources/demo.toml");
/// Marker written once the demo web has been ingested, so that later starts do nothing.
const DEMO_MARKER: &str = "demo-chargee";
/// Marker written before the demo web is ingested: a start that finds it (the previous one was
/// stopped midway) ingests again, which completes the store (writes are upserts).
const DEMO_STARTED: &str = "demo-en-cours";
/// The demo web's archive, inside [`OBSERVATORY_DIR`].
const DEMO_WARC: &str = "archives/demo-web.warc";

/// Writes the demo web (seed [`demoweb::DEFAULT_SEED`]) as a WARC archive, as a crawl of it
/// would: a `warcinfo` record, then one `response` record per page, dated on the corpus's
/// « today ». Returns the number of pages.
pub fn write_demo_archive(path: &Path) -> anyhow::Result<usize> {
    let web = demoweb::generate(demoweb::DEFAULT_SEED);
    let date = chrono::NaiveDate::parse_from_str(demoweb::TODAY, "%Y-%m-%d")
        .context("date du corpus de démonstration")?
        .and_hms_opt(12, 0, 0)
        .context("date du corpus de démonstration")?
        .and_utc();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("création du dossier {}", parent.display()))?;
    }
    let temporary = path.with_extension("warc.partiel");
    let mut writer = crawler::warc::WarcWriter::create(&temporary, crawler::USER_AGENT)
        .with_context(|| format!("création de l'archive {}", temporary.display()))?;
    let mut batch = Vec::new();
    let mut pages = 0;
    for page in web.pages() {
        let mut block = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
            page.content_type,
            page.body.len()
        )
        .into_bytes();
        let payload_offset = block.len();
        block.extend_from_slice(&page.body);
        batch.push(crawler::warc::NewRecord {
            warc_type: "response".to_owned(),
            target_uri: Some(page.url),
            date,
            content_type: "application/http; msgtype=response".to_owned(),
            extra_headers: Vec::new(),
            block,
            payload_offset: Some(payload_offset),
        });
        pages += 1;
        if batch.len() == 500 {
            writer.append_unsynced(&batch).context("écriture de l'archive de démonstration")?;
            batch.clear();
        }
    }
    writer.append_unsynced(&batch).context("écriture de l'archive de démonstration")?;
    writer.sync().context("écriture de l'archive de démonstration")?;
    std::fs::rename(&temporary, path).with_context(|| format!("mise en place de l'archive {}", path.display()))?;
    Ok(pages)
}

/// On a data directory whose observatory never received anything, archives the demo web and
/// ingests it (the dashboard then has data out of the box); does nothing afterwards, or when the
/// store holds records of its own. An ingestion stopped midway is done again at the next call.
/// Returns the report when it ingested.
pub fn load_demo(data_dir: &Path, referentiel: &skills::Referentiel) -> anyhow::Result<Option<IngestReport>> {
    if data_dir.join(OBSERVATORY_DIR).join(DEMO_MARKER).exists() {
        return Ok(None);
    }
    let (mut store, index) = open(data_dir)?;
    load_demo_into(data_dir, referentiel, &mut store, &index)
}

/// As [`load_demo`], with the store and the index opened already (`socle serve` shares its
/// index with the dashboard).
pub fn load_demo_into(
    data_dir: &Path,
    referentiel: &skills::Referentiel,
    store: &mut indicators::RecordStore,
    index: &search::observatory::RecordIndex,
) -> anyhow::Result<Option<IngestReport>> {
    let marker = data_dir.join(OBSERVATORY_DIR).join(DEMO_MARKER);
    let started = data_dir.join(OBSERVATORY_DIR).join(DEMO_STARTED);
    if marker.exists() {
        return Ok(None);
    }
    if !store.is_empty() && !started.exists() {
        return Ok(None);
    }
    std::fs::write(&started, "ingestion du web de démonstration commencée\n")
        .with_context(|| format!("écriture de {}", started.display()))?;
    let archive = data_dir.join(OBSERVATORY_DIR).join(DEMO_WARC);
    let pages = write_demo_archive(&archive)?;
    tracing::info!(pages, archive = %archive.display(), "web de démonstration de l'observatoire archivé");
    let sources = records::source::parse(DEMO_SOURCES).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("sources de démonstration invalides : {}", list.join(" ; "))
    })?;
    let extractor = extract::Extractor::new(referentiel);
    let mut report = IngestReport::default();
    let records = extract_archives(&[archive], Some(&sources), &extractor, &mut report, |done| {
        if done % 1000 == 0 {
            tracing::info!(reponses = done, "ingestion du web de démonstration");
        }
    })?;
    store_and_index(records, store, index, &mut report)?;
    std::fs::write(&marker, "web de démonstration ingéré\n")
        .with_context(|| format!("écriture de {}", marker.display()))?;
    std::fs::remove_file(&started).with_context(|| format!("suppression de {}", started.display()))?;
    Ok(Some(report))
}
