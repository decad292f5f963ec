//! `socle robots` runs every case of crates/crawler/tests/data/robots-google.toml (Google's
//! robots.txt test suite as data, and RFC 9309's status rules) through the built binary, and
//! refuses unreadable files and invalid URLs with exit code 2 and a French message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crawler/tests/data/robots-google.toml");

/// A fresh folder for this test's files.
fn scratch(name: &str) -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("robots-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("création du dossier temporaire");
    folder
}

fn socle_robots(robots: &Path, status: Option<i64>, agent: &str, url: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_socle"));
    command.arg("robots").arg("--robots").arg(robots).arg("--agent").arg(agent);
    if let Some(status) = status {
        command.arg("--status").arg(status.to_string());
    }
    // `--` so that a URL starting with "-" could never be read as an option.
    command.arg("--").arg(url).output().expect("lancement de socle")
}

/// Expands `{{c*N}}` into the character `c` repeated `N` times (the data file's notation for
/// Google's 16 KiB lines).
fn expand(text: &str) -> String {
    let mut output = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        output.push_str(&rest[..start]);
        let end = rest[start..].find("}}").map(|end| start + end).expect("« {{ » sans « }} »");
        let (character, count) = rest[start + 2..end].split_once('*').expect("attendu {{c*N}}");
        output.push_str(&character.repeat(count.parse().expect("N entier dans {{c*N}}")));
        rest = &rest[end + 2..];
    }
    output.push_str(rest);
    output
}

fn text<'a>(table: &'a toml::Table, key: &str) -> &'a str {
    table.get(key).and_then(toml::Value::as_str).unwrap_or_else(|| panic!("champ texte « {key} » manquant"))
}

#[test]
fn every_case_passes_through_socle_robots() {
    let source = std::fs::read_to_string(DATA).expect("lecture de robots-google.toml");
    let data: toml::Table = source.parse().expect("robots-google.toml invalide");
    let cases = data.get("case").and_then(toml::Value::as_array).expect("aucun [[case]]");
    let folder = scratch("cases");
    let mut failures = Vec::new();
    let mut n_checks = 0;
    for (case_idx, case) in cases.iter().enumerate() {
        let case = case.as_table().expect("[[case]] est une table");
        let test = text(case, "test");
        let mut body: Vec<u8> = case
            .get("prefix")
            .and_then(toml::Value::as_array)
            .map(|bytes| {
                bytes.iter().map(|byte| byte.as_integer().and_then(|b| u8::try_from(b).ok()).expect("octet")).collect()
            })
            .unwrap_or_default();
        body.extend_from_slice(expand(text(case, "robots")).as_bytes());
        let path = folder.join(format!("robots-{case_idx}.txt"));
        std::fs::write(&path, &body).expect("écriture du robots.txt");
        let status = case.get("status").and_then(toml::Value::as_integer);
        for check in case.get("checks").and_then(toml::Value::as_array).expect("checks manquant") {
            n_checks += 1;
            let check = check.as_table().expect("check est une table");
            let agent = text(check, "agent");
            let url = expand(text(check, "url"));
            let allowed = check.get("allowed").and_then(toml::Value::as_bool).expect("allowed manquant");
            let output = socle_robots(&path, status, agent, &url);
            let (expected_text, expected_code) = if allowed { ("autorisé\n", 0) } else { ("interdit\n", 1) };
            if output.stdout != expected_text.as_bytes() || output.status.code() != Some(expected_code) {
                let shown_url: String = url.chars().take(80).collect();
                failures.push(format!(
                    "{test}: agent {agent:?}, URL {shown_url:?}: sortie {:?}, code {:?}, erreur {:?} ; attendu {expected_text:?}, code {expected_code}",
                    String::from_utf8_lossy(&output.stdout),
                    output.status.code(),
                    String::from_utf8_lossy(&output.stderr),
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} vérification(s) sur {n_checks} en échec :\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n_checks >= 192, "seulement {n_checks} vérifications dans robots-google.toml");
}

#[test]
fn an_unreadable_file_is_refused_with_exit_code_2() {
    let folder = scratch("unreadable");
    for (path, reason) in [(folder.join("absent.txt"), "fichier introuvable"), (folder.clone(), "dossier")] {
        let output = socle_robots(&path, None, "socle-observatoire/0.1", "https://exemple.fr/");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(output.stdout.is_empty());
        assert!(stderr.contains("impossible de lire le robots.txt") && stderr.contains(reason), "{stderr}");
    }
}

#[test]
fn an_invalid_url_is_refused_with_exit_code_2() {
    let folder = scratch("invalid-url");
    let path = folder.join("robots.txt");
    std::fs::write(&path, "User-agent: *\nDisallow: /\n").expect("écriture du robots.txt");
    for (url, reason) in [
        ("ftp://exemple.fr/fichier", "le schéma « ftp » n'est pas pris en charge"),
        ("https:///chemin", "le nom d'hôte manque"),
        ("https://exemple.fr/a b", "caractère interdit"),
        ("/ligne\nsuivante", "caractère interdit"),
    ] {
        let output = socle_robots(&path, None, "socle-observatoire/0.1", url);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{url:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{url:?}");
        assert!(stderr.contains("invalide") && stderr.contains(reason), "{url:?}: {stderr}");
    }
}

#[test]
fn an_invalid_status_is_refused_with_exit_code_2() {
    let folder = scratch("invalid-status");
    let path = folder.join("robots.txt");
    std::fs::write(&path, "User-agent: *\nDisallow: /\n").expect("écriture du robots.txt");
    for status in [99, 600] {
        let output = socle_robots(&path, Some(status), "bot", "/");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("entre 100 et 599"), "{stderr}");
    }
}

#[test]
fn a_huge_file_is_read_only_up_to_the_cap() {
    // 600 KiB of comments, then a Disallow the crawler must not see: the command agrees.
    let folder = scratch("huge");
    let path = folder.join("robots.txt");
    let mut body = b"User-agent: *\nDisallow: /early\n".to_vec();
    while body.len() < 600 * 1024 {
        body.extend_from_slice(b"# commentaire de remplissage\n");
    }
    body.extend_from_slice(b"Disallow: /late\n");
    std::fs::write(&path, &body).expect("écriture du robots.txt");
    assert_eq!(socle_robots(&path, None, "bot", "https://exemple.fr/late").status.code(), Some(0));
    assert_eq!(socle_robots(&path, None, "bot", "https://exemple.fr/early").status.code(), Some(1));
}
