//! `socle robots`: says whether a robots.txt lets a user agent fetch a URL, with the rules the
//! observatory's crawler applies (RFC 9309, `crawler::robots`).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::{io_message, read_capped};
use crawler::robots::{MAX_BYTES, Robots};

/// Exit code when the URL may be fetched.
const EXIT_ALLOWED: u8 = 0;
/// Exit code when the URL may not be fetched.
const EXIT_DISALLOWED: u8 = 1;
/// Exit code when the robots.txt cannot be read or the URL is not valid.
const EXIT_UNREADABLE: u8 = 2;

/// Options of `socle robots`.
#[derive(clap::Args)]
pub struct RobotsArgs {
    /// Le fichier robots.txt à appliquer, tel que le serveur l'a envoyé (octets quelconques ; seuls
    /// les 512 premiers Kio sont lus, comme le fait le collecteur).
    #[arg(long, value_name = "FICHIER")]
    robots: PathBuf,
    /// Statut HTTP de la réponse qui a fourni le fichier (RFC 9309) : 2xx, le fichier s'applique ;
    /// 4xx, tout est autorisé ; 5xx (et 429), tout est interdit. Par défaut, 200.
    #[arg(long, value_name = "N", default_value = "200", hide_default_value = true, value_parser = parse_status)]
    status: u16,
    /// Agent utilisateur du robot (par exemple socle-observatoire/0.1) : le groupe qui le nomme
    /// s'applique, sinon le groupe « * ».
    #[arg(long, value_name = "AGENT")]
    agent: String,
    /// L'URL à tester : absolue (`https://exemple.fr/chemin?requête`), déjà encodée en pourcent comme
    /// sur le réseau, ou un chemin (/chemin?requête).
    #[arg(value_name = "URL")]
    url: String,
}

/// Reads an HTTP status given on the command line.
fn parse_status(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(status) if (100..=599).contains(&status) => Ok(status),
        _ => Err(format!("statut « {text} » invalide ; attendu : un statut HTTP entre 100 et 599 (200 par défaut)")),
    }
}

/// Runs `socle robots`: prints `autorisé` (exit 0) or `interdit` (exit 1); exit 2 when the file
/// cannot be read or the URL is not valid.
pub fn run(args: &RobotsArgs) -> anyhow::Result<ExitCode> {
    if let Err(reason) = check_url(&args.url) {
        eprintln!(
            "erreur : URL « {} » invalide : {reason} ; attendu : une URL http:// ou https:// \
             (https://exemple.fr/chemin?requête) ou un chemin (/chemin?requête).",
            args.url.escape_debug()
        );
        return Ok(ExitCode::from(EXIT_UNREADABLE));
    }
    let body = match read_capped(&args.robots, MAX_BYTES) {
        Ok(body) => body,
        Err(err) => {
            eprintln!("erreur : impossible de lire le robots.txt {} : {}.", args.robots.display(), io_message(&err));
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    let robots = Robots::from_status(args.status, &body);
    if robots.is_allowed(&args.agent, &args.url) {
        println!("autorisé");
        Ok(ExitCode::from(EXIT_ALLOWED))
    } else {
        println!("interdit");
        Ok(ExitCode::from(EXIT_DISALLOWED))
    }
}

/// Refuses what cannot be a URL: control characters or spaces, a scheme other than http and https,
/// an absolute URL without host. Scheme-less forms (`exemple.fr/a`, `//hôte/a`, `/a`) are accepted
/// as the crawler's matcher reads them.
fn check_url(url: &str) -> Result<(), String> {
    if let Some(character) = url.chars().find(|character| character.is_control() || character.is_whitespace()) {
        return Err(format!("elle contient un caractère interdit ({})", character.escape_unicode()));
    }
    let delimiter = url.find(['/', '?', '#']).unwrap_or(url.len());
    if let Some(colon) = url[..delimiter].find(':')
        && url[colon..].starts_with("://")
    {
        let scheme = &url[..colon];
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(format!("le schéma « {scheme} » n'est pas pris en charge"));
        }
        let authority = url[colon + 3..].split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() {
            return Err("le nom d'hôte manque".to_owned());
        }
    }
    Ok(())
}
