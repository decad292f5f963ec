//! `cargo xtask bench observatory`: the observatory's store, index, search and indicators on N
//! synthetic postings, against SQLite FTS5 (the engine behind Datasette) for search and pandas
//! for the indicators, in one run.
//!
//! Steps, all on the same postings (`socle observatory synth`, seed 2026): ingest into the
//! Parquet store and the tantivy index (each timed by socle itself); a fixed mix of queries, each
//! asking for the page of 20 hits and every facet with the month histogram, run in process by
//! the release example `bench_observatory` against the index, then against an SQLite FTS5
//! database the example builds from the same Parquet files; the indicator catalogue computed
//! with polars (`indicators::Engine`) and the job-posting indicators computed with pandas
//! (`xtask/bench/indicateurs_pandas.py`, pyarrow reading the same files). With
//! `--indicateurs N` the indicators run on a store of their own of N postings (written without
//! index), so that one run measures search on a million postings and the indicators on ten.

use std::path::Path;
use std::process::{Command, Output};

use crate::Paths;
use crate::bench::timed_output;

/// Postings generated when `--postings` is not given.
const DEFAULT_POSTINGS: usize = 1_000_000;
/// Queries of the mix when `--requetes` is not given.
const DEFAULT_QUERIES: usize = 240;
/// Aims of the issue: search median and 95th percentile (ms), speed-up over FTS5, and the
/// indicators over 10 million postings (s).
const AIM_MEDIAN_MS: f64 = 10.0;
const AIM_P95_MS: f64 = 50.0;
const AIM_SPEEDUP: f64 = 10.0;
const AIM_INDICATORS_S: f64 = 60.0;

const OPTIONS_HELP: &str = "options : --postings N (offres synthétiques, 1000000 par défaut), --requetes N \
     (requêtes du mélange, 240 par défaut, 200 au moins), --indicateurs N (offres sur lesquelles calculer les \
     indicateurs, autant que --postings par défaut ; 10000000 pour l'objectif des indicateurs)";

/// Options of `bench observatory`.
#[derive(Debug, PartialEq)]
struct Options {
    postings: usize,
    queries: usize,
    /// Postings of the indicators' step (their own store, without index, when they differ).
    indicator_postings: usize,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { postings: DEFAULT_POSTINGS, queries: DEFAULT_QUERIES, indicator_postings: 0 };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut number = |name: &str, least: usize| -> Result<usize, String> {
            iter.next()
                .and_then(|text| text.replace('_', "").parse::<usize>().ok())
                .filter(|n| *n >= least)
                .ok_or_else(|| format!("{name} attend un entier au moins égal à {least}"))
        };
        match arg.as_str() {
            "--postings" => options.postings = number("--postings", 1)?,
            "--requetes" => options.queries = number("--requetes", 200)?,
            "--indicateurs" => options.indicator_postings = number("--indicateurs", 1)?,
            "-h" | "--help" => return Err(format!("aide demandée ; {OPTIONS_HELP}")),
            other => return Err(format!("option inconnue « {other} » ; {OPTIONS_HELP}")),
        }
    }
    if options.indicator_postings == 0 {
        options.indicator_postings = options.postings;
    }
    Ok(options)
}

/// The JSON document a step printed on its last line.
fn json(title: &str, output: &Output) -> Result<serde_json::Value, String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().rev().find(|line| line.starts_with('{')).unwrap_or_default();
    serde_json::from_str(line).map_err(|err| format!("{title} : sortie JSON illisible ({err}) : {stdout}"))
}

/// `(seconds, per second)` of a line `  PREFIX 12.34 s (56789 offres/s)` of synth's summary.
fn synth_figure(stdout: &str, prefix: &str) -> Option<(f64, f64)> {
    let rest = stdout.lines().find_map(|line| line.trim_start().strip_prefix(prefix))?;
    let seconds = rest.split_whitespace().next()?.parse().ok()?;
    let rate = rest.split('(').nth(1)?.split_whitespace().next()?.parse().ok()?;
    Some((seconds, rate))
}

