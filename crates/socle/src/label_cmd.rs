//! `socle label …`: check a programme declaration against the label criteria, print the schema,
//! print the registry's public key, verify a signed label.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use registry::credential::{KeyStatus, Revocation, RevocationInfo, SigningKey, Verification};
use registry::{Date, Declaration, Format, Report, Status, Timestamp};
use serde_json::Value;

use crate::serve::database_path;
use crate::{EXIT_INVALID, ReferentielSource, io_message};

/// Exit code when the declaration cannot be read or is not valid.
const EXIT_UNREADABLE: u8 = 2;

/// Width of the text report.
const WIDTH: usize = 100;

/// Subcommands of `socle label`.
#[derive(clap::Subcommand)]
pub enum LabelCommand {
    /// Vérifie une déclaration de formation (TOML ou JSON) contre les critères C1 à C14 du label :
    /// statut, chiffres et ce qu'il faut changer pour chaque critère (code de sortie 0 dès que le
    /// fichier est lu, 2 s'il est illisible ou invalide).
    Check(CheckArgs),
    /// Écrit le schéma JSON (draft 2020-12) d'une déclaration de formation.
    Schema {
        #[command(flatten)]
        source: ReferentielSource,
    },
    /// Écrit la clé publique de signature du registre (JWK) ; la crée si le dossier de données
    /// n'en a pas encore.
    Key(DataDirArgs),
    /// Vérifie un label signé délivré par le registre (le jeton VC-JWT téléchargé) : structure,
    /// algorithme, clé, signature, émetteur, dates de validité, révocation (code de sortie 0 si
    /// le label est valide, 1 sinon, 2 si le fichier ne peut pas être lu).
    Verify(VerifyArgs),
}

/// The data folder, as for `socle serve`.
#[derive(clap::Args)]
pub struct DataDirArgs {
    /// Dossier des données de socle : la clé du registre est dans DOSSIER/cles/, la base dans
    /// DOSSIER/socle.sqlite.
    #[arg(long, default_value = "./data", value_name = "DOSSIER", env = "SOCLE_DATA_DIR")]
    data_dir: PathBuf,
}

/// Options of `socle label verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Le label signé : le jeton tel que le registre le délivre (trois segments base64url séparés
    /// par des points), éventuellement suivi d'un saut de ligne.
    #[arg(value_name = "FICHIER")]
    file: PathBuf,
    /// Jeu de clés publiques du registre émetteur (JWK Set, tel que servi par
    /// /.well-known/jwks.json), à croire en plus de la clé du dossier de données : pour vérifier
    /// un label délivré par un autre registre. Répétable.
    #[arg(long, value_name = "FICHIER")]
    jwks: Vec<PathBuf>,
    #[command(flatten)]
    data: DataDirArgs,
}

/// Options of `socle label check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Déclaration de la formation (.toml ou .json).
    #[arg(value_name = "FICHIER")]
    file: PathBuf,
    /// Format du rapport : text (lisible dans un terminal, par défaut) ou json.
    #[arg(long, value_name = "FORMAT", default_value = "text", hide_default_value = true, value_parser = parse_output)]
    format: Output,
    /// Date de référence au format AAAA-MM-JJ (dates futures, ancienneté de la mise à jour, fin
    /// d'enregistrement) ; par défaut, aujourd'hui.
    #[arg(long, value_name = "AAAA-MM-JJ", value_parser = parse_date)]
    date: Option<Date>,
    #[command(flatten)]
    source: ReferentielSource,
}

/// Report formats.
#[derive(Clone, Copy)]
enum Output {
    Text,
    Json,
}

fn parse_output(name: &str) -> Result<Output, String> {
    match name {
        "text" => Ok(Output::Text),
        "json" => Ok(Output::Json),
        _ => Err(format!("format inconnu « {name} » ; formats acceptés : text, json")),
    }
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("date « {text} » invalide ; attendu : une date existante AAAA-MM-JJ"))
}

/// Runs one `socle label` subcommand.
pub fn run(command: &LabelCommand) -> anyhow::Result<ExitCode> {
    match command {
        LabelCommand::Check(args) => check(args),
        LabelCommand::Schema { source } => {
            let referentiel = match load_referentiel(source)? {
                Ok(referentiel) => referentiel,
                Err(code) => return Ok(code),
            };
            let schema = registry::schema::schema(&referentiel);
            print(&format!("{}\n", serde_json::to_string_pretty(&schema).context("sérialisation du schéma")?))?;
            Ok(ExitCode::SUCCESS)
        }
        LabelCommand::Key(args) => key(args),
        LabelCommand::Verify(args) => verify(args),
    }
}

