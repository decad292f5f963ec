//! `socle admin …`: creates and lists accounts in the data folder's database — the way to make
//! the first administrator before anyone can sign in.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use web::accounts::{CreateAccountError, NewAccount};

use crate::EXIT_INVALID;
use crate::serve::database_path;

/// Subcommands of `socle admin`.
#[derive(clap::Subcommand)]
pub enum AdminCommand {
    /// Crée un compte (et son organisme s'il n'existe pas) ; le mot de passe est demandé deux fois
    /// sans écho, ou lu sur l'entrée standard avec --password-stdin.
    CreateUser(CreateUserArgs),
    /// Liste les comptes : adresse, rôle, organisme, état.
    ListUsers(DataDirArgs),
}

/// Where the database is.
#[derive(clap::Args)]
pub struct DataDirArgs {
    /// Dossier des données de socle (la base est DOSSIER/socle.sqlite).
    #[arg(long, default_value = "./data", value_name = "DOSSIER", env = "SOCLE_DATA_DIR")]
    data_dir: PathBuf,
}

/// Options of `socle admin create-user`.
#[derive(clap::Args)]
pub struct CreateUserArgs {
    /// Rôle du compte : provider (organisme de formation), reviewer (évaluateur) ou admin.
    #[arg(long, value_name = "RÔLE", value_parser = ["provider", "reviewer", "admin"])]
    role: String,
    /// Adresse électronique, qui sert d'identifiant de connexion.
    #[arg(long, value_name = "ADRESSE")]
    email: String,
    /// Organisme pour lequel agit un compte provider (obligatoire pour ce rôle, interdit pour les
    /// autres) ; créé s'il n'existe pas encore.
    #[arg(long, value_name = "NOM")]
    organisation: Option<String>,
    /// Lit le mot de passe sur la première ligne de l'entrée standard (pour les scripts) au lieu
    /// de le demander au terminal.
    #[arg(long)]
    password_stdin: bool,
    #[command(flatten)]
    data: DataDirArgs,
}

/// Runs `socle admin …`.
pub fn run(command: &AdminCommand) -> anyhow::Result<ExitCode> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("démarrage du moteur asynchrone")?;
    match command {
        AdminCommand::CreateUser(args) => runtime.block_on(create_user(args)),
        AdminCommand::ListUsers(args) => runtime.block_on(list_users(args)),
    }
}

async fn open_store(data: &DataDirArgs) -> anyhow::Result<store::Store> {
    let path = database_path(&data.data_dir);
    store::Store::open(&path).await.with_context(|| format!("ouverture de la base {}", path.display()))
}

/// Reads the new password: the first line of standard input, or twice on the terminal.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("lecture du mot de passe sur l'entrée standard")?;
        let password = line.strip_suffix('\n').unwrap_or(&line);
        let password = password.strip_suffix('\r').unwrap_or(password).to_owned();
        return Ok(password);
    }
    let no_terminal = "aucun terminal pour saisir le mot de passe : lancez la commande dans un terminal, \
                       ou passez le mot de passe sur l'entrée standard avec --password-stdin";
    let password =
        rpassword::prompt_password(format!("Mot de passe (au moins {} caractères) : ", web::auth::MIN_PASSWORD_CHARS))
            .map_err(|_| anyhow::anyhow!(no_terminal))?;
    let confirmation = rpassword::prompt_password("Le même mot de passe, une seconde fois : ")
        .map_err(|_| anyhow::anyhow!(no_terminal))?;
    if password != confirmation {
        anyhow::bail!("{}", web::auth::PasswordProblem::Mismatch);
    }
    Ok(password)
}

fn print_problems(problems: &[String]) -> ExitCode {
    eprintln!("erreur : compte non créé, {} problème(s) :", problems.len());
    for problem in problems {
        eprintln!("  - {problem}");
    }
    ExitCode::from(EXIT_INVALID)
}

async fn create_user(args: &CreateUserArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(&args.data).await?;
    let new =
        NewAccount { email: args.email.clone(), role: args.role.clone(), organisation: args.organisation.clone() };
    // Problems of the account are reported before the password is asked for.
    let problems = web::accounts::problems_of(&store, &new).await.context("vérification du compte")?;
    if !problems.is_empty() {
        return Ok(print_problems(&problems.into_iter().map(|problem| problem.message).collect::<Vec<_>>()));
    }
    let password = match read_password(args.password_stdin) {
        Ok(password) => password,
        Err(error) => return Ok(print_problems(&[format!("{error:#}")])),
    };
    if let Err(problem) = web::auth::check_new_password(&password, &password) {
        return Ok(print_problems(&[problem.to_string()]));
    }
    let hash = web::auth::hash_password(&password).context("empreinte du mot de passe")?;
    let created = match web::accounts::create_account(&store, &new, &hash, store::unix_now()).await {
        Ok(created) => created,
        Err(CreateAccountError::Invalid(problems)) => {
            return Ok(print_problems(&problems.into_iter().map(|problem| problem.message).collect::<Vec<_>>()));
        }
        Err(CreateAccountError::Store(error)) => return Err(error).context("création du compte"),
    };
    let user = &created.user;
    println!("Compte créé : {} (n° {}), rôle {} ({}).", user.email, user.id, user.role.code(), user.role.label());
    if let Some((organisation, is_new)) = &created.organisation {
        let how = if *is_new { "créé avec le compte" } else { "existant" };
        println!("Organisme : « {} » (n° {}, {how}).", organisation.name, organisation.id);
    }
    println!("Base : {}", database_path(&args.data.data_dir).display());
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn list_users(args: &DataDirArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(args).await?;
    let users = store.users().await.context("lecture des comptes")?;
    let organisations = store.organisations().await.context("lecture des organismes")?;
    if users.is_empty() {
        println!("Aucun compte. Créez le premier avec : socle admin create-user --role admin --email ADRESSE");
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<[String; 4]> = users
        .iter()
        .map(|user| {
            let organisation = user
                .organisation_id
                .and_then(|id| organisations.iter().find(|organisation| organisation.id == id))
                .map_or_else(|| "—".to_owned(), |organisation| organisation.name.clone());
            let state = if user.disabled { "désactivé" } else { "actif" };
            [user.email.clone(), user.role.code().to_owned(), organisation, state.to_owned()]
        })
        .collect();
    let header = ["ADRESSE", "RÔLE", "ORGANISME", "ÉTAT"].map(str::to_owned);
    let mut widths = [0_usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.chars().count())))
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
    println!("{} compte(s).", users.len());
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