fn number(value: &serde_json::Value, key: &str) -> f64 {
    value.get(key).and_then(serde_json::Value::as_f64).unwrap_or(f64::NAN)
}

/// Per-query totals of a search pass.
fn totals(pass: &serde_json::Value) -> Vec<(String, String, u64)> {
    pass.get("requetes")
        .and_then(serde_json::Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    let text = |key: &str| row.get(key).and_then(serde_json::Value::as_str).unwrap_or("").to_owned();
                    (text("categorie"), text("mots"), row.get("total").and_then(serde_json::Value::as_u64).unwrap_or(0))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// French number with a thin space between thousands (`1 000 000`).
fn grouped(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(digit);
    }
    out
}

fn verdict(ok: bool) -> &'static str {
    if ok { "atteint" } else { "NON atteint" }
}

/// Runs the observatory benchmark.
pub fn observatory(paths: &Paths, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    crate::setup::python_venv(paths)?;
    crate::run(
        paths,
        "compilation de socle et de l'exemple bench_observatory (release)",
        "cargo",
        &["build", "--release", "--locked", "-p", "socle", "--bin", "socle", "--example", "bench_observatory"],
        &[],
    )?;
    let work = std::env::temp_dir().join(format!("socle-bench-observatoire-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|err| format!("création de {} : {err}", work.display()))?;
    let result = run_bench(paths, &work, &options);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run_bench(paths: &Paths, work: &Path, options: &Options) -> Result<(), String> {
    let socle = paths.target().join("release/socle");
    let example = paths.target().join("release/examples/bench_observatory");
    let data = work.join("donnees");
    let records = data.join("observatoire/records");
    let n = options.postings.to_string();
    let queries = options.queries.to_string();
    println!(
        "\n==> banc d'essai de l'observatoire : {} offres synthétiques, {} requêtes",
        grouped(options.postings),
        options.queries
    );

    // Ingest: the store and the index, timed separately by socle.
    let (synth_seconds, output) = timed_output(
        "socle observatory synth (entrepôt Parquet et index)",
        Command::new(&socle).args(["observatory", "synth", "--postings", &n, "--donnees"]).arg(&data),
    )?;
    let synth_stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    for line in synth_stdout.lines() {
        println!("      {line}");
    }
    let store = synth_figure(&synth_stdout, "entrepôt Parquet :").ok_or("résumé de synth sans ligne « entrepôt »")?;
    let index = synth_figure(&synth_stdout, "index :").ok_or("résumé de synth sans ligne « index »")?;

    // Search: socle's index, then SQLite FTS5 over the same postings.
    let (_, output) = timed_output(
        "recherche dans l'index de socle (en processus)",
        Command::new(&example).arg("recherche").arg(&data).arg(&queries),
    )?;
    let socle_pass = json("recherche socle", &output)?;
    let database = work.join("fts5.sqlite");
    let (_, output) = timed_output(
        "construction de la base SQLite FTS5 depuis l'entrepôt Parquet",
        Command::new(&example).arg("fts5-construire").arg(&data).arg(&database),
    )?;
    let fts5_build = json("construction FTS5", &output)?;
    let (_, output) = timed_output(
        "recherche SQLite FTS5 (en processus)",
        Command::new(&example).arg("fts5").arg(&database).arg(&queries),
    )?;
    let fts5_pass = json("recherche FTS5", &output)?;
    let _ = std::fs::remove_file(&database);

    let (socle_totals, fts5_totals) = (totals(&socle_pass), totals(&fts5_pass));
    let differing: Vec<_> = socle_totals
        .iter()
        .zip(&fts5_totals)
        .filter(|((_, _, socle), (_, _, fts5))| socle != fts5)
        .map(|((category, words, socle), (_, _, fts5))| (category, words, socle, fts5))
        .collect();
    if differing.is_empty() {
        println!("    mêmes totaux pour les {} requêtes dans les deux moteurs", socle_totals.len());
    } else {
        println!(
            "    totaux différents pour {} requête(s) sur {} (socle analyse le français : racinisation Snowball et \
             mots vides, « données » trouve aussi « donnée » ; FTS5 unicode61 ne compare que des mots entiers sans \
             accents) ; par exemple :",
            differing.len(),
            socle_totals.len()
        );
        let mut seen = std::collections::BTreeSet::new();
        for (category, words, socle, fts5) in differing {
            if seen.insert(words.clone()) && seen.len() <= 8 {
                println!("      « {words} » ({category}) : socle {socle}, FTS5 {fts5}");
            }
        }
    }

    // Indicators: polars through the engine, then pandas; on a store of their own (without
    // index) when they are measured on another number of postings.
    let (data, records) = if options.indicator_postings == options.postings {
        (data, records)
    } else {
        let data = work.join("donnees-indicateurs");
        let (seconds, _) = timed_output(
            &format!(
                "socle observatory synth --sans-index ({} offres pour les indicateurs)",
                grouped(options.indicator_postings)
            ),
            Command::new(&socle)
                .args(["observatory", "synth", "--sans-index", "--postings", &options.indicator_postings.to_string()])
                .arg("--donnees")
                .arg(&data),
        )?;
        println!("      entrepôt des indicateurs écrit en {seconds:.1} s");
        let records = data.join("observatoire/records");
        (data, records)
    };
    let (_, output) = timed_output(
        "indicateurs avec polars (indicators::Engine, tout le catalogue)",
        Command::new(&example).arg("indicateurs").arg(&data),
    )?;
    let polars = json("indicateurs polars", &output)?;
    if let Some(errors) =
        polars.get("erreurs").and_then(serde_json::Value::as_array).filter(|errors| !errors.is_empty())
    {
        for error in errors {
            println!("      erreur d'indicateur : {}", error.as_str().unwrap_or_default());
        }
    }
    let (_, output) = timed_output(
        "indicateurs des offres avec pandas (pyarrow)",
        Command::new(paths.venv().join("bin/python"))
            .arg(paths.root.join("xtask/bench/indicateurs_pandas.py"))
            .arg(&records),
    )?;
    let pandas = json("indicateurs pandas", &output)?;

    let ms = |pass: &serde_json::Value, key: &str| number(pass, key) / 1000.0;
    let (socle_median, socle_p95) = (ms(&socle_pass, "mediane_micros"), ms(&socle_pass, "p95_micros"));
    let (fts5_median, fts5_p95) = (ms(&fts5_pass, "mediane_micros"), ms(&fts5_pass, "p95_micros"));
    let speedup_median = fts5_median / socle_median;
    let speedup_p95 = fts5_p95 / socle_p95;
    let polars_subset = number(&polars, "sous_ensemble_secondes");
    let polars_all = number(&polars, "secondes");
    let pandas_all = number(&pandas, "secondes");

    println!("\nRésultats ({} offres synthétiques, {} requêtes) :", grouped(options.postings), options.queries);
    if options.indicator_postings != options.postings {
        println!("  (indicateurs calculés sur {} offres synthétiques)", grouped(options.indicator_postings));
    }
    println!("  {:<58} {:>16}   objectif", "mesure", "valeur");
    let line = |name: &str, value: String, aim: String| println!("  {name:<58} {value:>16}   {aim}");
    line("génération + entrepôt + index (socle observatory synth)", format!("{synth_seconds:.1} s"), String::new());
    line("entrepôt Parquet : débit", format!("{:.0} offres/s", store.1), format!("({:.1} s)", store.0));
    line("index tantivy : débit", format!("{:.0} offres/s", index.1), format!("({:.1} s)", index.0));
    line(
        "SQLite FTS5 : construction depuis le Parquet",
        format!("{:.1} s", number(&fts5_build, "secondes")),
        format!("({:.0} offres/s)", options.postings as f64 / number(&fts5_build, "secondes")),
    );
    line(
        "recherche socle : médiane",
        format!("{socle_median:.2} ms"),
        format!("≤ {AIM_MEDIAN_MS} ms : {}", verdict(socle_median <= AIM_MEDIAN_MS)),
    );
    line(
        "recherche socle : 95e centile",
        format!("{socle_p95:.2} ms"),
        format!("≤ {AIM_P95_MS} ms : {}", verdict(socle_p95 <= AIM_P95_MS)),
    );
    line("recherche SQLite FTS5 : médiane", format!("{fts5_median:.2} ms"), String::new());
    line("recherche SQLite FTS5 : 95e centile", format!("{fts5_p95:.2} ms"), String::new());
    line(
        "rapport FTS5 / socle (médiane)",
        format!("{speedup_median:.1}×"),
        format!("≥ {AIM_SPEEDUP}× : {}", verdict(speedup_median >= AIM_SPEEDUP)),
    );
    line("rapport FTS5 / socle (95e centile)", format!("{speedup_p95:.1}×"), String::new());
    line("indicateurs polars : tout le catalogue", format!("{polars_all:.2} s"), indicators_aim(options, polars_all));
    line("indicateurs polars : ceux que pandas refait", format!("{polars_subset:.2} s"), String::new());
    line(
        "indicateurs pandas (lecture pyarrow comprise)",
        format!("{pandas_all:.2} s"),
        format!("(lecture {:.2} s)", number(&pandas, "lecture_secondes")),
    );
    line("rapport pandas / polars (mêmes indicateurs)", format!("{:.1}×", pandas_all / polars_subset), String::new());
    Ok(())
}

/// The indicators' aim applies to 10 million postings; on fewer, the figure is only printed.
fn indicators_aim(options: &Options, seconds: f64) -> String {
    if options.indicator_postings >= 10_000_000 {
        format!("≤ {AIM_INDICATORS_S} s sur 10 M : {}", verdict(seconds <= AIM_INDICATORS_S))
    } else {
        format!("(objectif ≤ {AIM_INDICATORS_S} s sur 10 M offres : --indicateurs 10000000)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn options_have_defaults_and_reject_bad_values() {
        assert_eq!(parse(&[]).unwrap(), Options { postings: 1_000_000, queries: 240, indicator_postings: 1_000_000 });
        assert_eq!(
            parse(&strings(&["--postings", "10_000_000", "--requetes", "300"])).unwrap(),
            Options { postings: 10_000_000, queries: 300, indicator_postings: 10_000_000 }
        );
        assert_eq!(
            parse(&strings(&["--indicateurs", "10000000"])).unwrap(),
            Options { postings: 1_000_000, queries: 240, indicator_postings: 10_000_000 }
        );
        assert!(parse(&strings(&["--postings", "0"])).unwrap_err().contains("--postings"));
        assert!(parse(&strings(&["--postings", "beaucoup"])).is_err());
        assert!(parse(&strings(&["--requetes", "50"])).unwrap_err().contains("200"));
        assert!(parse(&strings(&["--vite"])).unwrap_err().contains("option inconnue"));
    }

    #[test]
    fn synth_summary_lines_are_read() {
        let stdout = "Offres synthétiques générées (graine 2026) : 2000, en 1.00 s au total\n  génération : 0.10 s (20000 offres/s)\n  entrepôt Parquet : 0.50 s (4000 offres/s)\n  index : 0.40 s (5000 offres/s)\n";
        assert_eq!(synth_figure(stdout, "entrepôt Parquet :"), Some((0.5, 4000.0)));
        assert_eq!(synth_figure(stdout, "index :"), Some((0.4, 5000.0)));
        assert_eq!(synth_figure(stdout, "absent :"), None);
        assert_eq!(grouped(1_000_000), "1\u{202f}000\u{202f}000");
        assert_eq!(grouped(999), "999");
    }
}