/// Loads the référentiel; its problems are printed and turned into exit code 1.
fn load_referentiel(source: &ReferentielSource) -> anyhow::Result<Result<skills::Referentiel, ExitCode>> {
    match source.load() {
        Ok(referentiel) => Ok(Ok(referentiel)),
        Err(skills::LoadError::Invalid(problems)) => {
            eprintln!("Le référentiel n'est pas valide : {} problème(s).", problems.len());
            for problem in &problems {
                eprintln!("  - {problem}");
            }
            Ok(Err(ExitCode::from(EXIT_INVALID)))
        }
        Err(err) => Err(err).context("lecture du référentiel"),
    }
}

fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let referentiel = match load_referentiel(&args.source)? {
        Ok(referentiel) => referentiel,
        Err(code) => return Ok(code),
    };
    let shown = args.file.display();
    let text = match std::fs::read(&args.file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                eprintln!("Impossible de lire {shown} : le fichier n'est pas du texte UTF-8.");
                return Ok(ExitCode::from(EXIT_UNREADABLE));
            }
        },
        Err(err) => {
            eprintln!("Impossible de lire {shown} : {}.", io_message(&err));
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    let today = args.date.unwrap_or_else(Date::today);
    let format = Format::guess(Some(&args.file), &text);
    let declaration = match Declaration::parse(&text, format, &referentiel, today) {
        Ok(declaration) => declaration,
        Err(invalid) => {
            eprintln!(
                "La déclaration {shown} n'est pas valide : {} problème(s). Rien n'a été vérifié ; corrigez-les puis relancez.",
                invalid.problems.len()
            );
            for problem in &invalid.problems {
                eprintln!("  - {problem}");
            }
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    let report = registry::evaluate(&declaration, &referentiel, today);
    let output = match args.format {
        Output::Json => format!("{}\n", serde_json::to_string_pretty(&report).context("sérialisation du rapport")?),
        Output::Text => text_report(&declaration, &report, &referentiel, today),
    };
    print(&output)?;
    Ok(ExitCode::SUCCESS)
}

/// `socle label key`: the public JWK on standard output, the rest on standard error.
fn key(args: &DataDirArgs) -> anyhow::Result<ExitCode> {
    let (key, status) = SigningKey::load_or_create(&args.data_dir)?;
    let path = SigningKey::path(&args.data_dir);
    if status == KeyStatus::Created {
        eprintln!(
            "Clé de signature du registre créée : {} (Ed25519, lisible par son seul propriétaire). Sauvegardez-la : \
             elle n'est jamais remplacée, et les labels délivrés ne se vérifient qu'avec elle.",
            path.display()
        );
    }
    eprintln!("Émetteur des labels signés : {}", key.public_key().did());
    let jwk = serde_json::to_string_pretty(&key.public_key().jwk()).context("sérialisation de la clé publique")?;
    print(&format!("{jwk}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// `socle label verify`: every check in French; exit 0 when valid, 1 when not, 2 when the file
/// cannot be read.
fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let shown = args.file.display();
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("Impossible de lire {shown} : {}.", io_message(&err));
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    // Bytes that are not UTF-8 are kept visible (as U+FFFD) so that the structure check refuses
    // them; only one final line break is tolerated, so that no other changed byte goes unseen.
    let text = String::from_utf8_lossy(&bytes);
    let jwt = text.strip_suffix('\n').map_or(&*text, |rest| rest.strip_suffix('\r').unwrap_or(rest));
    let data_dir = &args.data.data_dir;
    let mut trusted: Vec<_> = SigningKey::load(data_dir)?.map(|key| *key.public_key()).into_iter().collect();
    let local_keys = trusted.len();
    for path in &args.jwks {
        match read_jwks(path) {
            Ok(keys) => trusted.extend(keys),
            Err(message) => {
                eprintln!("{message}");
                return Ok(ExitCode::from(EXIT_UNREADABLE));
            }
        }
    }
    let revocations = RevocationLookup::open(data_dir)?;
    let verification =
        registry::credential::verify(jwt, &trusted, Timestamp::now(), &|id: &str| revocations.lookup(id));
    if let Some(err) = revocations.finish() {
        return Err(err).context("lecture des révocations dans la base du registre");
    }
    let mut out = format!("Label signé {shown}\n");
    if let Some(programme) = verification.credential.as_ref().and_then(programme_line) {
        out.push_str(&programme);
    }
    if local_keys == 0 && args.jwks.is_empty() {
        out.push_str(&wrap(
            &format!(
                "Aucune clé de registre dans {} (fichier {} absent) : ce dossier de données n'a jamais délivré de label.",
                data_dir.display(),
                SigningKey::path(data_dir).display()
            ),
            WIDTH,
            "",
        ));
    }
    out.push('\n');
    out.push_str(&checks_report(&verification));
    print(&out)?;
    Ok(if verification.valid { ExitCode::SUCCESS } else { ExitCode::from(EXIT_INVALID) })
}

/// The Ed25519 public keys of a JWK Set file; a French message naming the file and what is
/// accepted when it holds none.
fn read_jwks(path: &Path) -> Result<Vec<registry::credential::PublicKey>, String> {
    let shown = path.display();
    let bytes = std::fs::read(path)
        .map_err(|err| format!("Impossible de lire le jeu de clés {shown} : {}.", io_message(&err)))?;
    let document: Value = serde_json::from_slice(&bytes).map_err(|err| {
        format!("Le jeu de clés {shown} n'est pas du JSON valide ({err}) : un JWK Set {{\"keys\": [...]}} est attendu.")
    })?;
    let keys: Vec<_> = document
        .get("keys")
        .and_then(Value::as_array)
        .map(|keys| keys.iter().filter_map(registry::credential::PublicKey::from_jwk).collect())
        .unwrap_or_default();
    if keys.is_empty() {
        return Err(format!(
            "Le jeu de clés {shown} ne contient aucune clé publique Ed25519 : un JWK Set {{\"keys\": [...]}} avec des clés \"kty\": \"OKP\", \"crv\": \"Ed25519\" (sans partie privée) est attendu."
        ));
    }
    Ok(keys)
}

/// The programme a verified credential is about, for the report's heading.
fn programme_line(credential: &Value) -> Option<String> {
    let subject = credential.get("credentialSubject")?;
    let name = subject.get("identifier")?.as_array()?.iter().find(|entry| entry["identityType"] == "name")?;
    let name = name.get("identityHash")?.as_str()?;
    let mut line = wrap(&format!("Formation : {name}"), WIDTH, "");
    if let Some(url) = subject.get("id").and_then(Value::as_str) {
        line.push_str(&wrap(&format!("Page au registre : {url}"), WIDTH, ""));
    }
    Some(line)
}

/// One line (or more, wrapped) per check, then the result.
fn checks_report(verification: &Verification) -> String {
    let mut out = String::new();
    for check in &verification.checks {
        let unchecked = check.name == registry::credential::CheckName::Revocation && !verification.revocation_checked;
        let mark = match (check.ok, unchecked) {
            (false, _) => "ÉCHEC",
            (true, true) => "?",
            (true, false) => "ok",
        };
        let indent = " ".repeat(9);
        let lines = wrap(&format!("{} : {}", check.name.label(), check.message_fr), WIDTH, &indent);
        out.push_str(&format!("  {mark:<6} {}", &lines[indent.len()..]));
    }
    let failed: Vec<&str> =
        verification.checks.iter().filter(|check| !check.ok).map(|check| check.name.label()).collect();
    let result = if verification.valid && verification.revocation_checked {
        "Résultat : label valide.".to_owned()
    } else if verification.valid {
        "Résultat : label valide, révocation non vérifiée.".to_owned()
    } else {
        format!("Résultat : label NON VALIDE — contrôle en échec : {}.", failed.join(", "))
    };
    out.push('\n');
    out.push_str(&wrap(&result, WIDTH, ""));
    out
}

/// Revocations recorded in the data folder's database, when there is one.
struct RevocationLookup {
    /// The database and a runtime to query it; `None` without a database.
    store: Option<(tokio::runtime::Runtime, store::Store, PathBuf)>,
    /// Why there is no database, for the report.
    missing: String,
    /// The first failed query: the verification cannot be trusted then.
    error: RefCell<Option<store::Error>>,
}

impl RevocationLookup {
    fn open(data_dir: &Path) -> anyhow::Result<RevocationLookup> {
        let path = database_path(data_dir);
        let missing = format!(
            "aucune base de données du registre ({} absent) : la révocation n'a pas pu être consultée",
            path.display()
        );
        let error = RefCell::new(None);
        if !path.is_file() {
            return Ok(RevocationLookup { store: None, missing, error });
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("démarrage du moteur asynchrone")?;
        let store = runtime
            .block_on(store::Store::open(&path))
            .with_context(|| format!("ouverture de la base {}", path.display()))?;
        Ok(RevocationLookup { store: Some((runtime, store, path)), missing, error })
    }

    /// Closes the database; returns the first failed query, if any.
    fn finish(self) -> Option<store::Error> {
        if let Some((runtime, store, _)) = self.store {
            runtime.block_on(store.close());
        }
        self.error.into_inner()
    }

    fn lookup(&self, id: &str) -> Revocation {
        let Some((runtime, store, path)) = &self.store else {
            return Revocation::Unknown(self.missing.clone());
        };
        match runtime.block_on(store.credential(id)) {
            Ok(Some(credential)) => match (credential.revoked_at, credential.revocation_reason) {
                (Some(revoked_at), reason) => Revocation::Revoked(RevocationInfo {
                    revoked_at: Timestamp { unix_seconds: revoked_at },
                    reason: reason.unwrap_or_default(),
                }),
                (None, _) => Revocation::NotRevoked,
            },
            Ok(None) => Revocation::Unknown(format!(
                "ce label n'est pas enregistré dans la base {} : la révocation n'a pas pu être consultée",
                path.display()
            )),
            Err(err) => {
                self.error.borrow_mut().get_or_insert(err);
                Revocation::Unknown("lecture de la base impossible".to_owned())
            }
        }
    }
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes()).context("écriture sur la sortie standard")?;
    stdout.flush().context("écriture sur la sortie standard")
}

/// The report for a terminal: one block per criterion, the verdict last.
fn text_report(declaration: &Declaration, report: &Report, referentiel: &skills::Referentiel, today: Date) -> String {
    let programme = &declaration.programme;
    let mut out = String::new();
    out.push_str(&format!("{} — {} ({})\n", programme.id, programme.title, programme.provider));
    let level = programme.level.map_or(String::new(), |level| format!(", niveau {level}"));
    out.push_str(&format!(
        "{}{level} ; vérifiée le {today} avec le référentiel {}\n\n",
        programme.diploma.label(),
        referentiel.version
    ));
    let title_width = registry::CRITERIA.iter().map(|criterion| criterion.title.chars().count()).max().unwrap_or(0);
    for result in &report.criteria {
        let title = registry::criteria::criterion(result.id).map_or("", |criterion| criterion.title);
        let dots = ".".repeat(title_width + 2 - title.chars().count());
        out.push_str(&format!("{:<4} {title} {dots} {}\n", result.id, result.status.label()));
        out.push_str(&wrap(&result.message, WIDTH, "     "));
        if !result.figures.is_empty() {
            let figures: Vec<String> = result
                .figures
                .iter()
                .map(|(key, value)| {
                    let name = registry::criteria::figure_label(key).unwrap_or(key);
                    format!("{name} : {}", show(value))
                })
                .collect();
            out.push_str(&wrap(&format!("Chiffres — {}", figures.join(" ; ")), WIDTH, "     "));
        }
        out.push('\n');
    }
    let counts = [Status::Pass, Status::Declarative, Status::Fail, Status::NotApplicable].map(|status| {
        let count = report.count(status);
        let plural = if count > 1 && status != Status::NotApplicable { "s" } else { "" };
        format!("{count} {}{plural}", status.label())
    });
    out.push_str(&format!("Verdict : {} ({}).\n", report.verdict.label(), counts.join(", ")));
    out
}

/// A figure's value for the terminal.
fn show(value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "oui".to_owned(),
        Value::Bool(false) => "non".to_owned(),
        Value::Number(number) => number.as_f64().map_or_else(|| number.to_string(), |n| registry::fr::decimals(n, 4)),
        Value::String(text) => text.clone(),
        Value::Array(items) if items.is_empty() => "aucune".to_owned(),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        Value::Object(map) => {
            map.iter().map(|(key, value)| format!("{key} {}", show(value))).collect::<Vec<_>>().join(", ")
        }
    }
}

/// The words of a text, keeping together what French typography never breaks: « 36,1 % »,
/// « 12 000 000 », « 40 h », « : » and « ; » after their word, « « » before its word.
fn unbreakable_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let previous = words.last().map(String::as_str).unwrap_or_default();
        let previous_is_number = previous.chars().last().is_some_and(|last| last.is_ascii_digit());
        let bare = word.trim_end_matches([',', '.', ')', ';']);
        let glue = word.starts_with(['%', ':', ';', '»', '?', '!'])
            || previous == "«"
            || (previous_is_number && (bare == "h" || (bare.len() == 3 && bare.bytes().all(|b| b.is_ascii_digit()))));
        match words.last_mut() {
            Some(last) if glue => {
                last.push('\u{a0}');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
    }
    words
}

/// Wraps a text at `width` columns, each line starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    let indent_len = indent.chars().count();
    for word in unbreakable_words(text) {
        let word = word.replace('\u{a0}', " ");
        let line_len = line.chars().count();
        if line_len > indent_len && line_len + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.chars().count() > indent_len {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if line.chars().count() > indent_len {
        out.push_str(&line);
        out.push('\n');
    }
    out
}
